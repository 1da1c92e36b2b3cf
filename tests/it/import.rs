//! Pre-population (`passdesk import`): the whole file checked in one pass
//! (its own rows and the logins the directory does not know), all rows
//! stored in one commit or none, people's own verified data kept, and the
//! imported address used for codes on day one.

use crate::support::TestApp;
use passdesk::domain::Enrolment;
use passdesk::domain::import::check_import;
use passdesk::flow::{Client, Error};

fn client() -> Client {
    Client { ip: None, request_id: Some("test".into()), lang: None }
}

async fn import(t: &TestApp, csv: &str, overwrite: bool) -> Result<passdesk::flow::import::ImportSummary, Error> {
    let (rows, problems) = check_import(csv.as_bytes(), &["local"], Some("31")).unwrap();
    use passdesk::flow::import::{ImportJob, Origin};
    let job = ImportJob { rows, earlier: problems, overwrite_verified: overwrite, origin: Origin::File };
    t.app.flows.import_contacts(job, "cli:admin", &client(), &|_| {}).await
}

async fn kinds(t: &TestApp, login: &str) -> Vec<(Enrolment, String)> {
    let id = t.local_id(login).await;
    let mut rows: Vec<(Enrolment, String)> =
        t.app.store.enrolments("local".into(), id).await.unwrap().into_iter().map(|r| (r.kind, r.value)).collect();
    rows.sort_by_key(|r| r.0.id());
    rows
}

#[actix_web::test]
async fn a_file_with_any_bad_row_imports_nothing_and_names_every_one() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    t.user("ben", None, "Old-Passw0rd-1234").await;
    let csv = "login,email,alt_email,mobile,office_phone\n\
               ann,ann.home@example.net,,06 1234 5678,\n\
               ben,ben@,,,\n\
               nobody,n@example.org,,,\n";
    let err = import(&t, csv, false).await.unwrap_err();
    let Error::ImportRejected(problems) = err else { panic!("{err:?}") };
    let lines: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.reason.as_str())).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].0, 3);
    assert!(lines[0].1.starts_with("email:"), "{lines:?}");
    assert_eq!(lines[1], (4, "login nobody: not found in any directory (or outside the scope passdesk may reset)"));
    assert!(kinds(&t, "ann").await.is_empty(), "the good row was not stored either");
    assert!(t.audit_activities().await.iter().all(|a| !a.3.contains("import")));
}

#[actix_web::test]
async fn imported_data_serves_resets_at_once_and_keeps_what_people_verified() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    t.user("ben", None, "Old-Passw0rd-1234").await;
    t.app.flows.enrol_alt_email("ann", "ann.own@example.com", &client()).await.unwrap();
    let csv = "login,email,alt_email,mobile,office_phone\n\
               ann,ann.home@example.net,ann.other@example.com,+31 6 1234 5678,\n\
               BEN,,,06 8765 4321,020 123 4567\n";
    let summary = import(&t, csv, false).await.unwrap();
    assert_eq!(summary.people, 2);
    let c = summary.counts;
    assert_eq!((c.added, c.changed, c.unchanged, c.kept_verified), (4, 0, 0, 1));
    assert_eq!(
        kinds(&t, "ann").await,
        [
            (Enrolment::AltEmail, "ann.own@example.com".to_owned()),
            (Enrolment::Email, "ann.home@example.net".to_owned()),
            (Enrolment::Mobile, "+31612345678".to_owned()),
        ]
    );
    assert_eq!(
        kinds(&t, "ben").await,
        [(Enrolment::Mobile, "+31687654321".to_owned()), (Enrolment::OfficePhone, "+31201234567".to_owned())]
    );
    // One audit row per person, by the administrator.
    let rows = t.app.store.recent_audit(10).await.unwrap();
    let imported: Vec<_> = rows.iter().filter(|r| r.record.detail.starts_with("pre-populated by import")).collect();
    assert_eq!(imported.len(), 2);
    assert!(imported.iter().all(|r| r.record.actor == "cli:admin"));

    // The same file again changes nothing; with --overwrite-verified the
    // person's own alternate address is replaced.
    let again = import(&t, csv, false).await.unwrap().counts;
    assert_eq!((again.added, again.changed, again.unchanged, again.kept_verified), (0, 0, 4, 1));
    let forced = import(&t, csv, true).await.unwrap().counts;
    assert_eq!((forced.changed, forced.unchanged), (1, 4));
    // Audit rows only for people whose data changed: the first import
    // (both), none for the repeat, ann's for the forced one.
    let rows = t.app.store.recent_audit(50).await.unwrap();
    let imported = rows.iter().filter(|r| r.record.detail.starts_with("pre-populated by import")).count();
    assert_eq!(imported, 3);

    // Day one: ann's codes go to the imported address, not the directory's.
    let svc = t.service().await;
    let flow = crate::support::proven_flow(&t, &svc, "ann", "ann.home@example.net").await;
    assert!(!flow.is_empty());
    // ben has no e-mail at all, and can still reset by text message.
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &client()).await.unwrap();
    let started = t.app.flows.reset_start("ben", None, passdesk::flow::FlowKind::Reset, &client()).await.unwrap();
    assert!(started.methods.iter().any(|m| m.id == "mobile_sms"), "{:?}", started.methods);
}

