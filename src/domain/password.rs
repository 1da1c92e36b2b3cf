//! The password rules passdesk applies before anything reaches a directory
//! (DESIGN.md §4, NIST SP 800-63B): a length window counted in Unicode
//! characters after NFKC, no composition rules, and refusal of common
//! passwords and of passwords that contain the user ID.

use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Lowest minimum length an administrator may configure.
pub const MIN_LENGTH_FLOOR: usize = 8;
/// Highest maximum length accepted.
pub const MAX_LENGTH_CEILING: usize = 256;
/// The smallest maximum an administrator may configure (NIST: at least 64).
pub const MAX_LENGTH_FLOOR: usize = 64;

/// The embedded common-password list, gzip-compressed; see web/passwords/SOURCE.md.
static COMMON_GZ: &[u8] = include_bytes!("../../web/passwords/common.txt.gz");

/// passdesk's own password rules; the directory's rules are applied on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters accepted.
    pub min_length: usize,
    /// Most characters accepted.
    pub max_length: usize,
    /// Lowest zxcvbn score accepted (0 = any, 4 = strongest).
    pub min_strength: u8,
    /// Words of the organisation (its name, products, city) refused inside passwords.
    pub organisation_words: Vec<String>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 12, max_length: 128, min_strength: 2, organisation_words: Vec::new() }
    }
}

/// Why a new password was refused, phrased for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Shorter than the minimum.
    TooShort {
        /// The minimum in force.
        min: usize,
    },
    /// Longer than the maximum.
    TooLong {
        /// The maximum in force.
        max: usize,
    },
    /// Found in the list of commonly used passwords.
    Common,
    /// Contains the user ID.
    ContainsLogin,
    /// Contains the person's name.
    ContainsName,
    /// Contains a word of the organisation.
    ContainsOrganisationWord,
    /// Too easy to guess (zxcvbn below the configured score).
    TooWeak {
        /// zxcvbn's advice, starting with ": ", or empty.
        hint: String,
    },
    /// The directory demands a mix of character kinds.
    NotComplex,
    /// Found in the offline list of passwords exposed in data breaches.
    Breached,
}

impl PasswordProblem {
    /// The sentence for the person choosing the password. zxcvbn's own
    /// advice is English only, so it is not part of the sentence.
    pub fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::TooShort { min } => Msg::new("password-too-short").arg("min", *min),
            Self::TooLong { max } => Msg::new("password-too-long").arg("max", *max),
            Self::Common => Msg::new("password-common"),
            Self::ContainsLogin => Msg::new("password-contains-login"),
            Self::ContainsName => Msg::new("password-contains-name"),
            Self::ContainsOrganisationWord => Msg::new("password-contains-organisation"),
            Self::TooWeak { .. } => Msg::new("password-too-weak"),
            Self::NotComplex => Msg::new("password-not-complex"),
            Self::Breached => Msg::new("password-breached"),
        }
    }
}
crate::i18n::localised_error!(PasswordProblem);

/// Every rule a password misses and how hard it is to guess, for the live
/// strength meter: the person sees all that is wrong at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The unmet rules, in the order the page lists them.
    pub problems: Vec<PasswordProblem>,
    /// zxcvbn's score, 0 (guessed at once) to 4 (very hard).
    pub score: u8,
}

/// zxcvbn's cost grows with length; beyond this many characters the score
/// is computed on the prefix (a longer password only gets stronger).
const STRENGTH_INPUT_MAX: usize = 100;

impl PasswordPolicy {
    /// Normalises a password the way it will be written (NFKC), so a
    /// password typed on two keyboards is the same password.
    pub fn normalise(password: &str) -> String {
        password.nfkc().collect()
    }

    /// These rules tightened by a directory's: the longer minimum wins.
    pub fn merged(&self, directory_min: Option<u32>) -> Self {
        let min = directory_min.map_or(self.min_length, |d| self.min_length.max(d as usize));
        Self { min_length: min.min(self.max_length), ..self.clone() }
    }

