//! passdesk: self-service password reset, unlock and change for an
//! organisation's own Active Directory or OpenLDAP, in one binary.
//!
//! # Map
//! - [`domain`]: vocabulary and rules, pure (no I/O).
//! - [`store`]: SQLite (flows, codes, outbox, audit).
//! - [`directory`]: where accounts live ([`directory::Directory`]; `local` now).
//! - [`notify`]: getting messages to people ([`notify::Notifier`]).
//! - [`flow`]: the use cases, the only code that orchestrates the three above.
//! - [`http`]: the portal and the JSON API; they only call [`flow`].
//! - [`i18n`]: the Fluent catalogue (English, Dutch) every layer names sentences from.
//! - [`app`]: the composition root; [`config`], [`cli`], [`tls`], [`clock`], [`keyfile`], [`rotate`];
//!   [`service`] runs it as a Windows service.
//!
//! # The layer rule
//! `http → flow → {store, directory, notify} → domain`. `store`,
//! `directory` and `notify` never call each other; `domain` names no actix,
//! rusqlite or ldap3 type. `tests/it/layering.rs` reads `src/` and fails when
//! a file breaks the rule.
//!
//! # A reset, end to end
//! 1. `POST /reset` → [`flow::Flows::reset_start`]: the directory finds the
//!    account; a flow row is stored under the SHA-256 of a random token; an
//!    unknown user gets a decoy flow of the same shape.
//! 2. `POST /reset/send` → a code is drawn, only its HMAC stored, and the
//!    message queued in the outbox in the same transaction.
//! 3. `POST /reset/verify` → the code is checked (10 minutes, 5 tries, once).
//! 4. `POST /reset/password` → policy check, audit 31001, directory write,
//!    audit 31002 and the confirmation message, flow done.

pub mod app;
pub mod argon;
pub mod backup;
pub mod breached;
pub mod cli;
pub mod clock;
pub mod config;
pub mod directory;
pub mod domain;
pub mod flow;
pub mod http;
pub mod i18n;
pub mod keyfile;
pub mod metrics;
pub mod notify;
pub mod rotate;
pub mod service;
pub mod store;
pub mod support_bundle;
pub mod systemd;
pub mod telemetry;
pub mod timing;
pub mod tls;
#[cfg(windows)]
pub mod win32;
