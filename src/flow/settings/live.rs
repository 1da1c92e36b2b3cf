//! The settings an administrator may change at run time (branding,
//! password rules, notifications), held in memory and swapped whole on a
//! save, so every request reads one consistent version without a restart.
//! The configuration gives the first values; a document saved in the
//! store wins over it, here and in every other passdesk process (the
//! periodic refresh picks up a change made by `passdesk policy set`).

use crate::breached::BreachedPasswords;
use crate::domain::PasswordPolicy;
use crate::domain::branding::{Branding, Colour, Logo};
use crate::domain::settings::{NotificationSettings, PasswordSettings};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Settings keys in the store.
pub(super) const BRANDING: &str = "branding";
pub(super) const PASSWORD: &str = "password_policy";
pub(super) const NOTIFICATIONS: &str = "notifications";

/// The password rules in force and the breached list they come with.
#[derive(Debug, Clone)]
pub struct PasswordInForce {
    /// The settings as the administrator sees them.
    pub settings: PasswordSettings,
    /// The rules passwords are checked against.
    pub rules: PasswordPolicy,
    /// The opened breached-password list, when a file is set.
    pub breached: Option<Arc<BreachedPasswords>>,
}

/// The run-time settings of one process.
#[derive(Debug)]
pub(crate) struct Live {
    pub(super) branding: Arc<RwLock<Arc<Branding>>>,
    pub(super) password: RwLock<Arc<PasswordInForce>>,
    pub(super) notifications: RwLock<Arc<NotificationSettings>>,
    /// The stored documents last applied, so a refresh that finds nothing
    /// new does no work (the branding carries the logo).
    pub(super) seen: Mutex<HashMap<&'static str, String>>,
    /// One save at a time, so two administrators' changes never interleave
    /// between the read of the old value and the write of the new.
    pub(super) saving: tokio::sync::Mutex<()>,
}

impl Live {
    /// The first values, from the configuration.
    pub(crate) fn new(
        branding: Branding,
        rules: &PasswordPolicy,
        breached: Option<Arc<BreachedPasswords>>,
        notifications: NotificationSettings,
    ) -> Self {
        let file = breached.as_ref().map(|b| b.path().display().to_string());
        let settings = PasswordSettings::new(rules, file);
        Self {
            branding: Arc::new(RwLock::new(Arc::new(branding))),
            password: RwLock::new(Arc::new(PasswordInForce { settings, rules: rules.clone(), breached })),
            notifications: RwLock::new(Arc::new(notifications)),
            seen: Mutex::default(),
            saving: tokio::sync::Mutex::new(()),
        }
    }
}

/// Reads a cell; a poisoned lock still holds a whole value (writers only
/// swap an `Arc`), so it is read rather than failing requests.
pub(super) fn read<T>(cell: &RwLock<Arc<T>>) -> Arc<T> {
    match cell.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Swaps a cell's value.
pub(super) fn swap<T>(cell: &RwLock<Arc<T>>, value: T) {
    match cell.write() {
        Ok(mut guard) => *guard = Arc::new(value),
        Err(poisoned) => *poisoned.into_inner() = Arc::new(value),
    }
}

/// The branding as stored: the logo's bytes in hex, since the settings
/// table holds text.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StoredBranding {
    name: String,
    colour: String,
    logo: Option<StoredLogo>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredLogo {
    content_type: String,
    hex: String,
}

impl StoredBranding {
    pub(super) fn of(branding: &Branding) -> Self {
        Self {
            name: branding.name.clone(),
            colour: branding.colour.hex(),
            logo: branding
                .logo
                .as_ref()
                .map(|l| StoredLogo { content_type: l.content_type.to_owned(), hex: hex::encode(&l.bytes) }),
        }
    }

    /// Back to a branding, checked again: a hand-edited row that breaks
    /// the rules is ignored rather than shown.
    pub(super) fn branding(self) -> Result<Branding, String> {
        let colour = Colour::for_buttons(&self.colour)?;
        let logo = match self.logo {
            None => None,
            Some(l) => Some(Logo::from_bytes(hex::decode(l.hex).map_err(|e| e.to_string())?)?),
        };
        let branding = Branding { name: self.name, colour, logo };
        branding.validate().map_err(|e| e.to_string())?;
        Ok(branding)
    }
}
