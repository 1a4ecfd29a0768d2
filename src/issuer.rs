use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::claims::{Audience, Claims, REGISTERED};
use crate::clock::{Clock, SystemClock};
use crate::jws::object::Object;
use crate::jws::{TokenPart, VerifyError, rfc3339};
use crate::key::{Algorithm, KeyRing, SigningKey};

/// Signs HS256 tokens the product's Python and Node services accept, with the current key of a
/// [`KeyRing`], whose fingerprint it writes as the header's `kid`; or ES256 and EdDSA tokens with
/// a [`SigningKey`], whose RFC 7638 thumbprint it writes as `kid` (see [`SigningKey`]'s example).
///
/// ```
/// use jwt_auth::{Issuer, Secret, Verifier};
/// use time::Duration;
///
/// let (secret, _) = Secret::generate();
/// let issuer = Issuer::new(&secret).with_ttl(Duration::hours(1));
///
/// // The common case: subject and email.
/// let token = issuer.issue("42", Some("ada@example.com"))?;
///
/// // Anything else: start from the issuer's claims and add to them.
/// #[derive(serde::Serialize)]
/// struct Roles { roles: Vec<&'static str> }
/// let claims = issuer.claims_for("42")?.with_jti("a1b2").with_custom(Roles { roles: vec!["admin"] });
/// let token_with_roles = issuer.issue_claims(&claims)?;
///
/// let verifier = Verifier::new(&secret);
/// assert_eq!(verifier.verify(&token)?.email.as_deref(), Some("ada@example.com"));
/// assert_eq!(verifier.verify(&token_with_roles)?.jti.as_deref(), Some("a1b2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Cheap to clone, `Send + Sync`; the HMAC key is derived once, when the secret is made.
#[derive(Debug, Clone)]
pub struct Issuer {
    keys: IssuerKey,
    ttl: Duration,
    clock: Arc<dyn Clock>,
    iss: Option<String>,
    aud: Option<Audience>,
}

impl Issuer {
    /// The default token ttl, and the longest one a [`Verifier`](crate::Verifier) accepts by
    /// default: 7 days (604,800 seconds), the product's `JWT_EXPIRES_MIN = 10080`.
    pub const DEFAULT_TTL: Duration = Duration::days(7);

    /// An issuer signing with `keys`: a [`Secret`](crate::Secret) or a [`KeyRing`]'s current key
    /// (HS256), or a [`SigningKey`] (ES256, EdDSA). Defaults: a ttl of [`Issuer::DEFAULT_TTL`], the [`SystemClock`], no `iss` or `aud`.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::Issuer::new(&secret).ttl(), jwt_auth::Issuer::DEFAULT_TTL);
    /// ```
    pub fn new(keys: impl Into<IssuerKey>) -> Self {
        Self {
            keys: keys.into(),
            ttl: Self::DEFAULT_TTL,
            clock: Arc::new(SystemClock),
            iss: None,
            aud: None,
        }
    }