#[actix_web::test]
async fn the_command_reports_bad_rows_with_their_lines_and_changes_nothing() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    let dir = t._dir.path();
    let config = dir.join("passdesk.toml");
    std::fs::write(&config, format!("[store]\ndata_dir = {:?}\n", dir.join("data").display().to_string())).unwrap();
    let run = |file: &str, text: &str| {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_passdesk"))
            .args(["import", "--config", config.to_str().unwrap(), path.to_str().unwrap()])
            .env_remove("PASSDESK_CONFIG")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let (code, text) =
        run("bad.csv", "login,email,alt_email,mobile,office_phone\nann,,,+31 6 1234 5678,\nnobody,x@example.org,,,\n");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("1 row(s) cannot be imported, so nothing was imported"), "{text}");
    assert!(text.contains("line 3: login nobody: not found"), "{text}");
    assert!(kinds(&t, "ann").await.is_empty());
    let (code, text) = run("header.csv", "login;email\nann;a@example.org\n");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("line 1: the header is \"login;email\"") && text.contains("Nothing was imported"), "{text}");
    assert!(text.contains("separated by semicolons"), "{text}");
    let (code, text) = run("good.csv", "login,email,alt_email,mobile,office_phone\nann,,,+31 6 1234 5678,\n");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Imported contact data for 1 people from") && text.contains("1 added"), "{text}");
    assert_eq!(kinds(&t, "ann").await, [(Enrolment::Mobile, "+31612345678".to_owned())]);
}

