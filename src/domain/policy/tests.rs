use super::*;

#[test]
fn defaults_are_valid_and_sane() {
    let p = ResetPolicy::default();
    p.validate().unwrap();
    assert_eq!(p.enabled, Enabled::All);
    assert_eq!((p.methods_required, p.questions_to_register, p.questions_to_reset), (1, 3, 3));
}

#[test]
fn each_key_is_set_from_text_and_checked() {
    let p = ResetPolicy::default();
    assert_eq!(p.with("enabled", "Group").unwrap().enabled, Enabled::Group);
    assert!(p.with("enabled", "some").unwrap_err().message.contains("none, group or all"));
    assert!(p.with("methods_required", "2").unwrap_err().message.contains("at least 2"));
    let two = p.with("methods", "email, authenticator").unwrap().with("methods_required", "2").unwrap();
    assert_eq!(two.methods, vec!["email", "authenticator"]);
    assert_eq!(p.with("methods", "email,carrier_pigeon").unwrap_err().key, "methods");
    assert_eq!(p.with("methods", "email,email").unwrap_err().message, "list each method once");
    assert!(p.with("methods_required", "three").unwrap_err().message.contains("whole number"));
    assert_eq!(p.with("questions_to_reset", "6").unwrap_err().key, "questions_to_reset");
    assert!(p.with("questions_to_reset", "4").unwrap_err().message.contains("cannot exceed"));
    assert_eq!(
        p.with("questions_to_register", "5").unwrap().with("questions_to_reset", "4").unwrap().questions_to_reset,
        4
    );
    assert!(p.with("reconfirm_days", "731").is_err());
    assert_eq!(p.with("reconfirm_days", "0").unwrap().reconfirm_days, 0);
    assert!(p.with("reminder_days", "366").is_err());
    assert!(p.with("reminder_days", "weekly").unwrap_err().message.contains("0 to 365"));
    assert_eq!(p.with("reminder_days", "14").unwrap().reminder_days, 14);
    assert!(!p.with("allow_unlock", "no").unwrap().allow_unlock);
    assert!(p.with("allow_unlock", "maybe").unwrap_err().message.contains("true or false"));
    assert!(p.with("helpdesk", "ftp://x").is_err());
    assert_eq!(p.with("helpdesk", "mailto:help@example.org").unwrap().helpdesk, "mailto:help@example.org");
    assert!(p.with("colour", "red").unwrap_err().message.contains("unknown policy key"));
}

#[test]
fn administrators_always_get_two_methods_and_no_questions() {
    let p = ResetPolicy::default().with("methods", "questions,email").unwrap();
    let (required, methods) = p.for_person(true);
    assert_eq!(required, 2);
    assert!(!methods.iter().any(|m| m == "questions"));
    assert_eq!(p.for_person(false), (1, vec!["questions".to_owned(), "email".to_owned()]));
}

#[test]
fn entries_list_every_key_as_text() {
    let entries = ResetPolicy::default().entries();
    assert_eq!(entries.len(), ResetPolicy::KEYS.len());
    assert!(entries.contains(&("enabled", "all".to_owned())));
    assert!(entries.contains(&("methods", "email".to_owned())));
    assert!(entries.contains(&("allow_unlock", "true".to_owned())));
}
