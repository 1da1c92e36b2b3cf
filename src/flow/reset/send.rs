//! The send step of a reset or unlock: a code by e-mail, text message or
//! call to one of the offered methods (or the security questions drawn),
//! with the checks that come first: the resend wait, the channel's health,
//! the full phone number, the organisation's phone budget.

use super::*;
use crate::domain::audit::Reason;
use crate::flow::Facets;

impl Flows {
    /// Sends a code for one of the offered methods; for a phone method
    /// only when `confirm` is the full number the hint masks. For security
    /// questions it draws the questions instead.
    pub async fn reset_send(
        &self,
        token: &str,
        method: &str,
        confirm: Option<&str>,
        client: &Client,
    ) -> Result<Sent, Error> {
        let begun = tokio::time::Instant::now();
        self.padded(begun, self.send_unpadded(token, method, confirm, client).await).await
    }

    async fn send_unpadded(
        &self,
        token: &str,
        method: &str,
        confirm: Option<&str>,
        client: &Client,
    ) -> Result<Sent, Error> {
        let flow = self.live_flow(token).await?;
        let offered = offered(&flow, method)?;
        if flow.state != FlowState::Proving || family_proven(&flow, offered.kind) {
            return Err(Error::WrongStep("step-method-verified"));
        }
        let key = self.flow_key(&flow);
        self.ensure_not_blocked(&key).await?;
        match offered.kind.style() {
            ProofStyle::Answers => {
                let questions = self.draw_questions(&flow, client).await?;
                return Ok(Sent { resend_after: 0, valid_for: 0, questions, passkey: None });
            }
            ProofStyle::DeviceCode => {
                return Err(Error::WrongStep("step-authenticator-nothing-sent"));
            }
            ProofStyle::Passkey => {
                let options = self.passkey_challenge(&flow, &offered, &key).await?;
                let valid_for = crate::flow::passkeys::CHALLENGE_SECS;
                return Ok(Sent { resend_after: 0, valid_for, questions: Vec::new(), passkey: Some(options) });
            }
            ProofStyle::SentCode | ProofStyle::PhoneCode => {}
        }
        let now = self.clock.now();
        let rules = self.settings.codes;
        if let Some(last) = self.store.latest_code(flow.id, offered.id.clone()).await? {
            let wait = rules.resend_at(last.created_at) - now;
            if wait > 0 {
                return Err(Error::TooSoon { retry_after: wait });
            }
        }
        // Before anything is stored or spent, and for decoys alike.
        self.ensure_channel_works(channel_for(offered.kind), &flow.login, client).await?;
        let code = OneTimeCode::generate();
        let expires_at = rules.expiry(now);
        let mut effects = Effects::default();
        let found = self.destination(&flow, offered.kind).await?;
        let destination = found.as_ref().map(|(to, _)| to.clone());
        if offered.kind.style() == ProofStyle::PhoneCode {
            self.confirm_number(&flow, &key, destination.as_deref(), confirm, client).await?;
            self.ensure_phone_budget_for(&flow.login, client).await?;
        }
        // A password too young for the directory to replace is refused
        // before any proof, in the message itself: the page looks as if a
        // code went out (DESIGN.md §6), and the stored MAC, like a decoy's,
        // can never be matched.
        let too_soon = match (&found, flow.kind, self.directory(&flow.directory)) {
            (Some((_, account)), FlowKind::Reset, Some(dir)) => self.policy_for(&dir, account).await?.too_young_until,
            _ => None,
        };
        // A decoy still stores a code (its MAC can never be matched) so that
        // resend waits and answers look exactly like a real flow's.
        let mac = match (&destination, too_soon) {
            (Some(to), Some(until)) => {
                let when = crate::clock::rfc3339(until);
                effects.messages.push(templates::too_soon_to_reset(
                    &self.brand_for(client),
                    to,
                    channel_for(offered.kind),
                    &when,
                    expires_at,
                ));
                let detail =
                    format!("no code sent by {}: the password was changed too recently (until {when})", offered.id);
                effects.audit.push(self.audit_as(
                    Activity::FlowProgress,
                    AuditOutcome::Failure,
                    &flow.login,
                    detail,
                    Facets::method(offered.kind.id()).reason(Reason::TooSoon),
                    client,
                ));
                self.key.mac("passdesk/decoy-code/v1", &[FlowToken::generate().as_str().as_bytes()])
            }
            (Some(to), None) => {
                let minutes = rules.lifetime_secs / 60;
                let brand = &self.brand_for(client);
                let message = match offered.kind {
                    MethodKind::MobileSms => templates::sms_code(brand, to, code.digits(), minutes, expires_at),
                    MethodKind::MobileVoice | MethodKind::OfficeVoice => {
                        templates::voice_code(brand, to, code.digits(), minutes, expires_at)
                    }
                    _ => templates::verification_code(brand, to, code.digits(), minutes, expires_at),
                };
                effects.messages.push(message);
                code.mac(&self.key, flow.id, &offered.id)
            }
            (None, _) => self.key.mac("passdesk/decoy-code/v1", &[FlowToken::generate().as_str().as_bytes()]),
        };
        if too_soon.is_none() {
            let detail = format!("code sent by {}", offered.id);
            let facets = Facets::method(offered.kind.id());
            effects.audit.push(self.audit_as(
                Activity::FlowProgress,
                AuditOutcome::Success,
                &flow.login,
                detail,
                facets,
                client,
            ));
        }
        let new = NewCode { flow_id: flow.id, method: offered.id.clone(), mac, expires_at };
        let counted = self.send_count(&key, destination.as_deref());
        if let Issued::OverBudget(counts) = self.store.issue_code(new, counted, now, effects).await? {
            return Err(self.over_budget(counts, &key, &flow.login, client).await);
        }
        if destination.is_none() {
            // Nothing queued for a decoy: the worker checks the transport
            // instead, so an outage starts (or ends) as for a real code.
            self.delivery_health.want_check(channel_for(offered.kind));
        }
        self.outbox_signal.notify_one();
        Ok(Sent {
            resend_after: rules.resend_wait_secs,
            valid_for: rules.lifetime_secs,
            questions: Vec::new(),
            passkey: None,
        })
    }

