//! The vocabulary and rules of self-service password reset, with no I/O:
//! no SQLite, no LDAP, no HTTP. Everything here can be tested with plain
//! values; the flows in `crate::flow` apply these rules to stored state.

pub mod audit;
pub mod branding;
pub mod captcha;
pub mod code;
pub mod decoy;
pub mod defence;
pub mod email;
pub mod expiry;
pub mod import;
pub mod key;
pub mod login;
pub mod mask;
pub mod message;
pub mod method;
pub mod passkey;
pub mod password;
pub mod phone;
pub mod policy;
pub mod qr;
pub mod questions;
pub mod settings;
pub mod sync;
pub mod token;
pub mod totp;

pub use audit::{Activity, AuditOutcome, EventId};
pub use code::{CodeRules, OneTimeCode};
pub use key::ServerKey;
pub use login::Login;
pub use message::{Channel, Message};
pub use method::{Enrolment, MethodKind, OfferedMethod, ProofStyle};
pub use password::{PasswordPolicy, PasswordProblem};
pub use token::FlowToken;
