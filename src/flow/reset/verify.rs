//! The verify step of a reset or unlock: a sent code (each try claimed
//! before it is compared), security answers and authenticator codes (one
//! account's checked one at a time), and passkeys; every path pads its
//! answer to the same floor and counts failures towards the block.

use super::{Proof, Verified, offered};
use crate::domain::audit::Reason;
use crate::domain::code::code_matches;
use crate::domain::{Activity, AuditOutcome, OfferedMethod, ProofStyle};
use crate::flow::methods::family_proven;
use crate::flow::{Client, Error, Facets, Flows};
use crate::i18n::Msg;
use crate::store::{Effects, FlowRow, FlowState};

impl Flows {
    /// Checks a proof given by the person: a code, or answers.
    pub async fn reset_verify(
        &self,
        token: &str,
        method: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<Verified, Error> {
        let begun = tokio::time::Instant::now();
        self.padded(begun, self.verify_unpadded(token, method, proof, client).await).await
    }

    async fn verify_unpadded(
        &self,
        token: &str,
        method: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<Verified, Error> {
        let flow = self.live_flow(token).await?;
        let offered = offered(&flow, method)?;
        if flow.state != FlowState::Proving {
            return Err(Error::WrongStep("step-proofs-complete"));
        }
        if family_proven(&flow, offered.kind) {
            return Err(Error::WrongStep("step-method-verified"));
        }
        let key = self.flow_key(&flow);
        self.ensure_not_blocked(&key).await?;
        let style = offered.kind.style();
        let code = match (style, proof) {
            (ProofStyle::Passkey, Proof::Passkey(response)) => {
                return self.verify_passkey(&flow, &offered, &key, response, client).await;
            }
            (ProofStyle::Passkey, _) => {
                return Err(Error::InvalidInput { field: "credential", message: Msg::new("input-passkey-missing") });
            }
            (_, Proof::Passkey(_)) => {
                return Err(Error::InvalidInput { field: "credential", message: Msg::new("input-passkey-unexpected") });
            }
            (ProofStyle::Answers, Proof::Answers(answers)) => {
                return self.one_proof_at_a_time(&flow, &offered, &key, Proof::Answers(answers), client).await;
            }
            (ProofStyle::DeviceCode, Proof::Code(code)) => {
                return self.one_proof_at_a_time(&flow, &offered, &key, Proof::Code(code), client).await;
            }
            (ProofStyle::Answers, Proof::Code(_)) => {
                return Err(Error::InvalidInput { field: "answers", message: Msg::new("input-answers-missing") });
            }
            (_, Proof::Answers(_)) => {
                return Err(Error::InvalidInput { field: "code", message: Msg::new("input-code-missing") });
            }
            (_, Proof::Code(code)) => code,
        };
        let code = code.as_str();
        let now = self.clock.now();
        let rules = self.settings.codes;
        let stored = self.store.latest_code(flow.id, offered.id.clone()).await?.ok_or(Error::NoCodeSent)?;
        if stored.used_at.is_some() || stored.failures >= rules.max_failures {
            return Err(Error::CodeUsedUp);
        }
        if now >= stored.expires_at {
            return Err(Error::CodeExpired);
        }
        // The try is counted before the comparison, so parallel guesses
        // share the code's tries instead of each getting their own.
        let Some(tries) = self.store.claim_code_try(stored.id, rules.max_failures).await? else {
            return Err(Error::CodeUsedUp);
        };
        let real = flow.account_id.is_some();
        if real && code_matches(&self.key, flow.id, &offered.id, code, &stored.mac) {
            let mut proven = flow.proven.clone();
            proven.push(offered.id.clone());
            let complete = proven.len() >= usize::from(flow.required);
            let state = if complete { FlowState::Proven } else { FlowState::Proving };
            let detail = format!("verified {}", offered.id);
            let facets = Facets::method(offered.kind.id());
            let audit =
                self.audit_as(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, facets, client);
            let effects = Effects::audited(vec![audit]);
            if !self.store.accept_code(stored.id, flow.id, proven, state, now, effects).await? {
                return Err(Error::CodeUsedUp);
            }
            return Ok(Verified { complete });
        }
        let detail = format!("wrong code for {}", offered.id);
        let facets = Facets::method(offered.kind.id()).reason(Reason::WrongCode);
        let audit = self.audit_as(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, facets, client);
        self.store.record(now, Effects::audited(vec![audit])).await?;
        self.note_failure(&key, &flow.login, client).await?;
        if tries < rules.max_failures {
            Err(Error::CodeWrong { remaining: rules.max_failures - tries })
        } else {
            Err(Error::CodeUsedUp)
        }
    }

    /// Questions and authenticator codes have no stored code whose tries
    /// could be claimed, so the account's proofs of this kind are checked
    /// one at a time: a burst of parallel guesses waits in line, and each
    /// sees the block the failures before it caused.
    async fn one_proof_at_a_time(
        &self,
        flow: &FlowRow,
        offered: &OfferedMethod,
        key: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<Verified, Error> {
        let lock = {
            let mut locks = self.proof_locks.lock().map_err(|_| Error::Internal("proof locks poisoned".into()))?;
            locks.retain(|_, l| std::sync::Arc::strong_count(l) > 1);
            locks.entry(key.to_owned()).or_default().clone()
        };
        let _turn = lock.lock().await;
        self.ensure_not_blocked(key).await?;
        self.verify_without_code(flow, offered, key, proof, client).await
    }

    /// Questions and authenticator codes: no stored code, so no per-code
    /// tries; every failure counts towards the account's block instead.
    async fn verify_without_code(
        &self,
        flow: &FlowRow,
        offered: &OfferedMethod,
        key: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<Verified, Error> {
        let (passed, wrong) = match &proof {
            Proof::Passkey(_) => return Err(Error::UnknownMethod),
            Proof::Answers(answers) => (self.check_answers(flow, answers).await?, Error::AnswersWrong),
            Proof::Code(code) => {
                let digits: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
                if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::InvalidInput { field: "code", message: Msg::new("input-authenticator-code") });
                }
                (self.check_authenticator(flow, code).await?, Error::AuthenticatorWrong)
            }
        };
        if passed {
            let complete = self.record_proof(flow, &offered.id, client).await?;
            return Ok(Verified { complete });
        }
        let detail = format!("wrong {}", offered.id);
        let reason =
            if matches!(wrong, Error::AnswersWrong) { Reason::WrongAnswers } else { Reason::WrongAuthenticator };
        let facets = Facets::method(offered.kind.id()).reason(reason);
        let audit = self.audit_as(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, facets, client);
        self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
        self.note_failure(key, &flow.login, client).await?;
        Err(wrong)
    }
}
