//! LDAP connections shared by the `ad` and `openldap` flavours: TLS only
//! (LDAPS, or StartTLS on ldap:// URLs), certificates verified against the
//! configured CA file or the system store, TCP_NODELAY (without it every
//! new LDAPS connection stalls ~40 ms on Nagle + delayed ACK), timeouts on
//! connect and on every operation, failover across the URLs in order, and
//! a small pool of service-account connections that is retried once on a
//! fresh connection when a pooled one turns out to be dead (firewalls cut
//! idle connections).

use super::Error;
use crate::config::LdapConfig;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, StdStream};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use secrecy::ExposeSecret;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections to one directory's servers.
pub struct LdapPool {
    config: LdapConfig,
    tls: Arc<rustls::ClientConfig>,
    idle: Idle<Ldap>,
    /// Connections last used to bind as a person; kept apart from the
    /// service pool so a service operation never runs as a person.
    user_idle: Idle<Ldap>,
    /// Index of the URL that answered last, tried first next time.
    preferred: AtomicUsize,
    /// Index of a URL always tried first (the PDC emulator), or `usize::MAX`.
    pinned: AtomicUsize,
}

/// Beyond `pool_size`, idle connections are kept this long after their
/// last use, so a burst of more concurrent requests than the pool size
/// reuses them instead of paying a TLS handshake each, and they close
/// once the burst is over.
const LINGER: Duration = Duration::from_secs(30);

/// At most this many idle connections per pool, whatever the burst.
const MAX_IDLE: usize = 256;

/// Idle connections (or anything pooled), most recently used last.
struct Idle<T>(Mutex<Vec<(T, Instant)>>);

impl<T> Default for Idle<T> {
    fn default() -> Self {
        Self(Mutex::new(Vec::new()))
    }
}

impl<T> Idle<T> {
    /// The most recently used idle item, if any.
    fn take(&self) -> Option<T> {
        self.0.lock().ok()?.pop().map(|(item, _)| item)
    }

    /// Keeps an item for reuse; returns the ones to close: the oldest
    /// beyond `keep` that lingered longer than [`LINGER`] before `now`,
    /// and any beyond [`MAX_IDLE`].
    fn put(&self, item: T, keep: usize, now: Instant) -> Vec<T> {
        let Ok(mut idle) = self.0.lock() else { return vec![item] };
        idle.push((item, now));
        let mut surplus = Vec::new();
        while idle.len() > keep
            && (idle.len() > MAX_IDLE || idle.first().is_some_and(|(_, at)| now.duration_since(*at) > LINGER))
        {
            surplus.push(idle.remove(0).0);
        }
        surplus
    }

    fn clear(&self) {
        if let Ok(mut idle) = self.0.lock() {
            idle.clear();
        }
    }
}

/// Returns a connection to a pool, closing what the pool lets go.
fn keep_or_close(idle: &Idle<Ldap>, mut ldap: Ldap, keep: usize) {
    let surplus = if ldap.is_closed() { Vec::new() } else { idle.put(ldap, keep, Instant::now()) };
    for mut ldap in surplus {
        tokio::spawn(async move {
            let _ = ldap.unbind().await;
        });
    }
}

