//! Which proofs an account can give and how each is checked beyond a sent
//! code: the methods built from the directory's data and the person's own
//! registrations, the destinations codes go to, security questions drawn
//! and checked, and authenticator codes checked against replay.

use super::reset::directory_error;
use super::{Client, Error, Flows};
use crate::directory::{Account, AccountId};
use crate::domain::decoy::decoy_questions;
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::phone::normalise_phone;
use crate::domain::questions::{Question, normalise_answer};
use crate::domain::totp::TotpSecret;
use crate::domain::{Activity, AuditOutcome, Enrolment, Login, MethodKind, OfferedMethod};
use crate::i18n::Msg;
use crate::store::{Effects, EnrolmentRow, FlowRow, FlowState};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One registered security question as stored: the question as the person
/// saw it and the argon2id hash of the normalised answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredAnswer {
    pub id: String,
    pub text: String,
    pub hash: String,
}

/// Methods that prove the same thing: an SMS and a call to one mobile are
/// one factor, so passing one retires the other.
pub(super) fn family(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::MobileSms | MethodKind::MobileVoice => "mobile",
        other => other.id(),
    }
}

/// Whether a proof of `kind`'s family is already in the flow.
pub(super) fn family_proven(flow: &FlowRow, kind: MethodKind) -> bool {
    flow.methods.iter().filter(|m| flow.proven.contains(&m.id)).any(|m| family(m.kind) == family(kind))
}

