use super::*;

fn password() -> PasswordSettings {
    PasswordSettings::new(&PasswordPolicy::default(), None)
}

fn refused(s: PasswordSettings) -> (String, String) {
    let e = s.validate().unwrap_err();
    (e.key, e.message)
}

#[test]
fn password_settings_are_checked_with_the_field_and_the_fix() {
    assert!(password().validate().is_ok());
    let (key, message) = refused(PasswordSettings { min_length: 4, ..password() });
    assert_eq!(key, "min_length");
    assert_eq!(message, "minimum length (4) is below 8: passdesk never accepts shorter passwords");
    let (key, message) = refused(PasswordSettings { min_length: 200, ..password() });
    assert_eq!(key, "min_length");
    assert!(message.contains("cannot exceed the maximum length (128)"), "{message}");
    assert_eq!(refused(PasswordSettings { max_length: 20, ..password() }).0, "max_length");
    assert_eq!(refused(PasswordSettings { max_length: 300, ..password() }).0, "max_length");
    assert_eq!(refused(PasswordSettings { min_strength: 5, ..password() }).0, "min_strength");
    let words =
        |w: &[&str]| PasswordSettings { organisation_words: w.iter().map(|s| s.to_string()).collect(), ..password() };
    assert!(words(&["Contoso", "Fabrikam"]).validate().is_ok());
    assert!(refused(words(&["Contoso", "contoso"])).1.contains("listed twice"));
    assert!(refused(words(&["abc"])).1.contains("shorter than 4"));
    let (key, message) = refused(PasswordSettings { breached_file: "pwned.txt".into(), ..password() });
    assert_eq!(key, "breached_file");
    assert!(message.contains("absolute path"), "{message}");
    assert_eq!(PasswordSettings::parse_words("Contoso\n Fabrikam, Tailspin\n\n"), ["Contoso", "Fabrikam", "Tailspin"]);
}

#[test]
fn notification_settings_are_checked_and_days_sorted() {
    let ok =
        NotificationSettings { admin_alerts: vec!["sec@example.org".into()], expiry_reminder_days: vec![1, 14, 7] };
    assert_eq!(ok.validated().unwrap().expiry_reminder_days, [14, 7, 1]);
    let bad = |a: &[&str], d: &[u32]| {
        NotificationSettings {
            admin_alerts: a.iter().map(|s| s.to_string()).collect(),
            expiry_reminder_days: d.to_vec(),
        }
        .validated()
        .unwrap_err()
    };
    assert_eq!(bad(&["nobody at example.org"], &[]).key, "admin_alerts");
    assert!(bad(&["a@example.org", "A@example.org"], &[]).message.contains("listed twice"));
    assert!(bad(&[], &[0]).message.contains("0 is out of range"));
    assert!(bad(&[], &[7, 7]).message.contains("7 is listed twice"));
    assert_eq!(NotificationSettings::parse_days("14, 7 3\n1").unwrap(), [14, 7, 3, 1]);
    assert_eq!(NotificationSettings::parse_days("seven").unwrap_err().key, "expiry_reminder_days");
}

#[test]
fn changes_name_each_key_with_old_and_new() {
    let a = password();
    let b = PasswordSettings { min_length: 14, ..password() };
    assert_eq!(changes(&a.entries(), &b.entries()), ["min_length: 12 -> 14"]);
}