#[actix_web::test]
async fn the_admin_api_reads_sets_and_removes_a_users_methods() {
    use actix_web::http::StatusCode;
    use actix_web::test::{self, TestRequest};
    let t = TestApp::with_config("[organisation]\nphone_country_code = \"31\"\n");
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    let token = t.app.flows.issue_admin_token("ops", &client()).await.unwrap().as_str().to_owned();
    let bearer = ("authorization", format!("Bearer {token}"));
    let svc = t.service().await;
    let uri = "/api/v1/admin/users/ann/methods";
    let call = |req: TestRequest| {
        let svc = &svc;
        async move {
            let resp = test::call_service(svc, req.to_request()).await;
            let status = resp.status();
            (status, crate::support::json(resp).await)
        }
    };

    let (status, _) = call(TestRequest::get().uri(uri)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) =
        call(TestRequest::get().uri("/api/v1/admin/users/nobody/methods").insert_header(bearer.clone())).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("user_not_found")));
    let (status, body) = call(TestRequest::get().uri(uri).insert_header(bearer.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["methods"],
        serde_json::json!([{"kind": "email", "value": "an•••••@example.org", "source": "directory", "set_at": null}])
    );

    // Bad input: a precise 400 and nothing stored.
    for (bad, field) in [
        (serde_json::json!({"mobile": "06 12ab"}), "mobile"),
        (serde_json::json!({"email": "ann@"}), "email"),
        (serde_json::json!({}), "nothing to import"),
        (serde_json::json!({"mobile": 612345678}), "mobile"),
        (serde_json::json!({"phone": "+31612345678"}), "phone"),
    ] {
        let (status, body) = call(TestRequest::put().uri(uri).insert_header(bearer.clone()).set_json(&bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{bad}: {body}");
    }
    assert!(kinds(&t, "ann").await.is_empty());

    let put = serde_json::json!({"mobile": "06 1234 5678", "alt_email": "ann.home@example.net"});
    let (status, body) = call(TestRequest::put().uri(uri).insert_header(bearer.clone()).set_json(&put)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["added"].as_u64(), body["kept_verified"].as_u64()), (Some(2), Some(0)));
    let sources: Vec<(&str, &str)> = body["methods"]["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["source"].as_str().unwrap()))
        .collect();
    assert_eq!(sources, [("email", "directory"), ("alt_email", "import"), ("mobile", "import")]);
    assert_eq!(body["methods"]["methods"][2]["value"], "+•••••78");

    let (status, body) =
        call(TestRequest::delete().uri(&format!("{uri}?kind=bogus")).insert_header(bearer.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) =
        call(TestRequest::delete().uri(&format!("{uri}?kind=mobile")).insert_header(bearer.clone())).await;
    assert_eq!((status, body["removed"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(kinds(&t, "ann").await, [(Enrolment::AltEmail, "ann.home@example.net".to_owned())]);
    let (status, body) = call(TestRequest::delete().uri(uri).insert_header(bearer.clone())).await;
    assert_eq!((status, body["removed"].as_u64()), (StatusCode::OK, Some(1)));
    assert!(kinds(&t, "ann").await.is_empty());
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3 == "pre-populated through the admin API: alt_email, mobile"), "{audit:?}");
    assert!(audit.iter().any(|a| a.3 == "removed by an administrator: mobile"), "{audit:?}");
}

/// 100,000 local accounts written straight into the store (hashing 100,000
/// passwords would take minutes and prove nothing here).
fn many_local_users(t: &TestApp, count: u32) {
    let mut conn = t.app.store.pool().get().unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut add = tx
            .prepare(
                "INSERT INTO local_users (login, display_name, password_hash, password_set_at, created_at)
                 VALUES (?1, ?1, 'x', 0, 0)",
            )
            .unwrap();
        for i in 0..count {
            add.execute([format!("u{i}")]).unwrap();
        }
    }
    tx.commit().unwrap();
}

#[actix_web::test]
async fn a_hundred_thousand_rows_with_one_unknown_login_at_line_99_999_import_nothing() {
    let t = TestApp::new();
    many_local_users(&t, 100_000);
    let mut csv = String::from("login,email,alt_email,mobile,office_phone\n");
    for i in 0..100_000u32 {
        // Line numbers: the header is line 1, so user i is on line i + 2.
        let login = if i + 2 == 99_999 { "nobody-here".to_owned() } else { format!("u{i}") };
        csv.push_str(&format!("{login},{login}@example.org,,,\n"));
    }
    let err = import(&t, &csv, false).await.unwrap_err();
    let Error::ImportRejected(problems) = err else { panic!("{err:?}") };
    assert_eq!(problems.len(), 1, "{:?}", &problems[..problems.len().min(3)]);
    assert_eq!(problems[0].line, 99_999);
    let count: i64 =
        t.app.store.pool().get().unwrap().query_row("SELECT count(*) FROM enrolments", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 0, "nothing was stored");
    // Fixed, the whole file goes in, in one commit.
    let fixed = csv.replace("nobody-here,nobody-here@example.org", "u99997,u99997@example.org");
    let summary = import(&t, &fixed, false).await.unwrap();
    assert_eq!((summary.people, summary.counts.added), (100_000, 100_000));
}
