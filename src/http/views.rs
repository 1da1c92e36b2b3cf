//! One askama struct per template in `web/templates/`. Templates are
//! compiled into the binary; values are HTML-escaped by askama.

use super::Site;
use crate::domain::questions::Question;
use crate::domain::{OfferedMethod, ProofStyle};
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use askama::Template;

/// Renders a page; a template error (a bug) becomes a plain 500.
pub fn render<T: Template>(status: StatusCode, page: &T) -> HttpResponse {
    match page.render() {
        Ok(html) => HttpResponse::build(status).insert_header(ContentType::html()).body(html),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            super::error::text(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// `index.html`: the landing page.
#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    /// Branding.
    pub site: &'a Site,
}

/// `reset_identify.html`: the user ID form.
#[derive(Template)]
#[template(path = "reset_identify.html")]
pub struct IdentifyPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// What was typed, on a retry.
    pub user: &'a str,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
    /// Where the form posts (`/reset` or `/unlock`).
    pub action: &'a str,
    /// Page heading.
    pub heading: String,
    /// The sentence under the heading.
    pub intro: String,
    /// The proof-of-work challenge and its difficulty, when the captcha is on.
    pub captcha: Option<(String, u8)>,
}

/// `unlock_confirm.html`: the last step of an unlock.
#[derive(Template)]
#[template(path = "unlock_confirm.html")]
pub struct UnlockConfirmPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
}

/// `message.html`: a finished action (unlocked, changed).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Heading.
    pub heading: &'a str,
    /// What happened.
    pub text: &'a str,
}

/// `report.html`: confirm that a reset, change or unlock was not you.
#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// Where the form posts.
    pub action: &'a str,
    /// "reset", "change" or "unlock".
    pub what: &'a str,
    /// When (RFC 3339).
    pub when: &'a str,
}

/// `change.html`: change a known password.
#[derive(Template)]
#[template(path = "change.html")]
pub struct ChangePage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// What was typed, on a retry.
    pub user: &'a str,
    /// Minimum length in force.
    pub min_length: usize,
    /// Maximum length in force.
    pub max_length: usize,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// `reset_verify.html`: send and type codes.
#[derive(Template)]
#[template(path = "reset_verify.html")]
pub struct VerifyPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// Methods offered, with their state.
    pub methods: Vec<MethodView>,
    /// How many must be passed.
    pub required: u8,
    /// How many have been passed.
    pub passed: usize,
    /// Confirmation to show ("code sent").
    pub notice: Option<&'a str>,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// One method as the verify page shows it.
pub struct MethodView {
    /// Method id to post back.
    pub id: String,
    /// Masked destination.
    pub hint: String,
    /// Already passed.
    pub proven: bool,
    /// The heading ("E-mail a code to al•••••@example.org").
    pub title: String,
    /// How it is proven: "code", "phone", "questions" or "app".
    pub style: &'static str,
    /// The drawn questions, for the questions method.
    pub questions: Vec<Question>,
}

impl MethodView {
    /// The view of each offered method.
    pub fn list(site: &Site, methods: &[OfferedMethod], proven: &[String], questions: &[Question]) -> Vec<Self> {
        methods
            .iter()
            .map(|m| {
                let (title, style) = match m.kind.style() {
                    ProofStyle::SentCode => (site.t1("verify-email-title", "hint", &m.hint), "code"),
                    ProofStyle::PhoneCode => (format!("{} ({})", site.t(m.kind.label_key()), m.hint), "phone"),
                    ProofStyle::Answers => (site.t(m.kind.label_key()), "questions"),
                    ProofStyle::DeviceCode => (site.t(m.kind.label_key()), "app"),
                    ProofStyle::Passkey => (site.t("verify-passkey-title"), "passkey"),
                };
                let questions = if style == "questions" { questions.to_vec() } else { Vec::new() };
                Self { id: m.id.clone(), hint: m.hint.clone(), proven: proven.contains(&m.id), title, style, questions }
            })
            .collect()
    }
}