/// Builds the rustls client configuration: the CA file when given,
/// otherwise the operating system's trust store.
pub fn tls_config(ca_file: Option<&std::path::Path>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs =
                CertificateDer::pem_file_iter(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("{}: {e}", path.display()))?;
                roots.add(cert).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!("{} holds no certificate", path.display()));
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Whether an LDAP error means the connection itself is gone (so a retry on
/// a new connection, or the next server, may succeed).
pub fn is_connection_error(e: &LdapError) -> bool {
    matches!(
        e,
        LdapError::Io { .. }
            | LdapError::EndOfStream
            | LdapError::OpSend { .. }
            | LdapError::ResultRecv { .. }
            | LdapError::Timeout { .. }
    )
}

/// Maps a transport-level failure; nothing was changed.
pub fn unavailable(e: LdapError) -> Error {
    Error::Unavailable(e.to_string())
}

impl LdapPool {
    /// A pool for one directory; connects lazily.
    pub fn new(config: LdapConfig) -> Result<Self, Error> {
        let tls = tls_config(config.ca_file.as_deref()).map_err(Error::Other)?;
        Ok(Self {
            config,
            tls: Arc::new(tls),
            idle: Idle::default(),
            user_idle: Idle::default(),
            preferred: AtomicUsize::new(0),
            pinned: AtomicUsize::new(usize::MAX),
        })
    }

    /// The directory's settings.
    pub fn config(&self) -> &LdapConfig {
        &self.config
    }

    async fn connect_url(&self, url: &url::Url) -> Result<Ldap, LdapError> {
        let host = url.host_str().unwrap_or("localhost").trim_matches(['[', ']']).to_owned();
        let port = url.port().unwrap_or(if url.scheme() == "ldaps" { 636 } else { 389 });
        let connect = tokio::net::TcpStream::connect((host.as_str(), port));
        let tcp = tokio::time::timeout(self.config.connect_timeout, connect).await.map_err(|_| LdapError::Io {
            source: std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"),
        })??;
        tcp.set_nodelay(true)?;
        let settings = LdapConnSettings::new()
            .set_conn_timeout(self.config.connect_timeout)
            .set_config(self.tls.clone())
            .set_starttls(url.scheme() == "ldap")
            .set_std_stream(StdStream::Tcp(tcp.into_std()?));
        let (conn, mut ldap) = LdapConnAsync::from_url_with_settings(settings, url).await?;
        ldap3::drive!(conn);
        ldap.with_timeout(self.config.timeout);
        Ok(ldap)
    }

    /// Always tries the URL whose host is `host` first, if there is one;
    /// returns whether one matched.
    pub fn pin_host(&self, host: &str) -> bool {
        let index = self.config.urls.iter().position(|u| u.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host)));
        if let Some(i) = index {
            self.pinned.store(i, Ordering::Relaxed);
            // Pooled connections may lead elsewhere; new ones go to the pinned server.
            self.idle.clear();
            self.user_idle.clear();
        }
        index.is_some()
    }

    /// A new, unbound connection to one given server (for `passdesk check`).
    pub async fn connect_one(&self, url: &url::Url) -> Result<Ldap, LdapError> {
        self.connect_url(url).await
    }

    /// A new, unbound connection to the first server that answers, starting
    /// with the one that answered last.
    pub async fn connect(&self) -> Result<Ldap, Error> {
        let urls = &self.config.urls;
        let pinned = self.pinned.load(Ordering::Relaxed);
        let first =
            if pinned < urls.len() { pinned } else { self.preferred.load(Ordering::Relaxed) } % urls.len().max(1);
        let mut last_error = String::from("no server configured");
        for offset in 0..urls.len() {
            let index = (first + offset) % urls.len();
            match self.connect_url(&urls[index]).await {
                Ok(ldap) => {
                    self.preferred.store(index, Ordering::Relaxed);
                    return Ok(ldap);
                }
                Err(e) => {
                    tracing::warn!(url = %urls[index], error = %e, "LDAP server unreachable, trying the next");
                    last_error = format!("{}: {e}", urls[index]);
                }
            }
        }
        Err(Error::Unavailable(last_error))
    }

    /// A connection bound as the service account, from the pool if one is idle.
    async fn service(&self) -> Result<(Ldap, bool), Error> {
        if let Some(mut ldap) = self.idle.take()
            && !ldap.is_closed()
        {
            ldap.with_timeout(self.config.timeout);
            return Ok((ldap, true));
        }
        let mut ldap = self.connect().await?;
        let result = ldap
            .simple_bind(&self.config.bind_dn, self.config.bind_password.expose_secret())
            .await
            .map_err(unavailable)?;
        if result.rc != 0 {
            return Err(Error::AccessDenied {
                missing_right: format!("the service account cannot sign in ({}: {})", result.rc, result.text.trim()),
            });
        }
        Ok((ldap, false))
    }

    fn give_back(&self, ldap: Ldap) {
        keep_or_close(&self.idle, ldap, self.config.pool_size);
    }

    /// Returns a service connection to the pool (or closes it when the pool
    /// lets it go).
    pub fn give_back_service(&self, ldap: Ldap) {
        self.give_back(ldap);
    }

    /// Binds as a person on a connection kept for person binds (a new TLS
    /// handshake per change costs more than the change itself): an idle
    /// one, whose previous bind this one replaces, or a new one. A pooled
    /// connection the server or a firewall closed costs one retry on a new
    /// one. Returns the connection and the bind's answer.
    pub async fn bind_person(
        &self,
        dn: &str,
        password: &str,
        controls: Vec<ldap3::controls::RawControl>,
    ) -> Result<(Ldap, ldap3::LdapResult), Error> {
        for _ in 0..2 {
            let pooled = self.user_idle.take().filter(|l| !l.clone().is_closed());
            let (mut ldap, was_pooled) = match pooled {
                Some(ldap) => (ldap, true),
                None => (self.connect().await?, false),
            };
            ldap.with_timeout(self.config.timeout);
            if !controls.is_empty() {
                ldap.with_controls(controls.clone());
            }
            match ldap.simple_bind(dn, password).await {
                Ok(result) => return Ok((ldap, result)),
                Err(e) if was_pooled && is_connection_error(&e) => {
                    tracing::info!(error = %e, "pooled LDAP connection was dead; binding on a new one");
                }
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(Error::Unavailable("the directory closed every connection".into()))
    }

    /// Keeps a person-bind connection for the next person's bind (it stays
    /// bound as this person until then, and is only ever used for a bind
    /// followed by that person's own operation), or closes it when the pool
    /// lets it go (beyond `pool_size`, after lingering unused).
    pub fn give_back_person(&self, ldap: Ldap) {
        keep_or_close(&self.user_idle, ldap, self.config.pool_size);
    }

    /// A service-account connection and whether it came from the pool.
    pub async fn service_conn(&self) -> Result<(Ldap, bool), Error> {
        self.service().await
    }
}

/// Runs a block on a service-account connection of `$pool`, bound to
/// `$ldap`. A pooled connection that fails at the transport level is
/// dropped and the block runs once more on a fresh one, so a connection cut
/// while idle costs a retry, not an error. The block evaluates to
/// `Result<T, ldap3::LdapError>`; the macro to `Result<T, directory::Error>`.
/// (A macro rather than an async closure: the futures must stay `Send`.)
macro_rules! with_service {
    ($pool:expr, |$ldap:ident| $body:block) => {{
        let mut outcome = Err($crate::directory::Error::Unavailable("the directory closed every connection".into()));
        for _ in 0..2 {
            let (mut conn, pooled) = match $pool.service_conn().await {
                Ok(pair) => pair,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            let $ldap: &mut ::ldap3::Ldap = &mut conn;
            let result: Result<_, ::ldap3::LdapError> = async { $body }.await;
            match result {
                Ok(value) => {
                    $pool.give_back_service(conn);
                    outcome = Ok(value);
                    break;
                }
                Err(e) if pooled && $crate::directory::ldap::is_connection_error(&e) => {
                    tracing::info!(error = %e, "pooled LDAP connection was dead; retrying on a new one");
                }
                Err(e) => {
                    outcome = Err($crate::directory::ldap::unavailable(e));
                    break;
                }
            }
        }
        outcome
    }};
}
pub(crate) use with_service;

/// The first value of an attribute, matched without regard to case (servers
/// answer with the schema's spelling, not always the requested one).
pub fn attr<'a>(entry: &'a ldap3::SearchEntry, name: &str) -> Option<&'a str> {
    entry.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.first()).map(String::as_str)
}

