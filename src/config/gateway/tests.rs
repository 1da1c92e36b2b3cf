use crate::config::load_str;

/// The problems of a `[notify.sms]` (or voice) section, as "key: message".
fn problems(section: &str, toml: &str) -> Vec<String> {
    match load_str(&format!("[notify.{section}]\n{toml}"), "t", &[]) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(|p| format!("{}: {}", p.key, p.message)).collect(),
    }
}

fn one(section: &str, toml: &str, key: &str, words: &str) {
    let found = problems(section, toml);
    assert!(found.iter().any(|p| p.starts_with(key) && p.contains(words)), "want {key} … {words}, got {found:?}");
}

const KANNEL: &str = "preset = \"kannel\"\nurl = \"http://sms.example.test:13013/cgi-bin/sendsms\"\nusername = \"u\"\npassword = \"p\"\n";

#[test]
fn good_routes_load() {
    assert!(problems("sms", KANNEL).is_empty());
    assert!(
        problems("voice", "preset = \"twilio\"\nusername = \"AC1\"\npassword = \"t\"\nfrom = \"+3120\"\n").is_empty()
    );
    let c = load_str("", "t", &[]).unwrap();
    assert!(c.notify.sms.is_none() && c.notify.voice.is_none());
    let c = load_str(&format!("[notify.sms]\n{KANNEL}"), "t", &[]).unwrap();
    let sms = c.notify.sms.unwrap();
    assert_eq!(sms.timeout.as_secs(), 15);
    assert_eq!(sms.preset.name(), "kannel");
}

#[test]
fn every_bad_key_is_named_with_its_fix() {
    one(
        "sms",
        "preset = \"nexmo\"\n",
        "notify.sms.preset",
        "is not a preset: use \"kannel\", \"twilio\" or \"template\"",
    );
    one("sms", "url = \"http://x\"\n", "notify.sms.preset", "missing");
    one("voice", KANNEL, "notify.voice.preset", "Kannel sends text messages only and cannot place calls");
    one(
        "sms",
        "preset = \"kannel\"\nusername = \"u\"\npassword = \"p\"\n",
        "notify.sms.url",
        "missing: give Kannel's sendsms URL",
    );
    one(
        "sms",
        "preset = \"kannel\"\nurl = \"ftp://x\"\nusername = \"u\"\npassword = \"p\"\n",
        "notify.sms.url",
        "is not an http:// or https:// URL",
    );
    one(
        "sms",
        "preset = \"kannel\"\nurl = \"http://u:p@x/\"\nusername = \"u\"\npassword = \"p\"\n",
        "notify.sms.url",
        "must not hold credentials",
    );
    one("sms", "preset = \"kannel\"\nurl = \"http://x/\"\npassword = \"p\"\n", "notify.sms.username", "missing");
    one(
        "sms",
        "preset = \"kannel\"\nurl = \"http://x/\"\nusername = \"u\"\n",
        "notify.sms.password",
        "missing: give password or password_file",
    );
    one(
        "sms",
        "preset = \"twilio\"\nusername = \"AC1\"\npassword = \"t\"\n",
        "notify.sms.from",
        "missing: Twilio needs the number",
    );
    one("sms", &format!("{KANNEL}timeout_secs = 0\n"), "notify.sms.timeout_secs", "from 1 to 120");
    one("sms", &format!("{KANNEL}body = \"x\"\n"), "notify.sms.body", "is only for preset = \"template\"");
    one(
        "sms",
        &format!("{KANNEL}ca_file = \"/nonexistent.pem\"\n"),
        "notify.sms.ca_file",
        "has no use with an http:// URL",
    );
    one(
        "sms",
        "preset = \"twilio\"\nusername = \"AC1\"\npassword = \"t\"\nfrom = \"+31\"\nca_file = \"/nonexistent.pem\"\n",
        "notify.sms.ca_file",
        "cannot read",
    );
    one("sms", &format!("{KANNEL}colour = \"red\"\n"), "notify.sms.colour", "unknown key");
}