    /// Checks a normalised password against these rules for the given user.
    pub fn check(&self, password: &str, login: &str) -> Result<(), PasswordProblem> {
        self.check_for(password, login, "")
    }

    /// Checks a normalised password for a user with this display name: the
    /// first rule it misses, in the order the page lists them.
    pub fn check_for(&self, password: &str, login: &str, display_name: &str) -> Result<(), PasswordProblem> {
        match self.problems(password, login, display_name, false).problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// All the rules a normalised password misses, and its strength score.
    pub fn assess(&self, password: &str, login: &str, display_name: &str) -> Assessment {
        self.problems(password, login, display_name, true)
    }

    /// The rules missed, in display order. The strength estimate (the
    /// costly part) runs once, and only when a floor is set or the score
    /// is wanted (`score` is 0 otherwise).
    fn problems(&self, password: &str, login: &str, display_name: &str, want_score: bool) -> Assessment {
        let mut problems = Vec::new();
        let length = password.chars().count();
        if length < self.min_length {
            problems.push(PasswordProblem::TooShort { min: self.min_length });
        }
        if length > self.max_length {
            problems.push(PasswordProblem::TooLong { max: self.max_length });
        }
        let lower = password.to_lowercase();
        let login_lower = login.to_lowercase();
        if login_lower.chars().count() >= 3 && lower.contains(&login_lower) {
            problems.push(PasswordProblem::ContainsLogin);
        }
        if is_common(&lower) {
            problems.push(PasswordProblem::Common);
        }
        let names: Vec<String> =
            display_name.split_whitespace().map(str::to_lowercase).filter(|n| n.chars().count() >= 4).collect();
        if names.iter().any(|n| lower.contains(n.as_str())) {
            problems.push(PasswordProblem::ContainsName);
        }
        let words: Vec<String> =
            self.organisation_words.iter().map(|w| w.to_lowercase()).filter(|w| w.chars().count() >= 4).collect();
        if words.iter().any(|w| lower.contains(w.as_str())) {
            problems.push(PasswordProblem::ContainsOrganisationWord);
        }
        // A first-problem check stops here when something is already wrong.
        let needed = want_score || (self.min_strength > 0 && problems.is_empty());
        let prefix: String = password.chars().take(STRENGTH_INPUT_MAX).collect();
        let mut score = 0;
        if needed && !prefix.is_empty() {
            let mut inputs: Vec<&str> = vec![login];
            inputs.extend(names.iter().map(String::as_str));
            inputs.extend(words.iter().map(String::as_str));
            let estimate = zxcvbn::zxcvbn(&prefix, &inputs);
            score = u8::from(estimate.score());
            if self.min_strength > 0 && score < self.min_strength {
                let hint = estimate.feedback().and_then(|f| f.warning()).map(|w| format!(": {w}")).unwrap_or_default();
                problems.push(PasswordProblem::TooWeak { hint });
            }
        }
        Assessment { problems, score }
    }
}

/// Active Directory's complexity rule: at least three of upper-case,
/// lower-case, digits, and anything else (symbols, letters without case).
pub fn meets_complexity(password: &str) -> bool {
    let kinds = [
        password.chars().any(char::is_uppercase),
        password.chars().any(char::is_lowercase),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_uppercase() && !c.is_lowercase() && !c.is_ascii_digit()),
    ];
    kinds.iter().filter(|k| **k).count() >= 3
}

/// Whether a lowercased password is in the embedded list. The list is
/// decompressed on first use only, so an idle server does not carry it.
pub fn is_common(lowercased: &str) -> bool {
    common_list().binary_search_by(|entry| entry.as_str().cmp(lowercased)).is_ok()
}

/// Number of entries in the embedded list (for `passdesk check` and tests).
pub fn common_list_len() -> usize {
    common_list().len()
}

