use std::mem::MaybeUninit;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use time::Duration;

use crate::claims::parser::{self, Seconds};
use crate::claims::{Audience, Claims, numeric_date};
use crate::clock::{Clock, DEFAULT_LEEWAY, SystemClock};
use crate::crypto::TAG_LEN;
use crate::issuer::Issuer;
use crate::jws::header::{self, ENCODED_HEADER};
use crate::jws::limits;
use crate::jws::segments::{self, INLINE_PAYLOAD_LEN, Segments};
use crate::jws::{ECHOED_VALUE_CHARS, TokenPart, VerifyError, echo};
#[cfg(feature = "remote-jwks")]
use crate::key::remote::{RemoteSnapshot, Verdict};
use crate::key::ring::RingKey;
use crate::key::{Algorithm, KeySet, PublicKey};
use crate::observe;
use crate::store::{RevocationStatus, RevocationView};

/// Verifies HS256, ES256 and EdDSA tokens under the crate's policy and returns their typed
/// [`Claims`].
///
/// ```
/// use jwt_auth::{FixedClock, Issuer, Secret, Verifier, VerifyError};
/// use time::{Duration, macros::datetime};
///
/// let (secret, _) = Secret::generate();
/// let issued_at = FixedClock::new(datetime!(2026-01-01 00:00 UTC));
/// let token = Issuer::new(&secret).with_clock(issued_at).issue("42", Some("ada@example.com"))?;
///
/// let verifier = Verifier::new(&secret).with_clock(issued_at);
/// let claims = verifier.verify(&token)?;
/// assert_eq!(claims.sub, "42");
/// assert_eq!(claims.exp - claims.iat.unwrap(), Duration::days(7));
///
/// let eight_days_later = FixedClock::new(datetime!(2026-01-09 00:00 UTC));
/// let err = verifier.with_clock(eight_days_later).verify(&token).unwrap_err();
/// assert!(matches!(err, VerifyError::Expired { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # The policy
///
/// Applied in this order; every rule has its own [`VerifyError`] variant.
///
/// 1. **Size and shape.** At most [`MAX_TOKEN_LEN`](Verifier::MAX_TOKEN_LEN) bytes
///    ([`TooLarge`](VerifyError::TooLarge)), exactly three `.`-separated segments
///    ([`SegmentCount`](VerifyError::SegmentCount)).
/// 2. **Header.** At most [`MAX_HEADER_LEN`](Verifier::MAX_HEADER_LEN) characters
///    ([`HeaderTooLarge`](VerifyError::HeaderTooLarge)) of canonical unpadded base64url
///    ([`Base64`](VerifyError::Base64)) of exactly one JSON object in UTF-8
///    ([`Json`](VerifyError::Json)): no trailing bytes, no lone surrogates, no deeper than
///    [`MAX_JSON_DEPTH`](Verifier::MAX_JSON_DEPTH)
///    ([`NestingTooDeep`](VerifyError::NestingTooDeep)), at most
///    [`MAX_JSON_MEMBERS`](Verifier::MAX_JSON_MEMBERS) members
///    ([`TooManyMembers`](VerifyError::TooManyMembers)) and
///    [`MAX_JSON_VALUES`](Verifier::MAX_JSON_VALUES) values
///    ([`TooManyValues`](VerifyError::TooManyValues)), no name twice
///    ([`DuplicateMember`](VerifyError::DuplicateMember)). `alg` is exactly `HS256`, `ES256` or
///    `EdDSA`, so `none` in any case, `HS512` and `RS256` are refused
///    ([`UnsupportedAlgorithm`](VerifyError::UnsupportedAlgorithm)); no `crit`
///    ([`CriticalHeader`](VerifyError::CriticalHeader)); `typ` absent or `JWT`, or for ES256 and
///    EdDSA also `at+jwt` (RFC 9068 access tokens)
///    ([`UnexpectedType`](VerifyError::UnexpectedType)). `jku`, `x5u` and `jwk` are never
///    followed; on an ES256 or EdDSA token, where they would name the key to check the signature
///    with, `jwk`, `jku`, `x5u` and `x5c` are refused ([`EmbeddedKey`](VerifyError::EmbeddedKey)),
///    and so is a `kid` with characters other than letters, digits and `-_.:=+`, or with `..`
///    ([`InvalidKeyId`](VerifyError::InvalidKeyId)).
/// 3. **Key.** Every key verifies one algorithm only, and the token's `alg` picks among those
///    keys: an `alg` the verifier holds no key of is refused
///    ([`NoKeyForAlgorithm`](VerifyError::NoKeyForAlgorithm)), so an HS256 token never meets a
///    public key (whose PEM, DER or JWK bytes could otherwise serve as its HMAC secret), nor an
///    ES256 token an HMAC key.
///    - HS256: a `kid` that names a key of the [`KeyRing`](crate::KeyRing) (its fingerprint,
///      which the [`Issuer`](crate::Issuer) writes) selects that key and no other. A token
///      without `kid` (the Python and Node services write none), or with a `kid` the ring does
///      not know (PyJWT and Node ignore `kid` when given a secret, so a peer may label its keys
///      its own way, `"2026-11"`), is tried against each key, the current one first, at step 5.
///    - ES256 and EdDSA: a `kid` (the key's RFC 7638 thumbprint) selects that public key
///      ([`UnknownPublicKeyId`](VerifyError::UnknownPublicKeyId) when none has it), which must
///      be of the token's `alg` ([`KeyAlgorithmMismatch`](VerifyError::KeyAlgorithmMismatch)). A
///      token without `kid` is tried against each key of its algorithm, in the set's order.
///    - With a remote key set (`jwks::RemoteKeySet`, feature `remote-jwks`): the keys held
///      locally first, then the set's as last fetched, read without a lock. A `kid` the set
///      does not hold (or keys past its staleness bound), when a refresh may change that, is
///      [`KeySetRefreshing`](VerifyError::KeySetRefreshing) and asks for the refresh;
///      [`Verifier::verify_fresh`] waits for it instead and looks again. A `kid` that a fresh
///      answer (within the cooldown) does not list is
///      [`UnknownPublicKeyId`](VerifyError::UnknownPublicKeyId); one asked for while the source
///      cannot be fetched is [`KeySetUnreachable`](VerifyError::KeySetUnreachable); keys past the
///      staleness bound are [`KeySetStale`](VerifyError::KeySetStale). The three are 503 with
///      `Retry-After`, never 401. HS256 tokens never reach the remote set.
/// 4. **Payload encoding.** Canonical unpadded base64url ([`Base64`](VerifyError::Base64)).
/// 5. **Signature.** Canonical unpadded base64url of 32 bytes for HS256, 64 for ES256 (`r || s`)
///    and EdDSA ([`SignatureLength`](VerifyError::SignatureLength)); an HMAC-SHA256 that
///    matches, compared in constant time by the crypto backend, or an ECDSA P-256 or Ed25519
///    signature that `jsonwebtoken`'s provider for the backend verifies
///    ([`InvalidSignature`](VerifyError::InvalidSignature));
///    when no key verifies a token whose `kid` the ring does not know, the error is
///    [`UnknownKeyId`](VerifyError::UnknownKeyId) instead, naming that `kid` and the ring's
///    fingerprints, so a secret that differs between services explains itself.
/// 6. **Claims.** One JSON object under the same rules as the header; `exp` present
///    ([`MissingClaim`](VerifyError::MissingClaim)); `exp`, `iat` and `nbf` integer `NumericDate`s
///    ([`InvalidNumericDate`](VerifyError::InvalidNumericDate)); registered claims of their
///    types ([`InvalidClaims`](VerifyError::InvalidClaims)); `sub` a non-empty string unless
///    [`Verifier::allow_missing_subject`].
/// 7. **Times**, in whole seconds with the leeway: refused when `now >= exp + leeway`
///    ([`Expired`](VerifyError::Expired)), `nbf > now + leeway`
///    ([`NotYetValid`](VerifyError::NotYetValid)), `iat > now + leeway`
///    ([`IssuedInFuture`](VerifyError::IssuedInFuture)), `iat > exp`
///    ([`IssuedAfterExpiry`](VerifyError::IssuedAfterExpiry)), or a ttl (`exp - iat`, or
///    `exp - now` without `iat`) over the maximum plus the leeway
///    ([`TtlTooLong`](VerifyError::TtlTooLong)); a maximum of zero or less refuses every token.
/// 8. **Issuer and audience.** `iss` equal to the expected issuer when one is set
///    ([`IssuerMismatch`](VerifyError::IssuerMismatch)); `aud` containing an expected audience
///    when one is set ([`AudienceMismatch`](VerifyError::AudienceMismatch)), and a token with an
///    `aud` refused by a verifier that expects none, as RFC 7519 §4.1.3 requires
///    ([`UnexpectedAudience`](VerifyError::UnexpectedAudience)).
/// 9. **Revocation**, only with [`Verifier::with_revocation`]: a memory lookup of `sub`, `sid`,
///    `jti` and `iat` in a [`RevocationView`], no network ([`Revoked`](VerifyError::Revoked),
///    401; [`RevocationUnavailable`](VerifyError::RevocationUnavailable), 503, when the view
///    cannot tell).
/// 10. **Custom claims** fit `C` ([`InvalidClaims`](VerifyError::InvalidClaims)), read last,
///     so that a token any other rule refuses costs nothing to `C`'s deserializer.
///
/// Cheap to clone, `Send + Sync`; the HMAC keys are derived once, when the [`Secret`]s are made.
///
/// With public keys (a [`PublicKey`], a [`SigningKey`](crate::jwks::SigningKey)'s public half,
/// or a [`KeySet`](crate::jwks::KeySet), which may hold an HS256 ring beside them):
///
/// ```
/// use jwt_auth::{Issuer, Verifier, VerifyError};
/// use jwt_auth::jwks::SigningKey;
///
/// let key = SigningKey::from_pkcs8_pem(
///     "-----BEGIN PRIVATE KEY-----\n\
///      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxhFOhCn6TtS0PSax\n\
///      9aZZHXL/wiAsIGT+FEhOBD3OWMahRANCAAR2DoMPDNdz6tdAb3Rvf1/bmi0P5M1b\n\
///      8AQ7po/SjSBCIh5/WtvcZKiFNQI+xmAn+uAPOBGnTs1eyl4kdZW9CC1z\n\
///      -----END PRIVATE KEY-----\n",
/// )?;
/// let token = Issuer::new(&key).issue("42", None)?;
/// let verifier = Verifier::new(key.public_key());
/// assert_eq!(verifier.verify(&token)?.sub, "42");
///
/// // The shared secret's tokens mean nothing to it.
/// let (secret, _) = jwt_auth::Secret::generate();
/// let hs256 = Issuer::new(&secret).issue("42", None)?;
/// assert!(matches!(verifier.verify(&hs256), Err(VerifyError::NoKeyForAlgorithm { alg: "HS256", .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Secret`]: crate::Secret
#[derive(Debug, Clone)]
pub struct Verifier {
    /// One reference count: a framework clones the verifier out of its state for every request
    /// (axum's `FromRef`), and its builders copy the policy only when it is shared.
    policy: Arc<Policy>,
}

