//! Flow state and the one-time codes bound to each flow. A flow row is the
//! server-side state machine of one reset; its token is stored only as a
//! SHA-256 digest.

use super::{Effects, Error, Store, apply_effects};
use crate::domain::OfferedMethod;
use crate::domain::questions::Question;
use rusqlite::{OptionalExtension, Row, params};

/// Which use case a flow serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    /// Forgotten password.
    Reset,
    /// Locked out: proofs, then unlock without a new password.
    Unlock,
}

impl FlowKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Unlock => "unlock",
        }
    }

    fn parse(text: &str) -> Self {
        if text == "unlock" { Self::Unlock } else { Self::Reset }
    }
}

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    /// Proofs still owed.
    Proving,
    /// Enough proofs passed; the new password may be set.
    Proven,
    /// Finished; the token opens nothing any more.
    Done,
}

impl FlowState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Proving => "proving",
            Self::Proven => "proven",
            Self::Done => "done",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "proving" => Self::Proving,
            "proven" => Self::Proven,
            // 'done' and 'cancelled' both end the flow.
            _ => Self::Done,
        }
    }
}

/// Another directory's account of the same person, written with the
/// flow's own (DESIGN.md §15, linked accounts).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkedAccount {
    /// Directory name.
    pub directory: String,
    /// The account in that directory.
    pub account_id: String,
}

/// A directory write that succeeded and whose outcome commits with the
/// flow's end.
#[derive(Debug, Clone)]
pub struct FinishedWrite {
    /// The writeback intent.
    pub intent: i64,
    /// Its audit rows ("password written").
    pub audit: Vec<crate::domain::audit::AuditRecord>,
}

/// A code to store (only its MAC: the code itself is in the message).
#[derive(Debug, Clone)]
pub struct NewCode {
    /// The flow it proves.
    pub flow_id: i64,
    /// The method it was sent by.
    pub method: String,
    /// MAC of the code under the server key.
    pub mac: [u8; 32],
    /// When it stops being accepted.
    pub expires_at: i64,
}

/// The send budgets a code is counted against.
#[derive(Debug, Clone)]
pub struct SendCount {
    /// The defence key of the account (or decoy).
    pub key: String,
    /// Where the message goes (none for a decoy).
    pub destination: Option<String>,
    /// The window both budgets count over.
    pub window_secs: i64,
    /// Sends allowed per key within the window.
    pub key_budget: u32,
    /// Sends allowed per destination within the window.
    pub destination_budget: u32,
}

/// What became of a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    /// The code is stored and its message queued.
    Issued,
    /// A budget ran out; nothing was stored or queued.
    OverBudget(super::Counts),
}

/// A flow about to be created.
#[derive(Debug, Clone)]
pub struct NewFlow {
    /// SHA-256 of the token.
    pub token_hash: [u8; 32],
    /// Use case.
    pub kind: FlowKind,
    /// Directory name.
    pub directory: String,
    /// The user ID as typed (normalised).
    pub login: String,
    /// The account found, or `None` for a decoy.
    pub account_id: Option<String>,
    /// Methods offered (real or decoy).
    pub methods: Vec<OfferedMethod>,
    /// How many must be passed.
    pub required: u8,
    /// Linked accounts in other directories.
    pub linked: Vec<LinkedAccount>,
    /// Client address.
    pub client_ip: Option<String>,
}

/// A stored flow.
#[derive(Debug, Clone)]
pub struct FlowRow {
    /// Row id (never shown to clients).
    pub id: i64,
    /// Use case.
    pub kind: FlowKind,
    /// Directory name.
    pub directory: String,
    /// The user ID as typed.
    pub login: String,
    /// The account, or `None` for a decoy.
    pub account_id: Option<String>,
    /// Current state.
    pub state: FlowState,
    /// Methods offered.
    pub methods: Vec<OfferedMethod>,
    /// Proofs required.
    pub required: u8,
    /// Method ids already passed.
    pub proven: Vec<String>,
    /// Security questions drawn for this flow.
    pub challenge: Vec<Question>,
    /// Linked accounts in other directories.
    pub linked: Vec<LinkedAccount>,
    /// Directories already written by this flow.
    pub written: Vec<String>,
    /// Creation time.
    pub created_at: i64,
}

/// A stored one-time code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// Row id.
    pub id: i64,
    /// HMAC of the code.
    pub mac: Vec<u8>,
    /// When it was sent.
    pub created_at: i64,
    /// When it stops working.
    pub expires_at: i64,
    /// Tries claimed so far (each is claimed before it is compared).
    pub failures: u32,
    /// When it was used, if it was.
    pub used_at: Option<i64>,
}