/// A random password for generated accounts (demo users, local admins):
/// 20 characters from an alphabet without look-alikes, about 115 bits.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

fn common_list() -> &'static [String] {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        use std::io::Read;
        let mut text = String::new();
        // The list is compiled in; a decoding failure would be caught by the
        // tests below, and at worst leaves the list empty rather than panicking.
        let _ = flate2::read::GzDecoder::new(COMMON_GZ).read_to_string(&mut text);
        let mut list: Vec<String> =
            text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_lowercase).collect();
        list.sort_unstable();
        list.dedup();
        list.shrink_to_fit();
        list
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_is_large_and_sorted() {
        assert!(common_list_len() >= 100_000, "only {} entries", common_list_len());
        assert!(is_common("password"));
        assert!(is_common("123456"));
        assert!(!is_common("correct horse battery staple orbit"));
    }

    #[test]
    fn names_organisation_words_and_strength() {
        let policy =
            PasswordPolicy { organisation_words: vec!["Contoso".into(), "Zu".into()], ..PasswordPolicy::default() };
        assert_eq!(
            policy.check_for("anders-walks-by-the-sea", "alice", "Alice Anders"),
            Err(PasswordProblem::ContainsName)
        );
        assert_eq!(
            policy.check_for("I love working at contoso", "bob", ""),
            Err(PasswordProblem::ContainsOrganisationWord)
        );
        assert_eq!(policy.check_for("Zulu violet meadow drums", "bob", ""), Ok(()), "short words are ignored");
        assert!(matches!(policy.check_for("aaaaaaaaaaaaaaaa", "bob", ""), Err(PasswordProblem::TooWeak { .. })));
        assert!(matches!(policy.check_for("abcdefghijklmnop", "bob", ""), Err(PasswordProblem::TooWeak { .. })));
        assert_eq!(policy.check_for("Violet meadow drums 42", "alice", "Alice Anders"), Ok(()));
        let lax = PasswordPolicy { min_strength: 0, ..PasswordPolicy::default() };
        assert_eq!(lax.check_for("aaaaaaaaaaaaaaaa", "bob", ""), Ok(()));
    }

    #[test]
    fn length_is_counted_in_characters() {
        let policy = PasswordPolicy { min_length: 8, max_length: 64, min_strength: 0, ..PasswordPolicy::default() };
        assert_eq!(policy.check("ééééééé", "x"), Err(PasswordProblem::TooShort { min: 8 }));
        assert_eq!(policy.check("éééééééq", "x"), Ok(()));
        assert_eq!(policy.check(&"ab".repeat(33), "x"), Err(PasswordProblem::TooLong { max: 64 }));
    }

    #[test]
    fn common_and_login_refused() {
        let policy = PasswordPolicy::default();
        assert_eq!(policy.check("qwertyuiopasdfgh", "bob"), Err(PasswordProblem::Common));
        assert_eq!(policy.check("my-alice-is-great-2026", "Alice"), Err(PasswordProblem::ContainsLogin));
        assert_eq!(policy.check("Violet meadow drums 42", "alice"), Ok(()));
    }

    #[test]
    fn complexity_and_merging() {
        assert!(meets_complexity("Violet meadow drums 42"));
        assert!(meets_complexity("violet-meadow-42"));
        assert!(!meets_complexity("plain lowercase words only"));
        assert!(!meets_complexity("alllowercaseletters"));
        assert!(!meets_complexity("ALLUPPER123"));
        let p = PasswordPolicy::default();
        assert_eq!(p.merged(Some(14)).min_length, 14);
        assert_eq!(p.merged(Some(7)).min_length, 12);
        assert_eq!(p.merged(None), p);
        assert_eq!(p.merged(Some(500)).min_length, 128);
    }

    #[test]
    fn nfkc_normalisation() {
        assert_eq!(PasswordPolicy::normalise("ﬁ"), "fi");
        assert_eq!(PasswordPolicy::normalise("Ａ"), "A");
    }
}
