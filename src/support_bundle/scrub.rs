//! Scrubbing free text (log lines, audit details, transport errors, check
//! output) before it goes into a bundle. passdesk never logs a password,
//! code or answer on purpose, but with the outbox-only transport the
//! console (and so the journal) shows whole messages, codes and reset links
//! included; and a secret may reach an error message. So every known secret
//! is replaced, every run of six or more digits (codes, phone numbers) and
//! every long token-like word (reset links, flow tokens) too.

use super::redact::REDACTED;

/// Shortest known secret replaced by value; shorter ones would blank out
/// ordinary words (and no real credential is that short).
const MIN_SECRET: usize = 4;
/// Shortest digit run treated as a code or a phone number.
const MIN_DIGITS: usize = 6;
/// Shortest letters-and-digits word treated as a token.
const MIN_TOKEN: usize = 20;

/// Replaces known secrets, codes and tokens in text.
#[derive(Debug, Default)]
pub struct Scrubber {
    secrets: Vec<String>,
}

impl Scrubber {
    /// A scrubber for these secret values (and their percent-encoded forms).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut all: Vec<String> = Vec::new();
        for secret in secrets.into_iter().filter(|s| s.chars().count() >= MIN_SECRET) {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            if encoded != secret {
                all.push(encoded);
            }
            all.push(secret);
        }
        // Longest first, so a secret that contains another goes whole.
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        all.dedup();
        Self { secrets: all }
    }

    /// Only the known secrets replaced (for text passdesk wrote itself).
    pub fn known(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Known secrets, codes and tokens replaced (for text from elsewhere).
    pub fn scrub(&self, text: &str) -> String {
        generic(&self.known(text))
    }

    /// A log line: colours stripped, everything after a word such as
    /// "password" or "answers" replaced (the demo's console prints initial
    /// passwords and answers; an unknown line may too), then scrubbed.
    pub fn log_line(&self, line: &str) -> String {
        self.scrub(&after_secret_words(&strip_colours(line)))
    }
}

/// Words after which a log line may carry a secret.
const SECRET_WORDS: &[&str] = &["password", "passphrase", "answer", "secret", "token"];

fn after_secret_words(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let Some(at) = SECRET_WORDS.iter().filter_map(|w| lower.find(w).map(|i| i + w.len())).min() else {
        return line.to_owned();
    };
    // To the end of the word ("passwords", "answers:").
    let end = lower[at..].find(|c: char| !c.is_ascii_alphanumeric() && c != ':').map_or(lower.len(), |i| at + i);
    if line[end..].trim().is_empty() {
        return line.to_owned();
    }
    format!("{} {REDACTED}", &line[..end])
}

/// Removes terminal colour sequences (ESC [ … m).
fn strip_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Replaces digit runs and token-like words.
fn generic(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut before: Option<char> = None;
    let flush = |word: &mut String, before: Option<char>, out: &mut String| {
        out.push_str(&replacement(word, before));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '=') {
            word.push(c);
            continue;
        }
        flush(&mut word, before, &mut out);
        out.push(c);
        before = Some(c);
    }
    flush(&mut word, before, &mut out);
    out
}

/// What a word becomes. `before` is the character before it: a run of
/// digits after a '.' is a fraction of a second in a timestamp.
fn replacement(word: &str, before: Option<char>) -> String {
    if word.chars().count() >= MIN_TOKEN
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
    {
        return "[token]".into();
    }
    let mut out = String::new();
    let mut digits = String::new();
    let mut prev = before;
    for c in word.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        out.push_str(&digit_run(&digits, prev));
        digits.clear();
        out.push(c);
        prev = Some(c);
    }
    out.push_str(&digit_run(&digits, prev));
    out
}

fn digit_run(digits: &str, before: Option<char>) -> String {
    if digits.len() >= MIN_DIGITS && before != Some('.') { "[digits]".into() } else { digits.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_tokens_and_known_secrets_go() {
        let s = Scrubber::new(["Bind pw!7".to_owned(), "abc".to_owned()]);
        let line = "2026-11-26T23:44:06.123456Z INFO code is: 48213377 link https://h/reset-link/\
                    Zx8Kq2mP0aLw7dV3nR5tY1uB9cE4fG6hJ2kL8mN0pQ for +31612345678 pw Bind pw!7 or Bind+pw%217 abc";
        let out = s.scrub(line);
        for gone in ["48213377", "Zx8Kq2mP0aLw7dV3nR5tY1uB9cE4fG6hJ2kL8mN0pQ", "612345678", "Bind pw!7", "Bind+pw%217"]
        {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        // Timestamps, short numbers and short secrets stay readable.
        assert!(out.starts_with("2026-11-26T23:44:06.123456Z INFO code is: [digits]"), "{out}");
        assert!(out.ends_with(" abc"), "{out}");
        assert_eq!(s.scrub("event 31002 took 12 ms"), "event 31002 took 12 ms");
    }

    #[test]
    fn log_lines_lose_colours_and_what_follows_a_secret_word() {
        let s = Scrubber::default();
        assert_eq!(
            s.log_line("  alice  alice@example.org    initial password Sq4QHWVjcd"),
            "  alice  alice@example.org    initial password [redacted]"
        );
        assert_eq!(s.log_line("also: security answers: Rex / Main Street"), "also: security answers: [redacted]");
        assert_eq!(
            s.log_line("\u{1b}[2m2026-11-27T00:15:27Z\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m ready"),
            "2026-11-27T00:15:27Z  INFO ready"
        );
        assert_eq!(s.log_line("no password"), "no password");
    }
}
