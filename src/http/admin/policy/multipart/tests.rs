use super::*;

const B: &str = "----passdeskTest7";

fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, data) in parts {
        out.extend_from_slice(format!("--{B}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n")
                    .as_bytes(),
            ),
            None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{B}--\r\n").as_bytes());
    out
}

#[test]
fn reads_fields_and_a_file_with_crlf_inside() {
    let png = b"\x89PNG\r\n\x1a\n\r\n--not-the-boundary";
    let form =
        parse(&body(&[("csrf", None, b"tok"), ("logo", Some("a.png"), png), ("name", None, "Zoë".as_bytes())]), B)
            .unwrap();
    assert_eq!(form.text("csrf").as_deref(), Some("tok"));
    assert_eq!(form.text("name").as_deref(), Some("Zoë"));
    assert_eq!(form.file("logo"), Some(&png[..]));
    assert_eq!(form.text("logo"), None);
    let none = parse(&body(&[("logo", Some(""), b"")]), B).unwrap();
    assert_eq!(none.file("logo"), None, "no file chosen");
}

#[test]
fn refuses_unusual_bodies() {
    assert!(parse(b"garbage", B).is_err());
    let mut cut = body(&[("csrf", None, b"tok")]);
    cut.truncate(cut.len() - 10);
    assert!(parse(&cut, B).is_err());
    assert!(parse(&body(&[("a", None, b"1"), ("a", None, b"2")]), B).unwrap_err().contains("twice"));
    let long = vec![b'x'; MAX_FIELD_BYTES + 1];
    assert!(parse(&body(&[("a", None, &long)]), B).unwrap_err().contains("longer"));
    let names: Vec<String> = (0..=MAX_PARTS).map(|i| format!("f{i}")).collect();
    let many: Vec<(&str, Option<&str>, &[u8])> = names.iter().map(|n| (n.as_str(), None, &b"1"[..])).collect();
    assert!(parse(&body(&many), B).unwrap_err().contains("parts"));
    let no_name = format!("--{B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{B}--");
    assert!(parse(no_name.as_bytes(), B).is_err());
}

#[test]
fn boundaries_come_from_the_content_type() {
    assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
    assert_eq!(boundary("multipart/form-data; boundary=\"a b\"").as_deref(), Some("a b"));
    assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    assert_eq!(boundary("multipart/form-data; boundary="), None);
}
