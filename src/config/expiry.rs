//! `[notify] expiry_reminder_days`: on which days before a password expires
//! people are reminded. Whole days from 1 to 365, each once, in any order
//! (kept largest first); an empty list turns the reminders off.

use super::Problem;
use crate::domain::expiry::DEFAULT_MARKS;

/// The key, as problems name it.
const KEY: &str = "notify.expiry_reminder_days";

/// The reminder days, largest first; the default when absent.
pub(super) fn reminder_days(problems: &mut Vec<Problem>, raw: Option<Vec<i64>>) -> Vec<u32> {
    let Some(raw) = raw else { return DEFAULT_MARKS.to_vec() };
    let mut add = |message: String| problems.push(Problem { key: KEY.into(), message });
    let mut days = Vec::with_capacity(raw.len());
    for value in raw {
        match u32::try_from(value) {
            Ok(day @ 1..=365) if days.contains(&day) => {
                add(format!("{day} is listed twice: give each number of days once, e.g. [14, 7, 3, 1]"))
            }
            Ok(day @ 1..=365) => days.push(day),
            _ => add(format!(
                "{value} is out of range: give whole numbers of days from 1 to 365, e.g. [14, 7, 3, 1], \
                 or [] to send no expiry reminders"
            )),
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::load_str;

    fn days(text: &str) -> Vec<u32> {
        load_str(text, "test", &[]).unwrap().notify.expiry_reminder_days
    }

    fn problems(text: &str) -> Vec<(String, String)> {
        let err = load_str(text, "test", &[]).unwrap_err();
        err.problems.into_iter().map(|p| (p.key, p.message)).collect()
    }

    #[test]
    fn default_empty_and_unsorted_lists() {
        assert_eq!(days(""), [14, 7, 3, 1]);
        assert_eq!(days("[notify]\nexpiry_reminder_days = []\n"), Vec::<u32>::new());
        assert_eq!(days("[notify]\nexpiry_reminder_days = [1, 30, 7]\n"), [30, 7, 1]);
        assert_eq!(days("[notify]\nexpiry_reminder_days = [365]\n"), [365]);
        let env = [("PASSDESK_NOTIFY__EXPIRY_REMINDER_DAYS".to_owned(), "[10, 2]".to_owned())];
        assert_eq!(load_str("", "test", &env).unwrap().notify.expiry_reminder_days, [10, 2]);
    }

    #[test]
    fn bad_values_are_named_with_the_fix() {
        for (value, phrase) in [
            ("[0]", "0 is out of range"),
            ("[366]", "366 is out of range"),
            ("[-7]", "-7 is out of range"),
            ("[7, 3, 7]", "7 is listed twice"),
        ] {
            let found = problems(&format!("[notify]\nexpiry_reminder_days = {value}\n"));
            assert_eq!(found.len(), 1, "{value}: {found:?}");
            assert_eq!(found[0].0, "notify.expiry_reminder_days");
            assert!(found[0].1.contains(phrase) && found[0].1.contains("[14, 7, 3, 1]"), "{found:?}");
        }
        // Not a list of whole numbers: the type error names the key.
        for value in ["7", "[\"7\"]", "[1.5]"] {
            let found = problems(&format!("[notify]\nexpiry_reminder_days = {value}\n"));
            assert!(found.iter().any(|(k, _)| k.starts_with("notify.expiry_reminder_days")), "{value}: {found:?}");
        }
    }
}
