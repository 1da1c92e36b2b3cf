//! Finding accounts by part of a login, a name or an e-mail address, for
//! the helpdesk's user search: one substring filter over the login
//! attributes, `displayName`, `cn` and the mail attribute, with the typed
//! text escaped (RFC 4515) so `*`, `(`, `)` and `\` match literally, run
//! inside the configured scope as the service account, at most `limit`
//! entries per scope base (the server's size limit, so nothing more is sent).

use super::ldap::{AccountSchema, LdapPool, with_service};
use super::{Account, Error};

/// `(|(a1=*v*)(a2=*v*)…)` over `attributes` (duplicates, compared without
/// regard to case, appear once) with the value escaped.
pub fn substring_filter(attributes: &[&str], text: &str) -> String {
    let escaped = ldap3::ldap_escape(text.trim());
    let mut seen: Vec<String> = Vec::new();
    let mut terms = String::new();
    for attribute in attributes {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(attribute)) {
            continue;
        }
        seen.push((*attribute).to_owned());
        terms.push_str(&format!("({attribute}=*{escaped}*)"));
    }
    format!("(|{terms})")
}

/// LDAP result "size limit exceeded": the entries so far are still good.
const SIZE_LIMIT_EXCEEDED: u32 = 4;

impl LdapPool {
    /// Accounts in scope whose login attributes, name or mail contain
    /// `text`, sorted by login, at most `limit`.
    pub async fn search_accounts(
        &self,
        schema: &AccountSchema,
        text: &str,
        limit: usize,
    ) -> Result<Vec<Account>, Error> {
        let config = self.config();
        let mut attributes: Vec<&str> = config.login_attributes.iter().map(String::as_str).collect();
        attributes.extend(["displayName", "cn", config.mail_attribute.as_str()]);
        let filter = format!("(&{}{})", schema.filter, substring_filter(&attributes, text));
        let mut wanted = schema.attrs.to_vec();
        wanted.extend([config.mail_attribute.as_str(), config.mobile_attribute.as_str()]);
        wanted.push(config.office_phone_attribute.as_str());
        wanted.extend(config.link_attribute.as_deref());
        let scope = config.scope.clone();
        let size = i32::try_from(limit).unwrap_or(i32::MAX);
        let entries = with_service!(self, |ldap| {
            let mut found = Vec::new();
            for base in &scope {
                ldap.with_search_options(ldap3::SearchOptions::new().sizelimit(size));
                let result = ldap.search(base, ldap3::Scope::Subtree, &filter, wanted.clone()).await?;
                let (rows, done) = (result.0, result.1);
                if done.rc != 0 && done.rc != SIZE_LIMIT_EXCEEDED && done.rc != 10 {
                    return Err(ldap3::LdapError::from(done));
                }
                found.extend(rows.into_iter().map(ldap3::SearchEntry::construct));
            }
            Ok(found)
        })?;
        let mut seen = std::collections::HashSet::new();
        let mut accounts: Vec<Account> =
            entries.iter().filter(|e| seen.insert(e.dn.to_lowercase())).map(|e| (schema.build)(e, config)).collect();
        accounts.sort_by_key(|a| a.login.to_lowercase());
        accounts.truncate(limit);
        Ok(accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_escapes_the_text_and_names_each_attribute_once() {
        let f = substring_filter(&["uid", "mail", "displayName", "cn", "mail"], "al");
        assert_eq!(f, "(|(uid=*al*)(mail=*al*)(displayName=*al*)(cn=*al*))");
        assert_eq!(substring_filter(&["uid"], "*)(uid=*"), "(|(uid=*\\2a\\29\\28uid=\\2a*))");
        assert_eq!(substring_filter(&["uid"], " a\\b "), "(|(uid=*a\\5cb*))");
    }
}
