//! What the registration page shows: every way the person can be reached
//! or proven, masked, with where it came from, against what the policy asks.

use super::offered;
use super::session::Signed;
use crate::directory::Account;
use crate::domain::Enrolment;
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::method::Source;
use crate::domain::policy::ResetPolicy;
use crate::domain::questions::{Question, question_catalogue};
use crate::flow::reset::directory_error;
use crate::flow::{Error, Flows};
use crate::i18n::{Lang, Msg};
use crate::store::EnrolmentRow;

/// Where a registered datum came from, as the person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The organisation's directory (not removable here).
    Directory,
    /// The person verified it.
    You,
    /// An administrator imported it.
    Imported,
    /// Copied from the directory by sync.
    Synced,
}

impl Origin {
    /// The word used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::You => "you",
            Self::Imported => "imported",
            Self::Synced => "synced",
        }
    }
}

/// One thing the person can be reached or proven by.
#[derive(Debug, Clone)]
pub struct Item {
    /// What it is.
    pub kind: Enrolment,
    /// Masked value (empty for questions and the authenticator; for
    /// passkeys the count in English, for the API: pages use `hint_msg`).
    pub hint: String,
    /// Where it came from.
    pub origin: Origin,
    /// When it was verified or set (RFC 3339), if passdesk stored it.
    pub since: Option<String>,
    /// The person may remove it here (what passdesk stores, not the directory's).
    pub removable: bool,
    /// How many passkeys (0 for every other kind).
    pub passkeys: usize,
}

/// A code or app confirmation the person still owes.
#[derive(Debug, Clone)]
pub struct PendingView {
    /// What is being registered.
    pub kind: Enrolment,
    /// Masked destination of the code (empty for the authenticator).
    pub hint: String,
    /// Seconds until it stops working.
    pub expires_in: i64,
}

/// Everything the registration page shows.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The user ID.
    pub login: String,
    /// Name to greet the person with.
    pub display_name: String,
    /// What passdesk can use now, one entry per kind.
    pub items: Vec<Item>,
    /// What the person can register here, as the policy offers it.
    pub can_register: Vec<Enrolment>,
    /// Independent methods the policy requires.
    pub required: u8,
    /// Independent methods the person has now.
    pub usable: usize,
    /// Enough methods to reset today.
    pub enough: bool,
    /// Registered data older than the policy's re-confirmation period.
    pub stale: bool,
    /// The policy wants the person to register or confirm before going on,
    /// and they have not skipped it in this session.
    pub interrupt: bool,
    /// Questions a person registers.
    pub questions_to_register: u8,
    /// The questions to choose from.
    pub catalogue: Vec<Question>,
    /// The registration waiting for its code, if any.
    pub pending: Option<PendingView>,
}

impl Enrolment {
    /// A short label for pages, in the catalogue.
    pub fn label_msg(self) -> Msg {
        Msg::new(match self {
            Self::Email => "register-kind-email",
            Self::AltEmail => "register-kind-alt-email",
            Self::Mobile => "register-kind-mobile",
            Self::OfficePhone => "register-kind-office-phone",
            Self::Questions => "register-kind-questions",
            Self::Authenticator => "register-kind-authenticator",
            Self::Passkey => "register-kind-passkey",
        })
    }

    /// The short label in English, for the API (pages use `label_msg`).
    pub fn label(self) -> String {
        Lang::En.msg(&self.label_msg())
    }
}

impl Item {
    /// Where it came from and since when, as the page says it.
    pub fn origin_msg(&self) -> Msg {
        let on = |key| Msg::new(key).arg("date", date_msg(self.since.as_deref().unwrap_or_default()));
        match self.origin {
            Origin::Directory => Msg::new("register-origin-directory"),
            Origin::You => on("register-origin-you"),
            Origin::Imported => on("register-origin-imported"),
            Origin::Synced => on("register-origin-synced"),
        }
    }

    /// The hint when it is words rather than a masked value (how many
    /// passkeys); `None` when `hint` is the masked value itself.
    pub fn hint_msg(&self) -> Option<Msg> {
        (self.kind == Enrolment::Passkey).then(|| passkey_count(self.passkeys))
    }
}

fn passkey_count(n: usize) -> Msg {
    Msg::new("register-passkey-count").arg("n", n)
}

/// The day of an RFC 3339 time, in the order the language writes dates.
fn date_msg(rfc3339: &str) -> Msg {
    let part = |from: usize, to: usize| rfc3339.get(from..to).unwrap_or_default().to_owned();
    Msg::new("register-date").arg("year", part(0, 4)).arg("month", part(5, 7)).arg("day", part(8, 10))
}

