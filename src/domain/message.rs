//! A message to one person (a code, a confirmation), as the flows compose
//! it, the store keeps it in the outbox and a transport delivers it.

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// E-mail.
    Email,
}

impl Channel {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
        }
    }

    /// Parses stored text.
    pub fn parse(text: &str) -> Option<Self> {
        (text == "email").then_some(Self::Email)
    }
}

/// One outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Transport.
    pub channel: Channel,
    /// Address or number.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// After this time the message is pointless (an expired code) and is
    /// never sent late.
    pub expires_at: Option<i64>,
}
