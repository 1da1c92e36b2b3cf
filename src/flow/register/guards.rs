//! The password a person signed in with, kept only in this process's memory.

use super::SESSION_MAX_SECS;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::Mutex;

/// What the person signed in with, kept only in this process's memory for
/// the session's life: a MAC of the folded password under a key that never
/// leaves memory, so security answers can be refused when they equal the
/// password without the password (or anything that tests guesses against
/// it offline) ever reaching the database.
#[derive(Default)]
pub(in crate::flow) struct PasswordGuards {
    key: std::sync::OnceLock<[u8; 32]>,
    by_session: Mutex<HashMap<i64, ([u8; 32], std::time::Instant)>>,
}

impl PasswordGuards {
    pub(super) fn mac(&self, text: &str) -> [u8; 32] {
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

    pub(super) fn remember(&self, session: i64, password: &SecretString) {
        let mac = self.mac(password.expose_secret());
        if let Ok(mut map) = self.by_session.lock() {
            map.insert(session, (mac, std::time::Instant::now()));
        }
    }

    /// Drops what outlived any session.
    pub(super) fn forget_old(&self) {
        let max = std::time::Duration::from_secs(SESSION_MAX_SECS.unsigned_abs());
        if let Ok(mut map) = self.by_session.lock() {
            map.retain(|_, (_, at)| at.elapsed() <= max);
        }
    }

    pub(super) fn forget(&self, session: i64) {
        if let Ok(mut map) = self.by_session.lock() {
            map.remove(&session);
        }
    }

    /// Whether `text` equals the session's password; `None` when this
    /// process does not know it (restarted since sign-in).
    pub(super) fn is_password(&self, session: i64, text: &str) -> Option<bool> {
        let (known, _) = self.by_session.lock().ok()?.get(&session).copied()?;
        Some(crate::domain::key::macs_equal(&known, &self.mac(text)))
    }
}