fn flow_from_row(row: &Row<'_>) -> rusqlite::Result<FlowRow> {
    let methods: String = row.get("methods_json")?;
    let proven: String = row.get("proven_json")?;
    let challenge: String = row.get("challenge_json")?;
    let linked: String = row.get("linked_json")?;
    let written: String = row.get("written_json")?;
    let state: String = row.get("state")?;
    let kind: String = row.get("kind")?;
    Ok(FlowRow {
        id: row.get("id")?,
        kind: FlowKind::parse(&kind),
        directory: row.get("directory")?,
        login: row.get("login")?,
        account_id: row.get("account_id")?,
        state: FlowState::parse(&state),
        methods: serde_json::from_str(&methods).unwrap_or_default(),
        required: row.get("required")?,
        proven: serde_json::from_str(&proven).unwrap_or_default(),
        challenge: serde_json::from_str(&challenge).unwrap_or_default(),
        linked: serde_json::from_str(&linked).unwrap_or_default(),
        written: serde_json::from_str(&written).unwrap_or_default(),
        created_at: row.get("created_at")?,
    })
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

impl Store {
    /// Creates a flow with its effects; returns its row id.
    pub async fn create_flow(&self, flow: NewFlow, now: i64, effects: Effects) -> Result<i64, Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO flows (token_hash, kind, directory, login, account_id, state, methods_json,
                                    required, client_ip, created_at, touched_at, linked_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'proving', ?6, ?7, ?8, ?9, ?9, ?10)",
            )?
            .execute(params![
                &flow.token_hash[..],
                flow.kind.as_str(),
                flow.directory,
                flow.login,
                flow.account_id,
                json(&flow.methods),
                flow.required,
                flow.client_ip,
                now,
                json(&flow.linked)
            ])?;
            let id = tx.last_insert_rowid();
            Ok(id)
        })
        .await
    }

    /// Finds a live or finished flow by the digest of its token.
    pub async fn flow_by_token(&self, token_hash: [u8; 32]) -> Result<Option<FlowRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached("SELECT * FROM flows WHERE token_hash = ?1")?;
            Ok(stmt.query_row([&token_hash[..]], flow_from_row).optional()?)
        })
        .await
    }

    /// The newest code sent for a flow and method.
    pub async fn latest_code(&self, flow_id: i64, method: String) -> Result<Option<CodeRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, code_mac, created_at, expires_at, failures, used_at FROM codes
                 WHERE flow_id = ?1 AND method = ?2 ORDER BY created_at DESC, id DESC LIMIT 1",
            )?;
            let row = stmt
                .query_row(params![flow_id, method], |r| {
                    Ok(CodeRow {
                        id: r.get(0)?,
                        mac: r.get(1)?,
                        created_at: r.get(2)?,
                        expires_at: r.get(3)?,
                        failures: r.get(4)?,
                        used_at: r.get(5)?,
                    })
                })
                .optional()?;
            Ok(row)
        })
        .await
    }

    /// Counts a send against the account's and the destination's budgets
    /// and, within both, stores the code and queues its message, in one
    /// commit. Over a budget the send is still counted but nothing is
    /// stored or queued, and the counts say which budget ran out.
    pub async fn issue_code(
        &self,
        code: NewCode,
        send: SendCount,
        now: i64,
        effects: Effects,
    ) -> Result<Issued, Error> {
        self.change(move |tx| {
            let counts =
                super::defence::count_event(tx, &send.key, "send", send.destination.as_deref(), now, send.window_secs)?;
            if counts.for_key > send.key_budget || counts.for_destination > send.destination_budget {
                return Ok(Issued::OverBudget(counts));
            }
            tx.prepare_cached(
                "INSERT INTO codes (flow_id, method, code_mac, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![code.flow_id, code.method, &code.mac[..], now, code.expires_at])?;
            tx.prepare_cached("UPDATE flows SET touched_at = ?2 WHERE id = ?1")?.execute(params![code.flow_id, now])?;
            apply_effects(tx, &effects, now)?;
            Ok(Issued::Issued)
        })
        .await
    }

    /// Claims one try of a code before it is compared, so a burst of
    /// parallel guesses gets no more tries than one guesser: returns the
    /// tries so far including this one, or `None` when the code is used or
    /// out of tries (a concurrent request won).
    pub async fn claim_code_try(&self, code_id: i64, max_tries: u32) -> Result<Option<u32>, Error> {
        self.change(move |tx| {
            let tries = tx
                .prepare_cached(
                    "UPDATE codes SET failures = failures + 1 WHERE id = ?1 AND failures < ?2 AND used_at IS NULL
                     RETURNING failures",
                )?
                .query_row(params![code_id, max_tries], |r| r.get(0))
                .optional()?;
            Ok(tries)
        })
        .await
    }

    /// Uses a code once and records the proof; returns false when the code
    /// was used or killed meanwhile (then nothing changes).
    pub async fn accept_code(
        &self,
        code_id: i64,
        flow_id: i64,
        proven: Vec<String>,
        state: FlowState,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            let changed = tx
                .prepare_cached("UPDATE codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL")?
                .execute(params![code_id, now])?;
            if changed != 1 {
                return Ok(false);
            }
            tx.prepare_cached(
                "UPDATE flows SET proven_json = ?2, state = ?3, touched_at = ?4 WHERE id = ?1 AND state = 'proving'",
            )?
            .execute(params![flow_id, json(&proven), state.as_str(), now])?;
            apply_effects(tx, &effects, now)?;
            Ok(true)
        })
        .await
    }

    /// Records a proof that needed no code (questions, authenticator):
    /// only if the flow still has exactly the proofs `before`, so two
    /// concurrent proofs cannot both count.
    pub async fn accept_proof(
        &self,
        flow_id: i64,
        before: Vec<String>,
        proven: Vec<String>,
        state: FlowState,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE flows SET proven_json = ?3, state = ?4, challenge_json = '[]', touched_at = ?5
                 WHERE id = ?1 AND state = 'proving' AND proven_json = ?2",
                )?
                .execute(params![flow_id, json(&before), json(&proven), state.as_str(), now])?;
            if changed == 1 {
                apply_effects(tx, &effects, now)?;
            }
            Ok(changed == 1)
        })
        .await
    }

    /// Stores the security questions drawn for a flow, with its effects.
    pub async fn set_challenge(
        &self,
        flow_id: i64,
        ids: Vec<Question>,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached("UPDATE flows SET challenge_json = ?2, touched_at = ?3 WHERE id = ?1")?
                .execute(params![flow_id, json(&ids), now])?;
            Ok(())
        })
        .await
    }

    /// Finishes a proven flow in one commit: the directories written, the
    /// state, the account's defence counters cleared (a successful reset
    /// or unlock forgives earlier failures) and the effects, together with
    /// the outcome of the last directory write when `finished` carries it
    /// (one commit, not two, per reset). False when a concurrent request
    /// finished the flow first: then only `finished` is recorded.
    pub async fn complete_flow(
        &self,
        flow_id: i64,
        written: Vec<String>,
        defence_key: String,
        finished: Option<FinishedWrite>,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            if let Some(done) = &finished {
                super::writebacks::finish(tx, done.intent, super::WritebackOutcome::Written, "", now)?;
                apply_effects(tx, &Effects::audited(done.audit.clone()), now)?;
            }
            let changed = tx
                .prepare_cached(
                    "UPDATE flows SET state = 'done', written_json = ?2, touched_at = ?3
                     WHERE id = ?1 AND state = 'proven'",
                )?
                .execute(params![flow_id, json(&written), now])?;
            if changed != 1 {
                return Ok(false);
            }
            tx.prepare_cached("DELETE FROM defence_events WHERE key = ?1")?.execute([&defence_key])?;
            tx.prepare_cached("DELETE FROM blocks WHERE key = ?1")?.execute([&defence_key])?;
            apply_effects(tx, &effects, now)?;
            Ok(true)
        })
        .await
    }

    /// Appends audit rows (and messages) that belong to no state change.
    pub async fn record(&self, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, |_| Ok(())).await
    }

    /// Records the directories a (linked) writeback has reached so far.
    pub async fn mark_written(&self, flow_id: i64, written: Vec<String>, now: i64) -> Result<(), Error> {
        self.change(move |tx| {
            tx.prepare_cached("UPDATE flows SET written_json = ?2, touched_at = ?3 WHERE id = ?1")?
                .execute(params![flow_id, json(&written), now])?;
            Ok(())
        })
        .await
    }

    /// Deletes flows (and their codes) created before `before`; they can no
    /// longer be used, and keeping them would keep personal data. Used
    /// captcha nonces that could no longer be accepted go too.
    pub async fn purge_flows(&self, before: i64) -> Result<usize, Error> {
        self.change(move |tx| {
            tx.prepare_cached("DELETE FROM captchas_used WHERE forget_at < ?1")?.execute([before])?;
            Ok(tx.prepare_cached("DELETE FROM flows WHERE created_at < ?1")?.execute([before])?)
        })
        .await
    }

    /// Records a captcha nonce as used; false when it already was (a replay).
    pub async fn use_captcha(&self, nonce: String, forget_at: i64) -> Result<bool, Error> {
        self.change(move |tx| {
            let added = tx
                .prepare_cached(
                    "INSERT INTO captchas_used (nonce, forget_at) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING",
                )?
                .execute(params![nonce, forget_at])?;
            Ok(added == 1)
        })
        .await
    }
}
