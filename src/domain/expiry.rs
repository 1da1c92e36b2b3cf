//! Password expiry and its reminders: when a password expires, as a
//! directory says, and which reminder "mark" (days before expiry) is due
//! now. Pure arithmetic on Unix seconds; reading the directory and
//! remembering what was sent belong to `directory` and `store`.

/// Seconds in a day: reminder marks are whole days before the expiry.
pub const DAY: i64 = 86_400;

/// What a directory says about when an account's password expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordExpiry {
    /// The password expires at `expires_at`; it was set at `set_at` when
    /// the directory says (a mark before that instant is never due).
    At {
        /// Unix seconds.
        expires_at: i64,
        /// Unix seconds, when known.
        set_at: Option<i64>,
    },
    /// The password never expires (a "never expires" flag, or a policy
    /// without a maximum age).
    Never,
    /// The password must be changed at the next sign-in (AD `pwdLastSet`
    /// = 0): it has no expiry date to count down to, the sign-in already
    /// asks for a new one, and a new joiner in this state never chose a
    /// password to change.
    MustChange,
}

/// The reminder mark due at `now` for a password expiring at `expires_at`:
/// the smallest configured number of days `m` with `expires_at - m days`
/// already reached. So a missed run (passdesk was down at the 7-day mark)
/// sends only the nearest mark, never a burst of stale ones. `None` once
/// the password expired, and for marks that fall before the password was
/// set (a 14-day mark on a password that lives 10 days).
pub fn due_mark(marks: &[u32], expires_at: i64, set_at: Option<i64>, now: i64) -> Option<u32> {
    let left = expires_at.checked_sub(now)?;
    if left <= 0 {
        return None;
    }
    marks
        .iter()
        .copied()
        .filter(|m| i64::from(*m).saturating_mul(DAY) >= left)
        .filter(|m| set_at.is_none_or(|set| expires_at.saturating_sub(i64::from(*m).saturating_mul(DAY)) > set))
        .min()
}

/// Whole days left before `expires_at`, rounded up: 6 days and 23 hours
/// read as 7, so the 7-day reminder says 7.
pub fn days_left(expires_at: i64, now: i64) -> i64 {
    let left = expires_at.saturating_sub(now).max(0);
    left / DAY + i64::from(left % DAY != 0)
}

/// The default marks: two weeks, one week, three days and the day before.
pub const DEFAULT_MARKS: [u32; 4] = [14, 7, 3, 1];

#[cfg(test)]
mod tests {
    use super::*;

    const MARKS: [u32; 4] = DEFAULT_MARKS;
    const EXPIRES: i64 = 1_900_000_000;

    #[test]
    fn each_mark_is_due_from_its_day_until_the_next_smaller_one() {
        // Fifteen days out nothing is due; at 14 days exactly the 14 mark.
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 15 * DAY), None);
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 14 * DAY - 1), None);
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 14 * DAY), Some(14));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 8 * DAY), Some(14));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 7 * DAY), Some(7));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 3 * DAY + 3600), Some(3));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - DAY), Some(1));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 1), Some(1));
    }

    #[test]
    fn a_missed_run_sends_only_the_nearest_mark_and_nothing_after_expiry() {
        // Down from 8 days before until 2.5 days before: only the 3 mark.
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES - 5 * DAY / 2), Some(3));
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES), None);
        assert_eq!(due_mark(&MARKS, EXPIRES, None, EXPIRES + DAY), None);
        assert_eq!(due_mark(&[], EXPIRES, None, EXPIRES - DAY), None);
    }

    #[test]
    fn marks_before_the_password_was_set_are_never_due() {
        // A password that lives 10 days: no 14-day reminder right after it
        // was set, and the 7-day one as usual.
        let set = EXPIRES - 10 * DAY;
        assert_eq!(due_mark(&MARKS, EXPIRES, Some(set), set), None);
        assert_eq!(due_mark(&MARKS, EXPIRES, Some(set), EXPIRES - 8 * DAY), None);
        assert_eq!(due_mark(&MARKS, EXPIRES, Some(set), EXPIRES - 7 * DAY), Some(7));
        // A mark exactly at the moment it was set says nothing new either.
        assert_eq!(due_mark(&[10], EXPIRES, Some(set), set), None);
    }

    #[test]
    fn marks_need_not_be_sorted_and_huge_values_do_not_overflow() {
        assert_eq!(due_mark(&[1, 14, 3, 7], EXPIRES, None, EXPIRES - 5 * DAY), Some(7));
        assert_eq!(due_mark(&[u32::MAX], i64::MAX, None, i64::MIN), None);
        assert_eq!(due_mark(&[365], i64::MAX, Some(i64::MIN), i64::MAX - DAY), Some(365));
    }

    #[test]
    fn days_left_round_up() {
        assert_eq!(days_left(EXPIRES, EXPIRES - 7 * DAY), 7);
        assert_eq!(days_left(EXPIRES, EXPIRES - 7 * DAY + 3600), 7);
        assert_eq!(days_left(EXPIRES, EXPIRES - 6 * DAY - 1), 7);
        assert_eq!(days_left(EXPIRES, EXPIRES - 6 * DAY), 6);
        assert_eq!(days_left(EXPIRES, EXPIRES - 1), 1);
        assert_eq!(days_left(EXPIRES, EXPIRES + 5), 0);
    }
}
