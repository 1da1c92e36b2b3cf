//! Administrator changes to the branding, the password rules and the
//! notification settings. Each save is checked as a whole (nothing changes
//! on a refusal), stored with its audit row ("Self-service password reset
//! policy changes", old -> new; a logo by digest and size, never its
//! bytes) and in force for the next request.

use super::live::{self, BRANDING, NOTIFICATIONS, PASSWORD, PasswordInForce, StoredBranding};
use crate::breached::BreachedPasswords;
use crate::domain::branding::{Branding, Colour, Logo};
use crate::domain::policy::PolicyError;
use crate::domain::settings::{NotificationSettings, PasswordSettings, changes};
use crate::domain::{Activity, AuditOutcome, PasswordPolicy};
use crate::flow::{Client, Error, Flows};
use crate::store::Effects;
use std::sync::{Arc, RwLock};

/// What a branding save does with the logo.
#[derive(Debug, Clone)]
pub enum LogoChange {
    /// Keep the logo in force.
    Keep,
    /// Use these bytes (checked as a logo).
    Replace(Vec<u8>),
    /// Go back to passdesk's mark in the colour.
    Remove,
}

fn invalid(key: &str, message: impl Into<String>) -> Error {
    Error::PolicyInvalid(PolicyError { key: key.to_owned(), message: message.into() })
}

impl Flows {
    /// The organisation's look in force.
    pub fn branding(&self) -> Arc<Branding> {
        live::read(&self.live.branding)
    }

    /// The branding cell the pages' stylesheet and logo are built from.
    pub fn branding_cell(&self) -> Arc<RwLock<Arc<Branding>>> {
        self.live.branding.clone()
    }

    /// Checks a branding change without saving it (the page's preview).
    pub fn preview_branding(&self, name: &str, colour: &str, logo: LogoChange) -> Result<Branding, Error> {
        let old = self.branding();
        let colour = Colour::for_buttons(colour).map_err(|m| invalid("colour", m))?;
        let logo = match logo {
            LogoChange::Keep => old.logo.clone(),
            LogoChange::Remove => None,
            LogoChange::Replace(bytes) => {
                Some(Logo::from_bytes(bytes).map_err(|m| invalid("logo", format!("the file {m}")))?)
            }
        };
        let new = Branding { name: name.trim().to_owned(), colour, logo };
        new.validate().map_err(Error::PolicyInvalid)?;
        Ok(new)
    }

    /// Changes the organisation's name, colour and logo.
    pub async fn set_branding(
        &self,
        name: &str,
        colour: &str,
        logo: LogoChange,
        actor: &str,
        client: &Client,
    ) -> Result<Arc<Branding>, Error> {
        let _one_at_a_time = self.live.saving.lock().await;
        let old = self.branding();
        let new = self.preview_branding(name, colour, logo)?;
        let json = serde_json::to_string(&StoredBranding::of(&new)).map_err(|e| Error::Internal(e.to_string()))?;
        self.save_setting(BRANDING, json, "branding", changes(&old.entries(), &new.entries()), actor, client).await?;
        live::swap(&self.live.branding, new);
        Ok(self.branding())
    }

    /// The password rules and breached file in force.
    pub fn password_settings(&self) -> PasswordSettings {
        live::read(&self.live.password).settings.clone()
    }

    /// The password rules passwords are checked against now.
    pub fn password_rules(&self) -> PasswordPolicy {
        live::read(&self.live.password).rules.clone()
    }

    pub(crate) fn password_in_force(&self) -> Arc<PasswordInForce> {
        live::read(&self.live.password)
    }

    /// Changes the password rules and the breached-password file. A new
    /// file is opened and checked first: a bad path is refused and the
    /// list in force stays.
    pub async fn set_password_settings(
        &self,
        new: PasswordSettings,
        actor: &str,
        client: &Client,
    ) -> Result<PasswordSettings, Error> {
        let _one_at_a_time = self.live.saving.lock().await;
        new.validate().map_err(Error::PolicyInvalid)?;
        let old = self.password_in_force();
        let breached = if new.breached_file == old.settings.breached_file {
            old.breached.clone()
        } else {
            open_breached(&new.breached_file)?
        };
        let json = serde_json::to_string(&new).map_err(|e| Error::Internal(e.to_string()))?;
        let diff = changes(&old.settings.entries(), &new.entries());
        self.save_setting(PASSWORD, json, "password policy", diff, actor, client).await?;
        live::swap(&self.live.password, PasswordInForce { rules: new.rules(), settings: new.clone(), breached });
        Ok(new)
    }

