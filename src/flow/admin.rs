//! Administrative actions that the CLI (and later the admin pages) run:
//! creating local administrators and seeding the demo users.

use super::{Client, Error, Flows};
use crate::directory::local::NewLocalUser;
use crate::domain::password::generate_password;
use crate::domain::{Activity, AuditOutcome, Enrolment};
use crate::i18n::Msg;
use crate::store::Effects;
use secrecy::{ExposeSecret, SecretString};

/// A demo account created by `serve --demo`.
#[derive(Debug)]
pub struct DemoUser {
    /// User ID to type.
    pub login: String,
    /// Where codes go.
    pub email: String,
    /// Initial password, when this run created the account.
    pub password: Option<SecretString>,
    /// The other methods registered for it, to print.
    pub extras: Vec<String>,
}

/// The demo's authenticator secret: fixed, so the same app entry works
/// after every restart of `serve --demo`. Never used outside the demo.
pub const DEMO_AUTHENTICATOR_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The demo's security questions and answers (alice).
const DEMO_ANSWERS: &[(&str, &str)] = &[("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak Primary")];

const DEMO: &[(&str, &str, &str)] = &[
    ("alice", "Alice Anders", "alice@example.org"),
    ("bob", "Bob Baker", "bob@example.org"),
    ("carol", "Carol Cruz", "carol@example.org"),
];

impl Flows {
    /// Creates the three demo users if they are missing, and, while the
    /// reset policy is still the default, offers every method the demo
    /// users have registered so each can be tried.
    pub async fn seed_demo(&self) -> Result<Vec<DemoUser>, Error> {
        let local = self.local.clone().ok_or(Error::WrongStep("step-demo-needs-local"))?;
        if self.store.reset_policy().await? == crate::domain::policy::ResetPolicy::default() {
            let methods = "email,alt_email,mobile_sms,mobile_voice,authenticator,passkey,questions";
            self.set_policy("methods", methods, "serve --demo", &Client::default()).await?;
        }
        let mut users = Vec::new();
        for (login, name, email) in DEMO {
            let password = SecretString::from(generate_password());
            let user = NewLocalUser {
                login: (*login).to_owned(),
                display_name: (*name).to_owned(),
                email: Some((*email).to_owned()),
                is_admin: false,
            };
            let created = local
                .add_user(user, password.clone(), self.clock.now())
                .await
                .map_err(super::reset::directory_error)?;
            let extras = self.seed_demo_methods(login).await?;
            users.push(DemoUser {
                login: (*login).to_owned(),
                email: (*email).to_owned(),
                password: created.then_some(password),
                extras,
            });
        }
        Ok(users)
    }

    /// Registers the demo's extra methods when the user has none yet:
    /// alice a mobile number and security questions, bob an alternate
    /// address and an authenticator app.
    async fn seed_demo_methods(&self, login: &str) -> Result<Vec<String>, Error> {
        let client = Client::default();
        let (dir, account) = self.enrolee(login).await?;
        let fresh = self.store.enrolments(dir.name().to_owned(), account.id.0.clone()).await?.is_empty();
        let mut extras = Vec::new();
        match login {
            "alice" => {
                if fresh {
                    self.enrol_phone(login, Enrolment::Mobile, "+1 555 0100 001", &client).await?;
                    let answers: Vec<(String, String)> =
                        DEMO_ANSWERS.iter().map(|(q, a)| ((*q).to_owned(), (*a).to_owned())).collect();
                    self.enrol_questions(login, &answers, &client).await?;
                }
                extras.push("mobile +1 555 0100 001".to_owned());
                let answers: Vec<&str> = DEMO_ANSWERS.iter().map(|(_, a)| *a).collect();
                extras.push(format!("security answers: {}", answers.join(" / ")));
            }
            "bob" => {
                if fresh {
                    self.enrol_alt_email(login, "bob.private@example.net", &client).await?;
                    let secret = crate::domain::totp::TotpSecret::from_base32(DEMO_AUTHENTICATOR_SECRET)
                        .ok_or(Error::Internal("demo secret".into()))?;
                    // The previous step's code: still accepted for enrolment, and
                    // it leaves the current code free to try at once.
                    let code = secret.code_at(self.clock.now().div_euclid(crate::domain::totp::STEP_SECS) - 1);
                    self.enrol_authenticator(login, DEMO_AUTHENTICATOR_SECRET, &code, &client).await?;
                }
                extras.push("alternate e-mail bob.private@example.net".to_owned());
                extras.push(format!("authenticator secret {DEMO_AUTHENTICATOR_SECRET}"));
            }
            _ => {}
        }
        Ok(extras)
    }