    /// Sets the token ttl (time to live, `exp - iat`; default 7 days). It must be at least one
    /// second, or issuing fails with [`IssueError::TtlTooShort`]; fractions of a second are
    /// dropped, since NumericDate counts whole seconds.
    ///
    /// ```
    /// use time::Duration;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let issuer = jwt_auth::Issuer::new(&secret).with_ttl(Duration::milliseconds(500));
    /// assert!(matches!(issuer.issue("42", None), Err(jwt_auth::IssueError::TtlTooShort { .. })));
    /// ```
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Replaces the clock (default [`SystemClock`]).
    ///
    /// ```
    /// use jwt_auth::{FixedClock, Issuer, Verifier};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let clock = FixedClock::at_unix(1_767_225_600)?;
    /// let token = Issuer::new(&secret).with_clock(clock).issue("42", None)?;
    /// let claims = Verifier::new(&secret).with_clock(clock).verify(&token)?;
    /// assert_eq!(claims.iat.map(|iat| iat.unix_timestamp()), Some(1_767_225_600));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Puts `iss` in every token. Default: none.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let issuer = jwt_auth::Issuer::new(&secret).with_issuer("users");
    /// assert_eq!(issuer.claims_for("42")?.iss.as_deref(), Some("users"));
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.iss = Some(issuer.into());
        self
    }

    /// Puts `aud` in every token. Default: none.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let issuer = jwt_auth::Issuer::new(&secret).with_audience(["catalog", "orders"]);
    /// assert!(issuer.claims_for("42")?.aud.is_some_and(|aud| aud.contains("orders")));
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<Audience>) -> Self {
        self.aud = Some(audience.into());
        self
    }

    /// The configured ttl.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::Issuer::new(&secret).ttl(), time::Duration::days(7));
    /// ```
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The keys; tokens are signed with the ring's current one, or the signing key.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let ring = jwt_auth::Issuer::new(&secret).keys().ring().cloned().unwrap();
    /// assert_eq!(ring.current().fingerprint(), secret.fingerprint());
    /// ```
    pub fn keys(&self) -> &IssuerKey {
        &self.keys
    }

    /// The clock, for what is built from this issuer (sessions share it).
    /// The same issuer signing with `keys`: [`AuthConfig`](crate::AuthConfig) swaps a ring
    /// without losing the options already set.
    pub(crate) fn with_keys(mut self, keys: IssuerKey) -> Self {
        self.keys = keys;
        self
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Signs a token for `sub` with an optional `email`, issued now and expiring after the
    /// ttl.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", Some("ada@example.com"))?;
    /// assert_eq!(token.split('.').count(), 3);
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`], [`IssueError::TtlTooShort`] or
    /// [`IssueError::TimeOutOfRange`].
    pub fn issue(&self, sub: &str, email: Option<&str>) -> Result<String, IssueError> {
        let mut claims = self.claims_for(sub)?;
        claims.email = email.map(str::to_owned);
        // `claims_for` checked the subject and the ttl, and `Claims<()>` has no custom
        // members, so no name can repeat: the checks of `issue_claims` would find nothing.
        self.sign(&serialize(&claims)?)
    }

    /// The claims [`Issuer::issue`] would sign for `sub`: `iat` now and `exp` after the ttl
    /// (whole seconds), and the configured `iss` and `aud`. Add to them, then sign them with
    /// [`Issuer::issue_claims`].
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let claims = jwt_auth::Issuer::new(&secret).claims_for("42")?;
    /// assert_eq!(claims.exp - claims.iat.unwrap(), time::Duration::days(7));
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`], [`IssueError::TtlTooShort`] or
    /// [`IssueError::TimeOutOfRange`].
    pub fn claims_for(&self, sub: &str) -> Result<Claims, IssueError> {
        if sub.is_empty() {
            return Err(IssueError::EmptySubject);
        }
        let ttl_seconds = self.ttl.whole_seconds();
        if ttl_seconds < 1 {
            return Err(IssueError::TtlTooShort { ttl: self.ttl });
        }
        let now = self.clock.unix_timestamp();
        let at = |seconds: Option<i64>| {
            seconds
                .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
                .ok_or(IssueError::TimeOutOfRange)
        };
        let mut claims =
            Claims::new(sub, at(now.checked_add(ttl_seconds))?).with_issued_at(at(Some(now))?);
        claims.iss.clone_from(&self.iss);
        claims.aud.clone_from(&self.aud);
        Ok(claims)
    }

    /// Signs `claims` as they are, custom claims included.
    ///
    /// ```
    /// use jwt_auth::{Claims, IssueError};
    /// use time::macros::datetime;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let issuer = jwt_auth::Issuer::new(&secret);
    /// let backwards = Claims::new("42", datetime!(2026-01-01 00:00 UTC))
    ///     .with_issued_at(datetime!(2026-01-02 00:00 UTC));
    /// assert!(matches!(issuer.issue_claims(&backwards), Err(IssueError::ExpiresBeforeIssued { .. })));
    /// ```
    ///
    /// # Errors
    /// [`IssueError::EmptySubject`]; [`IssueError::ExpiresBeforeIssued`] when `exp <= iat`;
    /// [`IssueError::DuplicateClaim`] when a custom claim reuses a registered name;
    /// [`IssueError::TooManyClaims`], [`IssueError::TooManyValues`] and
    /// [`IssueError::NestingTooDeep`] for claims beyond what the verifier accepts
    /// ([`MAX_JSON_MEMBERS`](crate::Verifier::MAX_JSON_MEMBERS) members,
    /// [`MAX_JSON_VALUES`](crate::Verifier::MAX_JSON_VALUES) values,
    /// [`MAX_JSON_DEPTH`](crate::Verifier::MAX_JSON_DEPTH) levels);
    /// [`IssueError::Serialize`] when the custom claims are not a JSON object's members.
    pub fn issue_claims<C: Serialize>(&self, claims: &Claims<C>) -> Result<String, IssueError> {
        if claims.sub.is_empty() {
            return Err(IssueError::EmptySubject);
        }
        if let Some(iat) = claims.iat
            && claims.exp.unix_timestamp() <= iat.unix_timestamp()
        {
            return Err(IssueError::ExpiresBeforeIssued {
                iat,
                exp: claims.exp,
            });
        }
        // A custom claim with a registered name is refused even when the field it shadows is
        // unset: a custom `"nbf": "soon"` would otherwise be signed, and refused by every verifier.
        if let Ok(serde_json::Value::Object(custom)) = serde_json::to_value(&claims.custom)
            && let Some(name) = custom
                .keys()
                .find(|name| REGISTERED.contains(&name.as_str()))
        {
            return Err(IssueError::DuplicateClaim { name: name.clone() });
        }
        let payload = serialize(claims)?;
        match Object::parse(&payload, TokenPart::Payload) {
            Ok(_) => self.sign(&payload),
            Err(VerifyError::DuplicateMember { name, .. }) => {
                Err(IssueError::DuplicateClaim { name })
            }
            Err(VerifyError::TooManyMembers { max, .. }) => Err(IssueError::TooManyClaims { max }),
            Err(VerifyError::NestingTooDeep { max, .. }) => Err(IssueError::NestingTooDeep { max }),
            Err(VerifyError::TooManyValues { max, .. }) => Err(IssueError::TooManyValues { max }),
            Err(other) => Err(IssueError::Serialize {
                reason: other.to_string(),
            }),
        }
    }

    fn sign(&self, payload: &[u8]) -> Result<String, IssueError> {
        let key = match &self.keys {
            IssuerKey::Ring(ring) => ring.signing_key(),
            IssuerKey::Key(key) => return sign_public(key, payload),
        };
        let header = &*key.encoded_header;
        let mut token = String::with_capacity(header.len() + payload.len() * 4 / 3 + 48);
        token.push_str(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let tag = key.secret.hmac_key().sign(token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut token);
        Ok(token)
    }
}

