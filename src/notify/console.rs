//! The outbox-only transport of the embedded default: messages stay in the
//! outbox table and are printed to standard output, so a newcomer with no
//! mail server sees the code. This is the one place a code is printed; the
//! structured log only says that a message went to the console.

use super::{Error, Notifier};
use crate::domain::Message;
use async_trait::async_trait;
use std::io::Write;

/// Prints each message to standard output.
#[derive(Debug, Default)]
pub struct ConsoleNotifier;

#[async_trait]
impl Notifier for ConsoleNotifier {
    fn name(&self) -> &'static str {
        "console"
    }

    async fn deliver(&self, message: &Message) -> Result<(), Error> {
        let text = format!(
            "\n----- passdesk outbox: message not sent (no transport configured) -----\n\
             To: {}\nSubject: {}\n\n{}\n\
             ------------------------------------------------------------------------\n",
            message.recipient,
            message.subject,
            message.body.trim_end()
        );
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::Temporary(format!("cannot write to standard output: {e}")))?;
        tracing::info!(channel = message.channel.as_str(), "message printed to the console (outbox-only transport)");
        Ok(())
    }
}
