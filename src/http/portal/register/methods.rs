//! The registration pages that set up one method each: security
//! questions, an authenticator app and a passkey. Each has a page that
//! starts it and a form that finishes it.

use super::*;

impl RegisterQuestionsPage<'_> {
    /// How many questions to choose, and the rules for answers.
    pub(in crate::http) fn intro(&self) -> String {
        self.site.lang.t_args("register-questions-intro", &[("n", Arg::from(self.slots.len()))])
    }

    /// "Question 2".
    pub(in crate::http) fn question_label(&self, n: &usize) -> String {
        self.site.lang.t_args("register-question-n", &[("n", Arg::from(*n))])
    }

    /// "Answer 2".
    pub(in crate::http) fn answer_label(&self, n: &usize) -> String {
        self.site.lang.t_args("register-answer-n", &[("n", Arg::from(*n))])
    }

    /// A question in the page's language (custom ones as the administrator wrote them).
    pub(in crate::http) fn question_text(&self, q: &Question) -> String {
        self.site.lang.question(&q.id, &q.text)
    }
}

async fn questions_page(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let view = match state.flows.registration(&session(req)).await {
        Ok(view) => view,
        Err(Error::SignInNeeded) => return Ok(see_other("/register")),
        Err(e) => return Err(PageError::from_flow(e, &rid.0, &i18n::site(state, req))),
    };
    let (csrf, cookie) = csrf::token(req);
    let slots = (1..=usize::from(view.questions_to_register)).collect();
    let site = i18n::site(state, req);
    let tpl = RegisterQuestionsPage { site: &site, csrf: &csrf, catalogue: &view.catalogue, slots, error };
    Ok(page(status, &tpl, cookie))
}

pub(super) async fn questions_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
) -> Result<HttpResponse, PageError> {
    questions_page(&state, &req, &rid, StatusCode::OK, None).await
}

/// The questions form: `csrf`, then `question`/`answer` pairs in order.
pub(super) async fn questions_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fields = form.into_inner();
    let csrf_sent = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    csrf::check(&req, &state.site, csrf_sent).map_err(|why| forged(&state, &req, &rid, why))?;
    let questions = fields.iter().filter(|(k, _)| k == "question").map(|(_, v)| v.clone());
    let answers = fields.iter().filter(|(k, _)| k == "answer").map(|(_, v)| v.clone());
    let pairs: Vec<(String, String)> = questions.zip(answers).collect();
    match state.flows.register_questions(&session(&req), &pairs, &client(&req, &rid)).await {
        Ok(()) => Ok(see_other("/register?saved=questions")),
        Err(Error::SignInNeeded) => Ok(see_other("/register")),
        Err(e @ (Error::DirectoryUnavailable | Error::Internal(_))) => {
            Err(PageError::from_flow(e, &rid.0, &i18n::site(&state, &req)))
        }
        Err(e) => {
            let (status, _, message) = describe(&e);
            let message = i18n::site(&state, &req).error_text(&message);
            questions_page(&state, &req, &rid, status, Some(&message)).await
        }
    }
}

/// `data:` URL for an SVG, percent-encoded (no base64 needed for text).
fn svg_data_url(svg: &str) -> String {
    let body = svg.find("<svg").map_or(svg, |at| &svg[at..]);
    let mut out = String::from("data:image/svg+xml,");
    for b in body.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b' ' | b'.' | b'-' | b'_' | b'=' | b'/' | b':' | b',' => {
                out.push(char::from(b))
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

async fn authenticator_page(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let setup = match state.flows.register_authenticator_start(&session(req)).await {
        Ok(setup) => setup,
        Err(Error::SignInNeeded) => return Ok(see_other("/register")),
        Err(e) => return Err(PageError::from_flow(e, &rid.0, &i18n::site(state, req))),
    };
    let (csrf, cookie) = csrf::token(req);
    let grouped: Vec<String> =
        setup.secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    let site = i18n::site(state, req);
    let tpl = RegisterAuthenticatorPage {
        site: &site,
        csrf: &csrf,
        qr: svg_data_url(&setup.qr_svg),
        secret: grouped.join(" "),
        error,
    };
    Ok(no_store(page(status, &tpl, cookie)))
}

pub(super) async fn authenticator_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
) -> Result<HttpResponse, PageError> {
    authenticator_page(&state, &req, &rid, StatusCode::OK, None).await
}

pub(super) async fn authenticator_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    match state.flows.register_authenticator_confirm(&session(&req), &form.code, &client(&req, &rid)).await {
        Ok(()) => Ok(see_other("/register?saved=authenticator")),
        Err(Error::SignInNeeded) => Ok(see_other("/register")),
        Err(e @ (Error::AuthenticatorWrong | Error::Blocked { .. } | Error::InvalidInput { .. })) => {
            let (status, _, message) = describe(&e);
            let message = i18n::site(&state, &req).error_text(&message);
            authenticator_page(&state, &req, &rid, status, Some(&message)).await
        }
        Err(e) => answer(&state, &req, &rid, Err(e), "/register").await,
    }
}

async fn passkey_page(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let options = match state.flows.register_passkey_start(&session(req)).await {
        Ok(options) => options,
        Err(Error::SignInNeeded) => return Ok(see_other("/register")),
        Err(e) => return Err(PageError::from_flow(e, &rid.0, &i18n::site(state, req))),
    };
    let (csrf, cookie) = csrf::token(req);
    let site = i18n::site(state, req);
    let (heading, intro, button) =
        (site.t("passkey-register-heading"), site.t("passkey-register-intro"), site.t("passkey-register-button"));
    let tpl = PasskeyPage {
        site: &site,
        csrf: &csrf,
        ceremony: "create",
        options: options.to_string(),
        action: "/register/passkey",
        heading: &heading,
        intro: &intro,
        button: &button,
        back: "/register",
        error,
    };
    Ok(no_store(page(status, &tpl, cookie)))
}

pub(super) async fn passkey_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
) -> Result<HttpResponse, PageError> {
    passkey_page(&state, &req, &rid, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub(super) struct CredentialForm {
    csrf: String,
    credential: String,
}

pub(super) async fn passkey_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CredentialForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = match serde_json::from_str::<crate::domain::passkey::RegistrationResponse>(&form.credential) {
        Ok(answer) => state.flows.register_passkey_finish(&session(&req), answer, &client(&req, &rid)).await,
        Err(e) => {
            tracing::info!(request_id = %rid.0, error = %e, "unreadable passkey answer");
            Err(Error::InvalidInput { field: "credential", message: Msg::new("input-passkey-unreadable") })
        }
    };
    match outcome {
        Ok(()) => Ok(see_other("/register?saved=passkey")),
        Err(Error::SignInNeeded) => Ok(see_other("/register")),
        Err(e @ (Error::PasskeyRefused(_) | Error::InvalidInput { .. } | Error::WrongStep(_))) => {
            let (status, _, message) = describe(&e);
            let message = i18n::site(&state, &req).error_text(&message);
            passkey_page(&state, &req, &rid, status, Some(&message)).await
        }
        Err(e) => answer(&state, &req, &rid, Err(e), "/register").await,
    }
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<CredentialForm>(), crate::http::fuzz::form::<Vec<(String, String)>>()]
}
