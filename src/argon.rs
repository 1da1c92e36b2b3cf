//! argon2id hashing (local-directory passwords, security-question
//! answers), on two dedicated threads shared by every layer that hashes.
//! Each hash needs 19 MiB; run on the general blocking pool, every thread
//! that ever hashed keeps such a buffer in its own malloc arena, and the
//! process grew to hundreds of MiB under load (BENCHMARKS.md): malloc
//! fragmentation kept one freed 19 MiB block per hash. Two fixed workers,
//! each hashing into one buffer it allocates once, bound that to two
//! buffers and keep argon2 off the async workers.

/// Why hashing could not be done; never says anything about the input.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

use argon2::password_hash::{Output, PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// Memory blocks for the default parameters, allocated once per worker.
fn new_blocks() -> Vec<Block> {
    vec![Block::default(); hasher().params().m_cost() as usize]
}

/// Hashes a password with a fresh salt into `blocks`, as a PHC string.
pub fn hash_with(password: &str, blocks: &mut [Block]) -> Result<String, Error> {
    let fail = |e: &dyn std::fmt::Display| Error(format!("argon2: {e}"));
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| fail(&e))?;
    let argon = hasher();
    let mut out = [0u8; 32];
    argon.hash_password_into_with_memory(password.as_bytes(), &salt_bytes, &mut out, blocks).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: argon.params().try_into().map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string; hashes into `blocks` when the
/// stored parameters are the current ones, otherwise allocates.
pub fn verify_with(password: &str, phc: &str, blocks: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&parsed), parsed.salt, parsed.hash) else {
        return false;
    };
    if params.m_cost() as usize != blocks.len() || parsed.algorithm != argon2::ARGON2ID_IDENT {
        return hasher().verify_password(password.as_bytes(), &parsed).is_ok();
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    if argon.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, blocks).is_err() {
        return false;
    }
    // Output compares in constant time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

fn work(jobs: Arc<Mutex<Receiver<Job>>>) {
    let mut blocks = new_blocks();
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, reply)) => {
                let _ = reply.send(hash_with(password.expose_secret(), &mut blocks));
            }
            Ok(Job::Verify(password, phc, reply)) => {
                let _ = reply.send(verify_with(password.expose_secret(), &phc, &mut blocks));
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
    if sent == Some(true) { Ok(()) } else { Err(Error("the password hashing workers are not running".into())) }
}

/// Hashes a password on a worker.
pub async fn hash(password: &SecretString) -> Result<String, Error> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Hash(password.clone(), tx))?;
    crate::timing::measure(crate::timing::Part::Hashing, rx)
        .await
        .map_err(|_| Error("a password hashing worker stopped".into()))?
}

/// Checks a password against its PHC string on a worker.
pub async fn verify(password: &SecretString, phc: String) -> Result<bool, Error> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Verify(password.clone(), phc, tx))?;
    crate::timing::measure(crate::timing::Part::Hashing, rx)
        .await
        .map_err(|_| Error("a password hashing worker stopped".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reusable_buffer_matches_the_standard_encoding() {
        let mut blocks = new_blocks();
        let phc = hash_with("correct horse", &mut blocks).unwrap();
        // The standard verifier accepts what the buffered hasher wrote…
        assert!(hasher().verify_password(b"correct horse", &PasswordHash::new(&phc).unwrap()).is_ok());
        // …and the buffered verifier accepts a standard hash.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let standard = hasher().hash_password(b"battery staple", &salt).unwrap().to_string();
        assert!(verify_with("battery staple", &standard, &mut blocks));
        assert!(!verify_with("battery stapler", &standard, &mut blocks));
        assert!(!verify_with("x", "not a phc string", &mut blocks));
    }

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
