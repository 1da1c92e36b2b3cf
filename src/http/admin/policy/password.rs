//! `/admin/policy/password`: passdesk's own password rules (length,
//! strength), the organisation's word list and the breached-password file.

use super::{Done, Problem, notice, pairs, refused, unprocessable, value};
use crate::domain::settings::PasswordSettings;
use crate::http::admin::session::{Admin, AdminNav};
use crate::http::admin::{AdminError, render, see_other};
use crate::http::{AppState, Site};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// The form's values as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct PasswordForm {
    min_length: String,
    max_length: String,
    min_strength: String,
    organisation_words: String,
    breached_file: String,
}

impl PasswordForm {
    fn of(s: &PasswordSettings) -> Self {
        Self {
            min_length: s.min_length.to_string(),
            max_length: s.max_length.to_string(),
            min_strength: s.min_strength.to_string(),
            organisation_words: s.organisation_words.join("\n"),
            breached_file: s.breached_file.clone(),
        }
    }

    fn settings(&self) -> Result<PasswordSettings, Problem> {
        fn number<T: std::str::FromStr>(key: &str, label: &str, text: &str, range: &str) -> Result<T, Problem> {
            text.trim()
                .parse()
                .map_err(|_| Problem::new(key, format!("{label} \"{text}\" is not a whole number: use {range}")))
        }
        Ok(PasswordSettings {
            min_length: number("min_length", "minimum length", &self.min_length, "8 to 256")?,
            max_length: number("max_length", "maximum length", &self.max_length, "64 to 256")?,
            min_strength: number("min_strength", "minimum strength", &self.min_strength, "0 to 4")?,
            organisation_words: PasswordSettings::parse_words(&self.organisation_words),
            breached_file: self.breached_file.trim().to_owned(),
        })
    }
}

/// `admin/policy_password.html`
#[derive(Template)]
#[template(path = "admin/policy_password.html")]
pub(super) struct PasswordPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    form: PasswordForm,
    problem: Problem,
    notice: Option<&'static str>,
}

/// `GET /admin/policy/password`
pub(super) async fn password_get(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, AdminError> {
    admin.require_fresh("")?;
    let form = PasswordForm::of(&state.flows.password_settings());
    let site = admin.site.clone();
    let (nav, csrf) = (admin.nav("policy"), admin.csrf.clone());
    Ok(render(&PasswordPage { site, nav, csrf, form, problem: Problem::default(), notice: notice(&query) }))
}

/// `POST /admin/policy/password`
pub(super) async fn password_post(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = pairs(&body);
    admin.check_form(&req, &value(&pairs, "csrf")).await?;
    admin.require_fresh("/admin/policy/password")?;
    let form = PasswordForm {
        min_length: value(&pairs, "min_length"),
        max_length: value(&pairs, "max_length"),
        min_strength: value(&pairs, "min_strength"),
        organisation_words: value(&pairs, "organisation_words"),
        breached_file: value(&pairs, "breached_file"),
    };
    let problem = match form.settings() {
        Err(problem) => problem,
        Ok(new) => match state.flows.set_password_settings(new, &admin.actor(), &admin.client()).await {
            Ok(_) => return Ok(see_other("/admin/policy/password?done=saved")),
            Err(e) => refused(e)?,
        },
    };
    let site = admin.site.clone();
    let (nav, csrf) = (admin.nav("policy"), admin.csrf.clone());
    Ok(unprocessable(&PasswordPage { site, nav, csrf, form, problem, notice: None }))
}