    /// The local administrators and when each was created.
    pub async fn local_admins(&self) -> Result<Vec<(String, i64)>, Error> {
        let local = self.local.clone().ok_or(Error::WrongStep("step-admins-need-local"))?;
        local.admins().await.map_err(super::reset::directory_error)
    }

    /// Removes a local administrator (audited); the last one stays, so
    /// passdesk is never left without a way in.
    pub async fn remove_local_admin(&self, login: &str, actor: &str, client: &Client) -> Result<(), Error> {
        let local = self.local.clone().ok_or(Error::WrongStep("step-admins-need-local"))?;
        let login =
            crate::domain::Login::parse(login).map_err(|e| Error::InvalidInput { field: "login", message: e.msg() })?;
        match local.remove_admin(login.as_str().to_owned()).await.map_err(super::reset::directory_error)? {
            None => Err(Error::InvalidInput {
                field: "login",
                message: Msg::admin(format!("{login} is not a local administrator (see passdesk admin list)")),
            }),
            Some(false) => Err(Error::InvalidInput {
                field: "login",
                message: Msg::admin(format!(
                    "{login} is the last local administrator: add another (passdesk admin add LOGIN) first"
                )),
            }),
            Some(true) => {
                let mut audit = self.audit(
                    Activity::AdminRemoved,
                    AuditOutcome::Success,
                    login.as_str(),
                    "local administrator removed".into(),
                    client,
                );
                audit.actor = actor.to_owned();
                self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
                Ok(())
            }
        }
    }

    /// Creates a local administrator with a generated password, returned once.
    pub async fn add_local_admin(&self, login: &str, client: &Client) -> Result<SecretString, Error> {
        let local = self.local.clone().ok_or(Error::WrongStep("step-admins-need-local"))?;
        let login =
            crate::domain::Login::parse(login).map_err(|e| Error::InvalidInput { field: "login", message: e.msg() })?;
        let password = SecretString::from(generate_password());
        let user = NewLocalUser {
            login: login.as_str().to_owned(),
            display_name: login.as_str().to_owned(),
            email: None,
            is_admin: true,
        };
        let created =
            local.add_user(user, password.clone(), self.clock.now()).await.map_err(super::reset::directory_error)?;
        if !created {
            return Err(Error::InvalidInput {
                field: "login",
                message: Msg::admin(format!("a local account \"{login}\" already exists: choose another name")),
            });
        }
        let mut audit = self.audit(
            Activity::AdminAdded,
            AuditOutcome::Success,
            login.as_str(),
            "local administrator created".into(),
            client,
        );
        // Created from the command line (`passdesk admin add`, `init`).
        audit.actor = "cli".to_owned();
        self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
        debug_assert!(!password.expose_secret().is_empty());
        Ok(password)
    }
}

impl Flows {
    /// Runs every directory's self-test (`passdesk check`), in name order.
    pub async fn self_check(&self) -> Vec<(String, Vec<crate::directory::check::CheckItem>)> {
        let mut out = Vec::new();
        for dir in &self.directories {
            out.push((dir.name().to_owned(), dir.self_check().await));
        }
        out
    }
}
