//! When Active Directory (and Samba AD) passwords expire, for the expiry
//! reminders, read for the whole scope in one paged search:
//! - Preferred: the constructed `msDS-UserPasswordExpiryTimeComputed`
//!   (Windows Server 2008 and later; Samba 4.17 answers it in subtree
//!   searches), a FILETIME the DC works out itself from `pwdLastSet`, the
//!   winning fine-grained policy (PSO) or the domain's `maxPwdAge`, and the
//!   never-expires flag; `i64::MAX` means never.
//! - Otherwise: `pwdLastSet` + `msDS-MaximumPasswordAge` of the account's
//!   `msDS-ResultantPSO`, else the domain head's `maxPwdAge` (negative
//!   100 ns intervals; 0 or the minimum i64 mean never), read per account
//!   only on a DC that does not construct the attribute.
//! - Always: `userAccountControl` UF_DONT_EXPIRE_PASSWD (0x10000) never
//!   expires; `pwdLastSet` = 0 must change at the next sign-in.

use super::ad::{ActiveDirectory, SCHEMA, filetime_to_unix, interval_secs};
use super::ldap::{attr, read_attr, read_entry, with_service};
use super::{Error, Expiring};
use crate::domain::expiry::PasswordExpiry;
use std::collections::HashMap;

/// The DC's own answer to "when does this password expire".
const COMPUTED: &str = "msDS-UserPasswordExpiryTimeComputed";
/// "Password never expires" in `userAccountControl`.
const UF_DONT_EXPIRE_PASSWD: i64 = 0x10000;

/// An account's expiry from its attributes: `uac` (`userAccountControl`),
/// `pwd_last_set` and `computed` as FILETIMEs, and `max_age_secs`, the
/// effective maximum age, used only when the DC did not compute the expiry
/// (`None`: no maximum). An account whose `pwdLastSet` could not be read
/// has no known expiry and reads as never.
pub(super) fn expiry_from(
    uac: i64,
    pwd_last_set: Option<i64>,
    computed: Option<i64>,
    max_age_secs: Option<i64>,
) -> PasswordExpiry {
    if uac & UF_DONT_EXPIRE_PASSWD != 0 {
        return PasswordExpiry::Never;
    }
    let Some(last_set) = pwd_last_set else { return PasswordExpiry::Never };
    if last_set == 0 {
        return PasswordExpiry::MustChange;
    }
    let set_at = filetime_to_unix(last_set);
    let expires_at = match computed {
        Some(i64::MAX) => return PasswordExpiry::Never,
        // The DC says the password has to be changed already.
        Some(value) if value <= 0 => return PasswordExpiry::MustChange,
        Some(value) => filetime_to_unix(value),
        None => set_at.zip(max_age_secs.filter(|a| *a > 0)).map(|(set, age)| set.saturating_add(age)),
    };
    match expires_at {
        Some(expires_at) => PasswordExpiry::At { expires_at, set_at },
        None => PasswordExpiry::Never,
    }
}

/// Maximum ages already read: the domain's (once), and each PSO's by DN
/// (`None` inside: a PSO the service account may not read).
#[derive(Default)]
struct MaxAges {
    domain: Option<Option<i64>>,
    psos: HashMap<String, Option<Option<i64>>>,
}

impl ActiveDirectory {
    /// Every account in scope with its password's expiry (see the module
    /// comment).
    pub(super) async fn expiries(&self) -> Result<Vec<Expiring>, Error> {
        let asked: Vec<String> = [COMPUTED, "userAccountControl", "pwdLastSet"].map(str::to_owned).to_vec();
        let listed = self.pool().list_accounts(&SCHEMA, &asked, &|_| {}).await?;
        let mut ages = MaxAges::default();
        let mut out = Vec::with_capacity(listed.len());
        for one in listed {
            let number = |i: usize| one.values.get(i)?.as_deref()?.trim().parse::<i64>().ok();
            let (computed, uac, last_set) = (number(0), number(1).unwrap_or(0), number(2));
            let expires = uac & UF_DONT_EXPIRE_PASSWD == 0 && last_set.is_some_and(|v| v > 0);
            let max_age = if computed.is_none() && expires { self.max_age(&one.id.0, &mut ages).await? } else { None };
            out.push(Expiring { expiry: expiry_from(uac, last_set, computed, max_age), account: one.account });
        }
        Ok(out)
    }