/// Whether `dn` lies inside one of the scope bases: the base's RDNs end the
/// DN's (compared case-insensitively, spaces around commas ignored). RDNs
/// are split at unescaped commas only, so `CN=x\,DC=example,DC=org` (one RDN
/// `CN=x,DC=example` under `DC=org`) is not inside `DC=example,DC=org`.
pub fn in_scope(dn: &str, scope: &[String]) -> bool {
    let dn = rdns(dn);
    scope.iter().map(|b| rdns(b)).any(|base| dn.ends_with(&base))
}

/// A DN's RDNs (RFC 4514: split at commas not escaped by `\`), trimmed and
/// lower-cased.
fn rdns(dn: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                current.extend(chars.next());
            }
            ',' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.iter().map(|r| r.trim().to_lowercase()).collect()
}

/// `(|(a1=v)(a2=v)…)` with the value escaped (RFC 4515), so `*`, `(`, `)`,
/// `\` and NUL in a typed user ID match literally and inject nothing.
pub fn login_filter(attributes: &[String], value: &str) -> String {
    let escaped = ldap3::ldap_escape(value);
    let terms: String = attributes.iter().map(|a| format!("({a}={escaped})")).collect();
    format!("(|{terms})")
}

/// How one flavour reads its accounts: which entries are people, which
/// attributes it needs, and how an entry becomes an [`Account`].
pub struct AccountSchema {
    /// Filter that selects person entries, e.g. `(objectClass=inetOrgPerson)`.
    pub filter: &'static str,
    /// Attributes the flavour reads (the configured mail, mobile and link
    /// attributes are added).
    pub attrs: &'static [&'static str],
    /// Turns an entry into an account.
    pub build: fn(&ldap3::SearchEntry, &LdapConfig) -> super::Account,
}

