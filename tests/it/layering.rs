//! The layer rule of DESIGN.md §2, checked on the source text:
//! `http → flow → {store, directory, notify} → domain`.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, for the tests that read the source.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Source without comments, so prose may mention any layer.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(layer);
    let mut problems = Vec::new();
    for file in rust_files(&root) {
        let code = code_of(&file);
        for word in forbidden {
            if code.contains(word) {
                problems
                    .push(format!("{} uses {word}", file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display()));
            }
        }
    }
    problems
}

#[test]
fn layers_only_call_downwards() {
    let mut problems = Vec::new();
    problems.extend(check("http", &["crate::store", "crate::directory", "crate::notify", "rusqlite", "ldap3"]));
    problems.extend(check("flow", &["crate::http", "actix_web", "rusqlite", "ldap3"]));
    for side in ["store", "directory", "notify"] {
        let others: Vec<String> = ["store", "directory", "notify", "flow", "http"]
            .iter()
            .filter(|o| **o != side)
            .map(|o| format!("crate::{o}"))
            .collect();
        let mut forbidden: Vec<&str> = others.iter().map(String::as_str).collect();
        forbidden.push("actix_web");
        problems.extend(check(side, &forbidden));
    }
    problems.extend(check(
        "domain",
        &[
            "actix_web",
            "rusqlite",
            "r2d2",
            "ldap3",
            "tokio",
            "std::fs",
            "std::net",
            "crate::store",
            "crate::flow",
            "crate::http",
            "crate::directory",
            "crate::notify",
        ],
    ));
    assert!(problems.is_empty(), "layer rule broken:\n{}", problems.join("\n"));
}

#[test]
fn the_rule_catches_a_violation() {
    // The checker itself must be able to fail: a file that names the store
    // from http is reported.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.rs"), "use crate::store::Store;\n// crate::directory in a comment is fine\n")
        .unwrap();
    let code = code_of(&dir.path().join("bad.rs"));
    assert!(code.contains("crate::store"));
    assert!(!code.contains("crate::directory"));
}
