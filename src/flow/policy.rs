//! The effective password policy for one person (DESIGN.md §4): passdesk's
//! rules merged with the directory's (AD domain policy or the winning PSO,
//! OpenLDAP ppolicy), shown before they type, and the minimum password age
//! checked from when the password was last set, so nobody chooses a
//! password only to hear "too young". It is computed only once a proof has
//! been passed: before that, nothing may differ between real and unknown
//! accounts (DESIGN.md §6).

use super::reset::directory_error;
use super::{Error, Flows};
use crate::directory::{Account, Directory, DirectoryPolicy, PolicyReason};
use crate::domain::password::meets_complexity;
use crate::domain::{PasswordPolicy, PasswordProblem};
use crate::i18n::Msg;
use std::sync::Arc;

/// What the password page shows and the password step enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePolicy {
    /// passdesk's rules tightened by the directory's.
    pub rules: PasswordPolicy,
    /// The directory requires a mix of character kinds.
    pub complexity: bool,
    /// Previous passwords the directory refuses.
    pub history: Option<u32>,
    /// Where the directory's rules come from.
    pub source: String,
    /// When the password may be changed again, if that is still ahead.
    pub too_young_until: Option<i64>,
}

impl EffectivePolicy {
    /// Checks a normalised new password before it is sent to the directory.
    pub fn check(&self, password: &str, login: &str, display_name: &str) -> Result<(), Error> {
        if self.too_young_until.is_some() {
            return Err(Error::DirectoryPolicy(PolicyReason::TooYoung));
        }
        self.rules.check_for(password, login, display_name)?;
        if self.complexity && !meets_complexity(password) {
            return Err(Error::PasswordRejected(PasswordProblem::NotComplex));
        }
        Ok(())
    }

    /// The rules as sentences for the page and the API, in no language
    /// yet: each face shows them in its own.
    pub fn sentences(&self) -> Vec<Msg> {
        let mut out = vec![Msg::new("rule-length").arg("min", self.rules.min_length).arg("max", self.rules.max_length)];
        out.push(Msg::new(if self.complexity { "rule-complex" } else { "rule-any-characters" }));
        out.push(Msg::new("rule-not-common"));
        if !self.rules.organisation_words.is_empty() {
            out.push(Msg::new("rule-not-organisation"));
        }
        if self.rules.min_strength > 0 {
            out.push(Msg::new("rule-hard-to-guess"));
        }
        if let Some(n) = self.history {
            out.push(Msg::new("rule-history").arg("count", n));
        }
        out
    }
}

impl Flows {
    /// Merges the directory's rules for this account with passdesk's.
    pub(super) async fn policy_for(
        &self,
        dir: &Arc<dyn Directory>,
        account: &Account,
    ) -> Result<EffectivePolicy, Error> {
        let directory = match dir.password_policy(&account.id).await {
            Ok(p) => p,
            Err(crate::directory::Error::Unavailable(e)) => {
                return Err(directory_error(crate::directory::Error::Unavailable(e)));
            }
            // Unreadable rules are not fatal: the directory still enforces them.
            Err(e) => {
                tracing::warn!(directory = dir.name(), error = %e, "the directory's password policy could not be read");
                DirectoryPolicy { source: "not readable by the service account".into(), ..DirectoryPolicy::default() }
            }
        };
        let too_young_until = match (directory.min_age_secs, account.password_set_at) {
            (Some(age), Some(set)) if set + age > self.clock.now() => Some(set + age),
            _ => None,
        };
        Ok(EffectivePolicy {
            rules: self.password_rules().merged(directory.min_length),
            complexity: directory.complexity,
            history: directory.history,
            source: directory.source,
            too_young_until,
        })
    }
}

/// What the live strength meter shows while the person types.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordReport {
    /// No rule is missed (the directory may still refuse, e.g. history).
    pub acceptable: bool,
    /// zxcvbn's score, 0 to 4.
    pub score: u8,
    /// Every unmet rule, as sentences in no language yet.
    pub problems: Vec<Msg>,
}

impl Flows {
    /// A flow's account, read again, and its effective policy; the caller
    /// has checked that enough proofs were passed to show it.
    pub(super) async fn account_policy(
        &self,
        flow: &crate::store::FlowRow,
    ) -> Result<(Account, EffectivePolicy), Error> {
        let (Some(id), Some(dir)) = (flow.account_id.clone(), self.directory(&flow.directory)) else {
            return Err(Error::WrongStep("step-verify-first"));
        };
        let account =
            dir.account(&crate::directory::AccountId(id)).await.map_err(directory_error)?.ok_or(Error::FlowNotFound)?;
        let policy = self.policy_for(&dir, &account).await?;
        Ok((account, policy))
    }

    /// Refuses a password found in the offline breached-password list.
    pub(super) fn check_breached(&self, normalised: &str) -> Result<(), Error> {
        match &self.password_in_force().breached {
            Some(list) if list.count(normalised) > 0 => Err(Error::PasswordRejected(PasswordProblem::Breached)),
            _ => Ok(()),
        }
    }

    /// Assesses a candidate new password for a flow whose proofs are
    /// complete, against this person's effective policy: every unmet rule
    /// at once. Bound to the flow so it is no oracle for strangers.
    pub async fn password_check(&self, token: &str, password: &str) -> Result<PasswordReport, Error> {
        let flow = self.live_flow(token).await?;
        if flow.state != crate::store::FlowState::Proven {
            return Err(Error::WrongStep("step-verify-first"));
        }
        if password.chars().count() > 1024 {
            return Err(Error::InvalidInput {
                field: "password",
                message: Msg::new("password-too-long").arg("max", 1024),
            });
        }
        let (account, policy) = self.account_policy(&flow).await?;
        let normal = PasswordPolicy::normalise(password);
        let mut assessment = policy.rules.assess(&normal, &account.login, &account.display_name);
        if policy.complexity && !meets_complexity(&normal) {
            assessment.problems.push(PasswordProblem::NotComplex);
        }
        if self.check_breached(&normal).is_err() {
            assessment.problems.push(PasswordProblem::Breached);
        }
        let problems: Vec<Msg> = assessment.problems.iter().map(PasswordProblem::msg).collect();
        Ok(PasswordReport { acceptable: problems.is_empty(), score: assessment.score, problems })
    }
}