/// How many independent proofs a list of methods can give.
pub(super) fn families(methods: &[OfferedMethod]) -> usize {
    let mut names: Vec<&str> = methods.iter().map(|m| family(m.kind)).collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

fn registered(rows: &[EnrolmentRow], kind: Enrolment) -> Option<&EnrolmentRow> {
    rows.iter().find(|r| r.kind == kind)
}

/// The address e-mail codes go to: the one an administrator set for codes,
/// else the directory's. A copy made by sync never wins over the directory's
/// live value (it may be a sync behind).
pub(super) fn email_address(rows: &[EnrolmentRow], account: &Account) -> Option<String> {
    let live = || account.email.clone().filter(|e| e.contains('@'));
    match registered(rows, Enrolment::Email) {
        Some(row) if row.source == crate::domain::method::Source::Sync => live().or_else(|| Some(row.value.clone())),
        Some(row) => Some(row.value.clone()),
        None => live(),
    }
}

fn parse_answers(row: Option<&EnrolmentRow>) -> Vec<StoredAnswer> {
    row.and_then(|r| serde_json::from_str(&r.value).ok()).unwrap_or_default()
}

impl Flows {
    /// Every method the account could prove with, before the policy picks:
    /// the directory's e-mail and phones, and what the person registered
    /// (a registered number takes precedence over the directory's).
    pub(super) async fn account_methods(
        &self,
        directory: &str,
        account: &Account,
        questions_needed: u8,
    ) -> Result<Vec<OfferedMethod>, Error> {
        let rows = self.store.enrolments(directory.to_owned(), account.id.0.clone()).await?;
        Ok(self.methods_from(&rows, account, questions_needed))
    }

    /// The methods `rows` and the directory's data give, so registration
    /// can ask what would be left after removing one.
    pub(super) fn methods_from(
        &self,
        rows: &[EnrolmentRow],
        account: &Account,
        questions_needed: u8,
    ) -> Vec<OfferedMethod> {
        let mut methods = Vec::new();
        if let Some(email) = email_address(rows, account) {
            methods.push(OfferedMethod::new(MethodKind::Email, mask_email(&email)));
        }
        if let Some(alt) = registered(rows, Enrolment::AltEmail) {
            methods.push(OfferedMethod::new(MethodKind::AltEmail, mask_email(&alt.value)));
        }
        if let Some(mobile) = self.phone(rows, Enrolment::Mobile, account.mobile.as_deref()) {
            methods.push(OfferedMethod::new(MethodKind::MobileSms, mask_phone(&mobile)));
            methods.push(OfferedMethod::new(MethodKind::MobileVoice, mask_phone(&mobile)));
        }
        if let Some(office) = self.phone(rows, Enrolment::OfficePhone, account.office_phone.as_deref()) {
            methods.push(OfferedMethod::new(MethodKind::OfficeVoice, mask_phone(&office)));
        }
        if registered(rows, Enrolment::Authenticator).is_some() {
            methods.push(OfferedMethod::new(MethodKind::Authenticator, ""));
        }
        if !super::passkeys::stored_passkeys(rows).is_empty() {
            methods.push(OfferedMethod::new(MethodKind::Passkey, ""));
        }
        if parse_answers(registered(rows, Enrolment::Questions)).len() >= usize::from(questions_needed) {
            methods.push(OfferedMethod::new(MethodKind::Questions, ""));
        }
        methods
    }

    /// A usable E.164 number: the registered one, else the directory's when
    /// it normalises.
    pub(super) fn phone(
        &self,
        rows: &[EnrolmentRow],
        kind: Enrolment,
        directory_value: Option<&str>,
    ) -> Option<String> {
        if let Some(row) = registered(rows, kind) {
            return Some(row.value.clone());
        }
        directory_value.and_then(|v| normalise_phone(v, self.settings.phone_country.as_deref()).ok())
    }

    /// Where a code for `kind` goes for a real flow's account, with the
    /// account as just read (so the caller need not read it again); `None`
    /// when the account or the registration is gone (the flow then acts as
    /// a decoy).
    pub(super) async fn destination(
        &self,
        flow: &FlowRow,
        kind: MethodKind,
    ) -> Result<Option<(String, Account)>, Error> {
        let (Some(id), Some(dir)) = (&flow.account_id, self.directory(&flow.directory)) else { return Ok(None) };
        let account = dir.account(&AccountId(id.clone())).await.map_err(directory_error)?;
        let Some(account) = account.filter(|a| !a.disabled) else { return Ok(None) };
        let rows = self.store.enrolments(flow.directory.clone(), id.clone()).await?;
        let to = match kind {
            MethodKind::Email => email_address(&rows, &account),
            MethodKind::AltEmail => registered(&rows, Enrolment::AltEmail).map(|r| r.value.clone()),
            MethodKind::MobileSms | MethodKind::MobileVoice => {
                self.phone(&rows, Enrolment::Mobile, account.mobile.as_deref())
            }
            MethodKind::OfficeVoice => self.phone(&rows, Enrolment::OfficePhone, account.office_phone.as_deref()),
            MethodKind::Questions | MethodKind::Authenticator | MethodKind::Passkey => None,
        };
        Ok(to.map(|to| (to, account)))
    }

    /// Draws the security questions for a flow (kept until a failure, so a
    /// reload shows the same ones), a decoy's from its stable decoy set.
    pub(super) async fn draw_questions(&self, flow: &FlowRow, client: &Client) -> Result<Vec<Question>, Error> {
        if !flow.challenge.is_empty() {
            return Ok(flow.challenge.clone());
        }
        let stored = self.stored_answers(flow).await?;
        let drawn = self.fresh_draw(flow, &stored).await?;
        let detail = "security questions shown".to_owned();
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, client);
        let effects = Effects::audited(vec![audit]);
        self.store.set_challenge(flow.id, drawn.clone(), self.clock.now(), effects).await?;
        Ok(drawn)
    }

    /// The account's registered questions and answer hashes; none for a decoy.
    async fn stored_answers(&self, flow: &FlowRow) -> Result<Vec<StoredAnswer>, Error> {
        let Some(id) = &flow.account_id else { return Ok(Vec::new()) };
        let rows = self.store.enrolments(flow.directory.clone(), id.clone()).await?;
        Ok(parse_answers(registered(&rows, Enrolment::Questions)))
    }

    /// As many questions as the policy asks, at random from the registered
    /// ones (a decoy's stable decoy set).
    async fn fresh_draw(&self, flow: &FlowRow, stored: &[StoredAnswer]) -> Result<Vec<Question>, Error> {
        let policy = self.store.reset_policy().await?;
        let pool = match flow.account_id {
            Some(_) => stored.iter().map(|a| Question { id: a.id.clone(), text: a.text.clone() }).collect(),
            None => {
                let login = Login::parse(&flow.login).map_err(|e| Error::Internal(e.to_string()))?;
                decoy_questions(&self.key, &login, usize::from(policy.questions_to_register))
            }
        };
        Ok(draw(pool, usize::from(policy.questions_to_reset)))
    }

    /// Checks the answers to the drawn questions. Every answer is hashed,
    /// right or wrong, real account or decoy, so the time taken says
    /// nothing; the answer never says which one was wrong. On a failure the
    /// questions are drawn again.
    pub(super) async fn check_answers(
        &self,
        flow: &FlowRow,
        answers: &BTreeMap<String, String>,
    ) -> Result<bool, Error> {
        if flow.challenge.is_empty() {
            return Err(Error::WrongStep("step-questions-first"));
        }
        let mut typed = Vec::new();
        for question in &flow.challenge {
            let answer = answers.get(&question.id).ok_or_else(|| Error::InvalidInput {
                field: "answers",
                message: Msg::new("input-answer-missing").arg("question", &question.text),
            })?;
            let normal =
                normalise_answer(answer).map_err(|e| Error::InvalidInput { field: "answers", message: e.msg() })?;
            typed.push((question.id.clone(), normal));
        }
        if let Some(extra) = answers.keys().find(|k| !flow.challenge.iter().any(|q| &q.id == *k)) {
            return Err(Error::InvalidInput {
                field: "answers",
                message: Msg::new("input-answer-unknown").arg("id", extra.as_str()),
            });
        }
        let stored = self.stored_answers(flow).await?;
        let mut all_right = flow.account_id.is_some();
        for (id, normal) in typed {
            let hash = stored.iter().find(|s| s.id == id).map(|s| s.hash.clone());
            let real = hash.is_some();
            let phc = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
            let matches = crate::argon::verify(&SecretString::from(normal), phc)
                .await
                .map_err(|e| Error::Internal(e.to_string()))?;
            all_right &= matches && real;
        }
        if !all_right {
            let redrawn = self.fresh_draw(flow, &stored).await?;
            self.store.set_challenge(flow.id, redrawn, self.clock.now(), Effects::default()).await?;
        }
        Ok(all_right)
    }

    /// Checks an authenticator code and uses its step; false for a wrong,
    /// stale or replayed code (and always for a decoy).
    pub(super) async fn check_authenticator(&self, flow: &FlowRow, code: &str) -> Result<bool, Error> {
        let Some(id) = &flow.account_id else { return Ok(false) };
        let rows = self.store.enrolments(flow.directory.clone(), id.clone()).await?;
        let Some(row) = registered(&rows, Enrolment::Authenticator) else { return Ok(false) };
        let Some(secret) = TotpSecret::unseal(&self.key, &row.value) else { return Ok(false) };
        let now = self.clock.now();
        let Some(step) = secret.verify(code, now, row.last_step) else { return Ok(false) };
        Ok(self.store.use_authenticator_step(flow.directory.clone(), id.clone(), step, now, Effects::default()).await?)
    }

    /// Records a proof that needed no code.
    pub(super) async fn record_proof(&self, flow: &FlowRow, method: &str, client: &Client) -> Result<bool, Error> {
        let mut proven = flow.proven.clone();
        proven.push(method.to_owned());
        let complete = proven.len() >= usize::from(flow.required);
        let state = if complete { FlowState::Proven } else { FlowState::Proving };
        let audit = self.audit(
            Activity::FlowProgress,
            AuditOutcome::Success,
            &flow.login,
            format!("verified {method}"),
            client,
        );
        let effects = Effects::audited(vec![audit]);
        if !self.store.accept_proof(flow.id, flow.proven.clone(), proven, state, self.clock.now(), effects).await? {
            return Err(Error::WrongStep("step-flow-changed"));
        }
        Ok(complete)
    }
}

