use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn keys(err: &Error) -> Vec<String> {
    err.problems.iter().map(|p| p.key.clone()).collect()
}

#[test]
fn embedded_defaults() {
    let c = load_str("", "test", &[]).unwrap();
    assert_eq!(c.server.listen.to_string(), "127.0.0.1:8443");
    assert_eq!(c.store.data_dir, PathBuf::from("passdesk-data"));
    assert_eq!(c.directories.len(), 1);
    assert_eq!(c.directories[0].kind, DirectoryKind::Local);
    assert_eq!(c.reset.codes.lifetime_secs, 600);
    assert_eq!(c.reset.session_secs, 900);
    assert_eq!(c.password.min_length, 12);
    assert_eq!(c.server.requests_per_minute, 60);
}

#[test]
fn example_file_parses_and_matches_defaults() {
    let c = load_str(EXAMPLE_TOML, "example", &[]).unwrap();
    assert_eq!(c.server.listen.to_string(), "127.0.0.1:8443");
    assert_eq!(c.password.max_length, 128);
}

#[test]
fn every_unknown_key_is_reported_at_once() {
    let err =
        load_str("[server]\nlisen = \"x\"\n[store]\ndata_dri = \"y\"\n[nonsense]\na = 1\n", "test", &[]).unwrap_err();
    let keys = keys(&err);
    assert!(keys.contains(&"server.lisen".to_string()), "{keys:?}");
    assert!(keys.contains(&"store.data_dri".to_string()), "{keys:?}");
    assert!(keys.contains(&"nonsense".to_string()), "{keys:?}");
    assert!(err.to_string().contains("3 problem(s)"), "{err}");
}

#[test]
fn type_errors_and_ranges_are_reported_together() {
    let err = load_str(
        "[server]\nlisten = 8443\n[password]\nmin_length = 4\n[reset]\ncode_lifetime_minutes = 30\n",
        "test",
        &[],
    )
    .unwrap_err();
    let keys = keys(&err);
    assert!(keys.contains(&"server.listen".to_string()), "{keys:?}");
    assert!(keys.contains(&"password.min_length".to_string()), "{keys:?}");
    assert!(keys.contains(&"reset.code_lifetime_minutes".to_string()), "{keys:?}");
    let text = err.to_string();
    assert!(text.contains("from 2 to 15"), "{text}");
}

#[test]
fn bad_values_name_the_fix() {
    let err = load_str("[server]\nlisten = \"localhost\"\npublic_url = \"http://x\"\n", "t", &[]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("server.listen") && text.contains("IP:PORT"), "{text}");
    assert!(text.contains("server.public_url") && text.contains("https"), "{text}");
}

#[test]
fn syntax_errors_are_reported() {
    let err = load_str("[server\n", "t", &[]).unwrap_err();
    assert_eq!(keys(&err), vec!["(syntax)"]);
}

#[test]
fn environment_overrides_the_file() {
    let c = load_str(
        "[server]\nlisten = \"127.0.0.1:1\"\n",
        "t",
        &env(&[
            ("PASSDESK_SERVER__LISTEN", "0.0.0.0:9443"),
            ("PASSDESK_PASSWORD__MIN_LENGTH", "15"),
            ("PASSDESK_CONFIG", "/x"),
        ]),
    )
    .unwrap();
    assert_eq!(c.server.listen.to_string(), "0.0.0.0:9443");
    assert_eq!(c.password.min_length, 15);
}

#[test]
fn unknown_environment_keys_are_errors() {
    let err = load_str("", "t", &env(&[("PASSDESK_SERVER__LISTN", "x"), ("PASSDESK_BOGUS__X", "1")])).unwrap_err();
    let keys = keys(&err);
    assert!(keys.contains(&"server.listn".to_string()), "{keys:?}");
    assert!(keys.contains(&"bogus".to_string()), "{keys:?}");
}

#[test]
fn directories_are_named_tables() {
    let c = load_str("[directories.corp]\nkind = \"local\"\nmail_domain = \"corp.example\"\n", "t", &[]).unwrap();
    assert_eq!(c.directories[0].name, "corp");
    assert_eq!(c.directories[0].mail_domain, "corp.example");
    let err = load_str("[directories.corp]\nkind = \"novell\"\n", "t", &[]).unwrap_err();
    assert_eq!(keys(&err), vec!["directories.corp.kind"]);
}

#[test]
fn secrets_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "s3cret\n").unwrap();
    let mut table: toml::Table =
        format!("[x]\nbind_password_file = {:?}\n", file.display().to_string()).parse().unwrap();
    let mut problems = Vec::new();
    load::resolve_secret_files_for_test(&mut table, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(table["x"]["bind_password"].as_str(), Some("s3cret"));
    assert!(table["x"].get("bind_password_file").is_none());

    let mut both: toml::Table = "[x]\npassword = \"a\"\npassword_file = \"/nope\"\n".parse().unwrap();
    load::resolve_secret_files_for_test(&mut both, &mut problems);
    assert_eq!(problems[0].key, "x.password_file");

    let mut missing: toml::Table = "[x]\npassword_file = \"/definitely/not/here\"\n".parse().unwrap();
    let mut problems = Vec::new();
    load::resolve_secret_files_for_test(&mut missing, &mut problems);
    assert!(problems[0].message.contains("cannot read"), "{problems:?}");
}

