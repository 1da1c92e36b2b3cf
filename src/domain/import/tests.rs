use super::*;

const HEADER: &str = "login,email,alt_email,mobile,office_phone";

fn parse(text: &str) -> Result<Vec<ImportRow>, ImportError> {
    parse_import(text.as_bytes(), &["corp", "unix"], Some("31"))
}

fn problems(text: &str) -> Vec<(u64, String)> {
    match parse(text) {
        Err(ImportError::Rows(p)) => p.into_iter().map(|p| (p.line, p.reason)).collect(),
        other => panic!("expected row problems, got {other:?}"),
    }
}

#[test]
fn a_good_file_with_bom_crlf_and_quotes_is_read_whole() {
    let text = "\u{feff}Login, Email ,alt_email,mobile,office_phone,directory\r\n\
                ann,ann@example.org,,\"+31 6 1234 5678\",,\r\n\
                bob,,bob@private.example,06-87654321,020 123 4567,unix\r\n";
    let rows = parse(text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].line, rows[0].login.as_str()), (2, "ann"));
    assert_eq!(rows[0].email.as_deref(), Some("ann@example.org"));
    assert_eq!(rows[0].mobile.as_deref(), Some("+31612345678"));
    assert_eq!((rows[0].alt_email.as_deref(), rows[0].directory.as_deref()), (None, None));
    assert_eq!(rows[1].mobile.as_deref(), Some("+31687654321"), "national numbers get the country code");
    assert_eq!(rows[1].office_phone.as_deref(), Some("+31201234567"));
    assert_eq!(rows[1].directory.as_deref(), Some("unix"));
}

#[test]
fn a_wrong_header_is_refused_before_any_row() {
    for header in ["login,email,mobile", "user,email,alt_email,mobile,office_phone", ""] {
        let err = parse(&format!("{header}\nann,ann@example.org,,,\n")).unwrap_err();
        match err {
            ImportError::Header(m) => assert!(m.contains("login,email,alt_email,mobile,office_phone,directory"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_the_fix() {
    let text = format!(
        "{HEADER},directory\n\
         ann,ann@example.org,,,,\n\
         bob,not-an-address,,,,\n\
         cid,,,12ab,,\n\
         ANN,,ann2@example.org,,,\n\
         dee,,,,,\n\
         eve,eve@example.org,,,,nowhere\n\
         fay,\"fay@example.org, gus@example.org\",,,,\n\
         gus,gus@example.org\n\
         hal,hal@example.org,HAL@example.org,,,\n\
         ,x@example.org,,,,\n"
    );
    let found = problems(&text);
    let lines: Vec<u64> = found.iter().map(|p| p.0).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10, 11], "{found:?}");
    let reason = |line: u64| found.iter().find(|p| p.0 == line).unwrap().1.clone();
    assert!(reason(3).starts_with("email: give one e-mail address"), "{}", reason(3));
    assert!(reason(4).starts_with("mobile: a phone number holds only digits"), "{}", reason(4));
    assert!(reason(5).contains("also on line 2"), "{}", reason(5));
    assert!(reason(6).starts_with("nothing to import"), "{}", reason(6));
    assert!(reason(7).contains("no directory is named \"nowhere\"") && reason(7).contains("corp, unix"));
    assert!(reason(8).starts_with("email:"), "a quoted comma stays in its field: {}", reason(8));
    assert!(reason(9).contains("2 field(s), the header has 6"), "{}", reason(9));
    assert!(reason(10).starts_with("alt_email: the same as email"), "{}", reason(10));
    assert!(reason(11).starts_with("login:"), "{}", reason(11));
    // The same lines with Windows line ends.
    let crlf: Vec<u64> = problems(&text.replace('\n', "\r\n")).iter().map(|p| p.0).collect();
    assert_eq!(crlf, lines);
}

#[test]
fn text_that_is_not_utf8_is_named_as_such() {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"ann,ann@example.org,,,\n\xe9ric,eric@example.org,,,\n");
    match parse_import(&bytes, &[], None) {
        Err(ImportError::Rows(p)) => {
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(p[0].reason.contains("UTF-8") && p[0].line == 3, "{p:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_bad_row_in_a_hundred_thousand_is_found_at_its_line() {
    let mut text = format!("{HEADER}\n");
    for i in 2..=100_001u64 {
        if i == 99_999 {
            text.push_str("u99999,broken@,,,\n");
        } else {
            text.push_str(&format!("u{i},u{i}@example.org,,+3161{:07},\n", i));
        }
    }
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, 99_999);
    // Without it, every row is read.
    let fixed = text.replace("u99999,broken@,,,", "u99999,u99999@example.org,,,");
    assert_eq!(parse(&fixed).unwrap().len(), 100_000);
}

/// Found by the import_csv fuzz target: a file saved with CR-only line ends
/// (old Mac spreadsheets) had every row reported on line 1, since only LF
/// was counted; the CSV reader ends records at a lone CR, so passdesk
/// counts it as a line end too.
#[test]
fn cr_only_line_ends_give_each_row_its_own_line() {
    let text =
        format!("\u{feff}{HEADER},directory\r2ann,ann@example.org,,,,\rbob,bob@example.org,,,,nowhere\r\ncid,,,,,\n");
    let rows_and_problems = check_import(text.as_bytes(), &["corp", "unix"], Some("31")).unwrap();
    let (rows, problems) = rows_and_problems;
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2]);
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [3, 4], "{problems:?}");
}
