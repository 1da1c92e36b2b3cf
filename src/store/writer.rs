//! The single writer: every state change of the store runs on one thread
//! that owns one connection, and the changes that arrive while a commit is
//! being made to disk are committed together with the next one (group
//! commit). Each change still lands whole or not at all — it runs inside a
//! savepoint of the shared transaction and is rolled back alone when it
//! fails — and its caller hears back only once the commit that holds it is
//! durable (`synchronous=FULL`: one fsync per group, not one per change).
//!
//! Why: with several pooled connections writing, SQLite serialises them
//! anyway, and the losers sleep in the busy handler for up to tens of
//! milliseconds at a time; under load most of a request's time was that
//! sleep, and every change paid its own fsync.

use super::Error;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

/// The most changes committed together; a bound keeps one group's latency
/// (and the time its transaction holds the lock) short.
const MAX_GROUP: usize = 64;

type Output = Box<dyn Any + Send>;
type Work = Box<dyn FnOnce(&Transaction<'_>) -> Result<Output, Error> + Send>;
type Reply = tokio::sync::oneshot::Sender<Result<Output, Error>>;

struct Job {
    work: Work,
    reply: Reply,
}

/// The handle the store keeps: cloning it shares the one writer thread,
/// which ends when the last handle is dropped.
#[derive(Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on its own connection.
    pub(super) fn start(conn: Connection) -> Result<Self, Error> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("passdesk-store-writer".into())
            .spawn(move || serve(conn, queue))
            .map_err(|e| Error::Open { path: "store writer thread".into(), reason: e.to_string() })?;
        Ok(Self { jobs })
    }

    /// Runs `work` in the next group's transaction and returns its result
    /// once that group is committed.
    pub(super) async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, Error> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let work: Work = Box::new(move |tx| work(tx).map(|out| Box::new(out) as Output));
        self.jobs.send(Job { work, reply }).map_err(|_| Error::Task)?;
        let out = answer.await.map_err(|_| Error::Task)??;
        // The box always holds a `T`: it was made from `work`'s own result
        // just above.
        out.downcast::<T>().map(|b| *b).map_err(|_| Error::Task)
    }
}

fn serve(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(&mut conn, group);
    }
}

/// Runs each job in its own savepoint of one transaction, commits once, and
/// only then answers every caller.
fn commit_group(conn: &mut Connection, group: Vec<Job>) {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return fail_all(group.into_iter().map(|j| (j.reply, None)), &e),
    };
    let mut answers: Vec<(Reply, Result<Output, Error>)> = Vec::with_capacity(group.len());
    let mut jobs = group.into_iter();
    while let Some(job) = jobs.next() {
        let outcome = run_one(&tx, job.work);
        // SQLite may roll the whole transaction back on its own (a full
        // disk, an I/O error): then nothing of the group is kept, and no
        // later job may run outside a transaction.
        if tx.is_autocommit() {
            let full = outcome.as_ref().err().is_some_and(Error::is_disk_full);
            let cause =
                || if full { Error::DiskFull } else { Error::NotCommitted("the transaction was rolled back".into()) };
            for (reply, _) in answers {
                let _ = reply.send(Err(cause()));
            }
            let _ = job.reply.send(Err(cause()));
            for rest in jobs {
                let _ = rest.reply.send(Err(cause()));
            }
            return;
        }
        answers.push((job.reply, outcome));
    }
    match tx.commit() {
        Ok(()) => {
            for (reply, outcome) in answers {
                let _ = reply.send(outcome);
            }
        }
        Err(e) => fail_all(answers.into_iter().map(|(reply, outcome)| (reply, Some(outcome))), &e),
    }
}

/// One job inside a savepoint: its changes are kept when it succeeds and
/// undone alone when it fails or panics.
fn run_one(tx: &Transaction<'_>, work: Work) -> Result<Output, Error> {
    // Prepared once per connection, like every statement of the store.
    tx.prepare_cached("SAVEPOINT job")?.execute([])?;
    let outcome = catch_unwind(AssertUnwindSafe(|| work(tx))).unwrap_or(Err(Error::Task));
    if outcome.is_err() && tx.is_autocommit() {
        // The transaction is gone with its savepoint: the caller sees why.
        return outcome;
    }
    if outcome.is_err() {
        tx.prepare_cached("ROLLBACK TO job")?.execute([])?;
    }
    tx.prepare_cached("RELEASE job")?.execute([])?;
    outcome
}

/// Tells every caller of a group that did not commit why; a job that had
/// failed on its own keeps its own error.
fn fail_all(answers: impl Iterator<Item = (Reply, Option<Result<Output, Error>>)>, cause: &rusqlite::Error) {
    for (reply, outcome) in answers {
        let error = match outcome {
            Some(Err(own)) => own,
            _ if cause.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::NotCommitted(cause.to_string()),
        };
        let _ = reply.send(Err(error));
    }
}
