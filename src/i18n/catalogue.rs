//! The compiled-in Fluent catalogue: one bundle per language, built once.
//! A key missing at run time shows as the key itself and is logged, never
//! a panic; the tests make sure no key is missing in any language.

use super::{Arg, Lang};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::LazyLock;

/// The catalogue files of one language, in the order they are loaded.
pub(super) fn sources(lang: Lang) -> [(&'static str, &'static str); 5] {
    match lang {
        Lang::En => [
            ("en/pages.ftl", include_str!("../../web/locales/en/pages.ftl")),
            ("en/messages.ftl", include_str!("../../web/locales/en/messages.ftl")),
            ("en/errors.ftl", include_str!("../../web/locales/en/errors.ftl")),
            ("en/questions.ftl", include_str!("../../web/locales/en/questions.ftl")),
            ("en/register.ftl", include_str!("../../web/locales/en/register.ftl")),
        ],
        Lang::Nl => [
            ("nl/pages.ftl", include_str!("../../web/locales/nl/pages.ftl")),
            ("nl/messages.ftl", include_str!("../../web/locales/nl/messages.ftl")),
            ("nl/errors.ftl", include_str!("../../web/locales/nl/errors.ftl")),
            ("nl/questions.ftl", include_str!("../../web/locales/nl/questions.ftl")),
            ("nl/register.ftl", include_str!("../../web/locales/nl/register.ftl")),
        ],
    }
}

struct Catalogue {
    en: FluentBundle<FluentResource>,
    nl: FluentBundle<FluentResource>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue { en: bundle(Lang::En), nl: bundle(Lang::Nl) });

/// One language's bundle. A file that does not parse keeps the entries
/// that do (Fluent's own recovery) and logs the rest; the tests fail on it.
pub(super) fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Pages, e-mails and texts are not bidirectional; isolation marks
    // would only end up as stray characters in mail subjects and SMS.
    bundle.set_use_isolating(false);
    for (name, text) in sources(lang) {
        let resource = match FluentResource::try_new(text.to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::error!(file = name, ?errors, "catalogue file has syntax errors");
                r
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(file = name, ?errors, "catalogue file repeats keys");
        }
    }
    bundle
}

/// Whether the catalogue has `key` (in English, which has every key).
pub(super) fn has(key: &str) -> bool {
    CATALOGUE.en.has_message(key)
}

/// The sentence for `key` in `lang`, falling back to English, then to the
/// key itself.
pub(super) fn format(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let cat = &*CATALOGUE;
    let bundle = match lang {
        Lang::En => &cat.en,
        Lang::Nl => &cat.nl,
    };
    let (bundle, message) = match (bundle.get_message(key), cat.en.get_message(key)) {
        (Some(m), _) => (bundle, m),
        (None, Some(m)) => {
            tracing::warn!(key, lang = lang.code(), "catalogue key missing; English used");
            (&cat.en, m)
        }
        (None, None) => {
            tracing::warn!(key, "catalogue key missing in every language");
            return key.to_owned();
        }
    };
    let Some(pattern) = message.value() else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.fluent(lang));
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, lang = lang.code(), ?errors, "catalogue sentence did not format cleanly");
    }
    text.into_owned()
}
