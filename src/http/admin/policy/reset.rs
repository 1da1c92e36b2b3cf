//! `/admin/policy`: every option of the reset policy, labelled and
//! explained as administrators know them from the reference's "Password
//! reset" blade, plus passdesk's own (unlock, reminders).

use super::{Done, Problem, notice, pairs, unprocessable, value, values};
use crate::domain::policy::{Enabled, METHOD_NAMES, ResetPolicy};
use crate::http::admin::session::{Admin, AdminNav};
use crate::http::admin::{AdminError, render, see_other};
use crate::http::{AppState, Site};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// A method's check box.
pub(super) struct MethodBox {
    name: &'static str,
    label: &'static str,
    checked: bool,
}

/// How the page names each method.
pub(super) fn method_label(name: &str) -> &'static str {
    match name {
        "email" => "Email",
        "alt_email" => "Alternate email",
        "mobile_sms" => "Mobile phone (SMS)",
        "mobile_voice" => "Mobile phone (call)",
        "office_voice" => "Office phone",
        "questions" => "Security questions",
        "authenticator" => "Mobile app code (authenticator)",
        "passkey" => "Passkey (security key or device)",
        _ => "Unknown method",
    }
}

/// The form's values as typed, so a refused form comes back as it was sent.
#[derive(Debug, Clone)]
pub(super) struct PolicyForm {
    enabled: String,
    methods_required: String,
    methods: Vec<String>,
    questions_to_register: String,
    questions_to_reset: String,
    require_registration: bool,
    reconfirm_days: String,
    reminder_days: String,
    allow_unlock: bool,
    notify_user_on_reset: bool,
    notify_admins_on_admin_reset: bool,
    custom_helpdesk: bool,
    helpdesk: String,
}

impl PolicyForm {
    fn of(p: &ResetPolicy) -> Self {
        let enabled = match p.enabled {
            Enabled::None => "none",
            Enabled::Group => "group",
            Enabled::All => "all",
        };
        Self {
            enabled: enabled.to_owned(),
            methods_required: p.methods_required.to_string(),
            methods: p.methods.clone(),
            questions_to_register: p.questions_to_register.to_string(),
            questions_to_reset: p.questions_to_reset.to_string(),
            require_registration: p.require_registration,
            reconfirm_days: p.reconfirm_days.to_string(),
            reminder_days: p.reminder_days.to_string(),
            allow_unlock: p.allow_unlock,
            notify_user_on_reset: p.notify_user_on_reset,
            notify_admins_on_admin_reset: p.notify_admins_on_admin_reset,
            custom_helpdesk: !p.helpdesk.is_empty(),
            helpdesk: p.helpdesk.clone(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let yes = |name: &str| value(pairs, name) == "yes";
        Self {
            enabled: value(pairs, "enabled"),
            methods_required: value(pairs, "methods_required"),
            methods: values(pairs, "methods"),
            questions_to_register: value(pairs, "questions_to_register"),
            questions_to_reset: value(pairs, "questions_to_reset"),
            require_registration: yes("require_registration"),
            reconfirm_days: value(pairs, "reconfirm_days"),
            reminder_days: value(pairs, "reminder_days"),
            allow_unlock: yes("allow_unlock"),
            notify_user_on_reset: yes("notify_user_on_reset"),
            notify_admins_on_admin_reset: yes("notify_admins_on_admin_reset"),
            custom_helpdesk: yes("custom_helpdesk"),
            helpdesk: value(pairs, "helpdesk").trim().to_owned(),
        }
    }

    /// The policy this form asks for (the flow validates it as a whole);
    /// the custom questions are kept, they have their own page.
    fn policy(&self, current: &ResetPolicy) -> Result<ResetPolicy, Problem> {
        fn number<T: std::str::FromStr>(key: &str, text: &str, range: &str) -> Result<T, Problem> {
            text.trim().parse().map_err(|_| Problem::new(key, format!("\"{text}\" is not a whole number: use {range}")))
        }
        let enabled = match self.enabled.as_str() {
            "none" => Enabled::None,
            "group" => Enabled::Group,
            "all" => Enabled::All,
            _ => return Err(Problem::new("enabled", "choose None, Selected or All")),
        };
        if self.custom_helpdesk && self.helpdesk.is_empty() {
            return Err(Problem::new(
                "helpdesk",
                "give the helpdesk's https:// link or mailto: address, or answer No to \"Customize helpdesk link?\"",
            ));
        }
        Ok(ResetPolicy {
            enabled,
            methods_required: number("methods_required", &self.methods_required, "1 or 2")?,
            methods: self.methods.clone(),
            questions_to_register: number("questions_to_register", &self.questions_to_register, "3, 4 or 5")?,
            questions_to_reset: number("questions_to_reset", &self.questions_to_reset, "3, 4 or 5")?,
            require_registration: self.require_registration,
            reconfirm_days: number("reconfirm_days", &self.reconfirm_days, "0 (never) to 730")?,
            reminder_days: number("reminder_days", &self.reminder_days, "0 (no reminders) to 365")?,
            allow_unlock: self.allow_unlock,
            notify_user_on_reset: self.notify_user_on_reset,
            notify_admins_on_admin_reset: self.notify_admins_on_admin_reset,
            helpdesk: if self.custom_helpdesk { self.helpdesk.clone() } else { String::new() },
            custom_questions: current.custom_questions.clone(),
        })
    }
}

/// `admin/policy.html`
#[derive(Template)]
#[template(path = "admin/policy.html")]
pub(super) struct PolicyPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    form: PolicyForm,
    methods: Vec<MethodBox>,
    problem: Problem,
    notice: Option<&'static str>,
}

impl PolicyPage {
    fn new(admin: &Admin, site: Site, form: PolicyForm, problem: Problem, notice: Option<&'static str>) -> Self {
        let methods = METHOD_NAMES
            .iter()
            .map(|m| MethodBox { name: m, label: method_label(m), checked: form.methods.iter().any(|c| c == m) })
            .collect();
        Self { site, nav: admin.nav("policy"), csrf: admin.csrf.clone(), form, methods, problem, notice }
    }
}

/// `GET /admin/policy`
pub(super) async fn policy_get(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, AdminError> {
    admin.require_fresh("")?;
    let policy = state.flows.policy().await.map_err(AdminError::from_flow)?;
    let site = admin.site.clone();
    Ok(render(&PolicyPage::new(&admin, site, PolicyForm::of(&policy), Problem::default(), notice(&query))))
}

/// `POST /admin/policy`
pub(super) async fn policy_post(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = pairs(&body);
    admin.check_form(&req, &value(&pairs, "csrf")).await?;
    admin.require_fresh("/admin/policy")?;
    let form = PolicyForm::from_pairs(&pairs);
    let current = state.flows.policy().await.map_err(AdminError::from_flow)?;
    let problem = match form.policy(&current) {
        Ok(new) => match state.flows.replace_policy(new, &admin.actor(), &admin.client()).await {
            Ok(_) => return Ok(see_other("/admin/policy?done=saved")),
            Err(e) => super::refused(e)?,
        },
        Err(problem) => problem,
    };
    let site = admin.site.clone();
    Ok(unprocessable(&PolicyPage::new(&admin, site, form, problem, None)))
}
