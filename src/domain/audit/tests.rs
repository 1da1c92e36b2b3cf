use super::*;

fn record() -> AuditRecord {
    AuditRecord {
        at: 1,
        actor: "alice".into(),
        target: "alice".into(),
        activity: Activity::ResetSelfService.name().into(),
        result: AuditOutcome::Success.as_str().into(),
        event_id: Some(EventId::PasswordResetSuccess.code()),
        detail: String::new(),
        client_ip: None,
        correlation: None,
        method: None,
        directory: None,
        reason: None,
    }
}

/// The hash of [`record`] as computed before the method, directory and
/// reason fields existed, written out independently of `chain_hash`.
fn old_format_hash(r: &AuditRecord, prev: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let event = r.event_id.map(|e| e.to_string()).unwrap_or_default();
    let parts: [&[u8]; 10] = [
        prev,
        &r.at.to_be_bytes(),
        r.actor.as_bytes(),
        r.target.as_bytes(),
        r.activity.as_bytes(),
        r.result.as_bytes(),
        event.as_bytes(),
        r.detail.as_bytes(),
        r.client_ip.as_deref().unwrap_or("").as_bytes(),
        r.correlation.as_deref().unwrap_or("").as_bytes(),
    ];
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

#[test]
fn a_prune_summary_names_the_range_and_gives_its_hash_back() {
    let range = PrunedRange { rows: 3, first_id: 1, last_id: 3, first_at: 10, last_at: 20, last_hash: vec![0xab; 32] };
    let detail = range.detail(30, "then", "later");
    assert!(detail.starts_with("3 row(s) older than the retention of 30 days deleted: ids 1 to 3, from then to later"));
    assert_eq!(pruned_hash(&detail), Some(vec![0xab; 32]));
    assert_eq!(pruned_hash("no hash here"), None);
    assert_eq!(pruned_hash(&format!("{PRUNED_HASH_MARK}abc")), None);
}

#[test]
fn rows_without_facets_hash_as_before() {
    let r = record();
    assert_eq!(r.chain_hash(&[7; 32]), old_format_hash(&r, &[7; 32]));
}

#[test]
fn facets_are_covered_and_told_apart() {
    let base = record();
    let old = base.chain_hash(&GENESIS_HASH);
    let mut with_method = base.clone();
    with_method.method = Some("email".into());
    let mut with_directory = base.clone();
    with_directory.directory = Some("email".into());
    let mut empty_reason = base.clone();
    empty_reason.reason = Some(String::new());
    let hashes = [
        old,
        with_method.chain_hash(&GENESIS_HASH),
        with_directory.chain_hash(&GENESIS_HASH),
        empty_reason.chain_hash(&GENESIS_HASH),
    ];
    for (i, a) in hashes.iter().enumerate() {
        for b in &hashes[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(Reason::WrongCode.as_str(), "wrong_code");
}

#[test]
fn chain_changes_with_any_field_or_predecessor() {
    let r = record();
    let base = r.chain_hash(&GENESIS_HASH);
    assert_ne!(base, r.chain_hash(&[1; 32]));
    let mut other = r.clone();
    other.detail = "x".into();
    assert_ne!(base, other.chain_hash(&GENESIS_HASH));
    assert_eq!(EventId::PasswordResetSuccess.code(), 31002);
}

#[test]
fn event_names_follow_the_reference() {
    let named: Vec<(i64, &str)> = EventId::ALL.iter().map(|e| (e.code(), e.name())).collect();
    assert_eq!(named[0], (31001, "PasswordResetStart"));
    assert_eq!(named[5], (31008, "ChangePasswordFail"));
    assert_eq!(named[6], (33001, "ADUnKnownError"));
    assert_eq!(named[12], (33008, "ADPasswordPolicyError"));
    for e in EventId::ALL {
        assert_eq!(EventId::from_code(e.code()), Some(e));
    }
    assert_eq!(EventId::from_code(31004), None);
}
