//! LDAP filter escaping and the scope check on DNs.
//!
//! Filters: a typed user ID or search text becomes the value of a filter
//! (`passdesk::directory::ldap::login_filter`, `search::substring_filter`);
//! whatever it holds, the value part has no unescaped `(`, `)`, `*`, `\` or
//! NUL, every `\` starts a two-digit hex escape, and unescaping gives back
//! exactly the text typed.
//!
//! DNs: `passdesk::directory::ldap::in_scope` says whether an entry lies in a
//! configured scope base. The oracle does not split DNs (a splitter here
//! would share the bugs of the one under test): the input chooses RDNs,
//! which are escaped (RFC 4514) and joined into a DN, with or without the
//! base's RDNs at the end, so the right answer is known by construction.
//! Arbitrary text is also fed to `in_scope`, which must not panic.
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

    let base = usize::from(selector) % BASES.len();
    let _ = in_scope(text, &[BASES[base].to_owned()]);
    let (dn, expected) = built_dn(rest, base);
    assert_eq!(in_scope(&dn, &[BASES[base].to_owned()]), expected, "{dn:?} in {:?}", BASES[base]);
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

/// The base RDNs as (attribute, value) pairs, matching `BASES`.
const BASE_RDNS: [&[(&str, &str)]; 3] = [
    &[("OU", "Staff"), ("DC", "example"), ("DC", "test")],
    &[("dc", "example"), ("dc", "org")],
    &[("dc", "org")],
];
const ATTRS: [&str; 6] = ["ou", "OU", "dc", "DC", "cn", "uid"];
/// Values likely to meet the bases' own, so the suffix case is reached.
const WORDS: [&str; 6] = ["staff", "STAFF", "example", "test", "org", "Org"];
/// Characters that need escaping, or that an unescaped split trips on.
const CHARS: [char; 14] = ['a', 'S', ',', '+', '\\', '"', ' ', '=', ';', '<', '>', '#', 'é', 'x'];

/// A DN built from RDNs the bytes choose, and whether it lies in
/// `BASE_RDNS[base]`: true exactly when its last RDNs are the base's,
/// compared case-insensitively (the base values need no escaping, so a
/// value that was escaped can never equal one).
fn built_dn(bytes: &[u8], base: usize) -> (String, bool) {
    let mut it = bytes.iter().copied();
    let mut next = || it.next().unwrap_or(0);
    let mut rdns: Vec<(String, String)> = Vec::new();
    for _ in 0..next() % 5 {
        let attr = ATTRS[usize::from(next()) % ATTRS.len()].to_owned();
        let pick = next();
        let value = if pick % 2 == 0 {
            WORDS[usize::from(pick / 2) % WORDS.len()].to_owned()
        } else {
            (0..pick % 7).map(|_| CHARS[usize::from(next()) % CHARS.len()]).collect()
        };
        rdns.push((attr, value));
    }
    if next() % 2 == 0 {
        rdns.extend(BASE_RDNS[base].iter().map(|(a, v)| ((*a).to_owned(), (*v).to_owned())));
    }
    let separators = [",", ", ", " ,"];
    let mut dn = String::new();
    for (i, (attr, value)) in rdns.iter().enumerate() {
        if i > 0 {
            dn.push_str(separators[usize::from(next()) % separators.len()]);
        }
        dn.push_str(&format!("{attr}={}", escape_value(value)));
    }
    let want = BASE_RDNS[base];
    let expected = rdns.len() >= want.len()
        && rdns[rdns.len() - want.len()..]
            .iter()
            .zip(want)
            .all(|((a, v), (wa, wv))| a.eq_ignore_ascii_case(wa) && v.to_lowercase() == wv.to_lowercase());
    (dn, expected)
}

/// RFC 4514 section 2.4: `\` before the specials, a leading `#` or space
/// and a trailing space.
fn escape_value(value: &str) -> String {
    let last = value.chars().count().saturating_sub(1);
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
