//! One complete self-service reset through the JSON API (start, send the
//! e-mail code, verify it, set the password), shared by the load and soak
//! benches so both measure the same flow.

use std::time::Instant;

/// One request of the flow as the client saw it.
pub struct Answer {
    /// The request, as the reports name it.
    pub step: &'static str,
    /// Latency seen by the client (ms).
    pub ms: f64,
    /// passdesk's Server-Timing header, when it sent one.
    pub timing: Option<String>,
}

/// The newest code mailed to `to`, read from the outbox table (not timed).
/// The scan walks the outbox from its newest row, so it stays cheap as
/// the table grows.
pub fn code_for(db: &rusqlite::Connection, to: &str) -> Option<String> {
    let body: String = db
        .query_row("SELECT body FROM outbox WHERE recipient = ?1 ORDER BY id DESC LIMIT 1", [to], |r| r.get(0))
        .ok()?;
    let at = body.find("code is: ")? + "code is: ".len();
    Some(body[at..at + 8].to_owned())
}

/// Resets `login`'s password to `new` with an e-mail code (read from the
/// outbox through `db`, locked only for that read so the future stays
/// `Send`); the answers of the four requests, or why the flow failed.
pub async fn reset_once(
    http: &reqwest::Client,
    base: &str,
    db: &std::sync::Mutex<rusqlite::Connection>,
    login: &str,
    new: &str,
) -> Result<Vec<Answer>, String> {
    let mut answers = Vec::with_capacity(4);
    let started =
        post(http, base, "/api/v1/reset/start", serde_json::json!({"user": login}), "POST reset/start").await?;
    let flow = started.1["flow"].as_str().ok_or("start: no flow in the answer")?.to_owned();
    answers.push(started.0);
    let send = serde_json::json!({"method": "email"});
    answers.push(post(http, base, &format!("/api/v1/reset/{flow}/send"), send, "POST reset/{flow}/send").await?.0);
    let code = code_for(&db.lock().unwrap(), &format!("{login}@example.test")).ok_or("no code in the outbox")?;
    let verify = serde_json::json!({"method": "email", "code": code});
    answers
        .push(post(http, base, &format!("/api/v1/reset/{flow}/verify"), verify, "POST reset/{flow}/verify").await?.0);
    let password = serde_json::json!({"new_password": new});
    answers.push(
        post(http, base, &format!("/api/v1/reset/{flow}/password"), password, "POST reset/{flow}/password").await?.0,
    );
    Ok(answers)
}

/// POSTs `body` and insists on a 200 with a JSON answer.
async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: serde_json::Value,
    step: &'static str,
) -> Result<(Answer, serde_json::Value), String> {
    let t = Instant::now();
    let resp = http.post(format!("{base}{path}")).json(&body).send().await.map_err(|e| format!("{step}: {e}"))?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let status = resp.status();
    let timing = resp.headers().get("server-timing").and_then(|h| h.to_str().ok()).map(str::to_owned);
    let text = resp.text().await.map_err(|e| format!("{step}: {e}"))?;
    if status != 200 {
        return Err(format!("{step} {status}: {text}"));
    }
    let json = serde_json::from_str(&text).map_err(|e| format!("{step}: {e}"))?;
    Ok((Answer { step, ms, timing }, json))
}
