//! `passdesk rotate-key`: replaces the server key without invalidating any
//! registered method. Runs only while nothing else has the data folder open
//! (the same lock `passdesk restore` takes), so no `serve` keeps using the
//! old key in memory. Order of the steps, so a crash at any point leaves
//! every secret readable:
//! 1. every sealed secret is opened with the key file's keys (refused, and
//!    nothing changed, if one cannot be);
//! 2. any not sealed under the current key (left by an interrupted
//!    rotation) is re-sealed under it first, in one transaction;
//! 3. the key file is replaced in one rename by "new key, previous = the
//!    old key" (the key before that is dropped: step 2 left nothing that
//!    needs it);
//! 4. every secret is re-sealed under the new key, with the audit row, in
//!    one transaction. Until then the previous key opens them.

use crate::config::Config;
use crate::domain::ServerKey;
use crate::domain::audit::{Activity, AuditOutcome, AuditRecord};
use crate::domain::totp::TotpSecret;
use crate::store::{self, DataLock, Effects, SealedValue, Store};
use anyhow::{Context, bail};

/// What a rotation did, for the command to print.
#[derive(Debug, Clone)]
pub struct Rotated {
    /// The id of the key that was current before (now the previous key).
    pub old_id: String,
    /// The id of the new key.
    pub new_id: String,
    /// The id of the key before the old one, dropped by this rotation.
    pub dropped_id: Option<String>,
    /// Sealed secrets re-sealed under the new key.
    pub resealed: usize,
    /// Of those, how many an interrupted rotation had left under the
    /// previous key (re-sealed under the old current key first).
    pub recovered: usize,
}

/// Rotates the server key of the installation `config` describes.
pub async fn rotate(config: &Config, now: i64) -> anyhow::Result<Rotated> {
    let data = &config.store.data_dir;
    let key_path = config.store.key_path();
    if !key_path.exists() {
        bail!(
            "there is no server key at {}: nothing to rotate (passdesk makes one when it first starts). Check \
             --config and the data folder it names",
            key_path.display()
        );
    }
    store::refuse_root_in_foreign_dir(data)?;
    let _lock = DataLock::exclusive(data).context("rotate-key needs the data folder to itself")?;
    let old = crate::keyfile::read(&key_path).context("while reading the server key; nothing was changed")?;
    let store = Store::open_file(&config.store.database_path()).context("while opening the database")?;
    let mut secrets = open_all(&old, store.sealed_values().await?, &key_path)?;
    let recovered = reseal_stale(&store, &old, &mut secrets, now).await?;
    let new = ServerKey::generate().with_previous(*old.expose(), now);
    crate::keyfile::write(&key_path, &new)
        .context("while writing the new server key; the secrets are still sealed under the old key, which the key file holds either way")?;
    let rotated = Rotated {
        old_id: old.id(),
        new_id: new.id(),
        dropped_id: old.previous().map(|p| p.id()),
        resealed: secrets.len(),
        recovered,
    };
    let changes: Vec<(SealedValue, String)> = secrets.into_iter().map(|(v, s)| (v, s.seal(&new))).collect();
    store.reseal(changes, now, Effects::audited(vec![audit_row(&rotated, now)])).await.context(
        "the new key is written, but re-sealing the authenticator secrets failed (the previous key still opens \
         them, so every method works): run passdesk rotate-key again to finish",
    )?;
    Ok(rotated)
}

/// Opens every sealed value with the key file's keys, or says which one
/// cannot be opened (before anything is changed).
fn open_all(
    old: &ServerKey,
    values: Vec<SealedValue>,
    key_path: &std::path::Path,
) -> anyhow::Result<Vec<(SealedValue, TotpSecret)>> {
    let mut secrets = Vec::with_capacity(values.len());
    for value in values {
        let Some(secret) = TotpSecret::unseal(old, &value.value) else {
            bail!(
                "an authenticator secret ({:?} row {}) cannot be opened with the keys in {}: this key file does \
                 not belong to this database. Restore the matching key from a backup; nothing was changed",
                value.place,
                value.id,
                key_path.display()
            );
        };
        secrets.push((value, secret));
    }
    Ok(secrets)
}

/// Re-seals under the current key what an interrupted rotation left under
/// the previous one, so the new key file may drop the previous key; returns
/// how many there were. `secrets` then holds the texts now stored.
async fn reseal_stale(
    store: &Store,
    old: &ServerKey,
    secrets: &mut [(SealedValue, TotpSecret)],
    now: i64,
) -> anyhow::Result<usize> {
    let stale: Vec<(SealedValue, String)> = secrets
        .iter()
        .filter(|(v, _)| !TotpSecret::sealed_under_current(old, &v.value))
        .map(|(v, s)| (v.clone(), s.seal(old)))
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    store.reseal(stale.clone(), now, Effects::default()).await.context("while re-sealing under the current key")?;
    for (value, _) in secrets.iter_mut() {
        if let Some((_, text)) = stale.iter().find(|(v, _)| v.place == value.place && v.id == value.id) {
            value.value = text.clone();
        }
    }
    Ok(stale.len())
}

fn audit_row(rotated: &Rotated, now: i64) -> AuditRecord {
    let mut dropped = match &rotated.dropped_id {
        Some(id) => format!("; key {id} dropped"),
        None => String::new(),
    };
    if rotated.recovered > 0 {
        dropped.push_str(&format!(
            "; {} of them had been left under the previous key by an interrupted rotation",
            rotated.recovered
        ));
    }
    AuditRecord {
        at: now,
        actor: "cli".to_owned(),
        target: "server key".to_owned(),
        activity: Activity::KeyRotated.name().to_owned(),
        result: AuditOutcome::Success.as_str().to_owned(),
        detail: format!(
            "key {} replaced by key {} (the old key still verifies codes and challenges sent before); {} \
             authenticator secret(s) re-sealed{dropped}",
            rotated.old_id, rotated.new_id, rotated.resealed
        ),
        ..AuditRecord::default()
    }
}