/// `count` questions chosen at random (all of them when there are fewer).
fn draw(mut pool: Vec<Question>, count: usize) -> Vec<Question> {
    use rand::seq::SliceRandom;
    pool.shuffle(&mut rand::rng());
    pool.truncate(count);
    pool
}

/// A real argon2id hash of nothing anyone types, verified against when
/// there is no stored answer so a decoy costs the same time as a real check.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$cGFzc2Rlc2stZHVtbXk$J8K3m6Tz2Q0m3y0aP6cU9oGv8bJ1wT7y5hXq1mQy4Lk";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_dummy_hash_costs_a_real_verification() {
        let parsed = argon2::password_hash::PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.hash.unwrap().len(), 32);
        let ok = crate::argon::verify(&SecretString::from("anything".to_owned()), DUMMY_HASH.to_owned()).await;
        assert!(!ok.unwrap());
    }

    #[test]
    fn a_mobile_is_one_factor() {
        let methods = [
            OfferedMethod::new(MethodKind::MobileSms, "+•••••01"),
            OfferedMethod::new(MethodKind::MobileVoice, "+•••••01"),
        ];
        assert_eq!(families(&methods), 1);
        assert_eq!(families(&[OfferedMethod::new(MethodKind::Email, "x"), methods[0].clone()]), 2);
    }
}
