//! argon2id hashing for the local directory, on two dedicated threads.
//! Each hash needs 19 MiB; run on the general blocking pool, every thread
//! that ever hashed keeps such a buffer in its own malloc arena, and the
//! process grew to hundreds of MiB under load (BENCHMARKS.md). Two fixed
//! workers bound that to two buffers and keep argon2 off the async workers.

use super::Error;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::oneshot;

/// Worker threads; one per core of the machines passdesk is sized for.
const WORKERS: usize = 2;

enum Job {
    Hash(SecretString, oneshot::Sender<Result<String, Error>>),
    Verify(SecretString, String, oneshot::Sender<bool>),
}

/// argon2id with OWASP's first recommended setting (19 MiB, 2 passes).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh salt, as a PHC string (on the caller's thread).
pub fn hash_now(password: &str) -> Result<String, Error> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| Error::Other(format!("argon2 salt: {e}")))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Other(format!("argon2: {e}")))
}

/// Whether `password` matches the PHC string (on the caller's thread).
pub fn verify_now(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn work(jobs: Arc<Mutex<Receiver<Job>>>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, reply)) => {
                let _ = reply.send(hash_now(password.expose_secret()));
            }
            Ok(Job::Verify(password, phc, reply)) => {
                let _ = reply.send(verify_now(password.expose_secret(), &phc));
            }
            Err(_) => return,
        }
    }
}

fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            let rx = Arc::new(Mutex::new(rx));
            for n in 0..WORKERS {
                let rx = rx.clone();
                let spawned = std::thread::Builder::new().name(format!("passdesk-argon2-{n}")).spawn(move || work(rx));
                if spawned.is_err() {
                    return None;
                }
            }
            Some(Mutex::new(tx))
        })
        .as_ref()
}

fn submit(job: Job) -> Result<(), Error> {
    let sent = queue().and_then(|q| q.lock().ok()).map(|tx| tx.send(job).is_ok());
    if sent == Some(true) { Ok(()) } else { Err(Error::Other("the password hashing workers are not running".into())) }
}

/// Hashes a password on a worker.
pub async fn hash(password: &SecretString) -> Result<String, Error> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Hash(password.clone(), tx))?;
    rx.await.map_err(|_| Error::Other("a password hashing worker stopped".into()))?
}

/// Checks a password against its PHC string on a worker.
pub async fn verify(password: &SecretString, phc: String) -> Result<bool, Error> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Verify(password.clone(), phc, tx))?;
    rx.await.map_err(|_| Error::Other("a password hashing worker stopped".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn workers_hash_and_verify() {
        let pw = SecretString::from("Violet meadow drums 42".to_owned());
        let phc = hash(&pw).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&pw, phc.clone()).await.unwrap());
        assert!(!verify(&SecretString::from("other".to_owned()), phc).await.unwrap());
        let many: Vec<_> = (0..4).map(|_| hash(&pw)).collect();
        for h in many {
            assert!(h.await.is_ok());
        }
    }
}
