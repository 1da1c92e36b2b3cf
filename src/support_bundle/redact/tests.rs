use super::*;
use crate::config::EXAMPLE_TOML;

/// Every key the example configuration documents (commented out or not),
/// with its section, as a dotted path.
fn example_keys() -> Vec<String> {
    let mut section = String::new();
    let mut keys = Vec::new();
    for line in EXAMPLE_TOML.lines() {
        let line = line.trim().trim_start_matches('#').trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                section = name.to_owned();
            }
            continue;
        }
        let Some((key, _)) = line.split_once(" = ") else { continue };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            continue;
        }
        keys.push(if section.is_empty() { key.to_owned() } else { format!("{section}.{key}") });
    }
    keys
}

#[test]
fn every_documented_key_is_either_shown_or_secret() {
    let keys = example_keys();
    assert!(keys.len() > 60, "the example's keys were not found: {keys:?}");
    let unknown: Vec<&String> =
        keys.iter().filter(|k| classify(&k.split('.').collect::<Vec<_>>()) == Class::Unknown).collect();
    assert!(
        unknown.is_empty(),
        "new keys in packaging/passdesk.example.toml: add each to PUBLIC_KEYS (harmless) or SECRET_KEYS in \
         src/support_bundle/redact.rs: {unknown:?}"
    );
}

#[test]
fn the_secret_keys_of_the_loader_are_redacted_here_too() {
    for key in crate::config::load::SECRET_KEYS {
        assert_eq!(classify(&["directories", "corp", key]), Class::Secret, "{key}");
        assert_eq!(classify(&["notify", "smtp", key]), Class::Secret, "{key}");
    }
}

#[test]
fn no_shown_key_sounds_secret() {
    for key in PUBLIC_KEYS {
        let name = key.rsplit('.').next().unwrap_or_default();
        if secret_name(name) {
            panic!("{key} is on the public list but its name sounds secret");
        }
    }
}

#[test]
fn a_new_key_is_redacted_until_someone_says_it_is_harmless() {
    for path in [
        &["notify", "smtp", "oauth_client_secret"][..],
        &["directories", "corp", "kerberos_keytab"],
        &["server", "session_signing_key"],
        &["server", "something_new"],
    ] {
        assert_ne!(classify(path), Class::Public, "{path:?}");
    }
    // A directory named like a secret is still a directory.
    assert_eq!(classify(&["directories", "tokens", "kind"]), Class::Public);
}

#[test]
fn secrets_in_the_file_the_environment_and_urls_are_redacted() {
    let text = r#"
[server]
listen = "127.0.0.1:8443"
[directories.corp]
kind = "openldap"
urls = ["ldaps://svc:UrlPw-4471@ldap.example.org/?x=QueryPw-9"]
bind_dn = "cn=svc"
bind_password = "BindPw-3318"
future_secret_thing = "Unknown-5512"
[notify.smtp]
host = "mail.example.org"
password = "SmtpPw-8080"
[notify.sms]
preset = "template"
url = "https://sms.example.org/send?api_key=GatewayKey-77"
username = "AC-Sid-123"
headers = { "X-Api-Key" = "HeaderKey-6612" }
body = '{"key": "BodyKey-221", "to": "{to}"}'
"#;
    let env = vec![
        ("PASSDESK_NOTIFY__VOICE__PASSWORD".to_owned(), "EnvPw-5150".to_owned()),
        ("PASSDESK_ORGANISATION__NAME".to_owned(), "EnvName-2323".to_owned()),
        ("PASSDESK_RESET__SESSION_MINUTES".to_owned(), "20".to_owned()),
        ("HOME".to_owned(), "/root".to_owned()),
    ];
    let out = redact_config(text, &env).unwrap();
    for secret in [
        "UrlPw-4471",
        "QueryPw-9",
        "BindPw-3318",
        "Unknown-5512",
        "SmtpPw-8080",
        "GatewayKey-77",
        "AC-Sid-123",
        "HeaderKey-6612",
        "BodyKey-221",
        "EnvPw-5150",
        "EnvName-2323",
    ] {
        assert!(!out.toml.contains(secret), "{secret} in\n{}", out.toml);
        assert!(out.removed.iter().any(|r| r.contains(secret)), "{secret} not listed as removed");
    }
    for shown in ["127.0.0.1:8443", "ldap.example.org", "cn=svc", "mail.example.org", "session_minutes = 20"] {
        assert!(out.toml.contains(shown), "{shown} missing from\n{}", out.toml);
    }
    assert!(out.toml.contains("api_key=[redacted]"), "{}", out.toml);
    assert_eq!(out.env_names.len(), 3);
}

#[test]
fn a_section_whose_name_sounds_secret_is_walked_not_hidden() {
    let text = "[password]\nmin_length = 14\nmin_strength = 3\n[directories.corp]\nbind_password = \"Hidden-4471\"\n";
    let out = redact_config(text, &[]).unwrap();
    assert!(out.toml.contains("[password]") && out.toml.contains("min_length = 14"), "{}", out.toml);
    assert!(out.toml.contains("min_strength = 3"), "{}", out.toml);
    assert!(!out.toml.contains("Hidden-4471") && out.toml.contains("bind_password = \"[redacted]\""), "{}", out.toml);
}
