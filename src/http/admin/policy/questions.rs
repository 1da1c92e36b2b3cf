//! `/admin/policy/questions`: the predefined security questions, read
//! only, in every language passdesk speaks, and the organisation's own
//! questions (up to 20), added, edited and removed in one form.

use super::{Done, Problem, notice, pairs, refused, unprocessable, value};
use crate::domain::questions::{MAX_CUSTOM_QUESTIONS, PREDEFINED};
use crate::http::admin::session::{Admin, AdminNav};
use crate::http::admin::{AdminError, render, see_other};
use crate::http::{AppState, Site};
use crate::i18n::Lang;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One predefined question in each language.
pub(super) struct Predefined {
    id: &'static str,
    texts: Vec<String>,
}

/// `admin/policy_questions.html`
#[derive(Template)]
#[template(path = "admin/policy_questions.html")]
pub(super) struct QuestionsPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    languages: Vec<&'static str>,
    predefined: Vec<Predefined>,
    offered: bool,
    counts: (u8, u8),
    /// One text box per custom question slot, filled or empty.
    custom: Vec<String>,
    problem: Problem,
    notice: Option<&'static str>,
}

impl QuestionsPage {
    fn new(admin: &Admin, site: Site, policy: &crate::domain::policy::ResetPolicy, custom: Vec<String>) -> Self {
        let mut slots = custom;
        slots.resize(MAX_CUSTOM_QUESTIONS.max(slots.len()), String::new());
        Self {
            site,
            nav: admin.nav("policy"),
            csrf: admin.csrf.clone(),
            languages: Lang::ALL.iter().map(|l| l.native_name()).collect(),
            predefined: PREDEFINED
                .iter()
                .map(|(id, text)| Predefined { id, texts: Lang::ALL.iter().map(|l| l.question(id, text)).collect() })
                .collect(),
            offered: policy.methods.iter().any(|m| m == "questions"),
            counts: (policy.questions_to_register, policy.questions_to_reset),
            custom: slots,
            problem: Problem::default(),
            notice: None,
        }
    }
}

/// `GET /admin/policy/questions`
pub(super) async fn questions_get(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, AdminError> {
    admin.require_fresh("")?;
    let policy = state.flows.policy().await.map_err(AdminError::from_flow)?;
    let site = admin.site.clone();
    let page = QuestionsPage {
        notice: notice(&query),
        ..QuestionsPage::new(&admin, site, &policy, policy.custom_questions.clone())
    };
    Ok(render(&page))
}

/// `POST /admin/policy/questions`: the filled boxes, in order, become the list.
pub(super) async fn questions_post(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = pairs(&body);
    admin.check_form(&req, &value(&pairs, "csrf")).await?;
    admin.require_fresh("/admin/policy/questions")?;
    let typed: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k.starts_with("custom_"))
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    let policy = state.flows.policy().await.map_err(AdminError::from_flow)?;
    let new = crate::domain::policy::ResetPolicy { custom_questions: typed.clone(), ..policy.clone() };
    let problem = match state.flows.replace_policy(new, &admin.actor(), &admin.client()).await {
        Ok(_) => return Ok(see_other("/admin/policy/questions?done=saved")),
        Err(e) => refused(e)?,
    };
    let site = admin.site.clone();
    Ok(unprocessable(&QuestionsPage { problem, ..QuestionsPage::new(&admin, site, &policy, typed) }))
}
