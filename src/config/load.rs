//! Reading the configuration: the TOML text, then `PASSDESK_SECTION__KEY`
//! environment overrides, then secrets read from `…_file` keys, then typed
//! validation. Unknown keys are errors (a typo must never silently fall back
//! to a default); they are collected with `serde_ignored` so all of them are
//! reported in one go, each with its full key path.

use super::raw::*;
use super::{Config, Error, Problem};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::{Table, Value};

/// Keys holding secrets; each may instead be given as `KEY_file`, the path of
/// a file whose content (without the trailing newline) is the secret.
pub(crate) const SECRET_KEYS: &[&str] = &["bind_password", "password", "api_token", "auth_token"];

/// Prefix of environment overrides.
const ENV_PREFIX: &str = "PASSDESK_";

/// Reads the file at `path` (or the embedded defaults when `None`) and the
/// process environment.
pub fn load(path: Option<&Path>) -> Result<Config, Error> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    match path {
        None => load_str("", "embedded defaults", &env),
        Some(path) => {
            let source = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| Error {
                source_name: source.clone(),
                problems: vec![Problem { key: "(file)".into(), message: format!("cannot read it: {e}") }],
            })?;
            load_str(&text, &source, &env)
        }
    }
}

/// Parses configuration text with the given environment (tests pass their own).
pub fn load_str(text: &str, source_name: &str, env: &[(String, String)]) -> Result<Config, Error> {
    let fail = |problems| Error { source_name: source_name.to_owned(), problems };
    let mut table: Table = text.parse().map_err(|e: toml::de::Error| {
        fail(vec![Problem { key: "(syntax)".into(), message: e.to_string().trim().replace('\n', " ") }])
    })?;
    let mut problems = Vec::new();
    apply_env(&mut table, env, &mut problems);
    resolve_secret_files(&mut table, "", &mut problems);
    let raw = deserialize_sections(table, &mut problems);
    // Validate even after structural problems (a section with a type error
    // falls back to defaults), so every problem is reported in one pass.
    match Config::try_from(raw) {
        Ok(config) if problems.is_empty() => Ok(config),
        Ok(_) => Err(fail(problems)),
        Err(more) => {
            problems.extend(more);
            problems.sort_by(|a, b| a.key.cmp(&b.key));
            problems.dedup();
            Err(fail(problems))
        }
    }
}

/// Applies `PASSDESK_SECTION__KEY=value` (and deeper: `PASSDESK_DIRECTORIES__CORP__KIND`).
/// A value that parses as a TOML value (number, boolean, array, quoted
/// string) is taken as that; anything else is taken as a plain string.
pub(crate) fn apply_env(table: &mut Table, env: &[(String, String)], problems: &mut Vec<Problem>) {
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else { continue };
        if !rest.contains("__") {
            continue; // PASSDESK_CONFIG and friends are not overrides
        }
        let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        if path.iter().any(String::is_empty) {
            problems.push(Problem {
                key: format!("env {name}"),
                message: "empty part in the name: use PASSDESK_SECTION__KEY".into(),
            });
            continue;
        }
        let parsed = format!("v = {value}")
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| Value::String(value.clone()));
        if let Err(message) = set_path(table, &path, parsed) {
            problems.push(Problem { key: format!("env {name}"), message });
        }
    }
}

fn set_path(table: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else { return Ok(()) };
    let mut current = table;
    for part in parents {
        let entry = current.entry(part.clone()).or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(t) => t,
            _ => return Err(format!("\"{part}\" is a value, not a section")),
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}

/// Replaces each `SECRET_file = "path"` by `SECRET = "<content>"`.
fn resolve_secret_files(table: &mut Table, prefix: &str, problems: &mut Vec<Problem>) {
    let keys: Vec<String> = table.keys().cloned().collect();
    for key in keys {
        let path = format!("{prefix}{key}");
        if let Some(Value::Table(inner)) = table.get_mut(&key) {
            resolve_secret_files(inner, &format!("{path}."), problems);
            continue;
        }
        let Some(base) = key.strip_suffix("_file") else { continue };
        if !SECRET_KEYS.contains(&base) {
            continue;
        }
        if table.contains_key(base) {
            problems.push(Problem { key: path, message: format!("give either {base} or {key}, not both") });
            continue;
        }
        let Some(Value::String(file)) = table.remove(&key) else {
            problems.push(Problem { key: path, message: "must be the path of a file, as a string".into() });
            continue;
        };
        match std::fs::read_to_string(&file) {
            Ok(secret) => {
                let secret = secret.strip_suffix('\n').unwrap_or(&secret);
                let secret = secret.strip_suffix('\r').unwrap_or(secret);
                table.insert(base.to_owned(), Value::String(secret.to_owned()));
            }
            Err(e) => problems.push(Problem { key: path, message: format!("cannot read \"{file}\": {e}") }),
        }
    }
}

/// Deserializes each known section on its own, so a type error in one
/// section does not hide the problems of another.
fn deserialize_sections(mut table: Table, problems: &mut Vec<Problem>) -> RawConfig {
    let mut raw = RawConfig {
        server: section(&mut table, "server", problems),
        store: section(&mut table, "store", problems),
        directories: section(&mut table, "directories", problems),
        reset: section(&mut table, "reset", problems),
        password: section(&mut table, "password", problems),
        notify: section(&mut table, "notify", problems),
        organisation: section(&mut table, "organisation", problems),
        log: section(&mut table, "log", problems),
    };
    for unknown in table.keys() {
        problems.push(Problem {
            key: unknown.clone(),
            message: "unknown section or key: the sections are server, store, directories, reset, password, notify, organisation, log".into(),
        });
    }
    // Keep the default directory when the section was present but empty.
    if raw.directories.is_empty() {
        raw.directories = Default::default();
    }
    raw
}

fn section<T: DeserializeOwned + Default>(table: &mut Table, name: &str, problems: &mut Vec<Problem>) -> T {
    let Some(value) = table.remove(name) else { return T::default() };
    let mut unknown = Vec::new();
    let mut track = serde_path_to_error::Track::new();
    let result = serde_ignored::deserialize(serde_path_to_error::Deserializer::new(value, &mut track), |path| {
        unknown.push(path.to_string())
    });
    for path in unknown {
        problems.push(Problem {
            key: join_key(name, &path),
            message: "unknown key: check its spelling against packaging/passdesk.example.toml".into(),
        });
    }
    match result {
        Ok(v) => v,
        Err(e) => {
            let path = track.path().to_string();
            problems.push(Problem { key: join_key(name, &path), message: clean_serde_message(&e.to_string()) });
            T::default()
        }
    }
}

fn join_key(section: &str, path: &str) -> String {
    let path = path.trim_start_matches('?').trim_start_matches('.');
    if path.is_empty() { section.to_owned() } else { format!("{section}.{path}") }
}

fn clean_serde_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    format!("{first}: fix the value's type (strings in quotes, numbers without)")
}

/// Test access to the secret-file pass on its own.
#[cfg(test)]
pub(super) fn resolve_secret_files_for_test(table: &mut Table, problems: &mut Vec<Problem>) {
    resolve_secret_files(table, "", problems);
}
