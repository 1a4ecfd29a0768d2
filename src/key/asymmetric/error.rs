//! [`KeyError`]: why a private or public key was refused.

/// Why a [`SigningKey`](crate::jwks::SigningKey) or a [`PublicKey`](crate::jwks::PublicKey) could not be
/// made. Each message says what was found and how to fix it.
///
/// ```
/// use jwt_auth::jwks::SigningKey;
/// use jwt_auth::jwks::KeyError;
///
/// let public = "-----BEGIN PUBLIC KEY-----\n\
///     MCowBQYDK2VwAyEAHNzV9QTCYSqBpZPLCj9zFxoBSQ+fJ9vuuJO5k2tntt8=\n\
///     -----END PUBLIC KEY-----\n";
/// assert_eq!(SigningKey::from_pkcs8_pem(public).unwrap_err(), KeyError::PublicKeyGiven);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No PEM block (`-----BEGIN …-----`) was found.
    #[error(
        "not a PEM key: expected a `-----BEGIN PRIVATE KEY-----` or `-----BEGIN PUBLIC KEY-----` block"
    )]
    NotPem,
    /// The PEM block's body is not base64, or its END line does not match its BEGIN line.
    #[error("the PEM block is malformed: {reason}")]
    MalformedPem {
        /// What is wrong.
        reason: String,
    },
    /// An encrypted private key (`ENCRYPTED PRIVATE KEY`, or a legacy PEM with `Proc-Type`).
    #[error(
        "the private key is encrypted: decrypt it for the service \
         (`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem`) and protect the file instead"
    )]
    Encrypted,
    /// A private key in another format than PKCS#8 (`EC PRIVATE KEY` is SEC1, `RSA PRIVATE KEY`
    /// PKCS#1, `OPENSSH PRIVATE KEY` OpenSSH's own).
    #[error(
        "the private key is a {label} PEM, not PKCS#8: convert it with \
         `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem`"
    )]
    NotPkcs8 {
        /// The PEM label found.
        label: String,
    },
    /// A public key where a private key is needed: an issuer signs with the private half.
    #[error(
        "a public key was given where a private key is needed: give the issuer the PKCS#8 private \
         key (`-----BEGIN PRIVATE KEY-----`)"
    )]
    PublicKeyGiven,
    /// A private key where a public key is expected: verifiers and key sets hold only public
    /// halves.
    #[error(
        "a private key was given where a public key is expected: give verifiers only the public \
         half (`openssl pkey -in key.pem -pubout`)"
    )]
    PrivateKeyGiven,
    /// A PEM block of another kind (a certificate, `RSA PUBLIC KEY`, parameters).
    #[error("a {label} PEM was given; expected {expected}")]
    UnexpectedPem {
        /// The PEM label found.
        label: String,
        /// What was expected.
        expected: &'static str,
    },
    /// An elliptic-curve key on another curve than the algorithm's.
    #[error("the key is on curve {curve}; ES256 needs P-256 and EdDSA needs Ed25519")]
    WrongCurve {
        /// The curve found (`P-384`, `secp256k1`, `X25519`, `Ed448`, …).
        curve: &'static str,
    },
    /// A key of a type the crate does not sign or verify with (RSA, DSA, …).
    #[error("the key is of type {kind}; only P-256 (ES256) and Ed25519 (EdDSA) keys are supported")]
    UnsupportedKeyType {
        /// The type found.
        kind: String,
    },
    /// The DER structure is not what PKCS#8 or SubjectPublicKeyInfo prescribes.
    #[error("the key's DER encoding is malformed: {reason}")]
    MalformedDer {
        /// What is wrong.
        reason: String,
    },
    /// The key's numbers are refused by the crypto backend (a point not on the curve, a zero
    /// scalar).
    #[error("the key is invalid: {reason}")]
    InvalidKey {
        /// What is wrong.
        reason: &'static str,
    },
    /// A JWK that is not a JSON object of the expected members.
    #[error("the JWK is malformed: {reason}")]
    MalformedJwk {
        /// What is wrong.
        reason: String,
    },
    /// A JWK carrying private members (`d`, `p`, `q`, `k`, …): a key set publishes public keys
    /// only.
    #[error("the JWK carries the private member `{member}`: publish and load public keys only")]
    PrivateMember {
        /// The member found.
        member: String,
    },
    /// A JWK whose `alg` disagrees with its key type (`"alg":"HS256"` on an EC key, `ES256` on an
    /// Ed25519 key).
    #[error("the JWK's `alg` {alg:?} cannot be used with its key type ({key})")]
    AlgorithmMismatch {
        /// The JWK's `alg`.
        alg: String,
        /// The key's type and curve.
        key: String,
    },
    /// A JWK meant for something other than signatures (`use` not `sig`, `key_ops` without
    /// `verify`).
    #[error("the JWK is not for signatures: {reason}")]
    NotForSignatures {
        /// What it says instead.
        reason: String,
    },
    /// A `kid` with characters outside the safe set (letters, digits, `-_.:=+`), or longer than
    /// [`PublicKey::MAX_KID_LEN`](crate::jwks::PublicKey::MAX_KID_LEN).
    #[error(
        "the key id {kid:?} is not accepted: a kid is at most {max} characters of letters, digits and `-_.:=+`, without `..`"
    )]
    InvalidKeyId {
        /// The kid (truncated).
        kid: String,
        /// The longest kid accepted.
        max: usize,
    },
    /// A [`KeySet`](crate::jwks::KeySet) already holds
    /// [`KeySet::MAX_PUBLIC_KEYS`](crate::jwks::KeySet::MAX_PUBLIC_KEYS).
    #[error("a key set holds at most {max} public keys: drop retired keys first")]
    TooManyKeys {
        /// The limit.
        max: usize,
    },
    /// Two different keys with one `kid`: a token naming it could not say which.
    #[error("two different keys have the kid {kid:?}")]
    DuplicateKeyId {
        /// The kid.
        kid: String,
    },
}
