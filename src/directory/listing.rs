//! Reading a whole LDAP scope at once, for directory sync and large
//! imports: one paged search (RFC 2696, so no server size limit cuts it
//! short) per scope base, as the service account. A listing is all or
//! nothing: any failure, including a base that cannot be read, is an
//! error, because sync removes what a listing no longer holds.

use super::ldap::{AccountSchema, LdapPool, attr, with_service};
use super::{AccountId, Error};
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};

/// Entries asked per page: below the 1,000 that Active Directory and Samba
/// allow by default (MaxPageSize), large enough that round trips are few.
const PAGE_SIZE: i32 = 500;

/// One account of a whole-scope read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The directory's id for it (the DN).
    pub id: AccountId,
    /// The canonical user ID, for audit rows and messages.
    pub login: String,
    /// Every value of every login attribute, so typed user IDs can be
    /// matched in memory the way the directory would match them.
    pub logins: Vec<String>,
    /// The first value of each attribute asked for, in the order asked.
    pub values: Vec<Option<String>>,
    /// The account as a look-up would have read it (contact data, disabled,
    /// protected), for jobs that go through everyone (reminders).
    pub account: super::Account,
}

/// Why a read stopped at a server limit, and how the administrator lifts it.
fn limited(base: &str, read: usize, rc: u32) -> Error {
    let which = if rc == 3 { "time" } else { "size" };
    Error::Other(format!(
        "the directory stopped reading {base} at its {which} limit after {read} accounts: allow the service \
         account to read the whole scope (slapd: limits dn.exact=\"<bind_dn>\" size.prtotal=unlimited \
         time=unlimited; Active Directory pages without a total limit)"
    ))
}

type Adapters<'a> = Vec<Box<dyn Adapter<'a, String, Vec<String>> + 'a>>;

impl LdapPool {
    /// Every account in scope with the first value of each of `attributes`;
    /// `seen` is told how many entries have arrived so far.
    pub async fn list_accounts(
        &self,
        schema: &AccountSchema,
        attributes: &[String],
        seen: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Listed>, Error> {
        let config = self.config();
        let mut wanted: Vec<String> = schema.attrs.iter().map(|a| (*a).to_owned()).collect();
        wanted.extend(config.login_attributes.iter().cloned());
        wanted.extend(attributes.iter().cloned());
        let scope = config.scope.clone();
        let mut listed = Vec::new();
        for base in &scope {
            let page = with_service!(self, |ldap| {
                // A retry on a fresh connection starts the base again.
                let mut page = Vec::new();
                let adapters: Adapters<'_> = vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(PAGE_SIZE))];
                let mut search = ldap
                    .streaming_search_with(adapters, base, ldap3::Scope::Subtree, schema.filter, wanted.clone())
                    .await?;
                while let Some(entry) = search.next().await? {
                    let entry = ldap3::SearchEntry::construct(entry);
                    page.push(self.listed(schema, &entry, attributes));
                    seen(listed.len() + page.len());
                }
                let done = search.finish().await;
                // 3 and 4: the server's time or size limit for this account
                // cut the read short; a partial read must never count as whole.
                if matches!(done.rc, 3 | 4) {
                    return Ok(Err(limited(base, page.len(), done.rc)));
                }
                if done.rc != 0 {
                    let why = format!(
                        "reading {base} failed with LDAP result {}: {}; check the scope and the service \
                         account's read access",
                        done.rc,
                        done.text.trim()
                    );
                    return Ok(Err(Error::Other(why)));
                }
                Ok(Ok(page))
            })??;
            listed.extend(page);
        }
        // Overlapping scope bases (ou=people and ou=staff,ou=people) list
        // an entry once per base: each account counts once.
        let mut seen_dns = std::collections::HashSet::new();
        listed.retain(|l: &Listed| seen_dns.insert(l.id.0.to_lowercase()));
        Ok(listed)
    }

    fn listed(&self, schema: &AccountSchema, entry: &ldap3::SearchEntry, attributes: &[String]) -> Listed {
        let account = (schema.build)(entry, self.config());
        let logins = entry
            .attrs
            .iter()
            .filter(|(name, _)| self.config().login_attributes.iter().any(|a| a.eq_ignore_ascii_case(name)))
            .flat_map(|(_, values)| values.iter().cloned())
            .collect();
        let values = attributes.iter().map(|a| attr(entry, a).map(str::to_owned)).collect();
        Listed { id: account.id.clone(), login: account.login.clone(), logins, values, account }
    }
}
