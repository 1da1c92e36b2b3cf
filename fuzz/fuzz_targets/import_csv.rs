//! The pre-population CSV (`passdesk import`): any bytes are read whole and
//! give rows and problems, or a header error, never a panic. Every problem
//! names a line of the file, every good row is on a line after the header,
//! and the good rows' phone numbers are already E.164 (normalising them
//! again changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use passdesk::domain::import::{ImportError, check_import, parse_import};
use passdesk::domain::phone::normalise_phone;

fuzz_target!(|data: &[u8]| {
    let directories = ["corp", "lab"];
    match check_import(data, &directories, Some("31")) {
        Ok((rows, problems)) => {
            for row in &rows {
                assert!(row.line >= 2, "a row on line {}", row.line);
                for phone in [&row.mobile, &row.office_phone].into_iter().flatten() {
                    assert_eq!(normalise_phone(phone, None).as_ref(), Ok(phone), "not stable: {phone:?}");
                }
                if let Some(d) = &row.directory {
                    assert!(directories.contains(&d.as_str()), "unknown directory {d:?} accepted");
                }
            }
            for p in &problems {
                assert!(p.line >= 1 && !p.reason.is_empty(), "problem without line or reason: {p:?}");
            }
            // The strict form agrees with the lenient one.
            match parse_import(data, &directories, Some("31")) {
                Ok(strict) => assert!(problems.is_empty() && strict == rows),
                Err(ImportError::Rows(strict)) => assert_eq!(strict, problems),
                Err(ImportError::Header(h)) => panic!("header refused only by parse_import: {h}"),
            }
        }
        Err(ImportError::Header(reason)) => assert!(!reason.is_empty()),
        Err(ImportError::Rows(_)) => panic!("check_import reports rows as an error"),
    }
});
