//! `[directories.NAME.sync]` → `SyncConfig`: whether directory sync runs
//! for a directory, how often `serve` runs it, and which attribute feeds
//! which kind of contact data. Only AD and OpenLDAP directories sync; each
//! problem is reported with its key and the fix.

use super::raw::RawSync;
use super::{DirectoryKind, Problem, SyncConfig};
use crate::domain::Enrolment;
use std::time::Duration;

/// Longest schedule: once a week.
const MAX_INTERVAL_MINUTES: i64 = 7 * 24 * 60;

/// Shortest schedule: reading a large scope more often than this would
/// weigh on the directory for little gain.
const MIN_INTERVAL_MINUTES: i64 = 5;

/// The attributes synced when the section does not say, per flavour, in
/// the order email, alt_email, mobile, office_phone ("" = not synced).
fn default_mapping(kind: DirectoryKind) -> [&'static str; 4] {
    match kind {
        DirectoryKind::ActiveDirectory => ["mail", "otherMailbox", "mobile", "telephoneNumber"],
        _ => ["mail", "", "mobile", "telephoneNumber"],
    }
}

/// Checks one directory's sync section (all defaults when there is none).
pub(super) fn sync(problems: &mut Vec<Problem>, name: &str, kind: DirectoryKind, raw: RawSync) -> SyncConfig {
    let off = SyncConfig { enabled: false, interval: None, overwrite_verified: false, mapping: Vec::new() };
    if raw == RawSync::default() {
        return off;
    }
    let mut add = |key: &str, message: String| {
        let key =
            if key.is_empty() { format!("directories.{name}.sync") } else { format!("directories.{name}.sync.{key}") };
        problems.push(Problem { key, message });
    };
    if kind == DirectoryKind::Local {
        add(
            "",
            "a local directory's contact data is kept by passdesk itself, so there is nothing to sync: \
             remove [directories.NAME.sync] (sync reads \"ad\" and \"openldap\" directories)"
                .replace("NAME", name),
        );
        return off;
    }
    let enabled = raw.enabled.unwrap_or(false);
    let interval = match raw.interval_minutes {
        None | Some(0) => None,
        Some(m) if (MIN_INTERVAL_MINUTES..=MAX_INTERVAL_MINUTES).contains(&m) => {
            Some(Duration::from_secs(m as u64 * 60))
        }
        Some(m) => {
            add(
                "interval_minutes",
                format!(
                    "{m} is out of range: use 0 (no schedule) or {MIN_INTERVAL_MINUTES} to {MAX_INTERVAL_MINUTES} (a week)"
                ),
            );
            None
        }
    };
    if interval.is_some() && !enabled {
        add("interval_minutes", "sync is off for this directory: set enabled = true, or interval_minutes = 0".into());
    }
    let defaults = default_mapping(kind);
    let given = [raw.email, raw.alt_email, raw.mobile, raw.office_phone];
    let kinds = [Enrolment::Email, Enrolment::AltEmail, Enrolment::Mobile, Enrolment::OfficePhone];
    let mut mapping: Vec<(Enrolment, String)> = Vec::new();
    for ((kind, value), default) in kinds.into_iter().zip(given).zip(defaults) {
        let attribute = value.unwrap_or_else(|| default.to_owned());
        if attribute.is_empty() {
            continue;
        }
        if !attribute.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            add(
                kind.id(),
                format!(
                    "\"{attribute}\" is not an attribute name: give one such as \"{}\", or \"\" to leave {} out of sync",
                    if default.is_empty() { "otherMailbox" } else { default },
                    kind.id()
                ),
            );
            continue;
        }
        if let Some((other, _)) = mapping.iter().find(|(_, a)| a.eq_ignore_ascii_case(&attribute)) {
            add(
                kind.id(),
                format!("\"{attribute}\" is already synced as {}: give each kind its own attribute", other.id()),
            );
            continue;
        }
        mapping.push((kind, attribute));
    }
    if enabled && mapping.is_empty() {
        add(
            "",
            "no attribute is synced: map at least one of email, alt_email, mobile, office_phone, or set enabled = false"
                .into(),
        );
    }
    SyncConfig { enabled, interval, overwrite_verified: raw.overwrite_verified.unwrap_or(false), mapping }
}