#[test]
fn ldap_directories_are_validated_together() {
    let err = load_str(
        "[directories.corp]\nkind = \"ad\"\nurls = [\"ldap://dc1\", \"http://x\"]\nscope = [\"Staff\"]\ntimeout_secs = 0\npool_size = 0\n",
        "t",
        &[],
    )
    .unwrap_err();
    let text = err.to_string();
    for key in [
        "directories.corp.urls",
        "directories.corp.bind_dn",
        "directories.corp.bind_password",
        "directories.corp.scope",
        "directories.corp.timeout_secs",
        "directories.corp.pool_size",
    ] {
        assert!(text.contains(key), "{key} missing in {text}");
    }
    assert!(text.contains("plain LDAP") && text.contains("starttls = true"), "{text}");
    assert!(text.contains("use 1 to 256"), "{text}");
}

#[test]
fn ldap_directory_with_secret_file_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("pw");
    std::fs::write(&secret, "Svc-Secret\n").unwrap();
    let text = format!(
        "[directories.corp]\nkind = \"openldap\"\nurls = [\"ldap://ldap.example.org\"]\nstarttls = true\n\
         bind_dn = \"cn=svc,dc=example,dc=org\"\nbind_password_file = {:?}\nscope = [\"ou=people,dc=example,dc=org\"]\n",
        secret.display().to_string()
    );
    let c = load_str(&text, "t", &[]).unwrap();
    let ldap = c.directories[0].ldap.as_ref().unwrap();
    use secrecy::ExposeSecret;
    assert_eq!(ldap.bind_password.expose_secret(), "Svc-Secret");
    assert_eq!(ldap.login_attributes, vec!["uid", "mail"]);
    assert_eq!(ldap.timeout.as_secs(), 10);
    assert_eq!(ldap.pool_size, 16);
    assert_eq!(c.directories[0].kind, DirectoryKind::OpenLdap);
    // The same through the environment.
    let env = vec![("PASSDESK_DIRECTORIES__CORP__BIND_PASSWORD".to_string(), "From-Env".to_string())];
    let text = text.replace(&format!("bind_password_file = {:?}\n", secret.display().to_string()), "");
    let c = load_str(&text, "t", &env).unwrap();
    assert_eq!(c.directories[0].ldap.as_ref().unwrap().bind_password.expose_secret(), "From-Env");
}

#[test]
fn local_directory_refuses_ldap_keys() {
    let err = load_str("[directories.x]\nkind = \"local\"\nurls = [\"ldaps://a\"]\n", "t", &[]).unwrap_err();
    assert!(err.to_string().contains("belong to kind"), "{err}");
}

#[test]
fn password_strength_and_organisation_words() {
    let c = load_str("[password]\nmin_strength = 3\norganisation_words = [\"Contoso\"]\n", "t", &[]).unwrap();
    assert_eq!(c.password.min_strength, 3);
    assert_eq!(c.password.organisation_words, vec!["Contoso"]);
    let err = load_str("[password]\nmin_strength = 5\norganisation_words = [\"\"]\n", "t", &[]).unwrap_err();
    assert_eq!(keys(&err), vec!["password.min_strength", "password.organisation_words"]);
}

fn smtp(text: &str) -> SmtpConfig {
    match load_str(text, "t", &[]).unwrap().notify.transport {
        Transport::Smtp(smtp) => smtp,
        Transport::Outbox => panic!("not smtp"),
    }
}

#[test]
fn smtp_defaults_to_starttls_on_587_without_auth() {
    let s =
        smtp("[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"mail.example.org\"\n");
    assert_eq!((s.host.as_str(), s.port, s.security), ("mail.example.org", 587, SmtpSecurity::StartTls));
    assert!(s.auth.is_none() && s.ca_file.is_none() && s.reply_to.is_none());
    assert_eq!(s.timeout.as_secs(), 30);
    let tls = smtp(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"m\"\nsecurity = \"tls\"\n",
    );
    assert_eq!((tls.port, tls.security), (465, SmtpSecurity::Tls));
    let plain = smtp(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"m\"\nsecurity = \"plain\"\nport = 2525\n",
    );
    assert_eq!((plain.port, plain.security), (2525, SmtpSecurity::Plain));
}

