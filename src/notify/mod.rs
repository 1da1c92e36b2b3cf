//! Getting messages to people. A `Notifier` delivers one queued message;
//! the outbox worker in `crate::flow::delivery` decides when. Message texts
//! live in `templates`. Nothing here reads or writes the store.

pub mod check;
pub mod console;
pub mod gateway;
pub mod router;
pub mod smtp;
pub mod templates;

pub use console::ConsoleNotifier;
pub use gateway::GatewayNotifier;
pub use router::Router;
pub use smtp::SmtpNotifier;

use crate::domain::Message;
use async_trait::async_trait;

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Worth trying again later (server down, timeout).
    #[error("temporary delivery failure: {0}")]
    Temporary(String),
    /// This message was put off by the server (a mailbox busy or full, a
    /// recipient greylisted: 45x at MAIL, RCPT or DATA), while the transport
    /// itself works: retried like `Temporary`, but never counted against the
    /// channel's health, so one recipient cannot turn away everyone's codes.
    #[error("delivery deferred: {0}")]
    Deferred(String),
    /// Will never work (bad address); the message goes to the dead letters.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

/// A transport that hands a message on.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Short name for logs and the outbox listing ("console", "smtp").
    fn name(&self) -> &'static str;

    /// Delivers one message.
    async fn deliver(&self, message: &Message) -> Result<(), Error>;

    /// Checks the transport of `channel` without sending anything (connect,
    /// TLS, log in), for a send step that queued nothing (a decoy): its
    /// attempt must teach the channel's health what a real message's would.
    /// `None` when the transport cannot check without a message.
    async fn probe(&self, channel: crate::domain::Channel) -> Option<Result<(), Error>> {
        let _ = channel;
        None
    }
}
