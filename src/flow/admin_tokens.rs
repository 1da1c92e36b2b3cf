//! Bearer tokens of the admin API: issued from the CLI or the admin
//! pages (shown once, stored as SHA-256), listed with their last use,
//! revoked from the pages. A token that is presented but not live is
//! refused and audited.

use super::{Client, Error, Flows};
use crate::domain::{Activity, AuditOutcome, FlowToken};
use crate::i18n::Msg;
use crate::store::Effects;

/// An admin API token as the tokens page lists it (never the token).
pub use crate::store::AdminTokenRow as AdminToken;

/// Who called the admin API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCaller {
    /// A live token, by its name.
    Token(String),
    /// No token at all.
    Anonymous,
    /// A token that is not (or no longer) live; audited.
    Refused,
}

impl Flows {
    /// Issues a bearer token for the admin API; `actor` is "cli" or the
    /// administrator who asked for it.
    pub async fn issue_admin_token_as(&self, name: &str, actor: &str, client: &Client) -> Result<FlowToken, Error> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(Error::InvalidInput {
                field: "name",
                message: Msg::admin("give a short name for the token (1 to 64 characters)"),
            });
        }
        let token = FlowToken::generate();
        let mut audit = self.audit(
            Activity::AdminTokenIssued,
            AuditOutcome::Success,
            name,
            "admin API token issued".into(),
            client,
        );
        audit.actor = actor.to_owned();
        self.store
            .add_admin_token(
                name.to_owned(),
                actor.to_owned(),
                token.digest(),
                self.clock.now(),
                Effects::audited(vec![audit]),
            )
            .await?;
        Ok(token)
    }

    /// Every admin API token, newest first, for the tokens page.
    pub async fn admin_token_list(&self) -> Result<Vec<AdminToken>, Error> {
        Ok(self.store.admin_tokens().await?)
    }

    /// Revokes a token at once (audited); unknown or already revoked ids
    /// are refused with a message and change nothing.
    pub async fn revoke_admin_token(&self, id: i64, actor: &str, client: &Client) -> Result<String, Error> {
        let refused = || Error::InvalidInput {
            field: "token",
            message: Msg::admin(format!("there is no live token number {id}: it may have been revoked already")),
        };
        let tokens = self.store.admin_tokens().await?;
        let live = tokens.iter().find(|t| t.id == id && t.revoked_at.is_none()).ok_or_else(refused)?;
        let mut audit = self.audit(
            Activity::AdminTokenRevoked,
            AuditOutcome::Success,
            &live.name,
            format!("admin API token {id} revoked"),
            client,
        );
        audit.actor = actor.to_owned();
        self.store.revoke_admin_token(id, self.clock.now(), Effects::audited(vec![audit])).await?.ok_or_else(refused)
    }

    /// Who presents `authorization` (the bearer token's text, empty when
    /// none was sent); a presented token that is not live is audited.
    pub async fn admin_api_caller(&self, presented: &str, route: &str, client: &Client) -> Result<ApiCaller, Error> {
        if presented.is_empty() {
            return Ok(ApiCaller::Anonymous);
        }
        if let Some(token) = FlowToken::parse(presented)
            && let Some((name, last_used)) = self.store.admin_token(token.digest()).await?
        {
            // At most one write a minute per token: a scraper calling every
            // few seconds costs no commit on each call.
            let now = self.clock.now();
            if last_used.is_none_or(|at| at < now - 60) {
                self.store.note_admin_token_use(token.digest(), now).await?;
            }
            return Ok(ApiCaller::Token(name));
        }
        self.admin_access_refused("unknown", &format!("{route} with a token that is not live"), client).await?;
        Ok(ApiCaller::Refused)
    }
}
