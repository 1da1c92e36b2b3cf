//! Proof-of-work challenges for the identify step (DESIGN.md §5): issued
//! with a difficulty that rises when one address asks for many, and
//! accepted once. The portal's script and API clients solve them.

use super::{Client, Error, Flows};
use crate::domain::captcha::{self, CHALLENGE_SECS, Challenge, MAX_DIFFICULTY};
use crate::i18n::Msg;
use std::collections::HashMap;
use std::sync::Mutex;

/// Challenges one address may ask for per minute before the difficulty rises.
pub const CALM_PER_MINUTE: u32 = 10;

/// Per-address counts of challenges issued in the current minute.
#[derive(Debug, Default)]
pub struct CaptchaLoad {
    counts: Mutex<HashMap<String, (i64, u32)>>,
}

impl CaptchaLoad {
    /// Counts one more challenge for `ip` at `now`; returns the count in
    /// this minute.
    fn bump(&self, ip: &str, now: i64) -> u32 {
        let minute = now.div_euclid(60);
        let Ok(mut counts) = self.counts.lock() else { return 1 };
        // Forget quiet addresses before the table grows large.
        if counts.len() > 10_000 {
            counts.retain(|_, (m, _)| *m == minute);
        }
        let entry = counts.entry(ip.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1
    }
}

/// The difficulty for the `count`th challenge of a minute: the base up to
/// [`CALM_PER_MINUTE`], then one bit more (twice the work) for every
/// doubling beyond it.
pub fn difficulty_for(base: u8, count: u32) -> u8 {
    if count <= CALM_PER_MINUTE || base == 0 {
        return base;
    }
    let extra = (count / CALM_PER_MINUTE).ilog2() + 1;
    base.saturating_add(u8::try_from(extra).unwrap_or(u8::MAX)).min(MAX_DIFFICULTY)
}

impl Flows {
    /// A challenge for `client`, or `None` when the captcha is turned off.
    pub fn captcha(&self, client: &Client) -> Option<Challenge> {
        let base = self.settings.captcha_difficulty;
        if base == 0 {
            return None;
        }
        let now = self.clock.now();
        let count = self.captcha_load.bump(client.ip.as_deref().unwrap_or("unknown"), now);
        Some(captcha::issue(&self.key, difficulty_for(base, count), now))
    }

    /// Checks and uses up a solved challenge; nothing to check when off.
    pub(super) async fn spend_captcha(&self, answer: Option<(&str, &str)>) -> Result<(), Error> {
        if self.settings.captcha_difficulty == 0 {
            return Ok(());
        }
        let Some((challenge, solution)) = answer.filter(|(c, _)| !c.is_empty()) else {
            return Err(Error::InvalidInput { field: "captcha", message: Msg::new("input-captcha-missing") });
        };
        let now = self.clock.now();
        let checked = captcha::check(&self.key, challenge, solution, now).map_err(Error::Captcha)?;
        if !self.store.use_captcha(checked.nonce, checked.expires_at + CHALLENGE_SECS).await? {
            return Err(Error::CaptchaUsed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difficulty_rises_with_the_load_from_one_address() {
        assert_eq!(difficulty_for(16, 1), 16);
        assert_eq!(difficulty_for(16, 10), 16);
        assert_eq!(difficulty_for(16, 11), 17);
        assert_eq!(difficulty_for(16, 20), 18);
        assert_eq!(difficulty_for(16, 40), 19);
        assert_eq!(difficulty_for(16, 100_000), MAX_DIFFICULTY);
        assert_eq!(difficulty_for(0, 1000), 0, "off stays off");
        let load = CaptchaLoad::default();
        assert_eq!(load.bump("a", 60), 1);
        assert_eq!(load.bump("a", 61), 2);
        assert_eq!(load.bump("b", 61), 1);
        assert_eq!(load.bump("a", 125), 1, "a new minute");
    }
}