fn sign_public(key: &SigningKey, payload: &[u8]) -> Result<String, IssueError> {
    let header = key.encoded_header();
    let mut token = String::with_capacity(header.len() + payload.len() * 4 / 3 + 92);
    token.push_str(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = key.sign(token.as_bytes()).ok_or(IssueError::Signing)?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// What an [`Issuer`] signs with: an HS256 [`KeyRing`] (its current key) or an ES256/EdDSA
/// [`SigningKey`]. Made by `From` from either, or from a [`Secret`](crate::Secret).
///
/// ```
/// use jwt_auth::jwks::{Algorithm, IssuerKey};
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// let key = IssuerKey::from(&secret);
/// assert_eq!(key.algorithm(), Algorithm::HS256);
/// assert_eq!(key.kid(), secret.fingerprint().as_str());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum IssuerKey {
    /// HS256 with the ring's current key.
    Ring(KeyRing),
    /// ES256 or EdDSA with a private key.
    Key(SigningKey),
}

impl IssuerKey {
    /// The algorithm tokens are signed with.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::jwks::IssuerKey::from(secret).algorithm().as_str(), "HS256");
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::Ring(_) => Algorithm::HS256,
            Self::Key(key) => key.algorithm(),
        }
    }

    /// The `kid` tokens carry: the current secret's fingerprint, or the key's thumbprint.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::jwks::IssuerKey::from(&secret).kid(), secret.fingerprint().to_string());
    /// ```
    pub fn kid(&self) -> String {
        match self {
            Self::Ring(ring) => ring.current().fingerprint().to_string(),
            Self::Key(key) => key.kid().to_owned(),
        }
    }

    /// The HS256 ring, when it is one.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert!(jwt_auth::jwks::IssuerKey::from(&secret).ring().is_some());
    /// ```
    pub fn ring(&self) -> Option<&KeyRing> {
        match self {
            Self::Ring(ring) => Some(ring),
            Self::Key(_) => None,
        }
    }
}