    /// The notification settings in force.
    pub fn notification_settings(&self) -> NotificationSettings {
        live::read(&self.live.notifications).as_ref().clone()
    }

    /// Changes who gets security alerts and when expiry reminders go out.
    pub async fn set_notification_settings(
        &self,
        new: NotificationSettings,
        actor: &str,
        client: &Client,
    ) -> Result<NotificationSettings, Error> {
        let _one_at_a_time = self.live.saving.lock().await;
        let new = new.validated().map_err(Error::PolicyInvalid)?;
        let old = self.notification_settings();
        let json = serde_json::to_string(&new).map_err(|e| Error::Internal(e.to_string()))?;
        self.save_setting(NOTIFICATIONS, json, "notifications", changes(&old.entries(), &new.entries()), actor, client)
            .await?;
        live::swap(&self.live.notifications, new.clone());
        Ok(new)
    }

    /// Stores a settings document with its audit row; no row and no write
    /// when nothing changed.
    async fn save_setting(
        &self,
        key: &'static str,
        json: String,
        target: &str,
        diff: Vec<String>,
        actor: &str,
        client: &Client,
    ) -> Result<(), Error> {
        if diff.is_empty() {
            return Ok(());
        }
        let mut audit = self.audit(Activity::PolicyChange, AuditOutcome::Success, target, diff.join("; "), client);
        audit.actor = actor.to_owned();
        self.store.save_setting(key, json.clone(), self.clock.now(), Effects::audited(vec![audit])).await?;
        if let Ok(mut seen) = self.live.seen.lock() {
            seen.insert(key, json);
        }
        Ok(())
    }

    /// Applies the documents administrators saved, over the configuration's
    /// values: at start, and now and then to pick up another process's
    /// change. A document that no longer passes the checks (edited by
    /// hand, or a breached file since removed) is logged and skipped.
    pub async fn load_settings(&self) -> Result<(), Error> {
        for key in [BRANDING, PASSWORD, NOTIFICATIONS] {
            let Some(json) = self.store.setting(key).await? else { continue };
            let fresh = self.live.seen.lock().map(|seen| seen.get(key) != Some(&json)).unwrap_or(true);
            if !fresh {
                continue;
            }
            if let Err(e) = self.apply_stored(key, &json) {
                tracing::warn!(key, error = %e, "a stored setting was not applied; the previous value stays");
            }
            if let Ok(mut seen) = self.live.seen.lock() {
                seen.insert(key, json);
            }
        }
        Ok(())
    }

    fn apply_stored(&self, key: &str, json: &str) -> Result<(), String> {
        match key {
            BRANDING => {
                let stored: StoredBranding = serde_json::from_str(json).map_err(|e| e.to_string())?;
                live::swap(&self.live.branding, stored.branding()?);
            }
            PASSWORD => {
                let new: PasswordSettings = serde_json::from_str(json).map_err(|e| e.to_string())?;
                new.validate().map_err(|e| e.to_string())?;
                let old = self.password_in_force();
                let breached = if new.breached_file == old.settings.breached_file {
                    old.breached.clone()
                } else {
                    open_breached(&new.breached_file).map_err(|e| e.to_string())?
                };
                live::swap(&self.live.password, PasswordInForce { rules: new.rules(), settings: new, breached });
            }
            _ => {
                let new: NotificationSettings = serde_json::from_str(json).map_err(|e| e.to_string())?;
                live::swap(&self.live.notifications, new.validated().map_err(|e| e.to_string())?);
            }
        }
        Ok(())
    }
}

/// Opens a breached-password file named by an administrator; empty = none.
fn open_breached(path: &str) -> Result<Option<Arc<BreachedPasswords>>, Error> {
    if path.is_empty() {
        return Ok(None);
    }
    let path_ref = std::path::Path::new(path);
    if !path_ref.is_file() {
        return Err(invalid(
            "breached_file",
            format!(
                "{path:?} is not a readable file on the passdesk server: check the path and that the passdesk user may read it"
            ),
        ));
    }
    BreachedPasswords::open(path_ref).map(|list| Some(Arc::new(list))).map_err(|m| invalid("breached_file", m))
}
