//! Administrator actions on the reset policy, the run-time settings
//! (`runtime`: branding, password rules, notifications) and the admin API
//! tokens.
//! Every policy change is validated as a whole, audited as "Self-service
//! password reset policy changes" with old and new values, and takes effect
//! on the next request.

mod live;
mod runtime;

pub(crate) use live::Live;
pub use live::PasswordInForce;
pub use runtime::LogoChange;

use super::{Client, Error, Flows};
use crate::domain::policy::ResetPolicy;
use crate::domain::{Activity, AuditOutcome, FlowToken};
use crate::store::Effects;
use std::sync::Arc;

impl Flows {
    /// The reset policy in force.
    pub async fn policy(&self) -> Result<ResetPolicy, Error> {
        let policy = self.store.reset_policy().await?;
        self.note_policy(&policy);
        Ok(policy)
    }

    /// The policy's helpdesk link, shared with the pages' footer; kept
    /// current by every policy read and change in this process, and by the
    /// periodic refresh that picks up `passdesk policy set` from another.
    pub fn policy_helpdesk(&self) -> Arc<std::sync::RwLock<String>> {
        self.policy_helpdesk.clone()
    }

    pub(super) fn note_policy(&self, policy: &ResetPolicy) {
        if let Ok(mut cell) = self.policy_helpdesk.write()
            && *cell != policy.helpdesk
        {
            cell.clone_from(&policy.helpdesk);
        }
    }

    /// Changes one key from text (`passdesk policy set KEY VALUE`).
    pub async fn set_policy(&self, key: &str, value: &str, actor: &str, client: &Client) -> Result<ResetPolicy, Error> {
        let old = self.store.reset_policy().await?;
        let new = old.with(key, value).map_err(Error::PolicyInvalid)?;
        self.save_policy(old, new, actor, client).await
    }

    /// Changes the keys present in a JSON object (the admin API); the
    /// result is validated as a whole, so the order of keys never matters.
    pub async fn patch_policy(
        &self,
        patch: &serde_json::Map<String, serde_json::Value>,
        actor: &str,
        client: &Client,
    ) -> Result<ResetPolicy, Error> {
        let old = self.store.reset_policy().await?;
        let mut merged = serde_json::to_value(&old).map_err(|e| Error::Internal(e.to_string()))?;
        if let Some(object) = merged.as_object_mut() {
            for (key, value) in patch {
                if !ResetPolicy::KEYS.contains(&key.as_str()) {
                    return Err(Error::PolicyInvalid(crate::domain::policy::PolicyError {
                        key: key.clone(),
                        message: format!("unknown policy key: the keys are {}", ResetPolicy::KEYS.join(", ")),
                    }));
                }
                object.insert(key.clone(), value.clone());
            }
        }
        let new: ResetPolicy = serde_path_to_error::deserialize(merged).map_err(|e| {
            let key = e.path().to_string();
            let message = format!("{}: give a value of the right type (see GET /api/v1/admin/policy)", e.inner());
            Error::PolicyInvalid(crate::domain::policy::PolicyError { key, message })
        })?;
        new.validate().map_err(Error::PolicyInvalid)?;
        self.save_policy(old, new, actor, client).await
    }

    /// Replaces the whole policy (the admin policy pages, which send every
    /// key at once), validated as a whole.
    pub async fn replace_policy(&self, new: ResetPolicy, actor: &str, client: &Client) -> Result<ResetPolicy, Error> {
        new.validate().map_err(Error::PolicyInvalid)?;
        let old = self.store.reset_policy().await?;
        self.save_policy(old, new, actor, client).await
    }

    async fn save_policy(
        &self,
        old: ResetPolicy,
        new: ResetPolicy,
        actor: &str,
        client: &Client,
    ) -> Result<ResetPolicy, Error> {
        let changes: Vec<String> = old
            .entries()
            .into_iter()
            .zip(new.entries())
            .filter(|(a, b)| a.1 != b.1)
            .map(|((key, before), (_, after))| format!("{key}: {before} -> {after}"))
            .collect();
        if changes.is_empty() {
            return Ok(new);
        }
        let mut audit =
            self.audit(Activity::PolicyChange, AuditOutcome::Success, "reset policy", changes.join("; "), client);
        audit.actor = actor.to_owned();
        self.store.save_reset_policy(new.clone(), self.clock.now(), Effects::audited(vec![audit])).await?;
        self.note_policy(&new);
        Ok(new)
    }

    /// Issues a bearer token for the admin API from the CLI; shown once,
    /// stored hashed.
    pub async fn issue_admin_token(&self, name: &str, client: &Client) -> Result<FlowToken, Error> {
        self.issue_admin_token_as(name, "cli", client).await
    }

    /// The name of the admin token presented, if it is live.
    pub async fn admin_token(&self, presented: &str) -> Result<Option<String>, Error> {
        let Some(token) = FlowToken::parse(presented) else { return Ok(None) };
        Ok(self.store.admin_token(token.digest()).await?.map(|(name, _)| name))
    }
}
