#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

//! Integration tests, one binary (link time). Each module names what it
//! covers; `support` builds an in-process passdesk on a temporary database
//! with a fixed clock and the local directory.

mod admin_audit;
mod admin_directories;
mod admin_directory_sign_in;
mod admin_insights;
mod admin_outbox;
mod admin_permissions;
mod admin_policy_browser;
mod admin_policy_pages;
mod admin_policy_settings;
mod admin_sign_in;
mod admin_support;
mod admin_users;
mod api_contract;
mod audit;
mod axe;
mod backup;
mod browser;
mod browser_admin;
mod browser_flows;
mod browser_passkey;
mod captcha;
mod change_unlock;
mod check;
mod cli;
mod clock_jumps;
mod defence;
mod delivery;
mod delivery_health;
mod directory_contract;
mod disk_full;
mod enumeration;
mod expiry;
mod gateway;
mod gateway_check;
mod gateway_kannel;
mod gateway_servers;
mod groups;
mod import;
mod layering;
mod linked;
mod look;
mod methods;
mod metrics;
mod notices;
mod outage;
mod passkeys;
mod passwords;
mod policy;
mod reconcile;
mod register;
mod register_directories;
mod register_guards;
mod register_pages;
mod reminders;
mod reset_api;
mod reset_link;
mod reset_portal;
mod routes;
mod screens;
mod security;
mod session_fixation;
mod smtp;
mod smtp_fake;
mod smtp_session;
mod support;
mod sync;
#[cfg(unix)]
mod systemd_ready;
mod systemd_unit;
mod tls_client;
mod trace_log;
mod writeback_flows;
