//! The languages passdesk speaks. Every sentence a person reads (pages,
//! e-mails, text messages, voice calls, error messages) lives in the Fluent
//! catalogue under `web/locales/<lang>/`, compiled into the binary, so a
//! translation is a text file and never a code change. Code names a
//! sentence by its key (`Msg`), and the face that shows it picks the
//! language: the page from `?lang=`, the cookie or `Accept-Language`; a
//! message from the language of the request that caused it.
//!
//! This module does no I/O and knows nothing of HTTP, so every layer may
//! use it.

mod catalogue;
mod negotiate;

pub use negotiate::{from_accept_language, from_tag};

use fluent_bundle::FluentValue;

/// A language with a complete catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English, the fallback.
    #[default]
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Every language, in the order the picker shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The BCP 47 tag (`lang` attribute, cookie, `?lang=`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The language's name in itself, as a picker must show it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
        }
    }

    /// The sentence for `key` with no arguments.
    pub fn t(self, key: &str) -> String {
        catalogue::format(self, key, &[])
    }

    /// The sentence for `key` with its arguments.
    pub fn t_args(self, key: &str, args: &[(&str, Arg)]) -> String {
        catalogue::format(self, key, args)
    }

    /// A security question's text in this language: the catalogue's for a
    /// predefined question (`question-p01`…), the administrator's own
    /// words for a custom one.
    pub fn question(self, id: &str, text: &str) -> String {
        let key = format!("question-{id}");
        if catalogue::has(&key) { self.t(&key) } else { text.to_owned() }
    }

    /// A moment as people read it in this language ("Thursday 7 January
    /// 2027, 01:56 UTC"); Unix seconds out of range read as RFC 3339.
    pub fn date_time(self, at: i64) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(at) else {
            return at.to_string();
        };
        let weekday = match t.weekday() {
            time::Weekday::Monday => "weekday-1",
            time::Weekday::Tuesday => "weekday-2",
            time::Weekday::Wednesday => "weekday-3",
            time::Weekday::Thursday => "weekday-4",
            time::Weekday::Friday => "weekday-5",
            time::Weekday::Saturday => "weekday-6",
            time::Weekday::Sunday => "weekday-7",
        };
        let month = match t.month() {
            time::Month::January => "month-1",
            time::Month::February => "month-2",
            time::Month::March => "month-3",
            time::Month::April => "month-4",
            time::Month::May => "month-5",
            time::Month::June => "month-6",
            time::Month::July => "month-7",
            time::Month::August => "month-8",
            time::Month::September => "month-9",
            time::Month::October => "month-10",
            time::Month::November => "month-11",
            time::Month::December => "month-12",
        };
        self.t_args(
            "date-time",
            &[
                ("weekday", self.t(weekday).into()),
                ("day", Arg::Text(t.day().to_string())),
                ("month", self.t(month).into()),
                ("year", Arg::Text(t.year().to_string())),
                ("time", Arg::Text(format!("{:02}:{:02}", t.hour(), t.minute()))),
            ],
        )
    }

    /// A localisable sentence in this language.
    pub fn msg(self, msg: &Msg) -> String {
        catalogue::format(self, msg.key, &msg.args)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One argument of a sentence: text, or a number (numbers choose plural
/// forms, so they must stay numbers until the catalogue formats them).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, inserted as is.
    Text(String),
    /// A whole number.
    Number(i64),
    /// Another sentence, formatted in the same language first.
    Msg(Box<Msg>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&&str> for Arg {
    fn from(s: &&str) -> Self {
        Arg::Text((*s).to_owned())
    }
}

impl From<&&String> for Arg {
    fn from(s: &&String) -> Self {
        Arg::Text((*s).clone())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i64, i32, u8, u16, u32, u64, usize);

macro_rules! number_ref_arg {
    ($($t:ty),*) => {$(
        impl From<&$t> for Arg {
            fn from(n: &$t) -> Self {
                Arg::from(*n)
            }
        }
    )*};
}
number_ref_arg!(i64, i32, u8, u16, u32, u64, usize);

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

impl Arg {
    fn fluent(&self, lang: Lang) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(s.as_str()),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Msg(m) => FluentValue::from(lang.msg(m)),
        }
    }
}

/// A sentence named by its catalogue key, with its arguments, not yet in
/// any language. Flows and domain errors carry these, so the face that
/// shows them decides the language; `Display` gives the English text for
/// logs and the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    /// The Fluent message id.
    pub key: &'static str,
    /// Named arguments.
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    /// A sentence with no arguments.
    pub fn new(key: &'static str) -> Self {
        Self { key, args: Vec::new() }
    }

    /// A sentence only administrators read (CLI, admin API, import and
    /// sync reports): English by design until the admin pages are
    /// translated, and kept whole so no detail is lost.
    pub fn admin(detail: impl Into<String>) -> Self {
        Self::new("admin-detail").arg("detail", detail.into())
    }

    /// Adds a named argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Lang::En.msg(self))
    }
}

#[cfg(test)]
mod tests;

/// `Display` (in English, for logs and the API) and `std::error::Error`
/// for an error type whose sentence comes from its `msg()`, so the words
/// live in the catalogue only.
macro_rules! localised_error {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::i18n::Lang::En.msg(&self.msg()))
            }
        }

        impl std::error::Error for $t {}
    };
}
pub(crate) use localised_error;