#[test]
fn smtp_password_comes_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("smtp-pw");
    std::fs::write(&file, "Mail-Secret\n").unwrap();
    let s = smtp(&format!(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"m\"\nusername = \"passdesk\"\npassword_file = {:?}\n\
         reply_to = \"Helpdesk <help@example.org>\"\n",
        file.display().to_string()
    ));
    use secrecy::ExposeSecret;
    let auth = s.auth.unwrap();
    assert_eq!((auth.username.as_str(), auth.password.expose_secret()), ("passdesk", "Mail-Secret"));
    assert_eq!(s.reply_to.as_deref(), Some("Helpdesk <help@example.org>"));
}

#[test]
fn smtp_bad_values_name_key_and_fix() {
    let err = load_str(
        "[notify]\ntransport = \"smtp\"\nfrom = \"x@\"\n[notify.smtp]\nhost = \"smtp://mail\"\nport = 70000\n\
         security = \"ssl\"\nusername = \"u\"\ntimeout_secs = 0\nreply_to = \"nobody\"\nca_file = \"/no/such/ca.pem\"\n",
        "t",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        keys(&err),
        vec![
            "notify.from",
            "notify.smtp.ca_file",
            "notify.smtp.host",
            "notify.smtp.password",
            "notify.smtp.port",
            "notify.smtp.reply_to",
            "notify.smtp.security",
            "notify.smtp.timeout_secs",
        ]
    );
    let text = err.to_string();
    for fix in ["no smtp://", "1 to 65535", "\"starttls\"", "password_file", "1 to 300", "cannot read"] {
        assert!(text.contains(fix), "{fix} missing in {text}");
    }
}

#[test]
fn smtp_never_sends_a_password_in_the_clear_and_needs_its_section() {
    let err = load_str(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"m\"\nsecurity = \"plain\"\nusername = \"u\"\npassword = \"p\"\n",
        "t",
        &[],
    )
    .unwrap_err();
    assert_eq!(keys(&err), vec!["notify.smtp.security"]);
    assert!(err.to_string().contains("unencrypted"), "{err}");
    let err = load_str("[notify]\ntransport = \"smtp\"\n", "t", &[]).unwrap_err();
    assert_eq!(keys(&err), vec!["notify.from", "notify.smtp.host"]);
    assert!(err.to_string().contains("placeholder"), "{err}");
    let err = load_str("[notify.smtp]\nhost = \"m\"\n", "t", &[]).unwrap_err();
    assert_eq!(keys(&err), vec!["notify.smtp"]);
    assert!(err.to_string().contains("transport = \"smtp\""), "{err}");
    let err = load_str("[notify.smtp]\nhots = \"m\"\n", "t", &[]).unwrap_err();
    assert!(keys(&err).contains(&"notify.smtp.hots".to_string()), "{err}");
}

#[test]
fn smtp_ca_file_must_hold_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ca.pem");
    std::fs::write(&file, "not a certificate\n").unwrap();
    let err = load_str(
        &format!(
            "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.org\"\n[notify.smtp]\nhost = \"m\"\nca_file = {:?}\n",
            file.display().to_string()
        ),
        "t",
        &[],
    )
    .unwrap_err();
    assert_eq!(keys(&err), vec!["notify.smtp.ca_file"]);
    assert!(err.to_string().contains("no certificate"), "{err}");
}

#[test]
fn the_event_log_is_auto_by_default_and_a_wrong_one_is_named() {
    assert_eq!(load_str("", "test", &[]).unwrap().log.event_log, EventLogChoice::Auto);
    assert_eq!(load_str("[log]\nevent_log = \"off\"\n", "test", &[]).unwrap().log.event_log, EventLogChoice::Off);
    let err = load_str("[log]\nevent_log = \"eventvwr\"\n", "test", &[]).unwrap_err();
    assert_eq!(keys(&err), ["log.event_log"]);
    assert!(err.to_string().contains("\"auto\", \"journald\", \"syslog\", \"windows\" or \"off\""), "{err}");
}

#[cfg(unix)]
#[test]
fn the_windows_event_log_is_refused_off_windows() {
    let err = load_str("[log]\nevent_log = \"windows\"\n", "test", &[]).unwrap_err();
    assert_eq!(keys(&err), ["log.event_log"]);
    assert!(err.to_string().contains("exists only on Windows"), "{err}");
}

/// packaging/msi.sh installs the example with its data_dir line commented
/// out (Windows has its own default) and CRLF line ends: that text parses.
#[test]
fn the_configuration_the_msi_installs_parses() {
    let line = "data_dir = \"passdesk-data\"";
    assert_eq!(EXAMPLE_TOML.lines().filter(|l| *l == line).count(), 1, "msi.sh comments out this line");
    let text = EXAMPLE_TOML.replace(line, r"# data_dir = 'D:\passdesk\data'").replace('\n', "\r\n");
    let config = load_str(&text, "passdesk.toml", &[]).unwrap();
    assert_eq!(config.store.data_dir, crate::config::default_data_dir());
}
