//! `/admin/policy/notifications`: who receives security alerts, and on
//! which days before a password expires its owner is reminded.

use super::{Done, Problem, notice, pairs, refused, unprocessable, value};
use crate::domain::settings::NotificationSettings;
use crate::http::admin::session::{Admin, AdminNav};
use crate::http::admin::{AdminError, render, see_other};
use crate::http::{AppState, Site};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// `admin/policy_notifications.html`
#[derive(Template)]
#[template(path = "admin/policy_notifications.html")]
pub(super) struct NotificationsPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    admin_alerts: String,
    expiry_reminder_days: String,
    problem: Problem,
    notice: Option<&'static str>,
}

impl NotificationsPage {
    fn new(admin: &Admin, site: Site, admin_alerts: String, expiry_reminder_days: String) -> Self {
        Self {
            site,
            nav: admin.nav("policy"),
            csrf: admin.csrf.clone(),
            admin_alerts,
            expiry_reminder_days,
            problem: Problem::default(),
            notice: None,
        }
    }
}

/// `GET /admin/policy/notifications`
pub(super) async fn notifications_get(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, AdminError> {
    admin.require_fresh("")?;
    let now = state.flows.notification_settings();
    let days: Vec<String> = now.expiry_reminder_days.iter().map(u32::to_string).collect();
    let site = admin.site.clone();
    let page = NotificationsPage::new(&admin, site, now.admin_alerts.join("\n"), days.join(", "));
    Ok(render(&NotificationsPage { notice: notice(&query), ..page }))
}

/// `POST /admin/policy/notifications`
pub(super) async fn notifications_post(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = pairs(&body);
    admin.check_form(&req, &value(&pairs, "csrf")).await?;
    admin.require_fresh("/admin/policy/notifications")?;
    let (alerts, days) = (value(&pairs, "admin_alerts"), value(&pairs, "expiry_reminder_days"));
    let problem = match NotificationSettings::parse_days(&days) {
        Err(e) => Problem::new(&e.key, e.message),
        Ok(expiry_reminder_days) => {
            let new = NotificationSettings {
                admin_alerts: NotificationSettings::parse_addresses(&alerts),
                expiry_reminder_days,
            };
            match state.flows.set_notification_settings(new, &admin.actor(), &admin.client()).await {
                Ok(_) => return Ok(see_other("/admin/policy/notifications?done=saved")),
                Err(e) => refused(e)?,
            }
        }
    };
    let site = admin.site.clone();
    Ok(unprocessable(&NotificationsPage { problem, ..NotificationsPage::new(&admin, site, alerts, days) }))
}