/// What a [`Verifier`] checks tokens against.
#[derive(Debug, Clone)]
struct Policy {
    keys: KeySet,
    leeway: Duration,
    max_ttl: Duration,
    clock: Arc<dyn Clock>,
    iss: Option<String>,
    aud: Box<[String]>,
    subject_required: bool,
    revocation: Option<Arc<dyn RevocationView>>,
}

/// The keys a token's signature is checked against.
enum Candidates<'k> {
    /// The key its `kid` names.
    One(&'k RingKey),
    /// Every key in the ring, the current one first: the token has no `kid`.
    All(&'k [RingKey]),
    /// Every key in the ring, the current one first, for a token whose `kid` (repeated here,
    /// truncated) names none of them: PyJWT and Node ignore `kid` when given a secret, so a peer
    /// may label its keys its own way.
    Foreign(&'k [RingKey], String),
    /// The public keys of `alg`: the one the token's `kid` names, or every one of the set.
    Public {
        alg: Algorithm,
        keys: &'k [PublicKey],
    },
    /// The public keys of `alg` held locally, then those of a remote key set as last fetched:
    /// the one at `index` (the key the token's `kid` names), or every one.
    #[cfg(feature = "remote-jwks")]
    Remote {
        alg: Algorithm,
        local: &'k [PublicKey],
        snapshot: arc_swap::Guard<Arc<RemoteSnapshot>>,
        index: Option<usize>,
    },
}

impl Candidates<'_> {
    /// For remote candidates: the algorithm, the keys held locally and the remote ones selected.
    #[cfg(feature = "remote-jwks")]
    fn remote(&self) -> Option<(Algorithm, &[PublicKey], &[PublicKey])> {
        match self {
            Self::Remote {
                alg,
                local,
                snapshot,
                index,
            } => {
                let remote = match index {
                    Some(i) => std::slice::from_ref(&snapshot.keys[*i]),
                    None => &snapshot.keys[..],
                };
                Some((*alg, local, remote))
            }
            _ => None,
        }
    }

    /// Without remote key sets there are no remote candidates.
    #[cfg(not(feature = "remote-jwks"))]
    #[allow(clippy::unused_self)]
    fn remote(&self) -> Option<(Algorithm, &[PublicKey], &[PublicKey])> {
        None
    }
}

impl Verifier {
    /// The default clock tolerance: 60 seconds.
    pub const DEFAULT_LEEWAY: Duration = DEFAULT_LEEWAY;

    /// The longest token accepted, in bytes: 8 KiB. The product's tokens are under 300 bytes;
    /// 8 KiB is the usual limit on a whole HTTP header section, so nothing longer can be a
    /// legitimate header value ([`TooLarge`](VerifyError::TooLarge)).
    pub const MAX_TOKEN_LEN: usize = limits::MAX_TOKEN_LEN;

    /// The longest header accepted, in base64url characters: 256. The headers peers write are
    /// under 100; the header is parsed before the signature is checked, so a forged one must not
    /// cost more than that to reject ([`HeaderTooLarge`](VerifyError::HeaderTooLarge)).
    pub const MAX_HEADER_LEN: usize = limits::MAX_HEADER_LEN;

    /// The deepest nesting of arrays and objects accepted in the header or the claims, counting
    /// the top-level object: 128, as deep as `serde_json` reads
    /// ([`NestingTooDeep`](VerifyError::NestingTooDeep)).
    pub const MAX_JSON_DEPTH: usize = limits::MAX_JSON_DEPTH;

    /// The most top-level members accepted in the header or the claims: 64
    /// ([`TooManyMembers`](VerifyError::TooManyMembers)). Identity providers' tokens carry a few
    /// dozen claims at most; the cap bounds what a token full of tiny members costs to refuse.
    pub const MAX_JSON_MEMBERS: usize = limits::MAX_JSON_MEMBERS;

    /// The most values (at any depth, the top-level object aside) accepted in the header or the
    /// claims: 512 ([`TooManyValues`](VerifyError::TooManyValues)). Real claims meet the size cap
    /// first; only values of a byte or two reach this one, and it bounds what reading them costs.
    pub const MAX_JSON_VALUES: usize = limits::MAX_JSON_VALUES;

    /// A verifier for tokens signed with `keys`: a [`Secret`](crate::Secret) or a
    /// [`KeyRing`](crate::KeyRing) (HS256), a [`PublicKey`] or a
    /// [`SigningKey`](crate::jwks::SigningKey)'s public half (ES256, EdDSA), or a [`KeySet`] of
    /// either or both.
    /// Defaults: a leeway of [`Verifier::DEFAULT_LEEWAY`], a maximum ttl of
    /// [`Issuer::DEFAULT_TTL`](crate::Issuer::DEFAULT_TTL), the [`SystemClock`], no expected issuer
    /// or audience, `sub` required.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// assert_eq!(verifier.leeway(), jwt_auth::Verifier::DEFAULT_LEEWAY);
    /// ```
    pub fn new(keys: impl Into<KeySet>) -> Self {
        Self {
            policy: Arc::new(Policy {
                keys: keys.into(),
                leeway: Self::DEFAULT_LEEWAY,
                max_ttl: Issuer::DEFAULT_TTL,
                clock: Arc::new(SystemClock),
                iss: None,
                aud: Box::default(),
                subject_required: true,
                revocation: None,
            }),
        }
    }

    /// The policy, to change: a copy of it when another verifier shares it.
    fn policy_mut(&mut self) -> &mut Policy {
        Arc::make_mut(&mut self.policy)
    }

    /// The same verifier checking tokens against `keys`: [`AuthConfig`](crate::AuthConfig)
    /// adds keys without losing the options already set.
    pub(crate) fn with_keys(mut self, keys: KeySet) -> Self {
        self.policy_mut().keys = keys;
        self
    }

    /// Sets the tolerance for clock differences between services (default 60 s), in whole
    /// seconds like the NumericDate times it applies to. Negative values count as zero.
    ///
    /// ```
    /// use time::Duration;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret).with_leeway(Duration::seconds(-5));
    /// assert_eq!(verifier.leeway(), Duration::ZERO);
    /// ```
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.policy_mut().leeway = leeway.max(Duration::ZERO);
        self
    }

    /// Sets the longest ttl accepted (default [`Issuer::DEFAULT_TTL`](crate::Issuer::DEFAULT_TTL),
    /// 7 days): `exp - iat`, or `exp - now` for a token without `iat`, may exceed it by the leeway
    /// at most. Zero or less refuses every token.
    ///
    /// ```
    /// use time::Duration;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret).with_max_ttl(Duration::minutes(15));
    /// assert_eq!(verifier.max_ttl(), Duration::minutes(15));
    /// ```
    #[must_use]
    pub fn with_max_ttl(mut self, max_ttl: Duration) -> Self {
        self.policy_mut().max_ttl = max_ttl;
        self
    }

    /// Replaces the clock (default [`SystemClock`]).
    ///
    /// ```
    /// use jwt_auth::{FixedClock, Verifier};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = Verifier::new(&secret).with_clock(FixedClock::at_unix(1_767_225_600)?);
    /// # Ok::<(), time::error::ComponentRange>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.policy_mut().clock = Arc::new(clock);
        self
    }

    /// Requires `iss` to equal `issuer` exactly. Default: `iss` is not checked.
    ///
    /// ```
    /// use jwt_auth::{Issuer, Verifier, VerifyError};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = Issuer::new(&secret).with_issuer("users").issue("42", None)?;
    /// assert!(Verifier::new(&secret).with_expected_issuer("users").verify(&token).is_ok());
    /// let err = Verifier::new(&secret).with_expected_issuer("billing").verify(&token).unwrap_err();
    /// assert!(matches!(err, VerifyError::IssuerMismatch { .. }));
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    #[must_use]
    pub fn with_expected_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.policy_mut().iss = Some(issuer.into());
        self
    }

    /// Requires `aud` to contain one of `audience`'s values exactly: a single value
    /// (`"catalog"`) or several (`["catalog", "orders"]`). Default: none expected, and a token with
    /// an `aud` is refused.
    ///
    /// ```
    /// use jwt_auth::{Issuer, Verifier};
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = Issuer::new(&secret).with_audience("catalog").issue("42", None)?;
    /// assert!(Verifier::new(&secret).with_expected_audience(["catalog", "orders"]).verify(&token).is_ok());
    /// assert!(Verifier::new(&secret).verify(&token).is_err());
    /// # Ok::<(), jwt_auth::IssueError>(())
    /// ```
    #[must_use]
    pub fn with_expected_audience(mut self, audience: impl Into<Audience>) -> Self {
        self.policy_mut().aud = audience.into().values().into();
        self
    }

    /// Accepts tokens without a `sub` (or with an empty one), whose [`Claims::sub`] is then empty.
    /// By default such a token is refused with [`VerifyError::MissingClaim`]: every token the
    /// product's services trade names its user. This is for tokens from elsewhere, such as the
    /// RFC 7515 examples.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret).allow_missing_subject();
    /// ```
    #[must_use]
    pub fn allow_missing_subject(mut self) -> Self {
        self.policy_mut().subject_required = false;
        self
    }

    /// Refuses revoked tokens, as `view` says: a [`MemoryStore`](crate::MemoryStore)'s own
    /// view, or a Redis store's local mirror. The check is synchronous and in memory; a view that
    /// cannot tell makes the token fail with [`VerifyError::RevocationUnavailable`] (503), never
    /// pass.
    ///
    /// ```
    /// use jwt_auth::{MemoryStore, Verifier};
    /// use jwt_auth::store::SessionStore;
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = Verifier::new(&secret).with_revocation(MemoryStore::new().revocations());
    /// ```
    #[must_use]
    pub fn with_revocation(mut self, view: impl RevocationView + 'static) -> Self {
        self.policy_mut().revocation = Some(Arc::new(view));
        self
    }

    /// The configured leeway.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::Verifier::new(&secret).leeway(), time::Duration::seconds(60));
    /// ```
    pub fn leeway(&self) -> Duration {
        self.policy.leeway
    }

    /// The configured maximum ttl.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// assert_eq!(jwt_auth::Verifier::new(&secret).max_ttl(), time::Duration::days(7));
    /// ```
    pub fn max_ttl(&self) -> Duration {
        self.policy.max_ttl
    }

    /// The keys tokens are checked against.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// let ring = verifier.keys().ring().expect("an HS256 verifier");
    /// assert_eq!(ring.current().fingerprint(), secret.fingerprint());
    /// ```
    pub fn keys(&self) -> &KeySet {
        &self.policy.keys
    }

    /// Verifies `token` and returns its claims, ignoring custom ones.
    ///
    /// ```
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", Some("ada@example.com"))?;
    /// let claims = jwt_auth::Verifier::new(&secret).verify(&token)?;
    /// assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The [`VerifyError`] variant of the first rule the token breaks.
    pub fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_as(token)
    }

    /// Verifies `token` and returns its claims with custom claims of type `C`.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// struct Roles { roles: Vec<String> }
    ///
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let issuer = jwt_auth::Issuer::new(&secret);
    /// let claims = issuer.claims_for("42")?.with_custom(Roles { roles: vec!["admin".into()] });
    /// let token = issuer.issue_claims(&claims)?;
    /// let verified = jwt_auth::Verifier::new(&secret).verify_as::<Roles>(&token)?;
    /// assert_eq!(verified.custom.roles, ["admin"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The [`VerifyError`] variant of the first rule the token breaks;
    /// [`VerifyError::InvalidClaims`] when the payload does not fit `C`.
    pub fn verify_as<C: DeserializeOwned>(&self, token: &str) -> Result<Claims<C>, VerifyError> {
        let verdict = self.judge(token.as_bytes());
        observe::verification(&verdict, VerifyError::cause_name);
        verdict
    }

    /// [`Verifier::verify_as`] without the report to `tracing` and `metrics`, for a token of any
    /// bytes: only canonical base64url segments pass, so a token it accepts is ASCII.
    pub(crate) fn judge<C: DeserializeOwned>(
        &self,
        token: &[u8],
    ) -> Result<Claims<C>, VerifyError> {
        let segments = Segments::split(token)?;
        let candidates = self.candidates(segments.header)?;
        // A payload that fits on the stack is decoded before the HMAC, as cheap as checking it;
        // a larger one is only checked, and decoded once the signature proves it worth the cost.
        let mut inline = [MaybeUninit::uninit(); INLINE_PAYLOAD_LEN];
        let inline = match segments.inline_payload(&mut inline) {
            Some(decoded) => Some(decoded?),
            None if segments::is_canonical(segments.payload) => None,
            None => {
                return Err(VerifyError::Base64 {
                    part: TokenPart::Payload,
                });
            }
        };
        if let Candidates::Public { alg, keys } = candidates {
            let signature = segments.signature_of_len(alg.signature_len())?;
            check_public_signature(alg, keys, segments.signing_input, &signature)?;
        } else if let Some((alg, local, remote)) = candidates.remote() {
            let signature = segments.signature_of_len(alg.signature_len())?;
            check_public_signature(
                alg,
                local.iter().chain(remote),
                segments.signing_input,
                &signature,
            )?;
        } else {
            let tag = segments.tag()?;
            check_signature(candidates, segments.signing_input, &tag, &self.policy.keys)?;
        }
        let heap;
        let payload = if let Some(payload) = inline {
            payload
        } else {
            heap = segments::decode(segments.payload, TokenPart::Payload)?;
            &heap
        };
        let parsed = parser::parse(payload)?;
        self.check_claims(&parsed.claims, parsed.seconds)?;
        if let Some(view) = &self.policy.revocation {
            check_revocation(&**view, &parsed.claims, parsed.seconds)?;
        }
        // Last, so that a token refused by any other rule never costs what building the
        // caller's custom claims can (a `serde_json::Value` allocates for every array).
        parsed.into_claims()
    }

    /// Verifies `token` as [`Verifier::verify`] does, and where the verifier's remote key set
    /// (`jwks::RemoteKeySet`, feature `remote-jwks`) does not hold the
    /// key the token needs, waits for the set's refresh (one fetch however many tokens wait,
    /// none within the cooldown) and looks again, instead of answering
    /// [`KeySetRefreshing`](VerifyError::KeySetRefreshing). Every other token, and every token
    /// at a verifier without a remote key set, is verified at once, without waiting. The tower
    /// layer and the axum and actix-web extractors verify this way.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", None)?;
    /// let claims = jwt_auth::Verifier::new(&secret).verify_fresh(&token).await?;
    /// assert_eq!(claims.sub, "42");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::verify`], except `KeySetRefreshing`: after the refresh, a key the set's
    /// fresh answer lacks is [`UnknownPublicKeyId`](VerifyError::UnknownPublicKeyId) (401), a
    /// source that could not be fetched
    /// [`KeySetUnreachable`](VerifyError::KeySetUnreachable) (503).
    pub async fn verify_fresh(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_fresh_as(token).await
    }

    /// [`Verifier::verify_fresh`] with custom claims of type `C`, as [`Verifier::verify_as`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let (secret, _) = jwt_auth::Secret::generate();
    /// let token = jwt_auth::Issuer::new(&secret).issue("42", None)?;
    /// let verifier = jwt_auth::Verifier::new(&secret);
    /// let claims = verifier.verify_fresh_as::<serde_json::Value>(&token).await?;
    /// assert_eq!(claims.sub, "42");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::verify_fresh`].
    // Without feature `remote-jwks` nothing is awaited; the method stays async so that code
    // written against it compiles with and without the feature.
    #[cfg_attr(not(feature = "remote-jwks"), allow(clippy::unused_async))]
    pub async fn verify_fresh_as<C: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<Claims<C>, VerifyError> {
        let result = self.verify_as(token);
        #[cfg(feature = "remote-jwks")]
        if let Err(VerifyError::KeySetRefreshing { .. }) = result
            && let Some(source) = self.policy.keys.remote_source()
        {
            source.refreshed().await;
            return self.verify_as(token);
        }
        result
    }

    /// The keys the signature may be checked against, after the header rules. The headers every
    /// peer and this crate's issuer write are recognised by their bytes: they passed the header
    /// rules once, in this crate's tests, so only other headers need parsing.
    fn candidates(&self, encoded_header: &[u8]) -> Result<Candidates<'_>, VerifyError> {
        let keys = self.policy.keys.hmac_keys();
        if encoded_header == ENCODED_HEADER.as_bytes() {
            return Ok(Candidates::All(keys));
        }
        if let Some(key) = keys
            .iter()
            .find(|key| key.encoded_header.as_bytes() == encoded_header)
        {
            return Ok(Candidates::One(key));
        }
        if encoded_header.len() > Self::MAX_HEADER_LEN {
            return Err(VerifyError::HeaderTooLarge {
                len: encoded_header.len(),
                max: Self::MAX_HEADER_LEN,
            });
        }
        let json = segments::decode(encoded_header, TokenPart::Header)?;
        let header = header::check(&json)?;
        if header.alg != Algorithm::HS256 {
            return self.public_candidates(header.alg, header.kid.as_deref());
        }
        let Some(kid) = header.kid else {
            return Ok(Candidates::All(keys));
        };
        Ok(keys
            .iter()
            .find(|key| key.secret.fingerprint().as_str() == kid)
            .map_or_else(
                || Candidates::Foreign(keys, echo(&kid, ECHOED_VALUE_CHARS)),
                Candidates::One,
            ))
    }

    /// The public keys a token of `alg` with `kid` may be checked against.
    fn public_candidates(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Candidates<'_>, VerifyError> {
        let keys = self.policy.keys.public_keys();
        let holds_alg = keys.iter().any(|key| key.algorithm() == alg);
        #[cfg(feature = "remote-jwks")]
        if self.policy.keys.remote_source().is_some() {
            let local = keys
                .iter()
                .find(|key| kid.is_some_and(|kid| key.kid() == kid));
            if local.is_none() && (kid.is_some() || !holds_alg) {
                return self.remote_candidates(alg, kid);
            }
        }
        let Some(kid) = kid else {
            return if holds_alg {
                Ok(Candidates::Public { alg, keys })
            } else {
                Err(no_key_for(&self.policy.keys, alg))
            };
        };
        match keys.iter().find(|key| key.kid() == kid) {
            Some(key) if key.algorithm() == alg => Ok(Candidates::Public {
                alg,
                keys: std::slice::from_ref(key),
            }),
            Some(key) => Err(VerifyError::KeyAlgorithmMismatch {
                kid: kid.to_owned(),
                key_alg: key.algorithm().as_str(),
                alg: alg.as_str(),
            }),
            None if !holds_alg => Err(no_key_for(&self.policy.keys, alg)),
            None => Err(VerifyError::UnknownPublicKeyId {
                kid: kid.to_owned(),
                known: keys.iter().map(|key| key.kid().to_owned()).collect(),
            }),
        }
    }

    /// The keys of the remote key set for a token of `alg` with `kid` that the keys held
    /// locally cannot verify: what the set last fetched when it may be used, else why not. A
    /// lookup that a refresh may answer asks for one and is
    /// [`KeySetRefreshing`](VerifyError::KeySetRefreshing); never a wait.
    #[cfg(feature = "remote-jwks")]
    fn remote_candidates(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Candidates<'_>, VerifyError> {
        let Some(source) = self.policy.keys.remote_source() else {
            return Err(no_key_for(&self.policy.keys, alg));
        };
        let snapshot = source.snapshot();
        let index = snapshot.find(alg, kid);
        let echoed = || kid.map(|kid| echo(kid, ECHOED_VALUE_CHARS));
        let verdict = snapshot.verdict(
            index.is_some(),
            std::time::Instant::now(),
            source.cooldown(),
            source.max_staleness(),
        );
        match verdict {
            Verdict::Use => {
                if let (Some(kid), Some(i)) = (kid, index) {
                    let key_alg = snapshot.keys[i].algorithm();
                    if key_alg != alg {
                        return Err(VerifyError::KeyAlgorithmMismatch {
                            kid: kid.to_owned(),
                            key_alg: key_alg.as_str(),
                            alg: alg.as_str(),
                        });
                    }
                }
                Ok(Candidates::Remote {
                    alg,
                    local: self.policy.keys.public_keys(),
                    snapshot,
                    index: kid.and(index),
                })
            }
            Verdict::Unknown => Err(match kid {
                Some(kid)
                    if snapshot.keys.iter().any(|key| key.algorithm() == alg)
                        || self
                            .policy
                            .keys
                            .public_keys()
                            .iter()
                            .any(|key| key.algorithm() == alg) =>
                {
                    VerifyError::UnknownPublicKeyId {
                        kid: kid.to_owned(),
                        known: self
                            .policy
                            .keys
                            .public_keys()
                            .iter()
                            .chain(&snapshot.keys)
                            .map(|key| key.kid().to_owned())
                            .collect(),
                    }
                }
                _ => no_key_for(&self.policy.keys, alg),
            }),
            Verdict::Refresh => match source.request_refresh() {
                Ok(()) => Err(VerifyError::KeySetRefreshing { kid: echoed() }),
                Err(reason) => Err(VerifyError::KeySetUnreachable {
                    kid: echoed(),
                    reason: reason.to_string(),
                }),
            },
            Verdict::Unreachable(reason) => Err(VerifyError::KeySetUnreachable {
                kid: echoed(),
                reason: reason.to_string(),
            }),
            Verdict::Stale { age, reason } => Err(VerifyError::KeySetStale {
                age: Duration::try_from(age).unwrap_or(Duration::MAX),
                reason: reason.to_string(),
            }),
        }
    }

    fn check_claims<C>(&self, claims: &Claims<C>, seconds: Seconds) -> Result<(), VerifyError> {
        if self.policy.subject_required && claims.sub.is_empty() {
            return Err(VerifyError::MissingClaim { claim: "sub" });
        }
        self.check_times(claims, seconds)?;
        self.check_issuer(claims.iss.as_deref())?;
        self.check_audience(claims.aud.as_ref().map_or(&[], |aud| aud.values()))
    }

    /// Compares whole seconds, the unit of NumericDate: `i64` arithmetic on what the parser
    /// read, rather than calendar arithmetic on `OffsetDateTime`. The times in an error are the
    /// claims' own, and the clock's.
    fn check_times<C>(&self, claims: &Claims<C>, seconds: Seconds) -> Result<(), VerifyError> {
        let now = self.policy.clock.unix_timestamp();
        let leeway = self.policy.leeway.whole_seconds();
        let now_time =
            || numeric_date::from_seconds(now).unwrap_or_else(|| self.policy.clock.now());
        if now.saturating_sub(seconds.exp) >= leeway {
            return Err(VerifyError::Expired {
                exp: claims.exp,
                now: now_time(),
            });
        }
        if let (Some(nbf), Some(nbf_s)) = (claims.nbf, seconds.nbf)
            && nbf_s.saturating_sub(now) > leeway
        {
            return Err(VerifyError::NotYetValid {
                nbf,
                now: now_time(),
            });
        }
        if let (Some(iat), Some(iat_s)) = (claims.iat, seconds.iat) {
            if iat_s.saturating_sub(now) > leeway {
                return Err(VerifyError::IssuedInFuture {
                    iat,
                    now: now_time(),
                });
            }
            if iat_s > seconds.exp {
                return Err(VerifyError::IssuedAfterExpiry {
                    iat,
                    exp: claims.exp,
                });
            }
        }
        let ttl = seconds.exp.saturating_sub(seconds.iat.unwrap_or(now));
        // A maximum of zero or less refuses everything, leeway or not: it is how an operator
        // stops accepting tokens at once.
        if !self.policy.max_ttl.is_positive()
            || ttl > self.policy.max_ttl.whole_seconds().saturating_add(leeway)
        {
            return Err(VerifyError::TtlTooLong {
                ttl: Duration::seconds(ttl),
                max: self.policy.max_ttl,
            });
        }
        Ok(())
    }

    fn check_issuer(&self, found: Option<&str>) -> Result<(), VerifyError> {
        match &self.policy.iss {
            Some(expected) if found != Some(&**expected) => Err(VerifyError::IssuerMismatch {
                expected: expected.clone(),
                found: found.map(|found| echo(found, ECHOED_VALUE_CHARS)),
            }),
            _ => Ok(()),
        }
    }

    fn check_audience(&self, found: &[String]) -> Result<(), VerifyError> {
        let echoed = || {
            found
                .iter()
                .take(ECHOED_AUDIENCES)
                .map(|aud| echo(aud, ECHOED_VALUE_CHARS))
                .collect()
        };
        if self.policy.aud.is_empty() {
            return if found.is_empty() {
                Ok(())
            } else {
                Err(VerifyError::UnexpectedAudience { found: echoed() })
            };
        }
        if found.iter().any(|aud| self.policy.aud.contains(aud)) {
            Ok(())
        } else {
            Err(VerifyError::AudienceMismatch {
                expected: self.policy.aud.to_vec(),
                found: echoed(),
            })
        }
    }
}

