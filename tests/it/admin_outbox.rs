//! The outbox page's flows (issue 8 item 7): newest first by state, codes
//! never shown, and dead messages put back in the queue, audited.

use crate::support::{START, TestApp};
use passdesk::domain::{Channel, Message};
use passdesk::flow::{Client, Error};
use passdesk::store::{Effects, OutboxState};

const ADMIN: &str = "admin:root";

async fn queue(t: &TestApp, to: &str, expires_at: Option<i64>) -> i64 {
    let message = Message {
        channel: Channel::Email,
        recipient: to.into(),
        subject: "Subject".into(),
        body: "Your code is: 12345678".into(),
        expires_at,
    };
    t.app.store.record(START, Effects::with(vec![], vec![message])).await.unwrap();
    t.outbox().await.last().unwrap().id
}

async fn kill(t: &TestApp, id: i64) {
    t.app
        .store
        .settle_message(id, OutboxState::Dead, START, Some("550 mailbox unavailable".into()), START)
        .await
        .unwrap();
}

fn field(e: Error) -> &'static str {
    match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected a form problem, got {other:?}"),
    }
}

#[actix_web::test]
async fn pages_newest_first_by_state_without_codes() {
    let t = TestApp::new();
    let mut ids = Vec::new();
    for n in 0..55 {
        ids.push(queue(&t, &format!("person{n}@example.org"), if n % 2 == 0 { Some(START + 600) } else { None }).await);
    }
    kill(&t, ids[3]).await;
    let flows = &t.app.flows;
    let first = flows.outbox_page("", None).await.unwrap();
    assert_eq!(first.entries.len(), 50);
    assert_eq!(first.entries[0].id, ids[54]);
    assert_eq!(first.entries[0].to, "pe•••••@example.org");
    assert_eq!(first.entries[0].body, None, "a code message's body is never shown");
    assert_eq!(
        first.entries[1].body.as_deref(),
        Some("Your code is: 12345678"),
        "a message without expiry is a notice"
    );
    let older = flows.outbox_page("all", first.older).await.unwrap();
    assert_eq!(older.entries.len(), 5);
    assert_eq!(older.older, None);
    let dead = flows.outbox_page("dead", None).await.unwrap();
    assert_eq!(dead.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [ids[3]]);
    assert_eq!(dead.entries[0].last_error.as_deref(), Some("550 mailbox unavailable"));
    assert!(dead.counts.contains(&("dead".to_owned(), 1)));
    assert_eq!(field(flows.outbox_page("lost", None).await.unwrap_err()), "state");
    assert_eq!(field(flows.outbox_page("", Some(0)).await.unwrap_err()), "before");
}

#[actix_web::test]
async fn retry_puts_dead_messages_back_and_is_audited() {
    let t = TestApp::new();
    let notice = queue(&t, "a@example.org", None).await;
    let code = queue(&t, "b@example.org", Some(START + 600)).await;
    let stale = queue(&t, "c@example.org", Some(START + 10)).await;
    let sent = queue(&t, "d@example.org", None).await;
    for id in [notice, code, stale] {
        kill(&t, id).await;
    }
    t.app.store.settle_message(sent, OutboxState::Sent, START, None, START).await.unwrap();
    t.clock.advance(60);
    let flows = &t.app.flows;
    let client = Client::default();
    let audit_len = || async { t.app.store.audit_count().await.unwrap() };
    let before = audit_len().await;
    assert_eq!(field(flows.retry_message(sent, ADMIN, &client).await.unwrap_err()), "id");
    assert_eq!(field(flows.retry_message(stale, ADMIN, &client).await.unwrap_err()), "id", "its code expired");
    assert_eq!(field(flows.retry_message(9999, ADMIN, &client).await.unwrap_err()), "id");
    assert_eq!(audit_len().await, before, "refusals change nothing");

    flows.retry_message(notice, ADMIN, &client).await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.id == notice).unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Pending, 0));
    let due = t.app.store.due_messages(START + 60, 3600, 10).await.unwrap();
    assert!(due.iter().any(|r| r.id == notice), "due now");
    let last = t.app.store.recent_audit(1).await.unwrap().pop().unwrap().record;
    assert_eq!((last.actor.as_str(), last.activity.as_str()), (ADMIN, "Outbox messages retried (by admin)"));
    assert!(
        last.detail.contains(&format!("#{notice}")) && last.detail.contains("a•••••@example.org"),
        "{}",
        last.detail
    );

    assert_eq!(flows.retry_dead_messages(ADMIN, &client).await.unwrap(), 1, "the live code; not the expired one");
    let states: Vec<OutboxState> = t.outbox().await.iter().map(|r| r.state).collect();
    assert_eq!(states, [OutboxState::Pending, OutboxState::Pending, OutboxState::Dead, OutboxState::Sent]);
    assert_eq!(field(flows.retry_dead_messages(ADMIN, &client).await.unwrap_err()), "id");
}

