//! Registration (DESIGN.md §6, issue 6): a person signs in with their
//! directory password, sees what passdesk can reach them by (masked) and
//! what the policy asks for, and adds, changes or removes methods. Every
//! address or number is proven by a code sent there before it is saved;
//! the authenticator app by its first code. Each saved datum is audited and
//! confirmed to the person's other addresses, with a "this wasn't me" link.

mod authenticator;
mod contact;
mod direct;
mod guards;
mod questions;
mod session;
mod view;

pub use authenticator::AuthenticatorSetup;
pub(in crate::flow) use guards::PasswordGuards;
pub(in crate::flow) use session::Signed;
pub use session::SignedIn;
pub use view::{Item, Origin, PendingView, Registration};

use super::reset::directory_error;
use super::{Client, Error, Facets, Flows};
use crate::domain::{Activity, AuditOutcome, Enrolment, MethodKind};
use crate::i18n::Msg;
use crate::notify::templates::Notice;
use crate::store::EnrolmentRow;

/// A session ends after this long without a request.
pub const SESSION_IDLE_SECS: i64 = 15 * 60;
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX_SECS: i64 = 60 * 60;

/// A field the person got wrong, with what to do about it.
fn invalid(field: &'static str, message: Msg) -> Error {
    Error::InvalidInput { field, message }
}

/// Whether the policy offers a method that this registration serves.
fn offered(policy_methods: &[String], kind: Enrolment) -> bool {
    policy_methods.iter().filter_map(|m| MethodKind::from_id(m)).any(|m| m.enrolment() == Some(kind))
        || (kind == Enrolment::Email && policy_methods.iter().any(|m| m == "email"))
}

impl Flows {
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
                message: Msg::new("input-nothing-registered").arg("kind", kind.id()),
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
        let mut effects = self.notices(Notice::Registration, &s.row.directory, &s.account, client).await?;
        let detail = format!("removed {}", kind.id());
        let facets = Facets { method: Some(kind.id()), directory: Some(&s.row.directory), reason: None };
        let audit = self.audit_as(Activity::Registered, AuditOutcome::Success, &s.row.login, detail, facets, client);
        effects.audit.push(audit);
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
        let mut effects = self.notices(Notice::Registration, &s.row.directory, &s.account, client).await?;
        let facets = Facets { method: Some(kind.id()), directory: Some(&s.row.directory), reason: None };
        let audit = self.audit_as(Activity::Registered, AuditOutcome::Success, &s.row.login, detail, facets, client);
        effects.audit.push(audit);
        let proven = crate::store::Proven { session_id: s.row.id, kind, value, last_step };
        let (d, a) = (s.row.directory.clone(), s.row.account_id.clone());
        let waited = waited.map(str::to_owned);
        if !self.store.save_proven(d, a, proven, waited, self.clock.now(), effects).await? {
            return Err(Error::WrongStep("step-registration-done"));
        }
        self.outbox_signal.notify_one();
        Ok(())
    }

    /// Refuses to start an app or passkey set-up while a code sent to a new
    /// address waits (the session keeps one registration at a time).
    pub(super) fn ensure_no_code_waiting(&self, s: &Signed, now: i64) -> Result<(), Error> {
        match &s.row.pending {
            Some(p) if !p.mac.is_empty() && p.expires_at > now => Err(Error::WrongStep("step-code-waiting")),
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
        Err(Error::InvalidInput { field: "kind", message: Msg::new("input-kind-not-offered").arg("kind", kind.id()) })
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
