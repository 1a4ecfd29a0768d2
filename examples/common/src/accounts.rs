//! [`AccountStore`]: an in-memory user table with Argon2id password hashes, standing in for the
//! service's database.

use std::collections::HashMap;
use std::fmt;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jwt_auth::secrecy::ExposeSecret;

/// The demo account's email address.
pub const DEMO_EMAIL: &str = "ada@example.com";
/// The demo account's password (documented in the README; never a real one).
pub const DEMO_PASSWORD: &str = "correct horse battery staple";
/// The demo account's user id, the token's `sub`.
pub const DEMO_USER_ID: &str = "1";

/// A user who can log in.
#[derive(Clone)]
pub struct Account {
    /// The user id: the token's `sub`.
    pub id: String,
    /// The email address, as stored (lower case).
    pub email: String,
    password_hash: PasswordHash,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Accounts by email, with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, OWASP's
/// recommendation) password hashes.
pub struct AccountStore {
    argon2: Argon2<'static>,
    by_email: HashMap<String, Account>,
    /// Verified against when the email is unknown, so that an unknown email costs as much time as
    /// a wrong password and response times do not reveal which accounts exist.
    dummy_hash: PasswordHash,
}

impl fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountStore")
            .field("accounts", &self.by_email.len())
            .finish_non_exhaustive()
    }
}

impl AccountStore {
    /// An empty store.
    ///
    /// # Errors
    /// When the OS cannot provide randomness for a salt.
    pub fn new() -> Result<Self, argon2::password_hash::Error> {
        let argon2 = Argon2::default();
        // A password nobody knows: 64 random hex characters.
        let (_, unguessable) = jwt_auth::Secret::generate();
        let dummy_hash = argon2.hash_password(unguessable.expose_secret().as_bytes())?;
        Ok(Self {
            argon2,
            by_email: HashMap::new(),
            dummy_hash,
        })
    }

    /// The store the examples run with: [`DEMO_EMAIL`] / [`DEMO_PASSWORD`], user id
    /// [`DEMO_USER_ID`].
    ///
    /// # Errors
    /// As [`AccountStore::new`].
    pub fn with_demo_account() -> Result<Self, argon2::password_hash::Error> {
        let mut store = Self::new()?;
        store.add(DEMO_USER_ID, DEMO_EMAIL, DEMO_PASSWORD)?;
        Ok(store)
    }

    /// Adds an account, hashing `password` with a fresh random salt.
    ///
    /// # Errors
    /// As [`AccountStore::new`].
    pub fn add(
        &mut self,
        id: &str,
        email: &str,
        password: &str,
    ) -> Result<(), argon2::password_hash::Error> {
        let password_hash = self.argon2.hash_password(password.as_bytes())?;
        let email = normalize(email);
        self.by_email.insert(
            email.clone(),
            Account {
                id: id.to_owned(),
                email,
                password_hash,
            },
        );
        Ok(())
    }

    /// The account whose email and password these are, or `None`, taking the same time either
    /// way. Deliberately slow (tens of milliseconds): call it off the async executor.
    pub fn authenticate(&self, email: &str, password: &str) -> Option<&Account> {
        let account = self.by_email.get(&normalize(email));
        let hash = account.map_or(&self.dummy_hash, |account| &account.password_hash);
        // argon2 recomputes the hash and compares it in constant time.
        let matches = self
            .argon2
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        account.filter(|_| matches)
    }
}

fn normalize(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticates_only_the_right_password() {
        let store = AccountStore::with_demo_account().unwrap();
        let ada = store
            .authenticate(" Ada@Example.com ", DEMO_PASSWORD)
            .unwrap();
        assert_eq!(
            (ada.id.as_str(), ada.email.as_str()),
            (DEMO_USER_ID, DEMO_EMAIL)
        );
        assert!(store.authenticate(DEMO_EMAIL, "wrong").is_none());
        assert!(
            store
                .authenticate("bob@example.com", DEMO_PASSWORD)
                .is_none()
        );
        assert!(!format!("{ada:?}").contains("argon2"));
    }
}
