//! Authentication: the bearer token of a request's `Authorization` header, verified. The
//! [`Verifier`]'s HTTP face, here so that the verifier itself knows nothing of HTTP.

use serde::de::DeserializeOwned;

use super::bearer::token68;
use super::{AuthError, Authorization, BearerError};
use crate::claims::Claims;
use crate::jws::VerifyError;
use crate::observe;
use crate::verifier::Verifier;

impl Verifier {
    /// Reads the bearer token from a request's `Authorization` header and verifies it.
    /// `authorization` is an [`http::HeaderMap`](::http::HeaderMap) or an [`Authorization`] read
    /// from raw header bytes.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", None)?;
    /// let mut headers = HeaderMap::new();
    /// headers.insert(AUTHORIZATION, HeaderValue::try_from(format!("Bearer {token}"))?);
    /// assert_eq!(jwt_auth::Verifier::new(&secret).authenticate(&headers)?.sub, "42");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`AuthError::Bearer`] when the header carries no usable token, [`AuthError::Token`] when
    /// the token is rejected. Either maps to its RFC 6750 response with
    /// [`AuthError::to_response`].
    pub fn authenticate<'a>(
        &self,
        authorization: impl Into<Authorization<'a>>,
    ) -> Result<Claims, AuthError> {
        self.authenticate_as(authorization)
    }

    /// [`Verifier::authenticate`] with custom claims of type `C`.
    ///
    /// ```
    /// use jwt_auth::Authorization;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", None)?;
    /// let header = format!("Bearer {token}");
    /// let claims = jwt_auth::Verifier::new(&secret)
    ///     .authenticate_as::<serde_json::Map<String, serde_json::Value>>(Authorization::from_values([header.as_bytes()]))?;
    /// assert!(claims.custom.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::authenticate`].
    pub fn authenticate_as<'a, C: DeserializeOwned>(
        &self,
        authorization: impl Into<Authorization<'a>>,
    ) -> Result<Claims<C>, AuthError> {
        self.authenticate_optional_as(authorization)?
            .ok_or(AuthError::Bearer(BearerError::Missing))
    }

    /// For routes where signing in is optional: `Ok(None)` when the request has no
    /// `Authorization` header at all, and otherwise exactly what [`Verifier::authenticate`]
    /// answers, so a client whose token expired is still told to sign in again rather than
    /// served as anonymous.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// assert_eq!(verifier.authenticate_optional(&HeaderMap::new()), Ok(None));
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer expired.or.forged"));
    /// assert!(verifier.authenticate_optional(&headers).is_err());
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::authenticate`], except [`BearerError::Missing`].
    pub fn authenticate_optional<'a>(
        &self,
        authorization: impl Into<Authorization<'a>>,
    ) -> Result<Option<Claims>, AuthError> {
        self.authenticate_optional_as(authorization)
    }

    /// [`Verifier::authenticate_optional`] with custom claims of type `C`.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// let none = verifier.authenticate_optional_as::<()>(jwt_auth::Authorization::from_values([]))?;
    /// assert!(none.is_none());
    /// # Ok::<(), jwt_auth::AuthError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::authenticate_optional`].
    pub fn authenticate_optional_as<'a, C: DeserializeOwned>(
        &self,
        authorization: impl Into<Authorization<'a>>,
    ) -> Result<Option<Claims<C>>, AuthError> {
        let credentials = match authorization.into().credentials() {
            Err(BearerError::Missing) => return Ok(None),
            Err(other) => return Err(other.into()),
            Ok(credentials) => credentials,
        };
        let verdict = self.judge(credentials);
        // Credentials that are not a token68 make a malformed request (400), not a bad token
        // (401). The verifier accepts none of them, so they are looked for only in what it
        // refuses, and before its verdict is reported: they are never counted as a token.
        if verdict.is_err() {
            token68(credentials)?;
        }
        observe::verification(&verdict, VerifyError::cause_name);
        Ok(Some(verdict?))
    }
}
