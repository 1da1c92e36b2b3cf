//! What must hold after the run, with passdesk stopped: the database is
//! whole, the audit chain verifies, every intent has an outcome and every
//! reconciled one its audit row, each intent a kill left open got the
//! outcome the directory showed right after that kill, and for every account the password the
//! directory holds (found by binding) is the one of its latest success,
//! or of an intent passdesk surfaced as unknown.

use super::bed;
use super::drive::{Answer, UserLog};
use std::collections::HashMap;
use std::path::Path;

/// One writeback row.
struct Row {
    id: i64,
    outcome: Option<String>,
}

/// What the check counted, for the report.
#[derive(Default, Debug)]
pub struct Found {
    pub rows: usize,
    pub written: usize,
    pub failed: usize,
    pub applied: usize,
    pub not_applied: usize,
    pub unknown: usize,
    /// Accounts whose password is that of an intent surfaced as unknown.
    pub held_by_unknown: usize,
    pub problems: Vec<String>,
}

fn rows_of(db: &rusqlite::Connection, login: &str) -> Vec<Row> {
    let mut stmt = db.prepare("SELECT id, outcome FROM writebacks WHERE login = ?1 ORDER BY id").unwrap();
    stmt.query_map([login], |r| Ok(Row { id: r.get(0)?, outcome: r.get(1)? }))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The database file's own check and the audit chain (`passdesk audit verify`).
pub fn store(db: &Path, config: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    if integrity != "ok" {
        problems.push(format!("PRAGMA integrity_check: {integrity}"));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passdesk"))
        .args(["audit", "verify", "--config"])
        .arg(config)
        .env("PASSDESK_LOG__LEVEL", "warn")
        .env_remove("PASSDESK_CONFIG")
        .output()
        .unwrap();
    if !out.status.success() {
        problems.push(format!(
            "passdesk audit verify exited {}: {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    problems
}

/// Every intent closed; every intent closed at start-up (applied,
/// not_applied, unknown) named by exactly one "Password writeback
/// reconciled" audit row, a failure unless applied.
fn reconciled(db: &rusqlite::Connection, found: &mut Found) {
    let open: i64 =
        db.query_row("SELECT count(*) FROM writebacks WHERE finished_at IS NULL", [], |r| r.get(0)).unwrap();
    if open > 0 {
        found.problems.push(format!("{open} writeback intent(s) still without an outcome after the last start"));
    }
    let mut stmt = db
        .prepare("SELECT id, outcome FROM writebacks WHERE outcome IN ('applied', 'not_applied', 'unknown')")
        .unwrap();
    let closed: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    let mut stmt =
        db.prepare("SELECT detail, result FROM audit WHERE activity = 'Password writeback reconciled'").unwrap();
    let audit: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    for (id, outcome) in closed {
        let mark = format!("writeback #{id} ");
        let rows: Vec<&(String, String)> = audit.iter().filter(|(d, _)| d.contains(&mark)).collect();
        let want = if outcome == "applied" { "success" } else { "failure" };
        if rows.len() != 1 || rows[0].1 != want {
            found.problems.push(format!(
                "intent #{id} ({outcome}) has {} reconciliation audit row(s), wanted one with result {want}",
                rows.len()
            ));
        }
    }
}

/// Checks one account: rows per request, answers against rows, and the
/// password the directory holds against the rows' outcomes.
async fn account(db: &rusqlite::Connection, user: &UserLog, found: &mut Found) {
    let rows = rows_of(db, &user.login);
    let mut by_attempt: Vec<Vec<&Row>> = vec![Vec::new(); user.attempts.len()];
    for row in &rows {
        let Some(k) = user.attempts.iter().rposition(|a| a.rows_before < row.id) else {
            found.problems.push(format!("{}: writeback #{} before any request the run sent", user.login, row.id));
            continue;
        };
        by_attempt[k].push(row);
    }
    let outcome = |r: &Row| r.outcome.clone().unwrap_or_else(|| "open".into());
    for (k, (attempt, rows)) in user.attempts.iter().zip(&by_attempt).enumerate() {
        if rows.len() > 1 {
            let ids: Vec<String> = rows.iter().map(|r| format!("#{} {}", r.id, outcome(r))).collect();
            found.problems.push(format!("{}: request {k} made {} writeback rows: {ids:?}", user.login, rows.len()));
        }
        if attempt.answer == Answer::Set && (rows.len() != 1 || outcome(rows[0]) != "written") {
            found.problems.push(format!(
                "{}: request {k} was answered 200 but its rows are {}",
                user.login,
                rows.len()
            ));
        }
    }
    let mut candidates = vec![user.initial.clone()];
    candidates.extend(user.attempts.iter().map(|a| a.password.clone()));
    let Some(held) = bed::holder(&user.dn, &candidates).await else {
        found.problems.push(format!("{}: no password the run sent binds (lost password)", user.login));
        return;
    };
    let password_of = |row: &Row| {
        by_attempt.iter().position(|rs| rs.iter().any(|r| r.id == row.id)).map(|k| &user.attempts[k].password)
    };
    let success = |r: &&Row| matches!(r.outcome.as_deref(), Some("written" | "applied"));
    let last = rows.iter().rfind(success);
    let after = last.map_or(0, |r| r.id);
    let surfaced =
        rows.iter().any(|r| r.id > after && r.outcome.as_deref() == Some("unknown") && password_of(r) == Some(held));
    let matches = match last {
        Some(row) => password_of(row) == Some(held),
        None => *held == user.initial,
    };
    if surfaced && !matches {
        found.held_by_unknown += 1;
    } else if !matches {
        let detail: Vec<String> = rows.iter().map(|r| format!("#{} {}", r.id, outcome(r))).collect();
        let which = candidates.iter().rposition(|c| c == held).unwrap_or(0);
        found.problems.push(format!(
            "{}: the directory holds password {which} of {} but the latest success row is {:?}; rows {detail:?}",
            user.login,
            candidates.len() - 1,
            last.map(|r| r.id)
        ));
    }
}

/// Each intent a kill left open was closed at the next start with the
/// outcome the directory showed right after the kill: "applied" only when
/// the request's password was set, "not_applied" only when it was not;
/// "unknown" is passdesk saying it cannot tell (and surfacing it).
fn truths(db: &rusqlite::Connection, truths: &[(i64, String, bool)], found: &mut Found) {
    for (id, login, applied) in truths {
        let outcome: Option<String> =
            db.query_row("SELECT outcome FROM writebacks WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        let right = match outcome.as_deref() {
            Some("applied") => *applied,
            Some("not_applied") => !applied,
            Some("unknown") => true,
            _ => false,
        };
        if !right {
            found.problems.push(format!(
                "{login}: intent #{id} left open by a kill was closed as {outcome:?}, but right after the kill the directory {} its password",
                if *applied { "held" } else { "did not hold" }
            ));
        }
    }
}

/// Runs every check; `found.problems` is empty when all hold.
pub async fn run(db_path: &Path, config: &Path, users: &[UserLog], kills: &[(i64, String, bool)]) -> Found {
    let mut found = Found { problems: store(db_path, config), ..Found::default() };
    let db = rusqlite::Connection::open_with_flags(db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    reconciled(&db, &mut found);
    truths(&db, kills, &mut found);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut stmt = db.prepare("SELECT coalesce(outcome, 'open'), count(*) FROM writebacks GROUP BY 1").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (outcome, n) = row.unwrap();
        counts.insert(outcome, n as usize);
    }
    let n = |k: &str| counts.get(k).copied().unwrap_or(0);
    found.rows = counts.values().sum();
    (found.written, found.failed, found.applied) = (n("written"), n("failed"), n("applied"));
    (found.not_applied, found.unknown) = (n("not_applied"), n("unknown"));
    for user in users {
        account(&db, user, &mut found).await;
    }
    found
}
