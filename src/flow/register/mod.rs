//! Registration (DESIGN.md §6, issue 6): a person signs in with their
//! directory password, sees what passdesk can reach them by (masked) and
//! what the policy asks for, and adds, changes or removes methods. Every
//! address or number is proven by a code sent there before it is saved;
//! the authenticator app by its first code. Each saved datum is audited and
//! confirmed to the person's other addresses, with a "this wasn't me" link.

mod authenticator;
mod contact;
mod direct;
mod questions;

pub use authenticator::AuthenticatorSetup;

use super::reset::directory_error;
use super::{Client, Error, Flows};
use crate::directory::{Account, AccountId, Directory};
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::method::Source;
use crate::domain::policy::ResetPolicy;
use crate::domain::questions::{Question, question_catalogue};
use crate::domain::{Activity, AuditOutcome, Enrolment, FlowToken, Login, MethodKind};
use crate::notify::templates::Notice;
use crate::store::{EnrolmentRow, SessionRow};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A session ends after this long without a request.
pub const SESSION_IDLE_SECS: i64 = 15 * 60;
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX_SECS: i64 = 60 * 60;

/// What the person signed in with, kept only in this process's memory for
/// the session's life: a MAC of the folded password under a key that never
/// leaves memory, so security answers can be refused when they equal the
/// password without the password (or anything that tests guesses against
/// it offline) ever reaching the database.
#[derive(Default)]
pub(super) struct PasswordGuards {
    key: std::sync::OnceLock<[u8; 32]>,
    by_session: Mutex<HashMap<i64, ([u8; 32], std::time::Instant)>>,
}

impl PasswordGuards {
    fn mac(&self, text: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let key = self.key.get_or_init(rand::random);
        let folded = crate::domain::questions::fold(text);
        match <Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(folded.as_bytes());
                mac.finalize().into_bytes().into()
            }
            // HMAC takes keys of any length; this arm is unreachable.
            Err(_) => [0; 32],
        }
    }

    fn remember(&self, session: i64, password: &SecretString) {
        let mac = self.mac(password.expose_secret());
        if let Ok(mut map) = self.by_session.lock() {
            map.insert(session, (mac, std::time::Instant::now()));
        }
    }

    /// Drops what outlived any session.
    fn forget_old(&self) {
        let max = std::time::Duration::from_secs(SESSION_MAX_SECS.unsigned_abs());
        if let Ok(mut map) = self.by_session.lock() {
            map.retain(|_, (_, at)| at.elapsed() <= max);
        }
    }

    fn forget(&self, session: i64) {
        if let Ok(mut map) = self.by_session.lock() {
            map.remove(&session);
        }
    }

    /// Whether `text` equals the session's password; `None` when this
    /// process does not know it (restarted since sign-in).
    fn is_password(&self, session: i64, text: &str) -> Option<bool> {
        let (known, _) = self.by_session.lock().ok()?.get(&session).copied()?;
        Some(crate::domain::key::macs_equal(&known, &self.mac(text)))
    }
}

/// A fresh sign-in: the token for the cookie or bearer, and the page.
pub struct SignedIn {
    /// The session token (only its SHA-256 is stored).
    pub token: FlowToken,
    /// What the person sees first.
    pub view: Registration,
}

/// Where a registered datum came from, as the person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The organisation's directory (not removable here).
    Directory,
    /// The person verified it.
    You,
    /// An administrator imported it.
    Imported,
}

impl Origin {
    /// The word used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::You => "you",
            Self::Imported => "imported",
        }
    }
}

/// One thing the person can be reached or proven by.
#[derive(Debug, Clone)]
pub struct Item {
    /// What it is.
    pub kind: Enrolment,
    /// Masked value (empty for questions and the authenticator).
    pub hint: String,
    /// Where it came from.
    pub origin: Origin,
    /// When it was verified or set (RFC 3339), if passdesk stored it.
    pub since: Option<String>,
    /// The person may remove it here (what passdesk stores, not the directory's).
    pub removable: bool,
}

/// A code or app confirmation the person still owes.
#[derive(Debug, Clone)]
pub struct PendingView {
    /// What is being registered.
    pub kind: Enrolment,
    /// Masked destination of the code (empty for the authenticator).
    pub hint: String,
    /// Seconds until it stops working.
    pub expires_in: i64,
}

