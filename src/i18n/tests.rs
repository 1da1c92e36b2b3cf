//! The catalogue is complete: every language has every key the code uses,
//! with the same arguments, and every file parses.

use super::catalogue::sources;
use super::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Message id (with `.attribute` when it is one) → variables it uses.
fn entries(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, text) in sources(lang) {
        let mut current = String::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let id = line.split('=').next().unwrap_or("").trim();
            let is_id = !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !line.starts_with(char::is_whitespace) && is_id {
                current = id.to_owned();
                assert!(out.insert(current.clone(), BTreeSet::new()).is_none(), "{lang}: key {id} twice");
            } else if let Some(attr) = line.trim_start().strip_prefix('.') {
                let name = attr.split('=').next().unwrap_or("").trim();
                let parent = current.split('.').next().unwrap_or("").to_owned();
                current = format!("{parent}.{name}");
                out.insert(current.clone(), BTreeSet::new());
            }
            let vars = out.get_mut(&current).unwrap();
            let mut rest = line;
            while let Some(at) = rest.find('$') {
                rest = &rest[at + 1..];
                let name: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
                vars.insert(name);
            }
        }
    }
    out
}

#[test]
fn every_file_parses_without_errors_or_repeated_keys() {
    for lang in Lang::ALL {
        let mut bundle = fluent_bundle::FluentBundle::new(vec![lang.code().parse().unwrap()]);
        for (name, text) in sources(lang) {
            let resource = fluent_bundle::FluentResource::try_new(text.to_owned())
                .unwrap_or_else(|(_, e)| panic!("{name} does not parse: {e:?}"));
            bundle.add_resource(resource).unwrap_or_else(|e| panic!("{name} repeats keys: {e:?}"));
        }
    }
}

#[test]
fn english_and_dutch_have_the_same_keys_and_arguments() {
    let en = entries(Lang::En);
    let nl = entries(Lang::Nl);
    let missing_nl: Vec<_> = en.keys().filter(|k| !nl.contains_key(*k)).collect();
    let missing_en: Vec<_> = nl.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing_nl.is_empty(), "missing in nl: {missing_nl:?}");
    assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
    for (key, vars) in &en {
        assert_eq!(vars, &nl[key], "{key}: en and nl use different arguments");
    }
}

/// Keys named in the code: `.t("key")`, `.t_args("key"`, `Msg::new("key")`
/// in Rust, and `site.t("key")` calls in the templates.
fn keys_used() -> BTreeMap<String, String> {
    let mut used = BTreeMap::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src"), root.join("web/templates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.ends_with("i18n/tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in [".t(\"", ".t1(\"", ".t2(\"", ".t_args(\"", "Msg::new(\"", "WrongStep(\""] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    if rest[key.len()..].starts_with('"') && !key.is_empty() {
                        used.insert(key, path.display().to_string());
                    }
                }
            }
        }
    }
    used
}

#[test]
fn every_key_the_code_uses_is_in_the_catalogue() {
    let en = entries(Lang::En);
    let used = keys_used();
    assert!(used.len() > 20, "the scan found too few keys ({}): is the pattern still right?", used.len());
    let missing: Vec<_> = used.iter().filter(|(k, _)| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "keys used in the code but not in the catalogue: {missing:?}");
}

#[test]
fn every_sentence_formats_in_both_languages() {
    for lang in Lang::ALL {
        let bundle = catalogue::bundle(lang);
        for (key, vars) in entries(lang) {
            if key.contains('.') {
                continue;
            }
            let message = bundle.get_message(&key).unwrap_or_else(|| panic!("{lang}: {key} not loaded"));
            let Some(pattern) = message.value() else { continue };
            let mut args = fluent_bundle::FluentArgs::new();
            for v in &vars {
                args.set(v.clone(), 2);
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{lang}: {key}: {errors:?}");
            assert!(!text.trim().is_empty(), "{lang}: {key} is empty");
        }
    }
}

#[test]
fn messages_format_with_arguments_and_fall_back_to_the_key() {
    let m = Msg::new("error-too-soon").arg("seconds", 30);
    assert!(Lang::En.msg(&m).contains("30"), "{}", Lang::En.msg(&m));
    assert!(Lang::Nl.msg(&m).contains("30"), "{}", Lang::Nl.msg(&m));
    assert_ne!(Lang::En.msg(&m), Lang::Nl.msg(&m));
    assert_eq!(Lang::Nl.t("no-such-key"), "no-such-key");
    assert!(!m.to_string().contains('\u{2068}'), "no isolation marks");
}

#[test]
fn dates_read_like_a_calendar_in_each_language() {
    assert_eq!(Lang::En.date_time(1_799_286_986), "Thursday 7 January 2027, 01:56 UTC");
    assert_eq!(Lang::Nl.date_time(1_799_286_986), "donderdag 7 januari 2027, 01:56 UTC");
}

#[test]
fn every_predefined_question_is_translated() {
    for (id, text) in crate::domain::questions::PREDEFINED {
        assert_eq!(Lang::En.question(id, "?"), *text, "{id}: the English text must match the list");
        assert_ne!(Lang::Nl.question(id, "?"), *text, "{id} has no Dutch text");
    }
    assert_eq!(Lang::Nl.question("c1", "Custom?"), "Custom?");
}

/// Keys chosen in a `match` or handed through a function are plain string
/// literals: every literal in the code that looks like a key of one of the
/// catalogue's families (`error-…`, `step-…`, `method-…`, …) must exist.
#[test]
fn every_literal_shaped_like_a_key_is_in_the_catalogue() {
    let en = entries(Lang::En);
    let families: BTreeSet<&str> = en.keys().filter_map(|k| k.split_once('-').map(|(f, _)| f)).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let shaped = literal.contains('-')
                    && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !literal.ends_with('-');
                let family = literal.split('-').next().unwrap_or("");
                // Names that are not sentences (an audit actor).
                let not_a_key = ["expiry-reminders"].contains(&literal);
                if shaped && families.contains(family) && !not_a_key {
                    seen += 1;
                    if !en.contains_key(literal) {
                        missing.push(format!("{literal} ({})", path.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 100, "the scan found only {seen} key-shaped literals: is it still right?");
    assert!(missing.is_empty(), "key-shaped literals not in the catalogue: {missing:?}");
}