    /// The maximum password age that applies to the account at `dn`: its
    /// winning PSO's, else the domain's.
    async fn max_age(&self, dn: &str, ages: &mut MaxAges) -> Result<Option<i64>, Error> {
        let pso = with_service!(self.pool(), |ldap| { read_attr(ldap, dn, "msDS-ResultantPSO").await })?;
        if let Some(pso) = pso {
            if !ages.psos.contains_key(&pso) {
                let entry =
                    with_service!(self.pool(), |ldap| { read_entry(ldap, &pso, &["msDS-MaximumPasswordAge"]).await })?;
                let age = entry.map(|e| interval_secs(attr(&e, "msDS-MaximumPasswordAge")));
                ages.psos.insert(pso.clone(), age);
            }
            // A PSO the service account may not read leaves the domain's.
            if let Some(Some(age)) = ages.psos.get(&pso) {
                return Ok(*age);
            }
        }
        if let Some(age) = ages.domain {
            return Ok(age);
        }
        let age = with_service!(self.pool(), |ldap| {
            let base = read_attr(ldap, "", "defaultNamingContext").await?.unwrap_or_default();
            read_attr(ldap, &base, "maxPwdAge").await
        })?;
        let age = interval_secs(age.as_deref());
        ages.domain = Some(age);
        Ok(age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25T12:00:00Z as a FILETIME (100 ns since 1601).
    const SET: i64 = 134_400_816_000_000_000;
    const SET_UNIX: i64 = 1_795_608_000;
    const DAY_FT: i64 = 864_000_000_000;

    #[test]
    fn the_computed_expiry_wins_and_is_decoded_from_filetime() {
        // The bed's Samba: maxPwdAge 42 days, computed = pwdLastSet + 42 days.
        let computed = SET + 42 * DAY_FT;
        let expiry = expiry_from(512, Some(SET), Some(computed), Some(5));
        assert_eq!(expiry, PasswordExpiry::At { expires_at: SET_UNIX + 42 * 86_400, set_at: Some(SET_UNIX) });
        // A real pair read from the bed's Samba: 2026-11-26T01:56:26Z + 42 days.
        let bed = expiry_from(512, Some(134_401_317_867_716_960), Some(134_437_605_867_716_960), None);
        assert_eq!(bed, PasswordExpiry::At { expires_at: 1_799_286_986, set_at: Some(1_795_658_186) });
        assert_eq!(crate::clock::rfc3339(1_799_286_986), "2027-01-07T01:56:26Z");
    }

    #[test]
    fn without_the_computed_value_the_maximum_age_is_added() {
        let expiry = expiry_from(512, Some(SET), None, Some(42 * 86_400));
        assert_eq!(expiry, PasswordExpiry::At { expires_at: SET_UNIX + 42 * 86_400, set_at: Some(SET_UNIX) });
        // maxPwdAge "-36288000000000" is 42 days; 0 and the minimum i64 are never.
        assert_eq!(interval_secs(Some("-36288000000000")), Some(42 * 86_400));
        for never in ["0", "-9223372036854775808"] {
            assert_eq!(expiry_from(512, Some(SET), None, interval_secs(Some(never))), PasswordExpiry::Never);
        }
    }

    #[test]
    fn never_expires_must_change_and_unknown_give_no_date() {
        // UF_DONT_EXPIRE_PASSWD (66048 = 0x10200), whatever else is said.
        assert_eq!(expiry_from(66_048, Some(SET), Some(SET + DAY_FT), Some(86_400)), PasswordExpiry::Never);
        assert_eq!(expiry_from(512, Some(SET), Some(i64::MAX), None), PasswordExpiry::Never);
        assert_eq!(expiry_from(512, Some(0), Some(0), Some(86_400)), PasswordExpiry::MustChange);
        assert_eq!(expiry_from(512, Some(0), None, Some(86_400)), PasswordExpiry::MustChange);
        assert_eq!(expiry_from(512, Some(SET), Some(0), None), PasswordExpiry::MustChange);
        assert_eq!(expiry_from(512, None, None, Some(86_400)), PasswordExpiry::Never);
    }
}
