//! Security questions: as many as the policy says, each from the list and
//! chosen once, every answer different from the others, from its question
//! and from the person's password; answers are stored only as argon2id
//! hashes of their folded form.

use super::{Error, Flows};
use crate::domain::Enrolment;
use crate::domain::policy::ResetPolicy;
use crate::domain::questions::{Question, fold, normalise_answer, question_catalogue};
use crate::flow::Client;
use crate::flow::methods::StoredAnswer;
use crate::i18n::Msg;
use secrecy::SecretString;

fn invalid(message: Msg) -> Error {
    super::invalid("answers", message)
}

/// Checks chosen questions and answers against the policy; returns each
/// question with its folded answer.
pub(super) fn check_answers(
    policy: &ResetPolicy,
    answers: &[(String, String)],
) -> Result<Vec<(Question, String)>, Error> {
    let wanted = usize::from(policy.questions_to_register);
    if answers.len() != wanted {
        return Err(invalid(Msg::new("input-questions-count").arg("count", wanted)));
    }
    let catalogue = question_catalogue(&policy.custom_questions);
    let mut chosen: Vec<(Question, String)> = Vec::new();
    for (id, answer) in answers {
        let question = catalogue
            .iter()
            .find(|q| &q.id == id)
            .ok_or_else(|| invalid(Msg::new("input-question-unknown").arg("id", id.as_str())))?;
        if chosen.iter().any(|(q, _)| q.id == question.id) {
            return Err(invalid(Msg::new("input-question-twice").arg("question", &question.text)));
        }
        let normal = normalise_answer(answer).map_err(|e| {
            invalid(Msg::new("input-answer-problem").arg("question", &question.text).arg("why", e.msg()))
        })?;
        if chosen.iter().any(|(_, n)| *n == normal) {
            return Err(invalid(Msg::new("input-answers-same")));
        }
        if fold(&question.text).trim_end_matches('?') == normal.trim_end_matches('?') {
            return Err(invalid(Msg::new("input-answer-is-question").arg("question", &question.text)));
        }
        chosen.push((question.clone(), normal));
    }
    Ok(chosen)
}

/// The stored form: each question as shown and its answer's hash.
pub(super) async fn sealed(chosen: Vec<(Question, String)>) -> Result<String, Error> {
    let mut stored = Vec::new();
    for (question, normal) in chosen {
        let hash = crate::argon::hash(&SecretString::from(normal)).await.map_err(|e| Error::Internal(e.to_string()))?;
        stored.push(StoredAnswer { id: question.id, text: question.text, hash });
    }
    serde_json::to_string(&stored).map_err(|e| Error::Internal(e.to_string()))
}

impl Flows {
    /// Registers (or replaces) the signed-in person's security questions.
    pub async fn register_questions(
        &self,
        token: &str,
        answers: &[(String, String)],
        client: &Client,
    ) -> Result<(), Error> {
        let s = self.signed(token).await?;
        self.ensure_offered(&s, Enrolment::Questions).await?;
        let policy = self.store.reset_policy().await?;
        let chosen = check_answers(&policy, answers)?;
        for (question, normal) in &chosen {
            match self.guards.is_password(s.row.id, normal) {
                Some(false) => {}
                Some(true) => {
                    return Err(invalid(Msg::new("input-answer-is-password").arg("question", &question.text)));
                }
                // Restarted since sign-in: the password is not known here,
                // so the session ends and the person signs in again.
                None => {
                    self.register_sign_out(token).await?;
                    return Err(Error::SignInNeeded);
                }
            }
        }
        let ids: Vec<&str> = chosen.iter().map(|(q, _)| q.id.as_str()).collect();
        let detail = format!("registered questions ({})", ids.join(", "));
        let value = sealed(chosen).await?;
        self.save_proven(&s, None, Enrolment::Questions, value, None, detail, client).await
    }
}