/// The first value of `name` on the entry at `dn` (base search).
pub async fn read_attr(ldap: &mut Ldap, dn: &str, name: &str) -> Result<Option<String>, LdapError> {
    Ok(read_entry(ldap, dn, &[name]).await?.and_then(|e| attr(&e, name).map(str::to_owned)))
}

/// The entry at `dn` with `attrs`, if it exists and may be read.
pub async fn read_entry(ldap: &mut Ldap, dn: &str, attrs: &[&str]) -> Result<Option<ldap3::SearchEntry>, LdapError> {
    let (rows, _) = ldap.search(dn, ldap3::Scope::Base, "(objectClass=*)", attrs.to_vec()).await?.non_error()?;
    Ok(rows.into_iter().next().map(ldap3::SearchEntry::construct))
}

impl LdapPool {
    fn account_attrs<'a>(&'a self, schema: &AccountSchema) -> Vec<&'a str> {
        let mut attrs = schema.attrs.to_vec();
        attrs.extend([
            self.config.mail_attribute.as_str(),
            self.config.mobile_attribute.as_str(),
            self.config.office_phone_attribute.as_str(),
        ]);
        attrs.extend(self.config.link_attribute.as_deref());
        attrs
    }

    /// The account a typed user ID means, matched on the login attributes.
    pub async fn find_account(&self, schema: &AccountSchema, login: &str) -> Result<Option<super::Account>, Error> {
        let filter = format!("(&{}{})", schema.filter, login_filter(&self.config.login_attributes, login));
        let entry = self.find_one(&filter, &self.account_attrs(schema)).await?;
        Ok(entry.map(|e| (schema.build)(&e, &self.config)))
    }

    /// An account read again by its DN (only inside the scope).
    pub async fn read_account(&self, schema: &AccountSchema, dn: &str) -> Result<Option<super::Account>, Error> {
        let entry = self.read(dn, schema.filter, &self.account_attrs(schema)).await?;
        Ok(entry.map(|e| (schema.build)(&e, &self.config)))
    }

    /// The account whose link attribute holds `value`, if linking is configured.
    pub async fn find_linked_account(
        &self,
        schema: &AccountSchema,
        value: &str,
    ) -> Result<Option<super::Account>, Error> {
        let Some(link) = self.config.link_attribute.clone() else { return Ok(None) };
        let filter = format!("(&{}{})", schema.filter, login_filter(std::slice::from_ref(&link), value));
        let entry = self.find_one(&filter, &self.account_attrs(schema)).await?;
        Ok(entry.map(|e| (schema.build)(&e, &self.config)))
    }

    /// Standing from the configured admin and pilot groups; `member` says
    /// whether the account at a DN is in a group (nested), per flavour.
    pub async fn standing(&self, dn: &str, nested_ad: bool) -> Result<super::Standing, Error> {
        let admin = match &self.config.admin_group {
            Some(group) => self.is_member(dn, group, nested_ad).await?,
            None => false,
        };
        let pilot = match &self.config.pilot_group {
            Some(group) => Some(self.is_member(dn, group, nested_ad).await?),
            None => None,
        };
        Ok(super::Standing { admin, pilot })
    }

    /// Whether the entry at `dn` is in `group`, following nested groups: AD
    /// with LDAP_MATCHING_RULE_IN_CHAIN, OpenLDAP by walking groupOfNames
    /// members (at most 5 levels).
    pub async fn is_member(&self, dn: &str, group: &str, nested_ad: bool) -> Result<bool, Error> {
        if nested_ad {
            let filter = format!("(memberOf:1.2.840.113556.1.4.1941:={})", ldap3::ldap_escape(group));
            let (dn, filter) = (dn.to_owned(), filter);
            return with_service!(self, |ldap| {
                let (rows, r) = ldap.search(&dn, ldap3::Scope::Base, &filter, vec!["1.1"]).await?.non_error()?;
                Ok(r.rc == 0 && !rows.is_empty())
            });
        }
        let (dn, group) = (dn.to_owned(), group.to_owned());
        with_service!(self, |ldap| {
            let mut frontier = vec![group.clone()];
            let mut seen = std::collections::HashSet::new();
            for _ in 0..5 {
                let mut next = Vec::new();
                for g in frontier.drain(..) {
                    if !seen.insert(g.to_lowercase()) {
                        continue;
                    }
                    let Some(entry) = read_entry(ldap, &g, &["member", "objectClass"]).await? else { continue };
                    let members: Vec<String> = entry
                        .attrs
                        .iter()
                        .filter(|(k, _)| k.eq_ignore_ascii_case("member"))
                        .flat_map(|(_, v)| v.clone())
                        .collect();
                    if members.iter().any(|m| m.eq_ignore_ascii_case(&dn)) {
                        return Ok(true);
                    }
                    next.extend(members);
                }
                // Only members that are groups themselves are followed further.
                let mut groups = Vec::new();
                for m in next {
                    let (rows, r) = ldap
                        .search(&m, ldap3::Scope::Base, "(objectClass=groupOfNames)", vec!["1.1"])
                        .await?
                        .non_error()?;
                    if r.rc == 0 && !rows.is_empty() {
                        groups.push(m);
                    }
                }
                if groups.is_empty() {
                    break;
                }
                frontier = groups;
            }
            Ok(false)
        })
    }

    /// Searches every scope base for entries matching `filter`; more than one
    /// match across the scope is ambiguous and treated as no match.
    pub async fn find_one(&self, filter: &str, attrs: &[&str]) -> Result<Option<ldap3::SearchEntry>, Error> {
        let scope = self.config.scope.clone();
        let entries = with_service!(self, |ldap| {
            let mut found = Vec::new();
            for base in &scope {
                let (rows, result) =
                    ldap.search(base, ldap3::Scope::Subtree, filter, attrs.to_vec()).await?.non_error()?;
                if result.rc == 0 {
                    found.extend(rows.into_iter().map(ldap3::SearchEntry::construct));
                }
            }
            Ok(found)
        })?;
        if entries.len() > 1 {
            tracing::warn!(count = entries.len(), "a user ID matched several accounts; refusing to guess");
            return Ok(None);
        }
        Ok(entries.into_iter().next())
    }

    /// Reads one entry by DN, only if it is inside the scope.
    pub async fn read(&self, dn: &str, filter: &str, attrs: &[&str]) -> Result<Option<ldap3::SearchEntry>, Error> {
        if !in_scope(dn, &self.config.scope) {
            return Ok(None);
        }
        let entries = with_service!(self, |ldap| {
            let (rows, result) = ldap.search(dn, ldap3::Scope::Base, filter, attrs.to_vec()).await?.non_error()?;
            Ok(if result.rc == 0 { rows } else { Vec::new() })
        })?;
        Ok(entries.into_iter().next().map(ldap3::SearchEntry::construct))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_keeps_its_connections_until_they_linger_past_the_pool_size() {
        let idle = Idle::default();
        let t0 = Instant::now();
        // A burst of 40 against a pool size of 4: all 40 are kept for reuse.
        for n in 0..40 {
            assert!(idle.put(n, 4, t0).is_empty());
        }
        // The most recently used is reused first.
        assert_eq!(idle.take(), Some(39));
        assert!(idle.put(39, 4, t0 + Duration::from_secs(1)).is_empty());
        // Once the burst is over, the oldest beyond the pool size go.
        let closed = idle.put(40, 4, t0 + LINGER + Duration::from_secs(1));
        assert_eq!(closed, (0..37).collect::<Vec<_>>());
        let mut left = Vec::new();
        while let Some(n) = idle.take() {
            left.push(n);
        }
        assert_eq!(left, [40, 39, 38, 37]);
        // Never more than MAX_IDLE, however fast they come back.
        for n in 0..MAX_IDLE + 10 {
            let _ = idle.put(n, 4, t0);
        }
        assert_eq!(std::iter::from_fn(|| idle.take()).count(), MAX_IDLE);
    }

    #[test]
    fn filters_escape_injection() {
        let attrs = vec!["uid".to_owned(), "mail".to_owned()];
        assert_eq!(login_filter(&attrs, "alice"), "(|(uid=alice)(mail=alice))");
        assert_eq!(login_filter(&attrs, "*"), "(|(uid=\\2a)(mail=\\2a))");
        assert_eq!(login_filter(&attrs, "a)(uid=*"), "(|(uid=a\\29\\28uid=\\2a)(mail=a\\29\\28uid=\\2a))");
        assert_eq!(login_filter(&attrs[..1], "x\0y\\"), "(|(uid=x\\00y\\5c))");
    }

    #[test]
    fn pinning_matches_the_host_of_a_configured_url() {
        let config = LdapConfig {
            urls: vec![
                url::Url::parse("ldaps://dc2.example.org").unwrap(),
                url::Url::parse("ldaps://DC1.example.org:636").unwrap(),
            ],
            starttls: false,
            ca_file: None,
            bind_dn: "cn=x".into(),
            bind_password: "y".to_owned().into(),
            scope: vec!["dc=example,dc=org".into()],
            login_attributes: vec!["uid".into()],
            connect_timeout: std::time::Duration::from_secs(1),
            timeout: std::time::Duration::from_secs(1),
            pool_size: 1,
            prefer_pdc_emulator: true,
            link_attribute: None,
            admin_group: None,
            pilot_group: None,
            mail_attribute: "mail".into(),
            mobile_attribute: "mobile".into(),
            office_phone_attribute: "telephoneNumber".into(),
            policy_dn: None,
        };
        let pool = LdapPool::new(config).unwrap();
        assert!(!pool.pin_host("dc3.example.org"));
        assert!(pool.pin_host("dc1.example.org"));
        assert_eq!(pool.pinned.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn scope_is_a_suffix_match_on_whole_rdns() {
        let scope = vec!["OU=Staff,DC=example,DC=test".to_owned()];
        assert!(in_scope("CN=Alice,OU=Staff,DC=example,DC=test", &scope));
        assert!(in_scope("cn=alice, ou=staff, dc=example, dc=test", &scope));
        assert!(!in_scope("CN=Dave,CN=Users,DC=example,DC=test", &scope));
        assert!(!in_scope("CN=X,OU=NotStaff,DC=example,DC=test", &scope));
    }

    /// Found by the ldap fuzz target: the scope check split DNs at every
    /// comma, so an entry directly under `DC=test` whose RDN holds an
    /// escaped comma passed as inside `OU=Staff,DC=example,DC=test`.
    #[test]
    fn an_escaped_comma_does_not_end_an_rdn() {
        let scope = vec!["OU=Staff,DC=example,DC=test".to_owned()];
        assert!(!in_scope("CN=x\\,OU=Staff\\,DC=example,DC=test", &scope));
        assert!(!in_scope("CN=x\\,OU=Staff,DC=example,DC=test", &scope));
        assert!(in_scope("CN=x\\,OU=Staff,DC=example,DC=test", &["DC=example,DC=test".to_owned()]));
        assert!(in_scope("CN=Smith\\, John,OU=Staff,DC=example,DC=test", &scope));
        assert!(in_scope("CN=x\\\\,OU=Staff,DC=example,DC=test", &scope), "an escaped backslash, then a real comma");
        assert!(!in_scope("=\0lperl,,Ff,ȼ=eFf,ȼerl\\,dc=org", &["dc=org".to_owned()]));
    }
}
