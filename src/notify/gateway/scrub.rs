//! What a gateway's answer must never carry into the outbox, the log or
//! the audit: some gateways echo the request, so the password (in clear,
//! URL-encoded, or inside a Basic-auth header as base64 of `user:password`),
//! the message text and anything that looks like a code are masked before
//! an answer becomes a cause.

/// Shortest secret that is masked: shorter ones would mangle every answer.
const MIN_SECRET_CHARS: usize = 4;
/// Digit runs of these lengths look like codes and are masked; longer runs
/// (phone numbers) stay, as administrators need them.
const CODE_DIGITS: std::ops::RangeInclusive<usize> = 6..=8;

/// What an answer may echo of one request.
#[derive(Debug, Default, Clone, Copy)]
pub struct Secrets<'a> {
    /// The route's username (only used to mask the Basic-auth value).
    pub username: Option<&'a str>,
    /// The route's password or token.
    pub password: Option<&'a str>,
    /// The message text, when the request carried one.
    pub text: Option<&'a str>,
}

/// `text` with every echo of `secrets` and every code-like digit run
/// replaced by `***`.
pub fn scrub(text: &str, secrets: Secrets<'_>) -> String {
    let mut out = text.to_owned();
    let mut masks: Vec<String> = Vec::new();
    if let Some(password) = secrets.password.filter(|p| p.chars().count() >= MIN_SECRET_CHARS) {
        let user = secrets.username.unwrap_or_default();
        masks.push(base64(format!("{user}:{password}").as_bytes()));
        masks.push(password.to_owned());
        masks.push(url::form_urlencoded::byte_serialize(password.as_bytes()).collect());
    }
    if let Some(body) = secrets.text.filter(|t| t.trim().chars().count() >= MIN_SECRET_CHARS) {
        // The answer text is one line: the body may come back with its
        // whitespace collapsed, URL-encoded or JSON-escaped.
        let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
        masks.push(url::form_urlencoded::byte_serialize(body.as_bytes()).collect());
        let json = serde_json::Value::String(body.to_owned()).to_string();
        masks.push(json.trim_matches('"').to_owned());
        masks.push(body.to_owned());
        masks.push(one_line);
    }
    masks.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for mask in masks.iter().filter(|m| !m.is_empty()) {
        out = out.replace(mask.as_str(), "***");
    }
    mask_codes(&out)
}

/// Every run of [`CODE_DIGITS`] ASCII digits replaced by `***`.
fn mask_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if CODE_DIGITS.contains(&run.len()) {
            out.push_str("***");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Standard base64 with padding, as HTTP Basic authentication writes it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn an_echoed_request_loses_password_basic_auth_text_and_code() {
        let secrets = Secrets {
            username: Some("Aladdin"),
            password: Some("open sesame"),
            text: Some("Your passdesk code is 4821 7730.\n\nIt expires soon."),
        };
        let echo = "got: Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== pw=open+sesame raw=open sesame \
                    body=Your passdesk code is 4821 7730. It expires soon. form=Your+passdesk+code+is+4821+7730.%0A%0AIt+expires+soon. \
                    to=+31612345678 code=48217730 short=12345";
        let out = scrub(echo, secrets);
        for leak in ["QWxhZGRpbjpvcGVuIHNlc2FtZQ", "sesame", "passdesk code", "48217730", "4821 7730"] {
            assert!(!out.contains(leak), "{leak} leaked: {out}");
        }
        assert!(out.contains("to=+31612345678"), "a phone number stays: {out}");
        assert!(out.contains("short=12345"), "short numbers stay: {out}");
    }

    #[test]
    fn json_escaped_text_is_masked() {
        let secrets = Secrets { text: Some("Line \"one\"\nline two"), ..Secrets::default() };
        let out = scrub(r#"{"echo":"Line \"one\"\nline two"}"#, secrets);
        assert_eq!(out, r#"{"echo":"***"}"#);
    }

    #[test]
    fn short_secrets_and_plain_answers_stay() {
        let secrets = Secrets { username: Some("u"), password: Some("abc"), text: None };
        assert_eq!(scrub("Number(s) denied: abc", secrets), "Number(s) denied: abc");
        assert_eq!(mask_codes("id 1234567 and 123456789"), "id *** and 123456789");
    }
}
