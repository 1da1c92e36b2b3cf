//! The numbers that stop guessing and flooding (DESIGN.md §5): five failed
//! proofs for an account in 24 hours, or more than ten messages for it in
//! ten minutes, block self-service for that account for 24 hours; no
//! destination receives more than ten messages in ten minutes. Blocking
//! self-service never touches the directory account itself.

/// Failed proofs that block an account.
pub const MAX_FAILURES: u32 = 5;
/// The window in which failed proofs are counted.
pub const FAILURE_WINDOW_SECS: i64 = 24 * 3600;
/// How long a block lasts.
pub const BLOCK_SECS: i64 = 24 * 3600;
/// Messages for one account within [`SEND_WINDOW_SECS`] before it is blocked.
pub const SEND_BUDGET: u32 = 10;
/// Messages to one destination within [`SEND_WINDOW_SECS`].
pub const DESTINATION_BUDGET: u32 = 10;
/// The window of the send budgets.
pub const SEND_WINDOW_SECS: i64 = 10 * 60;
