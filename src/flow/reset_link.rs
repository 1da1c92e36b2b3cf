//! One-time reset links (issue 6 item 4): an administrator sends a person a
//! link by e-mail or text message to an address passdesk already has (a
//! new joiner's imported one); opening it starts a reset with that proof
//! passed and the policy's other proofs still to give. The administrator
//! never sees or chooses a password (ASVS 5 §6.4.6). Links work once, for
//! 24 hours, and only their hash is stored.

use super::reset::{Started, directory_error};
use super::{Client, Error, Flows};
use crate::directory::AccountId;
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::{Activity, AuditOutcome, FlowToken, Login, MethodKind};
use crate::i18n::Msg;
use crate::notify::templates;
use crate::store::{Effects, FlowKind, NewFlow, NewResetLink};

/// How long a reset link works.
pub const RESET_LINK_SECS: i64 = 24 * 3600;

/// What was sent, for the administrator.
#[derive(Debug, Clone)]
pub struct LinkSent {
    /// The masked destination.
    pub to: String,
    /// When the link stops working (Unix seconds).
    pub expires_at: i64,
}

impl Flows {
    /// Sends `user` a one-time reset link by `via` ("email" or "sms").
    pub async fn send_reset_link(
        &self,
        user: &str,
        via: &str,
        actor: &str,
        client: &Client,
    ) -> Result<LinkSent, Error> {
        let (kind, field_hint) = match via {
            "email" => (MethodKind::Email, "e-mail"),
            "sms" => (MethodKind::MobileSms, "text message"),
            other => {
                return Err(Error::InvalidInput {
                    field: "via",
                    message: Msg::admin(format!("{other:?} is not a channel: use email or sms")),
                });
            }
        };
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        let (dir, account) =
            self.find_account(&login).await?.ok_or_else(|| Error::UserNotFound(login.as_str().to_owned()))?;
        let policy = self.store.reset_policy().await?;
        let (methods, _) =
            self.eligible_methods(&dir, &account, &policy).await?.map_err(|why| Error::InvalidInput {
                field: "user",
                message: Msg::admin(format!("{} cannot use self-service password reset: {why}", account.login)),
            })?;
        if !methods.iter().any(|m| m.kind == kind) {
            return Err(Error::InvalidInput {
                field: "via",
                message: Msg::admin(format!(
                    "{} has no {field_hint} destination the reset policy accepts; import one first \
                     (passdesk import, or PUT /api/v1/admin/users/{{login}}/methods) or choose the other channel",
                    account.login
                )),
            });
        }
        let rows = self.store.enrolments(dir.name().to_owned(), account.id.0.clone()).await?;
        let to = match kind {
            MethodKind::Email => super::methods::email_address(&rows, &account),
            _ => self.phone(&rows, crate::domain::Enrolment::Mobile, account.mobile.as_deref()),
        }
        .ok_or(Error::WrongStep("step-destination-gone"))?;
        let channel =
            if kind == MethodKind::Email { crate::domain::Channel::Email } else { crate::domain::Channel::Sms };
        self.ensure_channel_works(channel, &account.login, client).await?;
        let token = FlowToken::generate();
        let now = self.clock.now();
        let expires_at = now + RESET_LINK_SECS;
        let link = format!("{}/reset/link/{}", self.settings.public_base, token.as_str());
        let brand = &self.org_brand();
        let (message, masked) = match kind {
            MethodKind::Email => {
                (templates::reset_link_email(brand, &to, &account.display_name, &link), mask_email(&to))
            }
            _ => (templates::reset_link_sms(brand, &to, &link), mask_phone(&to)),
        };
        // Never delivered after the link died.
        let message = crate::domain::Message { expires_at: Some(expires_at), ..message };
        let detail = format!("one-time reset link sent by {field_hint} to {masked}, valid 24 hours");
        let mut audit = self.audit(Activity::ResetLinkSent, AuditOutcome::Success, &account.login, detail, client);
        audit.actor = actor.to_owned();
        let new = NewResetLink {
            token_hash: token.digest(),
            directory: dir.name().to_owned(),
            account_id: account.id.0.clone(),
            login: account.login.clone(),
            method: kind.id().to_owned(),
            sent_by: actor.to_owned(),
            expires_at,
        };
        self.store.create_reset_link(new, now, Effects::with(vec![audit], vec![message])).await?;
        self.outbox_signal.notify_one();
        Ok(LinkSent { to: masked, expires_at })
    }

    /// Whether a link can still be used (the page asks before using it, so
    /// a mail scanner that fetches links does not spend it).
    pub async fn reset_link_live(&self, token: &str) -> Result<bool, Error> {
        let Some(token) = FlowToken::parse(token) else { return Ok(false) };
        Ok(self.store.live_reset_link(token.digest(), self.clock.now()).await?.is_some())
    }

    /// Uses a link: starts a reset flow for its account with the link's
    /// proof already passed.
    pub async fn open_reset_link(&self, token: &str, client: &Client) -> Result<Started, Error> {
        let link_token = FlowToken::parse(token).ok_or(Error::LinkNotFound)?;
        let now = self.clock.now();
        // Everything is checked before the link is spent: a directory
        // outage or a policy change leaves it usable.
        let link = self.store.live_reset_link(link_token.digest(), now).await?.ok_or(Error::LinkNotFound)?;
        let dir = self.directory(&link.directory).ok_or(Error::LinkNotFound)?;
        let account = dir.account(&AccountId(link.account_id.clone())).await.map_err(directory_error)?;
        let account = account.ok_or(Error::LinkNotFound)?;
        let policy = self.store.reset_policy().await?;
        let (methods, required) =
            self.eligible_methods(&dir, &account, &policy).await?.map_err(Error::AccountNotEligible)?;
        if !methods.iter().any(|m| m.id == link.method) {
            return Err(Error::AccountNotEligible(format!("the link's method {} is no longer offered", link.method)));
        }
        let linked = self.linked_accounts(&dir, &account).await?;
        if self.store.use_reset_link(link_token.digest(), now).await?.is_none() {
            return Err(Error::LinkNotFound);
        }
        let token = FlowToken::generate();
        let flow = NewFlow {
            token_hash: token.digest(),
            kind: FlowKind::Reset,
            directory: dir.name().to_owned(),
            login: account.login.clone(),
            account_id: Some(account.id.0.clone()),
            methods: methods.clone(),
            required,
            linked,
            client_ip: client.ip.clone(),
        };
        let detail = "identify: one-time reset link sent by an administrator".to_owned();
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, &account.login, detail, client);
        self.store.create_flow(flow, now, Effects::audited(vec![audit])).await?;
        let row = self.live_flow(token.as_str()).await?;
        self.record_proof(&row, &link.method, client).await?;
        Ok(Started { token, methods, required })
    }
}
