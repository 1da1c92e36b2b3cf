//! The workers: complete reset flows over the JSON API, as a person would
//! go on when the server vanished under them: a lost request is followed
//! once the server answers again, a lost password request is sent again
//! (the same password or a new one, as people do), a flow that cannot go
//! on is started afresh, and some people give up after a lost password
//! request. Every password sent is logged with the highest
//! writeback row of its user before it was sent, so the check can tell
//! which rows each request made.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How a password request ended, as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200: passdesk says the password is set.
    Set,
    /// Any other status, with the error code.
    Refused(u16, String),
    /// No answer: the server was killed meanwhile.
    Lost,
}

/// One password request.
pub struct Attempt {
    pub password: String,
    /// The user's highest writeback row id before the request was sent.
    pub rows_before: i64,
    pub answer: Answer,
}

/// Everything the run did to one account.
pub struct UserLog {
    pub login: String,
    pub dn: String,
    pub initial: String,
    pub attempts: Vec<Attempt>,
}

/// What the workers share with each other and the killer.
pub struct Shared {
    pub base: String,
    pub http: reqwest::Client,
    pub db: PathBuf,
    pub flows: usize,
    pub done: AtomicUsize,
    /// Password requests in flight (the killer aims at these).
    pub writing: AtomicUsize,
    pub stop: AtomicBool,
    pub abandoned: AtomicUsize,
    /// The last password sent for each account: at a kill, the password
    /// of the request that left an intent open.
    pub sent: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

const WORDS: &[&str] = &[
    "amber", "birch", "canal", "delta", "ember", "fjord", "glade", "harbor", "islet", "juniper", "kestrel", "lantern",
    "meadow", "nectar", "orchid", "pebble", "quarry", "raven", "saffron", "tundra", "umber", "violet", "willow",
];

/// A password every policy accepts and no earlier one equals.
pub fn password(rng: &mut StdRng) -> String {
    let words: Vec<&str> = (0..4).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect();
    format!("{} {}", words.join(" "), rng.random_range(10_000..99_999))
}

type Posted = Result<(u16, Value), reqwest::Error>;

impl Shared {
    async fn post(&self, path: &str, body: Value) -> Posted {
        let resp = self.http.post(format!("{}{path}", self.base)).json(&body).send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await.unwrap_or(Value::Null)))
    }

    /// Waits until the (restarted) server answers.
    async fn up(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(300) {
            if let Ok(r) = self.http.get(format!("{}/healthz", self.base)).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("passdesk did not come back within 300 s");
    }

    /// A request that is simply sent again after a crash.
    async fn post_again(&self, path: &str, body: Value) -> (u16, Value) {
        loop {
            match self.post(path, body.clone()).await {
                Ok(answer) => return answer,
                Err(_) => self.up().await,
            }
        }
    }
}

fn code_of(v: &Value) -> String {
    v["error"]["code"].as_str().unwrap_or_default().to_owned()
}

/// A read-only look at passdesk's database beside the running server.
pub fn reader(db: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

fn max_id(db: &rusqlite::Connection, sql: &str, key: &str) -> i64 {
    db.query_row(sql, [key], |r| r.get::<_, Option<i64>>(0)).unwrap().unwrap_or(0)
}

/// The code in the newest message to `to` after outbox row `after`.
fn code_for(db: &rusqlite::Connection, to: &str, after: i64) -> Option<String> {
    let sql = "SELECT body FROM outbox WHERE recipient = ?1 AND id > ?2 ORDER BY id DESC LIMIT 1";
    let body: String = db.query_row(sql, rusqlite::params![to, after], |r| r.get(0)).ok()?;
    let at = body.find("code is: ")? + "code is: ".len();
    Some(body[at..at + 8].to_owned())
}

/// Runs flows on `users` (this worker's own: no other worker touches
/// them) until the run has its number of completed flows.
pub async fn worker(shared: std::sync::Arc<Shared>, mut users: Vec<UserLog>, seed: u64) -> Vec<UserLog> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut db = reader(&shared.db);
    let mut next = 0;
    while !shared.stop.load(Ordering::Relaxed) && shared.done.load(Ordering::Relaxed) < shared.flows {
        let n = users.len();
        let user = &mut users[next % n];
        next += 1;
        if one_flow(&shared, &mut db, user, &mut rng).await {
            shared.done.fetch_add(1, Ordering::Relaxed);
        } else {
            shared.abandoned.fetch_add(1, Ordering::Relaxed);
        }
    }
    users
}

/// One reset flow; true when it ended with the password set.
async fn one_flow(shared: &Shared, db: &mut rusqlite::Connection, user: &mut UserLog, rng: &mut StdRng) -> bool {
    let (status, started) = shared.post_again("/api/v1/reset/start", json!({"user": user.login})).await;
    if status != 200 {
        return false;
    }
    let Some(flow) = started["flow"].as_str().map(str::to_owned) else { return false };
    let to = format!("{}@example.test", user.login);
    let outbox_before = max_id(db, "SELECT max(id) FROM outbox WHERE recipient = ?1", &to);
    match shared.post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"})).await {
        Ok((200, _)) => {}
        Ok(_) => return false,
        // Sent or not: the outbox tells.
        Err(_) => shared.up().await,
    }
    let Some(code) = code_for(db, &to, outbox_before) else { return false };
    let verified = shared.post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})).await;
    match verified {
        Ok((200, _)) => {}
        Ok(_) => return false,
        // Proven or not: the password step tells.
        Err(_) => shared.up().await,
    }
    let mut last: Option<String> = None;
    let first_row = max_id(db, "SELECT max(id) FROM writebacks WHERE login = ?1", &user.login);
    for _ in 0..6 {
        // After a lost request, half the people type the same password again.
        let new = match last.take() {
            Some(same) if rng.random_bool(0.5) => same,
            _ => password(rng),
        };
        let rows_before = max_id(db, "SELECT max(id) FROM writebacks WHERE login = ?1", &user.login);
        shared.sent.lock().unwrap().insert(user.login.clone(), new.clone());
        shared.writing.fetch_add(1, Ordering::SeqCst);
        let sent = shared.post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new})).await;
        shared.writing.fetch_sub(1, Ordering::SeqCst);
        let answer = match &sent {
            Ok((200, _)) => Answer::Set,
            Ok((status, body)) => Answer::Refused(*status, code_of(body)),
            Err(_) => Answer::Lost,
        };
        user.attempts.push(Attempt { password: new.clone(), rows_before, answer: answer.clone() });
        match answer {
            Answer::Set => return true,
            Answer::Lost => {
                shared.up().await;
                // Some people give up after a crash; the rest try again.
                if rng.random_bool(0.25) {
                    return false;
                }
                last = Some(new);
            }
            // The directory or passdesk refused this password: try another.
            Answer::Refused(422, _) => {}
            // The flow is over (an earlier, lost request finished it) or gone.
            Answer::Refused(..) => {
                let sql = "SELECT count(*) FROM writebacks WHERE login = ?1 AND id > ?2 AND outcome = 'written'";
                let written: i64 = db.query_row(sql, rusqlite::params![user.login, first_row], |r| r.get(0)).unwrap();
                return written > 0;
            }
        }
    }
    false
}
