//! Framework integration, each behind its feature. What they share: the one rule that turns a
//! request's `Authorization` headers into claims, a rejection, or nobody.

use serde::de::DeserializeOwned;

use crate::claims::Claims;
use crate::jws::VerifyError;
use crate::verifier::Verifier;
use crate::web::{AuthError, Authorization, BearerError};

#[cfg(feature = "actix-web")]
pub mod actix_web;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "tower")]
pub mod tower;

/// [`Verifier::authenticate_optional_as`], except that a valid token whose custom claims do not
/// fit `C` ([`VerifyError::CustomClaims`], which the verifier reports only once every other rule
/// has passed) is [`AuthError::InsufficientScope`]: the token says who the caller is, and 401
/// would make a front end sign out a user whom only this route refuses. A registered claim of the
/// wrong type (`sub` a number, `aud` an object) is a malformed token and stays a 401.
pub(crate) fn authenticate<C: DeserializeOwned>(
    verifier: &Verifier,
    authorization: Authorization<'_>,
) -> Result<Option<Claims<C>>, AuthError> {
    match verifier.authenticate_optional_as::<C>(authorization) {
        Err(AuthError::Token(VerifyError::CustomClaims { reason })) => {
            Err(AuthError::insufficient_scope(format!(
                "the token's custom claims do not fit this route: {reason}"
            )))
        }
        result => result,
    }
}

/// Whether [`authenticate`] answered what a refresh of the verifier's remote key set may change
/// ([`VerifyError::KeySetRefreshing`]): then the integration waits, with [`authenticate_fresh`].
/// Never true for a verifier without a remote key set, so the others never leave the
/// synchronous path.
pub(crate) fn needs_refresh<C>(result: &Result<Option<Claims<C>>, AuthError>) -> bool {
    matches!(
        result,
        Err(AuthError::Token(VerifyError::KeySetRefreshing { .. }))
    )
}

/// [`authenticate`] for `token` (the bearer token [`authenticate`] read), waiting for the
/// remote key set's refresh ([`Verifier::verify_fresh_as`]).
pub(crate) async fn authenticate_fresh<C: DeserializeOwned>(
    verifier: &Verifier,
    token: &str,
) -> Result<Option<Claims<C>>, AuthError> {
    match verifier.verify_fresh_as::<C>(token).await {
        Err(VerifyError::CustomClaims { reason }) => Err(AuthError::insufficient_scope(format!(
            "the token's custom claims do not fit this route: {reason}"
        ))),
        result => Ok(Some(result?)),
    }
}

/// [`authenticate`] for a route that requires a caller.
pub(crate) fn required<C>(
    result: Result<Option<Claims<C>>, AuthError>,
) -> Result<Claims<C>, AuthError> {
    result?.ok_or(AuthError::Bearer(BearerError::Missing))
}

/// The rejection for claims that fail a route's `condition`.
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub(crate) fn require<C>(
    claims: &Claims<C>,
    requirement: &str,
    condition: impl FnOnce(&Claims<C>) -> bool,
) -> Result<(), AuthError> {
    if condition(claims) {
        Ok(())
    } else {
        Err(AuthError::insufficient_scope(format!(
            "the route requires {requirement}"
        )))
    }
}
