//! LDAP filter escaping and the scope check on DNs.
//!
//! Filters: a typed user ID or search text becomes the value of a filter
//! (`passdesk::directory::ldap::login_filter`, `search::substring_filter`);
//! whatever it holds, the value part has no unescaped `(`, `)`, `*`, `\` or
//! NUL, every `\` starts a two-digit hex escape, and unescaping gives back
//! exactly the text typed.
//!
//! DNs: `passdesk::directory::ldap::in_scope` says whether an entry lies in a
//! configured scope base; it must never say yes to a DN whose RDNs (split on
//! unescaped commas, RFC 4514) do not end with the base's RDNs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passdesk::directory::ldap::{in_scope, login_filter};
use passdesk::directory::search::substring_filter;

const BASES: [&str; 3] = ["OU=Staff,DC=example,DC=test", "dc=example,dc=org", "dc=org"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };

    let filter = login_filter(&["uid".to_owned()], text);
    let value = filter.strip_prefix("(|(uid=").and_then(|f| f.strip_suffix("))")).expect("filter shape");
    assert_eq!(unescape(value).as_deref(), Some(text.as_bytes()), "login filter value {value:?}");

    let filter = substring_filter(&["uid", "UID", "cn"], text);
    let (first, second) = filter.strip_prefix("(|(uid=*").and_then(|f| f.split_once("*)(cn=*")).expect("filter shape");
    let second = second.strip_suffix("*))").expect("filter shape");
    assert_eq!(first, second);
    assert_eq!(unescape(first).as_deref(), Some(text.trim().as_bytes()), "substring filter value {first:?}");

    let base = BASES[usize::from(selector) % BASES.len()];
    if in_scope(text, &[base.to_owned()]) {
        let (dn, base) = (rdns(text), rdns(base));
        assert!(dn.len() >= base.len() && dn.ends_with(&base), "{text:?} taken as inside {base:?}: {dn:?}");
    }
});

/// RFC 4515 value: undoes `\xx`; `None` if a special character is left bare.
fn unescape(value: &str) -> Option<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b')' | b'*' | 0 => return None,
            b'\\' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// RFC 4514 RDNs, split on unescaped commas, trimmed and lower-cased.
fn rdns(dn: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                current.extend(chars.next());
            }
            ',' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.iter().map(|r| r.trim().to_lowercase()).collect()
}
