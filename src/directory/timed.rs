//! A directory whose every call is tallied as directory time of the
//! request that made it (`crate::timing`), wrapped around each configured
//! directory by the composition root.

use super::{Account, AccountId, Directory, DirectoryPolicy, Error, Expiring, Listed, ResetMode, Standing, check};
use crate::timing::{Part, measure};
use async_trait::async_trait;
use secrecy::SecretString;
use std::sync::Arc;

/// Wraps a directory; behaves exactly like it.
pub struct Timed(pub Arc<dyn Directory>);

#[async_trait]
impl Directory for Timed {
    fn name(&self) -> &str {
        self.0.name()
    }

    async fn find(&self, login: &str) -> Result<Option<Account>, Error> {
        measure(Part::Directory, self.0.find(login)).await
    }

    async fn search(&self, text: &str, limit: usize) -> Result<Vec<Account>, Error> {
        measure(Part::Directory, self.0.search(text, limit)).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<Account>, Error> {
        measure(Part::Directory, self.0.account(id)).await
    }

    async fn authenticate(&self, id: &AccountId, password: &SecretString) -> Result<(), Error> {
        measure(Part::Directory, self.0.authenticate(id, password)).await
    }

    async fn reset_password(&self, id: &AccountId, new: &SecretString, mode: ResetMode) -> Result<(), Error> {
        measure(Part::Directory, self.0.reset_password(id, new, mode)).await
    }

    async fn change_password(&self, id: &AccountId, old: &SecretString, new: &SecretString) -> Result<(), Error> {
        measure(Part::Directory, self.0.change_password(id, old, new)).await
    }

    async fn unlock(&self, id: &AccountId) -> Result<(), Error> {
        measure(Part::Directory, self.0.unlock(id)).await
    }

    async fn password_policy(&self, id: &AccountId) -> Result<DirectoryPolicy, Error> {
        measure(Part::Directory, self.0.password_policy(id)).await
    }

    async fn find_linked(&self, value: &str) -> Result<Option<Account>, Error> {
        measure(Part::Directory, self.0.find_linked(value)).await
    }

    async fn list(&self, attributes: &[String], seen: &(dyn Fn(usize) + Sync)) -> Result<Option<Vec<Listed>>, Error> {
        measure(Part::Directory, self.0.list(attributes, seen)).await
    }

    async fn password_expiries(&self) -> Result<Option<Vec<Expiring>>, Error> {
        measure(Part::Directory, self.0.password_expiries()).await
    }

    async fn standing(&self, id: &AccountId) -> Result<Standing, Error> {
        measure(Part::Directory, self.0.standing(id)).await
    }

    async fn self_check(&self) -> Vec<check::CheckItem> {
        self.0.self_check().await
    }
}