    /// Refuses text messages and calls once the organisation's daily
    /// budget is spent: people use another method until it recovers.
    pub(in crate::flow) async fn ensure_phone_budget_for(&self, login: &str, client: &Client) -> Result<(), Error> {
        let now = self.clock.now();
        let sent = self.store.phone_messages_since(now - 24 * 3600).await?;
        if sent < self.settings.phone_daily_budget {
            return Ok(());
        }
        let detail = format!("organisation's daily budget of {} text messages and calls spent", sent);
        tracing::warn!("{detail}: phone methods paused (notify.phone_daily_budget)");
        let facets = Facets::failed(Reason::BudgetSpent);
        let audit = self.audit_as(Activity::FlowProgress, AuditOutcome::Failure, login, detail, facets, client);
        self.store.record(now, Effects::audited(vec![audit])).await?;
        Err(Error::PhoneBudgetSpent)
    }

    /// Refuses to call or text a number unless the person typed it in full:
    /// a stranger who knows only the user ID cannot make staff phones ring.
    async fn confirm_number(
        &self,
        flow: &FlowRow,
        key: &str,
        destination: Option<&str>,
        confirm: Option<&str>,
        client: &Client,
    ) -> Result<(), Error> {
        let typed = confirm
            .filter(|c| !c.trim().is_empty())
            .ok_or(Error::InvalidInput { field: "confirm", message: Msg::new("input-confirm-number") })?;
        let typed = normalise_phone(typed, self.settings.phone_country.as_deref())
            .map_err(|e| Error::InvalidInput { field: "confirm", message: e.msg() })?;
        if destination == Some(typed.as_str()) {
            return Ok(());
        }
        let detail = "typed phone number does not match".to_owned();
        let facets = Facets::failed(Reason::NumberMismatch);
        let audit = self.audit_as(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, facets, client);
        self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
        self.note_failure(key, &flow.login, client).await?;
        Err(Error::NumberMismatch)
    }
}

/// The channel a code for this method travels by.
fn channel_for(kind: MethodKind) -> Channel {
    match kind {
        MethodKind::MobileSms => Channel::Sms,
        MethodKind::MobileVoice | MethodKind::OfficeVoice => Channel::Voice,
        _ => Channel::Email,
    }
}