#[test]
fn templates_are_checked_before_any_send() {
    let t = "preset = \"template\"\nurl = \"https://gw.example.test/send?to={to}\"\n";
    one(
        "sms",
        "preset = \"template\"\nbody_format = \"form\"\nbody = \"t={text}\"\n",
        "notify.sms.url",
        "missing: the template needs the URL",
    );
    one(
        "sms",
        &format!("{t}body_format = \"form\"\nbody = \"t={{txt}}&n={{number}}\"\n"),
        "notify.sms.body",
        "unknown placeholder(s) {txt}, {number}: use {to}, {text}",
    );
    one(
        "sms",
        "preset = \"template\"\nurl = \"https://x/{phone}\"\nbody_format = \"form\"\nbody = \"t={text}\"\n",
        "notify.sms.url",
        "unknown placeholder(s) {phone}",
    );
    one(
        "sms",
        &format!("{t}body = \"t={{text}}\"\n"),
        "notify.sms.body_format",
        "missing: say how the body is written",
    );
    one(
        "sms",
        &format!("{t}body_format = \"xml\"\nbody = \"t={{text}}\"\n"),
        "notify.sms.body_format",
        "\"xml\" is not a body format",
    );
    one(
        "sms",
        &format!("{t}body_format = \"json\"\nbody = '{{\"t\": {{text}}}}'\n"),
        "notify.sms.body",
        "is not JSON once its placeholders are filled",
    );
    one(
        "sms",
        &format!("{t}method = \"PUT\"\nbody_format = \"form\"\nbody = \"t={{text}}\"\n"),
        "notify.sms.method",
        "\"PUT\" is not supported",
    );
    one(
        "sms",
        &format!("{t}method = \"GET\"\nbody_format = \"form\"\nbody = \"t={{text}}\"\n"),
        "notify.sms.body",
        "a GET request has no body",
    );
    one("sms", t, "notify.sms.body", "missing: a POST template needs a body that carries {text}");
    one(
        "sms",
        &format!("{t}body_format = \"form\"\nbody = \"t={{text}}\"\nheaders = {{ \"Bad Header\" = \"x\" }}\n"),
        "notify.sms.headers",
        "\"Bad Header\" is not a header name",
    );
    one(
        "sms",
        &format!("{t}body_format = \"form\"\nbody = \"t={{text}}\"\nheaders = {{ \"X-Key\" = \"{{text}}\" }}\n"),
        "notify.sms.headers",
        "unknown placeholder(s) {text}: use {username}, {password}",
    );
    one(
        "sms",
        &format!("{t}body_format = \"form\"\nbody = \"t={{text}}\"\nheaders = {{ \"X-Key\" = \"a\\nb\" }}\n"),
        "notify.sms.headers",
        "visible ASCII on one line",
    );
    one(
        "sms",
        &format!(
            "{t}body_format = \"form\"\nbody = \"t={{text}}\"\nheaders = {{ \"Content-Type\" = \"text/plain\" }}\n"
        ),
        "notify.sms.headers",
        "is set by passdesk",
    );
    one(
        "sms",
        &format!("{t}body_format = \"form\"\nbody = \"t={{text}}\"\npassword = \"p\"\n"),
        "notify.sms.username",
        "a password without a username",
    );
    // JSON braces are text; only {name} tokens are placeholders.
    assert!(
        problems(
            "sms",
            &format!("{t}body_format = \"json\"\nbody = '{{\"to\": \"{{to}}\", \"m\": {{\"t\": \"{{text}}\"}}}}'\n")
        )
        .is_empty()
    );
}

#[test]
fn credentials_sent_in_headers_must_be_visible_ascii() {
    let kannel = |user: &str, password: &str| {
        format!("preset = \"kannel\"\nurl = \"http://x/\"\nusername = \"{user}\"\npassword = \"{password}\"\n")
    };
    one(
        "sms",
        &kannel("u", "pässword"),
        "notify.sms.password",
        "use visible ASCII characters only (Kannel sends it in an HTTP header)",
    );
    one("sms", &kannel("u\\u0007", "p"), "notify.sms.username", "use visible ASCII characters only");
    let template = |header: &str| {
        format!(
            "preset = \"template\"\nurl = \"https://x/send?to={{to}}&text={{text}}\"\nusername = \"u\"\n\
             password = \"gehéim\"\nheaders = {{ \"X-Key\" = \"{header}\" }}\n"
        )
    };
    one("sms", &template("{password}"), "notify.sms.password", "the template puts it in an HTTP header");
    assert!(problems("sms", &template("fixed")).is_empty(), "not in a header: Basic auth is base64");
    assert!(
        problems("voice", "preset = \"twilio\"\nusername = \"AC1\"\npassword = \"tøken\"\nfrom = \"+3120\"\n")
            .is_empty(),
        "Twilio's Basic auth takes any text"
    );
}

#[test]
fn password_and_password_file_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    std::fs::write(&file, "from-file\n").unwrap();
    let toml = format!(
        "preset = \"kannel\"\nurl = \"http://x/\"\nusername = \"u\"\npassword = \"p\"\npassword_file = {:?}\n",
        file.display().to_string()
    );
    one("sms", &toml, "notify.sms.password_file", "give either password or password_file, not both");
    let toml = format!(
        "preset = \"kannel\"\nurl = \"http://x/\"\nusername = \"u\"\npassword_file = {:?}\n",
        file.display().to_string()
    );
    let c = load_str(&format!("[notify.sms]\n{toml}"), "t", &[]).unwrap();
    use secrecy::ExposeSecret;
    assert_eq!(c.notify.sms.unwrap().password.unwrap().expose_secret(), "from-file");
}

#[test]
fn environment_overrides_reach_the_routes() {
    let env = vec![("PASSDESK_NOTIFY__SMS__PASSWORD".to_owned(), "from-env".to_owned())];
    let c = load_str("[notify.sms]\npreset = \"kannel\"\nurl = \"http://x/\"\nusername = \"u\"\n", "t", &env).unwrap();
    use secrecy::ExposeSecret;
    assert_eq!(c.notify.sms.unwrap().password.unwrap().expose_secret(), "from-env");
}