/// `reset_password.html`: choose the new password.
#[derive(Template)]
#[template(path = "reset_password.html")]
pub struct PasswordPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// Minimum length in force.
    pub min_length: usize,
    /// Maximum length in force.
    pub max_length: usize,
    /// The effective rules, as sentences.
    pub rules: Vec<String>,
    /// Where the directory's rules come from.
    pub source: &'a str,
    /// The password is too young to change until then (RFC 3339), if so.
    pub too_young_until: Option<String>,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// `reset_done.html`: the end of a reset.
#[derive(Template)]
#[template(path = "reset_done.html")]
pub struct DonePage<'a> {
    /// Branding.
    pub site: &'a Site,
}

/// `error.html`: every error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    /// Branding and helpdesk link.
    pub site: &'a Site,
    /// HTTP status.
    pub status: u16,
    /// What went wrong, for people.
    pub message: &'a str,
    /// Ties the page to the log.
    pub request_id: &'a str,
    /// Where to start again, if useful.
    pub retry: Option<&'a str>,
}

/// `register_sign_in.html`: sign in to registration with the directory password.
#[derive(Template)]
#[template(path = "register_sign_in.html")]
pub struct RegisterSignInPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// What was typed, on a retry.
    pub user: &'a str,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// One row of the registration overview.
pub struct RegisteredView {
    /// Stable kind id (for the remove form).
    pub kind: &'static str,
    /// What it is.
    pub label: String,
    /// Masked value, or how many passkeys.
    pub hint: String,
    /// "from the directory", "verified by you on …", "set by your administrator on …".
    pub origin: String,
    /// A remove button is shown.
    pub removable: bool,
}

/// `register.html`: what is registered, what the policy asks, and the forms.
#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// Name to greet.
    pub display_name: &'a str,
    /// What passdesk can use now.
    pub items: Vec<RegisteredView>,
    /// Methods the policy requires.
    pub required: u8,
    /// Methods the person has.
    pub usable: usize,
    /// The interrupt banner: register (or confirm) before going on.
    pub interrupt: bool,
    /// The data is older than the re-confirmation period.
    pub stale: bool,
    /// Register forms offered: alternate e-mail, mobile, office phone.
    pub offer_alt_email: bool,
    /// Mobile phone form.
    pub offer_mobile: bool,
    /// Office phone form.
    pub offer_office: bool,
    /// Security questions link.
    pub offer_questions: bool,
    /// Authenticator link.
    pub offer_authenticator: bool,
    /// Passkey link.
    pub offer_passkey: bool,
    /// A code is waiting: the heading, and where it was sent.
    pub pending: Option<(String, String)>,
    /// What just happened.
    pub notice: Option<&'a str>,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// `register_questions.html`: choose and answer security questions.
#[derive(Template)]
#[template(path = "register_questions.html")]
pub struct RegisterQuestionsPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// The list to choose from.
    pub catalogue: &'a [Question],
    /// Slots 1..=count.
    pub slots: Vec<usize>,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// `register_authenticator.html`: the QR code, the text secret and the first code.
#[derive(Template)]
#[template(path = "register_authenticator.html")]
pub struct RegisterAuthenticatorPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// `data:` URL of the QR code SVG.
    pub qr: String,
    /// The secret in groups of four, for typing by hand.
    pub secret: String,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}

/// `reset_link.html`: "choose your password" behind an administrator's link.
#[derive(Template)]
#[template(path = "reset_link.html")]
pub struct ResetLinkPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// Where the button posts.
    pub action: &'a str,
}

/// `passkey.html`: one WebAuthn ceremony (register a passkey, or prove
/// identity with one); the options ride in a data attribute for the script.
#[derive(Template)]
#[template(path = "passkey.html")]
pub struct PasskeyPage<'a> {
    /// Branding.
    pub site: &'a Site,
    /// Anti-CSRF token.
    pub csrf: &'a str,
    /// "create" or "get".
    pub ceremony: &'static str,
    /// The options as JSON text.
    pub options: String,
    /// Where the answer is posted.
    pub action: &'static str,
    /// Heading.
    pub heading: &'a str,
    /// The sentence under it.
    pub intro: &'a str,
    /// The button's label.
    pub button: &'a str,
    /// Where "Back" goes.
    pub back: &'static str,
    /// Problem to show, if any.
    pub error: Option<&'a str>,
}
