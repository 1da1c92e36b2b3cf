//! Security questions (DESIGN.md §5): the predefined list, the rules for
//! answers and the normal form they are hashed in. Answers are compared
//! after normalisation so "Main Street", "main  street" and "ＭＡＩＮ street"
//! are one answer; they are stored only as argon2id hashes of that form.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Fewest characters in a normalised answer.
pub const ANSWER_MIN_CHARS: usize = 3;
/// Most characters in a normalised answer.
pub const ANSWER_MAX_CHARS: usize = 40;
/// Most questions an administrator may add to the predefined list.
pub const MAX_CUSTOM_QUESTIONS: usize = 20;

/// The predefined questions, chosen to have answers that are stable over a
/// lifetime, known to the person and not found on a social-media profile.
/// The ids are stored with each registration; a translation keys on them.
pub const PREDEFINED: &[(&str, &str)] = &[
    ("p01", "What was the name of your first pet?"),
    ("p02", "In what city or town did your parents meet?"),
    ("p03", "What was the first name of your first manager?"),
    ("p04", "What was the name of the street you lived on at age ten?"),
    ("p05", "What was the make and model of your first car?"),
    ("p06", "What is the first name of your oldest cousin?"),
    ("p07", "What was your childhood nickname?"),
    ("p08", "What was the name of your first school?"),
    ("p09", "In what city was your first job?"),
    ("p10", "What was the first concert you attended?"),
    ("p11", "What is the middle name of your oldest sibling?"),
    ("p12", "What was the name of your favourite teacher?"),
    ("p13", "What was your favourite food as a child?"),
    ("p14", "What was the name of your first stuffed animal or toy?"),
    ("p15", "In what city or town was your mother born?"),
    ("p16", "In what city or town was your father born?"),
    ("p17", "What was the first book you remember reading?"),
    ("p18", "What was the name of the hospital where you were born?"),
    ("p19", "What was your dream job as a child?"),
    ("p20", "What is the name of the place your family went on holiday most?"),
    ("p21", "What was the name of your best friend at primary school?"),
    ("p22", "What was the first film you saw in a cinema?"),
    ("p23", "What was the surname of your first-grade teacher?"),
    ("p24", "What was the first foreign country you visited?"),
];

/// A question as the person sees it: the stable id and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// "p01"… for predefined questions, "c1"… for the administrator's own.
    pub id: String,
    /// The text shown.
    pub text: String,
}

/// Every question a person may choose: the predefined list, then the
/// administrator's custom ones.
pub fn question_catalogue(custom: &[String]) -> Vec<Question> {
    let predefined = PREDEFINED.iter().map(|(id, text)| Question { id: (*id).to_owned(), text: (*text).to_owned() });
    let own = custom.iter().enumerate().map(|(n, text)| Question { id: format!("c{}", n + 1), text: text.clone() });
    predefined.chain(own).collect()
}

/// Why an answer cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// Shorter than [`ANSWER_MIN_CHARS`] once normalised.
    TooShort,
    /// Longer than [`ANSWER_MAX_CHARS`] once normalised.
    TooLong,
    /// Control characters cannot be typed back reliably.
    ControlCharacters,
}

impl AnswerError {
    /// The sentence for the person who typed it.
    pub fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::TooShort => Msg::new("answer-too-short").arg("min", ANSWER_MIN_CHARS),
            Self::TooLong => Msg::new("answer-too-long").arg("max", ANSWER_MAX_CHARS),
            Self::ControlCharacters => Msg::new("answer-control"),
        }
    }
}
crate::i18n::localised_error!(AnswerError);

/// The form an answer is hashed in: NFKC, lower case, single spaces, no
/// leading or trailing space.
pub fn normalise_answer(answer: &str) -> Result<String, AnswerError> {
    if answer.chars().any(char::is_control) {
        return Err(AnswerError::ControlCharacters);
    }
    let normal = fold(answer);
    match normal.chars().count() {
        n if n < ANSWER_MIN_CHARS => Err(AnswerError::TooShort),
        n if n > ANSWER_MAX_CHARS => Err(AnswerError::TooLong),
        _ => Ok(normal),
    }
}

/// Case, width and spacing folded away, so "Main  Street" and "main street"
/// compare equal; answers are stored and compared in this form.
pub fn fold(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks an administrator's custom questions.
pub fn validate_custom_questions(questions: &[String]) -> Result<(), String> {
    if questions.len() > MAX_CUSTOM_QUESTIONS {
        return Err(format!("at most {MAX_CUSTOM_QUESTIONS} custom questions; remove some"));
    }
    let mut seen: std::collections::HashSet<String> = PREDEFINED.iter().map(|(_, text)| text.to_lowercase()).collect();
    for q in questions {
        let len = q.chars().count();
        if !(10..=200).contains(&len) || q.chars().any(char::is_control) || q.contains('|') {
            return Err(format!("\"{q}\": a question has 10 to 200 characters, no control characters and no |"));
        }
        // The same question twice would let one answer count as two.
        if !seen.insert(q.trim().to_lowercase()) {
            return Err(format!("\"{q}\" is already in the list (custom or predefined): ask each question once"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_normalise() {
        assert_eq!(normalise_answer("  Main   Street ").unwrap(), "main street");
        assert_eq!(normalise_answer("ＭＡＩＮ street").unwrap(), "main street");
        assert_eq!(normalise_answer("ab"), Err(AnswerError::TooShort));
        assert_eq!(normalise_answer(" a  b "), Ok("a b".to_owned()));
        assert_eq!(normalise_answer(&"x".repeat(41)), Err(AnswerError::TooLong));
        assert_eq!(normalise_answer("tab\there"), Err(AnswerError::ControlCharacters));
    }

    #[test]
    fn catalogue_has_at_least_twenty_predefined_and_unique_ids() {
        let all = question_catalogue(&["What is our office's nickname?".to_owned()]);
        assert!(PREDEFINED.len() >= 20);
        let mut ids: Vec<&str> = all.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PREDEFINED.len() + 1);
        assert_eq!(all.last().unwrap().id, "c1");
    }

    #[test]
    fn custom_questions_are_checked() {
        assert!(validate_custom_questions(&["short?".to_owned()]).is_err());
        assert!(validate_custom_questions(&vec!["What is the answer here?".to_owned(); 21]).is_err());
        assert!(validate_custom_questions(&["What is the answer here?".to_owned()]).is_ok());
    }
}
