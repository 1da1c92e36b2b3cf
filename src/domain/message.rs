//! A message to one person (a code, a confirmation), as the flows compose
//! it, the store keeps it in the outbox and a transport delivers it.

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// E-mail.
    Email,
    /// A text message to a phone.
    Sms,
    /// A voice call that reads the body aloud.
    Voice,
}

impl Channel {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Voice => "voice",
        }
    }

    /// Parses stored text.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Email, Self::Sms, Self::Voice].into_iter().find(|c| c.as_str() == text)
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