/// A [`Secret`](crate::Secret), a [`KeyRing`], or anything else that makes a ring: HS256.
impl<T: Into<KeyRing>> From<T> for IssuerKey {
    fn from(keys: T) -> Self {
        Self::Ring(keys.into())
    }
}

impl From<SigningKey> for IssuerKey {
    fn from(key: SigningKey) -> Self {
        Self::Key(key)
    }
}

impl From<&SigningKey> for IssuerKey {
    fn from(key: &SigningKey) -> Self {
        Self::Key(key.clone())
    }
}

fn serialize<C: Serialize>(claims: &Claims<C>) -> Result<Vec<u8>, IssueError> {
    serde_json::to_vec(claims).map_err(|e| IssueError::Serialize {
        reason: e.to_string(),
    })
}

/// Why a token could not be issued.
///
/// ```
/// use jwt_auth::{IssueError, Issuer};
///
/// let (secret, _) = jwt_auth::Secret::generate();
/// assert_eq!(Issuer::new(&secret).issue("", None), Err(IssueError::EmptySubject));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The subject is empty: a token must say whom it is for.
    #[error("the subject (`sub`) is empty")]
    EmptySubject,
    /// The issuer's ttl is under one second (zero or negative included): NumericDate
    /// counts whole seconds, so such a token would expire the second it is issued.
    #[error("the token lifetime must be at least one second, got {ttl}")]
    TtlTooShort {
        /// The configured ttl.
        ttl: Duration,
    },
    /// `iat + ttl` is beyond what `time` represents.
    #[error("the expiry time is out of range")]
    TimeOutOfRange,
    /// The claims to sign expire at or before they were issued.
    #[error(
        "the claims expire ({}) at or before they are issued ({})",
        rfc3339(.exp),
        rfc3339(.iat)
    )]
    ExpiresBeforeIssued {
        /// `iat`.
        iat: OffsetDateTime,
        /// `exp`.
        exp: OffsetDateTime,
    },
    /// A custom claim uses a registered name (`sub`, `email`, `iat`, `exp`, `nbf`, `iss`, `aud`,
    /// `sid`, `jti`), whether or not that claim is also set: set the field of
    /// [`Claims`](crate::Claims) instead.
    #[error(
        "the custom claims contain `{name}`, a registered claim: set the `Claims` field instead"
    )]
    DuplicateClaim {
        /// The repeated name.
        name: String,
    },
    /// The claims would have more than [`MAX_JSON_MEMBERS`](crate::Verifier::MAX_JSON_MEMBERS)
    /// members, which no verifier of this crate accepts.
    #[error("the claims have more than {max} members, which verifiers refuse")]
    TooManyClaims {
        /// The limit.
        max: usize,
    },
    /// The custom claims nest arrays and objects deeper than
    /// [`MAX_JSON_DEPTH`](crate::Verifier::MAX_JSON_DEPTH) allows, which no verifier of this crate
    /// accepts.
    #[error("the claims nest deeper than {max} levels, which verifiers refuse")]
    NestingTooDeep {
        /// The limit, counting the payload object.
        max: usize,
    },
    /// The claims would hold more than [`MAX_JSON_VALUES`](crate::Verifier::MAX_JSON_VALUES)
    /// values, which no verifier of this crate accepts.
    #[error("the claims hold more than {max} JSON values, which verifiers refuse")]
    TooManyValues {
        /// The limit.
        max: usize,
    },
    /// The crypto backend failed to sign with a private key it accepted when the key was read.
    #[error("the crypto backend failed to sign the token")]
    Signing,
    /// The custom claims could not be serialized as members of a JSON object.
    #[error("the custom claims cannot be serialized into the payload: {reason}")]
    Serialize {
        /// The serializer's explanation.
        reason: String,
    },
}
