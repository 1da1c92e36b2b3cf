//! The ways a person can prove who they are, and the masked hint shown for
//! each. The identifiers are part of the JSON API and must stay stable.

use serde::{Deserialize, Serialize};

/// A kind of proof. Only the kinds the policy offers and the account can use
/// are ever offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// A code sent to the directory's `mail` address.
    Email,
}

impl MethodKind {
    /// The stable identifier used in the API and in the store.
    pub fn id(self) -> &'static str {
        match self {
            Self::Email => "email",
        }
    }

    /// Parses an identifier from a client.
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::Email].into_iter().find(|kind| kind.id() == id)
    }
}

/// One method offered to the person, as shown on the page and in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedMethod {
    /// Stable identifier to send back with `send` and `verify`.
    pub id: String,
    /// What kind of proof it is.
    pub kind: MethodKind,
    /// The masked destination.
    pub hint: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        assert_eq!(MethodKind::from_id(MethodKind::Email.id()), Some(MethodKind::Email));
        assert_eq!(MethodKind::from_id("carrier_pigeon"), None);
    }
}