#[cfg(test)]
mod tests {
    use crate::config::load_str;
    use crate::domain::Enrolment;

    fn directory(kind: &str, sync: &str) -> String {
        format!(
            "[directories.corp]\nkind = \"{kind}\"\nurls = [\"ldaps://dc1.example.org\"]\nbind_dn = \"cn=svc,dc=example,dc=org\"\n\
             bind_password = \"x\"\nscope = [\"ou=people,dc=example,dc=org\"]\n[directories.corp.sync]\n{sync}"
        )
    }

    fn problems(text: &str) -> Vec<(String, String)> {
        let err = load_str(text, "t", &[]).unwrap_err();
        err.problems.into_iter().map(|p| (p.key, p.message)).collect()
    }

    #[test]
    fn defaults_follow_the_directory_kind() {
        let ad = load_str(&directory("ad", "enabled = true\n"), "t", &[]).unwrap();
        let sync = &ad.directories[0].sync;
        assert!(sync.enabled && !sync.overwrite_verified && sync.interval.is_none());
        let attrs: Vec<(Enrolment, &str)> = sync.mapping.iter().map(|(k, a)| (*k, a.as_str())).collect();
        assert_eq!(
            attrs,
            [
                (Enrolment::Email, "mail"),
                (Enrolment::AltEmail, "otherMailbox"),
                (Enrolment::Mobile, "mobile"),
                (Enrolment::OfficePhone, "telephoneNumber"),
            ]
        );
        let ldap = load_str(&directory("openldap", "enabled = true\ninterval_minutes = 60\nmobile = \"\"\n"), "t", &[])
            .unwrap();
        let sync = &ldap.directories[0].sync;
        assert_eq!(sync.interval, Some(std::time::Duration::from_secs(3600)));
        let kinds: Vec<Enrolment> = sync.mapping.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [Enrolment::Email, Enrolment::OfficePhone]);
        // No section: sync is off.
        let off = load_str(&directory("ad", "").replace("[directories.corp.sync]\n", ""), "t", &[]).unwrap();
        assert!(!off.directories[0].sync.enabled);
    }

    #[test]
    fn bad_values_name_the_key_and_the_fix() {
        let found = problems(&directory(
            "ad",
            "interval_minutes = 2\nemail = \"mail;x\"\nalt_email = \"MAIL\"\nmobile = \"mail\"\n",
        ));
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["directories.corp.sync.email", "directories.corp.sync.interval_minutes", "directories.corp.sync.mobile"],
            "{found:?}"
        );
        assert!(found[0].1.contains("\"\" to leave email out of sync"), "{found:?}");
        assert!(found[1].1.contains("use 0 (no schedule) or 5 to 10080"), "{found:?}");
        assert!(found[2].1.contains("already synced as alt_email"), "{found:?}");
        let found = problems(&directory("ad", "interval_minutes = 60\n"));
        assert_eq!(found[0].0, "directories.corp.sync.interval_minutes");
        assert!(found[0].1.contains("set enabled = true"), "{found:?}");
        let found =
            problems(&directory("openldap", "enabled = true\nemail = \"\"\nmobile = \"\"\noffice_phone = \"\"\n"));
        assert_eq!(found[0].0, "directories.corp.sync");
        assert!(found[0].1.contains("map at least one of email"), "{found:?}");
        let found = problems("[directories.corp]\nkind = \"local\"\n[directories.corp.sync]\nenabled = true\n");
        assert_eq!(found[0].0, "directories.corp.sync");
        assert!(found[0].1.contains("remove [directories.corp.sync]"), "{found:?}");
        let found = problems(&directory("ad", "enabeld = true\n"));
        assert_eq!(found[0].0, "directories.corp.sync.enabeld", "{found:?}");
    }
}