/// How many of a token's audiences an error repeats: enough to diagnose, not enough to flood a
/// log.
const ECHOED_AUDIENCES: usize = 8;

/// Asks the view about the token; a subject cutoff judges it by its `iat`.
fn check_revocation<C>(
    view: &dyn RevocationView,
    claims: &Claims<C>,
    seconds: Seconds,
) -> Result<(), VerifyError> {
    match view.status(
        &claims.sub,
        claims.sid.as_deref(),
        claims.jti.as_deref(),
        seconds.iat,
    ) {
        RevocationStatus::Active => Ok(()),
        RevocationStatus::Revoked(by) => Err(VerifyError::Revoked { by }),
        RevocationStatus::Unavailable { stale_for } => {
            Err(VerifyError::RevocationUnavailable { stale_for })
        }
    }
}

/// Checks the tag against the candidate keys in order; each comparison is constant-time. When
/// none matches, a token with a foreign `kid` is refused as [`VerifyError::UnknownKeyId`] naming
/// the ring's fingerprints, any other as [`VerifyError::InvalidSignature`]; with no HMAC key at
/// all, as [`VerifyError::NoKeyForAlgorithm`].
fn check_signature(
    candidates: Candidates<'_>,
    signing_input: &[u8],
    tag: &[u8; TAG_LEN],
    set: &KeySet,
) -> Result<(), VerifyError> {
    let (keys, foreign_kid) = match candidates {
        Candidates::One(key) => (std::slice::from_ref(key), None),
        Candidates::All(keys) => (keys, None),
        Candidates::Foreign(keys, kid) => (keys, Some(kid)),
        Candidates::Public { .. } => (&[][..], None),
        #[cfg(feature = "remote-jwks")]
        Candidates::Remote { .. } => (&[][..], None),
    };
    if keys
        .iter()
        .any(|key| key.secret.hmac_key().verify(signing_input, tag))
    {
        return Ok(());
    }
    Err(match foreign_kid {
        _ if keys.is_empty() => no_key_for(set, Algorithm::HS256),
        Some(kid) => VerifyError::UnknownKeyId {
            kid,
            known: set.fingerprints(),
        },
        None => VerifyError::InvalidSignature,
    })
}