/// Everything the registration page shows.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The user ID.
    pub login: String,
    /// Name to greet the person with.
    pub display_name: String,
    /// What passdesk can use now, one entry per kind.
    pub items: Vec<Item>,
    /// What the person can register here, as the policy offers it.
    pub can_register: Vec<Enrolment>,
    /// Independent methods the policy requires.
    pub required: u8,
    /// Independent methods the person has now.
    pub usable: usize,
    /// Enough methods to reset today.
    pub enough: bool,
    /// Registered data older than the policy's re-confirmation period.
    pub stale: bool,
    /// The policy wants the person to register or confirm before going on,
    /// and they have not skipped it in this session.
    pub interrupt: bool,
    /// Questions a person registers.
    pub questions_to_register: u8,
    /// The questions to choose from.
    pub catalogue: Vec<Question>,
    /// The registration waiting for its code, if any.
    pub pending: Option<PendingView>,
}

impl Enrolment {
    /// A short label for pages and messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "E-mail",
            Self::AltEmail => "Alternate e-mail",
            Self::Mobile => "Mobile phone",
            Self::OfficePhone => "Office phone",
            Self::Questions => "Security questions",
            Self::Authenticator => "Authenticator app",
            Self::Passkey => "Passkeys",
        }
    }
}

/// Whether the policy offers a method that this registration serves.
fn offered(policy_methods: &[String], kind: Enrolment) -> bool {
    policy_methods.iter().filter_map(|m| MethodKind::from_id(m)).any(|m| m.enrolment() == Some(kind))
        || (kind == Enrolment::Email && policy_methods.iter().any(|m| m == "email"))
}

/// A signed-in session with its directory and account, as just read.
pub(super) struct Signed {
    pub row: SessionRow,
    pub dir: Arc<dyn Directory>,
    pub account: Account,
}

impl Flows {
    /// Signs a person in to registration with their directory password.
    /// Unknown users, wrong passwords and blocked accounts look the same
    /// from outside; wrong passwords count towards the block like failed
    /// proofs in a reset.
    pub async fn register_sign_in(
        &self,
        user: &str,
        password: &SecretString,
        client: &Client,
    ) -> Result<SignedIn, Error> {
        let begun = tokio::time::Instant::now();
        let answer = self.sign_in_unpadded(user, password, true, client).await;
        self.padded(begun, answer).await
    }

