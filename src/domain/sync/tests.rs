use super::*;

fn stored(account: &str, kind: Enrolment, value: &str, source: Source) -> Stored {
    Stored { account_id: account.into(), kind, value: value.into(), source }
}

fn wanted(account: &str, values: &[(Enrolment, Option<&str>)]) -> Wanted {
    Wanted {
        account_id: account.into(),
        login: account.trim_start_matches("uid=").split(',').next().unwrap_or_default().into(),
        values: values.iter().map(|(k, v)| (*k, v.map(str::to_owned))).collect(),
    }
}

#[test]
fn added_changed_removed_and_unchanged_values_are_told_apart() {
    let rows = [
        stored("uid=a,o=x", Enrolment::Mobile, "+31611111111", Source::Sync),
        stored("uid=a,o=x", Enrolment::OfficePhone, "+31201111111", Source::Sync),
        stored("uid=a,o=x", Enrolment::Email, "a@example.org", Source::Sync),
    ];
    let people = [wanted(
        "UID=a,o=x",
        &[
            (Enrolment::Email, Some("a@example.org")),
            (Enrolment::AltEmail, Some("a.home@example.net")),
            (Enrolment::Mobile, Some("06 2222 2222")),
            (Enrolment::OfficePhone, None),
        ],
    )];
    let plan = plan(&rows, &people, false, Some("31"));
    let c = plan.counts;
    assert_eq!((c.added, c.changed, c.removed, c.unchanged, c.gone), (1, 1, 1, 1, 0));
    assert_eq!(plan.people.len(), 1);
    // The stored spelling of the DN is kept, so no second row appears.
    assert_eq!(plan.people[0].account_id, "uid=a,o=x");
    assert_eq!(
        plan.people[0].changes,
        [
            Change::Put(Enrolment::AltEmail, "a.home@example.net".into()),
            Change::Put(Enrolment::Mobile, "+31622222222".into()),
            Change::Remove(Enrolment::OfficePhone),
        ]
    );
    assert_eq!(
        plan.people[0].summary,
        "alt_email added, mobile changed, office_phone removed (empty in the directory)"
    );
}

#[test]
fn verified_and_imported_values_are_kept_unless_overwritten_and_never_removed() {
    let rows = [
        stored("uid=a,o=x", Enrolment::Mobile, "+31611111111", Source::User),
        stored("uid=a,o=x", Enrolment::OfficePhone, "+31201111111", Source::User),
        stored("uid=a,o=x", Enrolment::Email, "old@example.org", Source::Import),
    ];
    let people = [wanted(
        "uid=a,o=x",
        &[
            (Enrolment::Mobile, Some("+31 6 2222 2222")),
            (Enrolment::OfficePhone, None),
            (Enrolment::Email, Some("new@example.org")),
        ],
    )];
    // The imported address (a new joiner's private one) is kept like the
    // person's own.
    let kept = plan(&rows, &people, false, None);
    assert_eq!((kept.counts.kept_verified, kept.counts.changed, kept.counts.removed), (2, 0, 0));
    assert!(kept.people.iter().all(|p| p.changes.is_empty()), "{:?}", kept.people);
    let overwritten = plan(&rows, &people, true, None);
    assert_eq!((overwritten.counts.kept_verified, overwritten.counts.changed), (0, 2));
}

#[test]
fn bad_values_are_skipped_and_gone_accounts_lose_everything() {
    let rows = [
        stored("uid=gone,o=x", Enrolment::Questions, "", Source::User),
        stored("uid=gone,o=x", Enrolment::Mobile, "+31611111111", Source::Sync),
        stored("uid=b,o=x", Enrolment::Mobile, "+31611111111", Source::Sync),
    ];
    let people = [wanted("uid=b,o=x", &[(Enrolment::Mobile, Some("call me")), (Enrolment::Email, Some("b@"))])];
    let plan = plan(&rows, &people, false, None);
    assert_eq!(plan.counts.skipped, 2);
    assert!(plan.people.is_empty(), "a bad value leaves the stored one as it was");
    assert_eq!(plan.skipped[0].login, "b");
    assert!(plan.skipped[0].reason.starts_with("\"call me\": a phone number holds only digits"), "{:?}", plan.skipped);
    let national = normalise(Enrolment::Mobile, "06 1234 5678", None).unwrap_err();
    assert!(national.ends_with("or set organisation.phone_country_code to complete national numbers"), "{national}");
    assert_eq!(plan.gone, [("uid=gone,o=x".to_owned(), 2)]);
}