/// The error for a token of `alg` when `set` holds no key of it.
fn no_key_for(set: &KeySet, alg: Algorithm) -> VerifyError {
    VerifyError::NoKeyForAlgorithm {
        alg: alg.as_str(),
        held: set
            .algorithms()
            .into_iter()
            .map(Algorithm::as_str)
            .collect(),
    }
}

/// Checks `signature` against the public keys of `alg` in order, through the same check the
/// Wycheproof vectors go through.
fn check_public_signature<'k>(
    alg: Algorithm,
    keys: impl IntoIterator<Item = &'k PublicKey>,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<(), VerifyError> {
    if keys
        .into_iter()
        .filter(|key| key.algorithm() == alg)
        .any(|key| key.verify_signature(signing_input, signature))
    {
        Ok(())
    } else {
        Err(VerifyError::InvalidSignature)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::jws::header::{Header, check};

    /// [`Verifier::candidates`] skips the header rules for the headers the ring's keys write: they
    /// must pass every one.
    #[test]
    fn the_issuers_header_passes_the_header_rules() {
        let ring = crate::KeyRing::new(crate::Secret::generate().0);
        let key = &ring.keys()[0];
        let kid = key.secret.fingerprint();
        let header = segments::decode(key.encoded_header.as_bytes(), TokenPart::Header).unwrap();
        let expected = format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{}"}}"#, kid.as_str());
        assert_eq!(header, expected.as_bytes());
        assert_eq!(
            check(&header),
            Ok(Header {
                alg: Algorithm::HS256,
                kid: Some(Cow::Borrowed(kid.as_str()))
            })
        );
    }
}
