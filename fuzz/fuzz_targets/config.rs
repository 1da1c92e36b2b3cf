//! The configuration file: TOML text, then `PASSDESK_*` overrides, then
//! validation (`passdesk::config::load_str`). The input is the file's text,
//! optionally followed by a NUL byte and `KEY=value` lines for the
//! environment. Any input gives a configuration or problems to show, never
//! a panic; a refusal always names at least one problem.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `*_file` keys read the named file: keep the fuzzer off device files,
    // whose reading never ends.
    if text.contains("/dev/") || text.contains("/proc/") || text.contains("/sys/") {
        return;
    }
    let (toml, env) = text.split_once('\0').unwrap_or((text, ""));
    let env: Vec<(String, String)> = env
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (format!("PASSDESK_{k}"), v.to_owned()))
        .collect();
    if let Err(e) = passdesk::config::load_str(toml, "fuzz.toml", &env) {
        assert!(!e.problems.is_empty(), "a refused configuration names no problem");
        let _ = e.to_string();
    }
});
