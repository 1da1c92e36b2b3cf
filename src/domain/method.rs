//! The ways a person can prove who they are, and the masked hint shown for
//! each. The identifiers are part of the JSON API, the reset policy and the
//! store, and must stay stable.

use serde::{Deserialize, Serialize};

/// A kind of proof. Only the kinds the policy offers and the account can use
/// are ever offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// A code sent to the directory's `mail` address.
    Email,
    /// A code sent to an address the person registered with passdesk.
    AltEmail,
    /// A code sent by SMS to the mobile number.
    MobileSms,
    /// A voice call to the mobile number that reads the code.
    MobileVoice,
    /// A voice call to the office number that reads the code.
    OfficeVoice,
    /// Registered security questions, all answered on one page.
    Questions,
    /// A code from an authenticator app (TOTP).
    Authenticator,
    /// A passkey (WebAuthn) the person registered.
    Passkey,
}

/// Every kind, in the order the pages list them.
pub const ALL_METHODS: [MethodKind; 8] = [
    MethodKind::Email,
    MethodKind::AltEmail,
    MethodKind::MobileSms,
    MethodKind::MobileVoice,
    MethodKind::OfficeVoice,
    MethodKind::Authenticator,
    MethodKind::Passkey,
    MethodKind::Questions,
];

/// How a proof is given, which decides what `send` and `verify` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofStyle {
    /// passdesk sends a one-time code to an address.
    SentCode,
    /// passdesk sends a code to a phone, after the person typed the full number.
    PhoneCode,
    /// The person answers questions.
    Answers,
    /// The person types a code their own device computed.
    DeviceCode,
    /// The browser signs a challenge with a passkey.
    Passkey,
}

impl MethodKind {
    /// The stable identifier used in the API, the policy and the store.
    pub fn id(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::AltEmail => "alt_email",
            Self::MobileSms => "mobile_sms",
            Self::MobileVoice => "mobile_voice",
            Self::OfficeVoice => "office_voice",
            Self::Questions => "questions",
            Self::Authenticator => "authenticator",
            Self::Passkey => "passkey",
        }
    }

    /// Parses an identifier from a client or the store.
    pub fn from_id(id: &str) -> Option<Self> {
        ALL_METHODS.into_iter().find(|kind| kind.id() == id)
    }

    /// How this kind is proven.
    pub fn style(self) -> ProofStyle {
        match self {
            Self::Email | Self::AltEmail => ProofStyle::SentCode,
            Self::MobileSms | Self::MobileVoice | Self::OfficeVoice => ProofStyle::PhoneCode,
            Self::Questions => ProofStyle::Answers,
            Self::Authenticator => ProofStyle::DeviceCode,
            Self::Passkey => ProofStyle::Passkey,
        }
    }

    /// The catalogue key of its short label for pages and messages.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Email => "method-email",
            Self::AltEmail => "method-alt-email",
            Self::MobileSms => "method-mobile-sms",
            Self::MobileVoice => "method-mobile-voice",
            Self::OfficeVoice => "method-office-voice",
            Self::Questions => "method-questions",
            Self::Authenticator => "method-authenticator",
            Self::Passkey => "method-passkey",
        }
    }

    /// The short label in English, for the API (pages use `label_key`).
    pub fn label(self) -> String {
        crate::i18n::Lang::En.t(self.label_key())
    }
}

/// What a person registers with passdesk itself (the directory's own
/// `mail`, `mobile` and office number need no registration). One
/// registration can serve several methods: a mobile number serves both SMS
/// and voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Enrolment {
    /// An address for e-mail codes set by an administrator (import, admin
    /// API): used instead of the directory's mail, which a new joiner
    /// cannot read before their first sign-in.
    Email,
    /// An alternate e-mail address.
    AltEmail,
    /// A mobile number (E.164).
    Mobile,
    /// An office number (E.164).
    OfficePhone,
    /// Security questions with argon2id answer hashes.
    Questions,
    /// An authenticator secret, sealed under the server key.
    Authenticator,
    /// Passkeys (WebAuthn public keys), a JSON list.
    Passkey,
}

impl Enrolment {
    /// Every kind of registration.
    pub const ALL: [Enrolment; 7] = [
        Self::Email,
        Self::AltEmail,
        Self::Mobile,
        Self::OfficePhone,
        Self::Questions,
        Self::Authenticator,
        Self::Passkey,
    ];

    /// The stable identifier in the store and the API.
    pub fn id(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::AltEmail => "alt_email",
            Self::Mobile => "mobile",
            Self::OfficePhone => "office_phone",
            Self::Questions => "questions",
            Self::Authenticator => "authenticator",
            Self::Passkey => "passkey",
        }
    }

    /// Parses a stored identifier.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }
}

/// Where a registered datum came from: the admin pages show it, and data
/// an administrator or a sync brings never silently replaces what the
/// person proved themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The person registered and verified it.
    User,
    /// An administrator imported it (`passdesk import`).
    Import,
    /// Copied from the directory's attributes by `passdesk sync`.
    Sync,
}

impl Source {
    /// The stable identifier in the store.
    pub fn id(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Import => "import",
            Self::Sync => "sync",
        }
    }

    /// Parses a stored identifier.
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::User, Self::Import, Self::Sync].into_iter().find(|s| s.id() == id)
    }
}

impl MethodKind {
    /// The registration this method is proven with, if it needs one beyond
    /// the directory's own data.
    pub fn enrolment(self) -> Option<Enrolment> {
        match self {
            Self::Email => None,
            Self::AltEmail => Some(Enrolment::AltEmail),
            Self::MobileSms | Self::MobileVoice => Some(Enrolment::Mobile),
            Self::OfficeVoice => Some(Enrolment::OfficePhone),
            Self::Questions => Some(Enrolment::Questions),
            Self::Authenticator => Some(Enrolment::Authenticator),
            Self::Passkey => Some(Enrolment::Passkey),
        }
    }
}

/// One method offered to the person, as shown on the page and in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedMethod {
    /// Stable identifier to send back with `send` and `verify`.
    pub id: String,
    /// What kind of proof it is.
    pub kind: MethodKind,
    /// The masked destination (empty for questions and the authenticator).
    pub hint: String,
}

impl OfferedMethod {
    /// The offer for `kind` with its hint.
    pub fn new(kind: MethodKind, hint: impl Into<String>) -> Self {
        Self { id: kind.id().to_owned(), kind, hint: hint.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::METHOD_NAMES;

    #[test]
    fn ids_round_trip() {
        for kind in ALL_METHODS {
            assert_eq!(MethodKind::from_id(kind.id()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.id()));
        }
        assert_eq!(MethodKind::from_id("carrier_pigeon"), None);
    }

    #[test]
    fn the_policy_names_every_kind() {
        let mut policy: Vec<&str> = METHOD_NAMES.to_vec();
        let mut kinds: Vec<&str> = ALL_METHODS.iter().map(|k| k.id()).collect();
        policy.sort_unstable();
        kinds.sort_unstable();
        assert_eq!(policy, kinds);
    }
}