    /// Signs in; `counted` says whether a wrong password counts towards the
    /// sign-in block (not for the sign-in passdesk makes itself right after
    /// a change, where a directory replica may not know the new password yet).
    async fn sign_in_unpadded(
        &self,
        user: &str,
        password: &SecretString,
        counted: bool,
        client: &Client,
    ) -> Result<SignedIn, Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.to_string() })?;
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidInput { field: "password", message: "enter your password".into() });
        }
        let found = self.find_account(&login).await?;
        let (directory, account_id) = match &found {
            Some((dir, account)) => (dir.name().to_owned(), Some(account.id.0.as_str())),
            None => (String::new(), None),
        };
        // A reset block (failed proofs, "this wasn't me") stops sign-in too;
        // failed sign-ins count under their own key, so a stranger who
        // types wrong passwords for someone's user ID blocks only sign-in
        // to registration, never their password reset.
        let key = self.defence_key(&directory, account_id, login.as_str());
        self.ensure_not_blocked(&key).await?;
        let key = format!("signin:{key}");
        self.ensure_not_blocked(&key).await?;
        let fail = |why: &str| {
            let detail = format!("registration sign-in: {why}");
            self.audit(Activity::FlowProgress, AuditOutcome::Failure, login.as_str(), detail, client)
        };
        let Some((dir, account)) = found else {
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![fail("no such user")])).await?;
            if counted {
                self.note_failure(&key, login.as_str(), client).await?;
            }
            return Err(Error::WrongCredentials);
        };
        if let Err(e) = dir.authenticate(&account.id, password).await {
            let audit = fail(&e.to_string());
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
            return Err(match e {
                // A locked or disabled account answers like a wrong password
                // (Active Directory says "locked" whatever the password, which
                // would tell a stranger the account exists).
                crate::directory::Error::InvalidCredentials
                | crate::directory::Error::AccountLockedOut
                | crate::directory::Error::AccountDisabled => {
                    if counted {
                        self.note_failure(&key, login.as_str(), client).await?;
                    }
                    Error::WrongCredentials
                }
                other => directory_error(other),
            });
        }
        let policy = self.store.reset_policy().await?;
        if let Err(why) = self.eligible(&dir, &account, &policy).await? {
            let audit = fail(&why);
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
            return Err(Error::AccountNotEligible(why));
        }
        let token = FlowToken::generate();
        let now = self.clock.now();
        let detail = format!("registration sign-in to directory {}", dir.name());
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, login.as_str(), detail, client);
        let id = self
            .store
            .create_session(
                token.digest(),
                dir.name().to_owned(),
                account.id.0.clone(),
                account.login.clone(),
                now,
                crate::store::Effects::audited(vec![audit]),
            )
            .await?;
        self.guards.remember(id, password);
        let row = self.store.session_by_token(token.digest()).await?.ok_or(Error::SignInNeeded)?;
        let view = self.registration_of(&Signed { row, dir, account }, &policy).await?;
        Ok(SignedIn { token, view })
    }

    /// Whether the policy lets this person use self-service at all.
    async fn eligible(
        &self,
        dir: &Arc<dyn Directory>,
        account: &Account,
        policy: &ResetPolicy,
    ) -> Result<Result<(), String>, Error> {
        use crate::domain::policy::Enabled;
        if account.disabled {
            return Ok(Err("account disabled".into()));
        }
        let standing = dir.standing(&account.id).await.map_err(directory_error)?;
        Ok(match (policy.enabled, standing.pilot) {
            (Enabled::None, _) => Err("self-service password reset is turned off".into()),
            (Enabled::Group, None | Some(false)) => Err("not in the pilot group".into()),
            _ => Ok(()),
        })
    }

    /// The live session a token opens, touched now; an idle or old one is
    /// ended and refused.
    pub(super) async fn signed(&self, token: &str) -> Result<Signed, Error> {
        let token = FlowToken::parse(token).ok_or(Error::SignInNeeded)?;
        let row = self.store.session_by_token(token.digest()).await?.ok_or(Error::SignInNeeded)?;
        let now = self.clock.now();
        if row.touched_at + SESSION_IDLE_SECS < now || row.created_at + SESSION_MAX_SECS < now {
            self.guards.forget(row.id);
            self.store.end_session(row.id, now, crate::store::Effects::default()).await?;
            return Err(Error::SignInNeeded);
        }
        let dir = self.directory(&row.directory).ok_or(Error::SignInNeeded)?;
        let account = dir.account(&AccountId(row.account_id.clone())).await.map_err(directory_error)?;
        let Some(account) = account.filter(|a| !a.disabled) else {
            self.store.end_session(row.id, now, crate::store::Effects::default()).await?;
            return Err(Error::SignInNeeded);
        };
        // A block (too many failures, or a "this wasn't me" report) also
        // stops a session that was open before it.
        let key = self.defence_key(&row.directory, Some(&row.account_id), &row.login);
        self.ensure_not_blocked(&key).await?;
        self.store.touch_session(row.id, false, now).await?;
        Ok(Signed { row, dir, account })
    }

    /// What the registration page shows for a session.
    pub async fn registration(&self, token: &str) -> Result<Registration, Error> {
        let signed = self.signed(token).await?;
        let policy = self.store.reset_policy().await?;
        self.registration_of(&signed, &policy).await
    }

    pub(super) async fn registration_of(&self, s: &Signed, policy: &ResetPolicy) -> Result<Registration, Error> {
        let standing = s.dir.standing(&s.account.id).await.map_err(directory_error)?;
        let (required, allowed) = policy.for_person(standing.admin);
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let usable = self.usable(&rows, &s.account, policy, &allowed);
        let now = self.clock.now();
        let items = self.items(&rows, &s.account);
        let newest_own = rows.iter().filter(|r| r.source == Source::User).map(|r| r.verified_at).max();
        let stale = policy.reconfirm_days > 0
            && newest_own.is_some_and(|at| at + i64::from(policy.reconfirm_days) * 86_400 < now);
        let enough = usable >= usize::from(required);
        let can_register = [
            Enrolment::AltEmail,
            Enrolment::Mobile,
            Enrolment::OfficePhone,
            Enrolment::Questions,
            Enrolment::Authenticator,
            Enrolment::Passkey,
        ]
        .into_iter()
        .filter(|k| offered(&allowed, *k))
        .collect();
        let pending = s.row.pending.as_ref().filter(|p| p.expires_at > now).map(|p| PendingView {
            kind: p.kind,
            hint: match p.kind {
                Enrolment::AltEmail | Enrolment::Email => mask_email(&p.value),
                Enrolment::Mobile | Enrolment::OfficePhone => mask_phone(&p.value),
                _ => String::new(),
            },
            expires_in: p.expires_at - now,
        });
        Ok(Registration {
            login: s.account.login.clone(),
            display_name: s.account.display_name.clone(),
            items,
            can_register,
            required,
            usable,
            enough,
            stale,
            interrupt: policy.require_registration && (!enough || stale) && !s.row.skipped,
            questions_to_register: policy.questions_to_register,
            catalogue: question_catalogue(&policy.custom_questions),
            pending,
        })
    }

    /// Independent methods the policy accepts from these rows.
    fn usable(&self, rows: &[EnrolmentRow], account: &Account, policy: &ResetPolicy, allowed: &[String]) -> usize {
        let methods: Vec<_> = self
            .methods_from(rows, account, policy.questions_to_reset)
            .into_iter()
            .filter(|m| allowed.iter().any(|a| a == &m.id))
            .collect();
        super::methods::families(&methods)
    }

    fn items(&self, rows: &[EnrolmentRow], account: &Account) -> Vec<Item> {
        let mut items = Vec::new();
        let row_of = |kind| rows.iter().find(|r| r.kind == kind);
        for kind in Enrolment::ALL {
            if let Some(row) = row_of(kind) {
                let hint = match kind {
                    Enrolment::Email | Enrolment::AltEmail => mask_email(&row.value),
                    Enrolment::Mobile | Enrolment::OfficePhone => mask_phone(&row.value),
                    Enrolment::Questions | Enrolment::Authenticator => String::new(),
                    Enrolment::Passkey => match super::passkeys::stored_passkeys(rows).len() {
                        1 => "1 passkey".to_owned(),
                        n => format!("{n} passkeys"),
                    },
                };
                let origin = if row.source == Source::User { Origin::You } else { Origin::Imported };
                let since = Some(crate::clock::rfc3339(row.verified_at));
                items.push(Item { kind, hint, origin, since, removable: true });
                continue;
            }
            let directory_value = match kind {
                Enrolment::Email => account.email.clone().filter(|e| e.contains('@')).map(|e| mask_email(&e)),
                Enrolment::Mobile => self.phone(rows, kind, account.mobile.as_deref()).map(|p| mask_phone(&p)),
                Enrolment::OfficePhone => {
                    self.phone(rows, kind, account.office_phone.as_deref()).map(|p| mask_phone(&p))
                }
                _ => None,
            };
            if let Some(hint) = directory_value {
                items.push(Item { kind, hint, origin: Origin::Directory, since: None, removable: false });
            }
        }
        items
    }

    /// "Skip for now" on the interrupt: asked again at the next sign-in.
    pub async fn register_skip(&self, token: &str, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let audit = self.audit(
            Activity::FlowProgress,
            AuditOutcome::Success,
            &s.row.login,
            "registration skipped".into(),
            client,
        );
        self.store.record(now, crate::store::Effects::audited(vec![audit])).await?;
        self.store.touch_session(s.row.id, true, now).await?;
        Ok(())
    }

    /// "This is still correct": the person's own data counts as verified now.
    pub async fn register_reconfirm(&self, token: &str, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let audit = self.audit(
            Activity::Registered,
            AuditOutcome::Success,
            &s.row.login,
            "confirmed registered data is still current".into(),
            client,
        );
        let (d, a) = (s.row.directory.clone(), s.row.account_id.clone());
        self.store.reconfirm_enrolments(d, a, now, crate::store::Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// Removes one registration, unless what is left would no longer meet
    /// the policy; the person's addresses are told.
    pub async fn register_remove(&self, token: &str, kind: Enrolment, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let policy = self.store.reset_policy().await?;
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        if !rows.iter().any(|r| r.kind == kind) {
            return Err(Error::InvalidInput {
                field: "kind",
                message: format!("nothing of kind {} is registered with passdesk for you", kind.id()),
            });
        }
        let standing = s.dir.standing(&s.account.id).await.map_err(directory_error)?;
        let (required, allowed) = policy.for_person(standing.admin);
        let before = self.usable(&rows, &s.account, &policy, &allowed);
        let left_rows: Vec<EnrolmentRow> = rows.into_iter().filter(|r| r.kind != kind).collect();
        let left = self.usable(&left_rows, &s.account, &policy, &allowed);
        if left < usize::from(required) && left < before {
            return Err(Error::MethodNeeded { required, left });
        }
        let mut effects = self.notices(Notice::Registration, &s.row.directory, &s.account).await?;
        let detail = format!("removed {}", kind.id());
        effects.audit.push(self.audit(Activity::Registered, AuditOutcome::Success, &s.row.login, detail, client));
        let (d, a) = (s.row.directory.clone(), s.row.account_id.clone());
        self.store.remove_enrolments(d, a, Some(kind), self.clock.now(), effects).await?;
        self.outbox_signal.notify_one();
        Ok(())
    }

    /// Drops the registration waiting for its code or first app code.
    pub async fn register_cancel(&self, token: &str) -> Result<(), Error> {
        let s = self.signed(token).await?;
        self.store.drop_pending(s.row.id, self.clock.now()).await?;
        Ok(())
    }

    /// After a password change through the portal, when the policy asks
    /// for registration at sign-in: signs the person in with the password
    /// they just chose and returns the session when registration (or
    /// re-confirmation) is due, so the page can take them there. `None`
    /// when nothing is due or the sign-in did not work (the change stands).
    pub async fn registration_due_after_change(
        &self,
        user: &str,
        new: &SecretString,
        client: &Client,
    ) -> Result<Option<FlowToken>, Error> {
        if !self.store.reset_policy().await?.require_registration {
            return Ok(None);
        }
        let Ok(signed) = self.sign_in_unpadded(user, new, false, client).await else { return Ok(None) };
        if signed.view.interrupt {
            return Ok(Some(signed.token));
        }
        self.register_sign_out(signed.token.as_str()).await?;
        Ok(None)
    }

    /// Forgets sessions past their idle or absolute timeout.
    pub async fn purge_sessions(&self) -> Result<usize, Error> {
        self.guards.forget_old();
        let now = self.clock.now();
        Ok(self.store.purge_sessions(now - SESSION_IDLE_SECS, now - SESSION_MAX_SECS).await?)
    }

    /// Ends the session.
    pub async fn register_sign_out(&self, token: &str) -> Result<(), Error> {
        let Some(token) = FlowToken::parse(token) else { return Ok(()) };
        if let Some(row) = self.store.session_by_token(token.digest()).await? {
            self.guards.forget(row.id);
            self.store.end_session(row.id, self.clock.now(), crate::store::Effects::default()).await?;
        }
        Ok(())
    }

    /// Saves a proven registration with its audit row and the confirmation
    /// to the person's other addresses (read before the save, so a new
    /// address is not told about itself), while the registration `waited`
    /// for is still the session's (of two parallel proofs, one saves).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn save_proven(
        &self,
        s: &Signed,
        waited: Option<&str>,
        kind: Enrolment,
        value: String,
        last_step: Option<i64>,
        detail: String,
        client: &Client,
    ) -> Result<(), Error> {
        let mut effects = self.notices(Notice::Registration, &s.row.directory, &s.account).await?;
        effects.audit.push(self.audit(Activity::Registered, AuditOutcome::Success, &s.row.login, detail, client));
        let proven = crate::store::Proven { session_id: s.row.id, kind, value, last_step };
        let (d, a) = (s.row.directory.clone(), s.row.account_id.clone());
        let waited = waited.map(str::to_owned);
        if !self.store.save_proven(d, a, proven, waited, self.clock.now(), effects).await? {
            return Err(Error::WrongStep("this registration was already saved or cancelled"));
        }
        self.outbox_signal.notify_one();
        Ok(())
    }

    /// Refuses to start an app or passkey set-up while a code sent to a new
    /// address waits (the session keeps one registration at a time).
    pub(super) fn ensure_no_code_waiting(&self, s: &Signed, now: i64) -> Result<(), Error> {
        match &s.row.pending {
            Some(p) if !p.mac.is_empty() && p.expires_at > now => {
                Err(Error::WrongStep("a code sent to a new address or number is waiting: type it (or cancel it) first"))
            }
            _ => Ok(()),
        }
    }

    /// Refuses a registration of a kind the person's policy does not offer
    /// (the pages hide it; a program could still ask).
    pub(super) async fn ensure_offered(&self, s: &Signed, kind: Enrolment) -> Result<(), Error> {
        let policy = self.store.reset_policy().await?;
        let standing = s.dir.standing(&s.account.id).await.map_err(directory_error)?;
        let (_, allowed) = policy.for_person(standing.admin);
        if offered(&allowed, kind) {
            return Ok(());
        }
        Err(Error::InvalidInput {
            field: "kind",
            message: format!("your organisation does not use {} for password reset; choose another method", kind.id()),
        })
    }

    /// Counts a failed proof in a registration: audited, and towards the
    /// account's block like a failed reset proof.
    pub(super) async fn registration_failure(&self, s: &Signed, detail: String, client: &Client) -> Result<(), Error> {
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, &s.row.login, detail, client);
        self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
        let key = self.defence_key(&s.row.directory, Some(&s.row.account_id), &s.row.login);
        self.note_failure(&key, &s.row.login, client).await
    }
}