mod pages {
    //! The outbox page through the in-process server.
    use super::*;
    use crate::admin_support::{add_admin, csrf, form, get, location, sign_in_admin};
    use crate::support::text;
    use actix_web::http::StatusCode;
    use actix_web::test;

    #[actix_web::test]
    async fn the_page_hides_codes_filters_and_retries() {
        let t = TestApp::new();
        add_admin(&t, "ada").await;
        let code = queue(&t, "carla@example.org", Some(START + 3600)).await;
        let notice = queue(&t, "nina@example.org", None).await;
        kill(&t, code).await;
        kill(&t, notice).await;
        let svc = t.service().await;
        let jar = sign_in_admin(&svc, "ada").await;
        let token = csrf(&jar);
        let resp = test::call_service(&svc, get("/admin/outbox", &jar)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let body = text(resp).await;
        assert!(body.contains("ca•••••@example.org") && !body.contains("carla@example.org"), "masked");
        assert_eq!(body.matches("12345678").count(), 1, "only the notice's text is shown: {body}");
        assert!(body.contains("550 mailbox unavailable"));
        let resp = test::call_service(&svc, get("/admin/outbox?state=sent", &jar)).await;
        assert!(text(resp).await.contains("No message in state sent"));
        for bad in ["/admin/outbox?state=lost", "/admin/outbox?before=x", "/admin/outbox?before=0"] {
            let resp = test::call_service(&svc, get(bad, &jar)).await;
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        }

        let resp =
            test::call_service(&svc, form(&format!("/admin/outbox/{code}/retry"), &jar, &[("csrf", &token)])).await;
        assert_eq!(location(&resp), "/admin/outbox?done=retried");
        let before = t.app.store.audit_count().await.unwrap();
        for path in [
            format!("/admin/outbox/{code}/retry"),
            "/admin/outbox/x/retry".to_owned(),
            "/admin/outbox/999/retry".to_owned(),
        ] {
            let resp = test::call_service(&svc, form(&path, &jar, &[("csrf", &token)])).await;
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{path}");
            assert!(text(resp).await.contains("Retry: "));
        }
        assert_eq!(t.app.store.audit_count().await.unwrap(), before, "refusals change nothing");
        let resp = test::call_service(&svc, form("/admin/outbox/retry-dead", &jar, &[("csrf", &token)])).await;
        assert_eq!(location(&resp), "/admin/outbox?done=retried-all");
        assert!(t.outbox().await.iter().all(|r| r.state == OutboxState::Pending));
        let resp = test::call_service(&svc, form("/admin/outbox/retry-dead", &jar, &[])).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no CSRF token");
    }
}

#[actix_web::test]
async fn a_notices_this_wasnt_me_link_is_hidden_like_a_code() {
    let t = TestApp::new();
    let message = Message {
        channel: Channel::Email,
        recipient: "ann@example.org".into(),
        subject: "Your password was changed".into(),
        body: "If this wasn't you: https://passdesk.example/report/abcdef0123".into(),
        expires_at: None,
    };
    t.app.store.record(START, Effects::with(vec![], vec![message])).await.unwrap();
    let page = t.app.flows.outbox_page("all", None).await.unwrap();
    let entry = page.entries.iter().find(|e| e.subject == "Your password was changed").unwrap();
    assert_eq!(entry.body, None, "a live report link is a token: never on the page");
}
