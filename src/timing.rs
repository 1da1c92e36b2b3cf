//! Where a request's time goes: the directory, the store and password
//! hashing each add what they spend to the request that caused it (a
//! task-local tally), so the server's own share can be told apart. The HTTP
//! layer reports it in a `Server-Timing` header only when
//! `server.server_timing` is on (benchmarks): the directory's share differs
//! between real and unknown accounts, so it is never shown by default.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A part of the work whose time is tallied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Calls to a directory (LDAP round trips, the local directory).
    Directory,
    /// SQLite work, including the wait for a connection and fsync.
    Store,
    /// argon2id hashing and verification.
    Hashing,
}

/// The tally of one request.
#[derive(Debug, Default)]
struct Spent {
    micros: [AtomicU64; 3],
}

/// What one request spent in each part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Times {
    /// In the directory.
    pub directory: Duration,
    /// In the store.
    pub store: Duration,
    /// Hashing.
    pub hashing: Duration,
}

tokio::task_local! {
    static SPENT: Arc<Spent>;
}

fn index(part: Part) -> usize {
    match part {
        Part::Directory => 0,
        Part::Store => 1,
        Part::Hashing => 2,
    }
}

/// Runs `work` with a fresh tally and returns what it spent.
pub async fn scope<F: Future>(work: F) -> (F::Output, Times) {
    let spent = Arc::new(Spent::default());
    let out = SPENT.scope(spent.clone(), work).await;
    let get = |p| Duration::from_micros(spent.micros[index(p)].load(Ordering::Relaxed));
    (out, Times { directory: get(Part::Directory), store: get(Part::Store), hashing: get(Part::Hashing) })
}

/// Awaits `work`, adding its wall time to `part` of the current request's
/// tally (nothing when there is no request, e.g. at start-up).
pub async fn measure<F: Future>(part: Part, work: F) -> F::Output {
    let started = Instant::now();
    let out = work.await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let _ = SPENT.try_with(|s| s.micros[index(part)].fetch_add(micros, Ordering::Relaxed));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parts_add_up_inside_a_scope_only() {
        let ((), times) = scope(async {
            measure(Part::Store, tokio::time::sleep(Duration::from_millis(5))).await;
            measure(Part::Store, tokio::time::sleep(Duration::from_millis(5))).await;
            measure(Part::Directory, tokio::time::sleep(Duration::from_millis(3))).await;
        })
        .await;
        assert!(times.store >= Duration::from_millis(10));
        assert!(times.directory >= Duration::from_millis(3) && times.directory < times.store);
        assert_eq!(times.hashing, Duration::ZERO);
        // Outside a scope nothing is recorded and nothing fails.
        measure(Part::Hashing, async {}).await;
    }
}