impl Flows {
    /// What the registration page shows for a session.
    pub async fn registration(&self, token: &str) -> Result<Registration, Error> {
        let signed = self.signed(token).await?;
        let policy = self.store.reset_policy().await?;
        self.registration_of(&signed, &policy).await
    }

    pub(super) async fn registration_of(&self, s: &Signed, policy: &ResetPolicy) -> Result<Registration, Error> {
        let standing = s.dir.standing(&s.account.id).await.map_err(directory_error)?;
        let (required, allowed) = policy.for_person(standing.admin);
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let usable = self.usable(&rows, &s.account, policy, &allowed);
        let now = self.clock.now();
        let items = self.items(&rows, &s.account);
        let newest_own = rows.iter().filter(|r| r.source == Source::User).map(|r| r.verified_at).max();
        // The helpdesk may ask for it whatever the reconfirm period says.
        let asked_again =
            self.store.open_reregistration(s.row.directory.clone(), s.row.account_id.clone()).await?.is_some();
        let stale = asked_again
            || policy.reconfirm_days > 0
                && newest_own.is_some_and(|at| at + i64::from(policy.reconfirm_days) * 86_400 < now);
        let enough = usable >= usize::from(required);
        let can_register = [
            Enrolment::AltEmail,
            Enrolment::Mobile,
            Enrolment::OfficePhone,
            Enrolment::Questions,
            Enrolment::Authenticator,
            Enrolment::Passkey,
        ]
        .into_iter()
        .filter(|k| offered(&allowed, *k))
        .collect();
        let pending = s.row.pending.as_ref().filter(|p| p.expires_at > now).map(|p| PendingView {
            kind: p.kind,
            hint: match p.kind {
                Enrolment::AltEmail | Enrolment::Email => mask_email(&p.value),
                Enrolment::Mobile | Enrolment::OfficePhone => mask_phone(&p.value),
                _ => String::new(),
            },
            expires_in: p.expires_at - now,
        });
        Ok(Registration {
            login: s.account.login.clone(),
            display_name: s.account.display_name.clone(),
            items,
            can_register,
            required,
            usable,
            enough,
            stale,
            interrupt: (asked_again || policy.require_registration && (!enough || stale)) && !s.row.skipped,
            questions_to_register: policy.questions_to_register,
            catalogue: question_catalogue(&policy.custom_questions),
            pending,
        })
    }

    /// Independent methods the policy accepts from these rows.
    pub(in crate::flow) fn usable(
        &self,
        rows: &[EnrolmentRow],
        account: &Account,
        policy: &ResetPolicy,
        allowed: &[String],
    ) -> usize {
        let methods: Vec<_> = self
            .methods_from(rows, account, policy.questions_to_reset)
            .into_iter()
            .filter(|m| allowed.iter().any(|a| a == &m.id))
            .collect();
        crate::flow::methods::families(&methods)
    }

    fn items(&self, rows: &[EnrolmentRow], account: &Account) -> Vec<Item> {
        let mut items = Vec::new();
        let row_of = |kind| rows.iter().find(|r| r.kind == kind);
        for kind in Enrolment::ALL {
            if let Some(row) = row_of(kind) {
                let passkeys =
                    if kind == Enrolment::Passkey { crate::flow::passkeys::stored_passkeys(rows).len() } else { 0 };
                let hint = match kind {
                    Enrolment::Email | Enrolment::AltEmail => mask_email(&row.value),
                    Enrolment::Mobile | Enrolment::OfficePhone => mask_phone(&row.value),
                    Enrolment::Questions | Enrolment::Authenticator => String::new(),
                    Enrolment::Passkey => Lang::En.msg(&passkey_count(passkeys)),
                };
                let origin = match row.source {
                    Source::User => Origin::You,
                    Source::Import => Origin::Imported,
                    Source::Sync => Origin::Synced,
                };
                let since = Some(crate::clock::rfc3339(row.verified_at));
                items.push(Item { kind, hint, origin, since, removable: true, passkeys });
                continue;
            }
            let directory_value = match kind {
                Enrolment::Email => account.email.clone().filter(|e| e.contains('@')).map(|e| mask_email(&e)),
                Enrolment::Mobile => self.phone(rows, kind, account.mobile.as_deref()).map(|p| mask_phone(&p)),
                Enrolment::OfficePhone => {
                    self.phone(rows, kind, account.office_phone.as_deref()).map(|p| mask_phone(&p))
                }
                _ => None,
            };
            if let Some(hint) = directory_value {
                items.push(Item { kind, hint, origin: Origin::Directory, since: None, removable: false, passkeys: 0 });
            }
        }
        items
    }
}
