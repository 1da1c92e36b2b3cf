//! Routing by channel: e-mail goes to the configured transport (console or
//! SMTP), text messages and calls to their gateways when those are
//! configured. A channel without a gateway goes to the e-mail transport, as
//! before gateways existed (the console prints it; SMTP refuses it).

use super::{Error, Notifier};
use crate::domain::{Channel, Message};
use async_trait::async_trait;
use std::sync::Arc;

/// One notifier per channel.
pub struct Router {
    email: Arc<dyn Notifier>,
    sms: Option<Arc<dyn Notifier>>,
    voice: Option<Arc<dyn Notifier>>,
}

impl Router {
    /// E-mail (and any channel without its own route) through `email`.
    pub fn new(email: Arc<dyn Notifier>, sms: Option<Arc<dyn Notifier>>, voice: Option<Arc<dyn Notifier>>) -> Self {
        Self { email, sms, voice }
    }

    fn route(&self, channel: Channel) -> &Arc<dyn Notifier> {
        let own = match channel {
            Channel::Email => None,
            Channel::Sms => self.sms.as_ref(),
            Channel::Voice => self.voice.as_ref(),
        };
        own.unwrap_or(&self.email)
    }
}

#[async_trait]
impl Notifier for Router {
    /// The e-mail transport's name; gateway causes name their route.
    fn name(&self) -> &'static str {
        self.email.name()
    }

    async fn deliver(&self, message: &Message) -> Result<(), Error> {
        self.route(message.channel).deliver(message).await
    }

    /// The channel's own transport checks itself, so a decoy's send step
    /// teaches that channel's health what a real message would.
    async fn probe(&self, channel: Channel) -> Option<Result<(), Error>> {
        self.route(channel).probe(channel).await
    }
}
