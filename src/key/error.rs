//! Why a key was refused: [`WeakSecret`] and its [`SecretProblem`]s, [`KeyRingError`], and
//! [`ConfigError`], which names the setting that held it.

use std::fmt;

use super::Algorithm;
use super::asymmetric::KeyError;

/// Why a [`KeyRing`](crate::KeyRing) refused a key.
///
/// ```
/// use jwt_auth::{KeyRing, KeyRingError, Secret};
///
/// let key = || Secret::generate().0;
/// let full = KeyRing::new(key()).with_fallback(key())?.with_fallback(key())?.with_fallback(key())?;
/// assert_eq!(full.with_fallback(key()).unwrap_err(), KeyRingError::TooManyFallbacks { max: 3 });
/// # Ok::<(), KeyRingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRingError {
    /// The ring already holds [`KeyRing::MAX_FALLBACKS`](crate::KeyRing::MAX_FALLBACKS).
    #[error("a key ring holds at most {max} fallback keys: drop retired keys first")]
    TooManyFallbacks {
        /// The limit.
        max: usize,
    },
}

/// A secret refused by the strength check, with every rule it failed.
///
/// ```
/// let weak = jwt_auth::Secret::new("your-256-bit-secret").unwrap_err();
/// assert!(!weak.problems.is_empty());
/// assert!(weak.to_string().starts_with("weak secret: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct WeakSecret {
    /// Every problem found, in the order the rules run.
    pub problems: Vec<SecretProblem>,
}

impl fmt::Display for WeakSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("weak secret")?;
        for (i, problem) in self.problems.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{problem}")?;
        }
        write!(f, ". {GENERATE_ADVICE}")
    }
}

pub(crate) const GENERATE_ADVICE: &str = "Generate a strong one with `openssl rand -hex 32` \
     (or `Secret::generate()`) and share that string with every service";

/// One rule a secret failed.
///
/// ```
/// use jwt_auth::{Secret, strength::SecretProblem};
/// use jwt_auth::strength::PatternKind;
///
/// let weak = Secret::new("").unwrap_err();
/// assert_eq!(weak.problems, [SecretProblem::Empty]);
///
/// // Words run together are still words, whatever their length.
/// let weak = Secret::new("ThisIsMySuperSecretJwtSigningKeyForProductionUse2024").unwrap_err();
/// assert!(matches!(
///     weak.problems[..],
///     [SecretProblem::Pattern { kind: PatternKind::Words, .. }]
/// ));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretProblem {
    /// No bytes at all.
    #[error("it is empty")]
    Empty,
    /// Fewer than 32 bytes (RFC 7518 §3.2: a key as long as the hash output).
    #[error("it is {len} bytes; HS256 needs at least {min}")]
    TooShort {
        /// Its length in bytes.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A well-known default from documentation, tutorials or templates, recognised through case
    /// changes, quotes, whitespace, punctuation, Unicode look-alikes and a few appended digits.
    #[error(
        "it is a published secret ({name}, published in {published_in}); anyone can forge \
         tokens with it"
    )]
    Published {
        /// What it is.
        name: &'static str,
        /// Where it is published, for a maintainer to check.
        published_in: &'static str,
    },
    /// Too little entropy for its length and alphabet.
    #[error(
        "it carries about {estimated_bits} bits of entropy ({:.1} bits per character, \
         {alphabet_size} possible characters from the {alphabet} alphabet); at least \
         {required_bits} are needed",
        f64::from(*.alphabet_size).log2()
    )]
    LowEntropy {
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
        /// The alphabet it was judged to be drawn from.
        alphabet: AlphabetKind,
        /// How many characters that alphabet has.
        alphabet_size: u16,
    },
    /// Made of patterns an attacker tries first (common words and passwords, keyboard walks,
    /// sequences, repeats, dates), so that it carries far less than its alphabet suggests.
    ///
    /// Like every rule, a pure function of the secret's bytes: the same secret gets the same
    /// estimate on every call, in every process.
    #[error(
        "it is made of predictable patterns (mostly {kind}): about {estimated_bits} bits by \
         the pattern estimate; at least {required_bits} are needed"
    )]
    Pattern {
        /// The kind of pattern that accounts for most of it.
        kind: PatternKind,
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
    },
    /// A part repeated, exactly or with small changes (a counter, one changed character).
    #[error("it is repetitive ({pattern})")]
    Repetitive {
        /// What repeats.
        pattern: RepetitionKind,
    },
    /// A PEM block or an OpenSSH key: HS256 wants a random shared string, not a key file.
    #[error("it looks like a {kind}, not an HMAC secret")]
    LooksLikeKey {
        /// What it looks like.
        kind: KeyKind,
    },
    /// A token, identifier or document pasted where the secret belongs.
    #[error("it looks like a {kind}, not an HMAC secret")]
    Structured {
        /// What it looks like.
        kind: StructuredKind,
    },
    /// Hex or base64 whose decoded bytes are printable text: the coat adds no entropy, so the
    /// text is judged, and these are its problems.
    #[error("it is {encoding}-encoded text, and that text is weak: {}", join_problems(.problems))]
    EncodedText {
        /// The coat.
        encoding: Encoding,
        /// What is wrong with the decoded text.
        problems: Vec<SecretProblem>,
    },
}

/// The kind of pattern a [`SecretProblem::Pattern`] found most of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PatternKind {
    /// Common words, names and passwords, in any case, run together or l33t-spelled.
    #[error("dictionary words")]
    Words,
    /// Neighbouring keys of a QWERTY keyboard (`qwerty`, `1qaz2wsx`).
    #[error("keyboard walk")]
    KeyboardWalk,
    /// Letters or digits in order (`abcdef`, `98765`).
    #[error("sequence")]
    Sequence,
    /// A short part repeated back to back (`abcabc`, `xxxx`).
    #[error("repetition")]
    Repeat,
    /// Years and dates (`2024`, `19991231`).
    #[error("dates")]
    Date,
}

/// What repeats in a [`SecretProblem::Repetitive`] secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum RepetitionKind {
    /// One character, all along.
    #[error("one character repeated")]
    OneCharacter,
    /// A short pattern, repeated to the end.
    #[error("a short pattern repeated")]
    ShortPattern,
    /// One character, for at least half of it.
    #[error("mostly one character repeated")]
    MostlyOneCharacter,
    /// A part repeated with changes, such as a counter.
    #[error("a part repeated with small changes, such as a counter")]
    WithSmallChanges,
}

/// What a [`SecretProblem::LooksLikeKey`] secret looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum KeyKind {
    /// `-----BEGIN OPENSSH PRIVATE KEY-----`.
    #[error("OpenSSH private key")]
    OpenSshPrivateKey,
    /// Any other `-----BEGIN ` block.
    #[error("PEM-encoded key or certificate")]
    Pem,
    /// `ssh-ed25519 AAAA…` and the like.
    #[error("OpenSSH public key")]
    OpenSshPublicKey,
    /// The base64 body of a PEM block, without its armour.
    #[error("base64 DER key (a PEM body without its BEGIN/END lines)")]
    Base64Der,
}

/// What a [`SecretProblem::Structured`] secret looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum StructuredKind {
    /// A compact JWS: a token, not the key it was signed with.
    #[error("JWT")]
    Jwt,
    /// A compact JWE.
    #[error("JWE")]
    Jwe,
    /// `Bearer …` or `Basic …`.
    #[error("Authorization header value")]
    AuthorizationHeader,
    /// A UUID.
    #[error("UUID")]
    Uuid,
    /// A JSON object, such as a JWK.
    #[error("JSON document")]
    JsonDocument,
    /// `scheme://…`.
    #[error("URL")]
    Url,
    /// A bcrypt password hash.
    #[error("bcrypt password hash")]
    BcryptHash,
    /// Jasypt's `ENC(...)`.
    #[error("encrypted configuration value (Jasypt `ENC(...)`)")]
    JasyptEncrypted,
    /// Django's `django-insecure-` development key.
    #[error("Django development key (`django-insecure-`)")]
    DjangoInsecure,
}

/// The coat of a [`SecretProblem::EncodedText`] secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal, either case.
    #[error("hex")]
    Hex,
    /// Base64 with `+` and `/`.
    #[error("base64")]
    Base64,
    /// Base64 with `-` and `_`.
    #[error("base64url")]
    Base64Url,
}

/// The alphabet a [`SecretProblem::LowEntropy`] secret was judged to be drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AlphabetKind {
    /// `0`–`9`.
    #[error("decimal")]
    Decimal,
    /// `0`–`9`, `a`–`f` (either case).
    #[error("hexadecimal")]
    Hexadecimal,
    /// Letters and digits.
    #[error("alphanumeric")]
    Alphanumeric,
    /// Letters, digits and base64's symbols.
    #[error("base64")]
    Base64,
    /// Text with other punctuation or non-ASCII characters.
    #[error("printable")]
    Printable,
    /// Arbitrary bytes.
    #[error("byte")]
    Byte,
}

fn join_problems(problems: &[SecretProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a configuration could not be read from the environment. Each message names the variable
/// and what to do.
///
/// ```
/// use jwt_auth::{AuthConfig, ConfigError};
///
/// let err = AuthConfig::from_lookup(|name| (name == "JWT_SECRET").then(|| "".into())).unwrap_err();
/// assert_eq!(err, ConfigError::Empty { var: "JWT_SECRET".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The variable is not set.
    #[error(
        "{var} is not set: set it to the secret the other services share (generate one with \
         `openssl rand -hex 32`)"
    )]
    Missing {
        /// The variable's name.
        var: String,
    },
    /// The variable is set but empty.
    #[error(
        "{var} is set but empty: set it to the secret the other services share (generate one with \
         `openssl rand -hex 32`)"
    )]
    Empty {
        /// The variable's name.
        var: String,
    },
    /// The variable is not valid UTF-8.
    #[error("{var} is not valid UTF-8")]
    NotUnicode {
        /// The variable's name.
        var: String,
    },
    /// The secret in the variable fails the strength check.
    #[error("{var}: {source}")]
    Weak {
        /// The variable's name.
        var: String,
        /// Every rule it failed.
        source: WeakSecret,
    },
    /// A variable lists more fallback keys than a [`KeyRing`](crate::KeyRing) holds.
    #[error("{var}: {source}")]
    KeyRing {
        /// The variable's name.
        var: String,
        /// Why the ring refused.
        source: KeyRingError,
    },
    /// A numeric variable does not hold a number in range.
    #[error("{var}={value:?} is invalid: expected {expected}")]
    InvalidNumber {
        /// The variable's name.
        var: String,
        /// What it holds.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// A URL variable (`JWT_JWKS_URL`, `JWT_OIDC_ISSUER`) does not hold a URL keys may be
    /// fetched from.
    #[error(
        "{var}={value:?} is not usable: {reason}; set it to an https:// URL (plain http:// only \
         on a loopback address)"
    )]
    InvalidUrl {
        /// The variable's name.
        var: String,
        /// What it holds (truncated).
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// Two variables that exclude each other are both set.
    #[error("{var} and {other} are both set: {fix}")]
    Conflicting {
        /// The variable read first.
        var: String,
        /// The other one.
        other: String,
        /// What to do.
        fix: &'static str,
    },
    /// A variable holds a value of the wrong form (an algorithm this crate does not sign with, an
    /// empty issuer or audience).
    #[error("{var}={value:?} is invalid: expected {expected}")]
    InvalidValue {
        /// The variable's name.
        var: String,
        /// What it holds (truncated, escaped).
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// `JWT_ALGORITHM` names a public-key algorithm but no private key file is given.
    #[error(
        "{var} is not set, and {alg_var}={alg} signs with a private key: set {var} to the path of \
         a PKCS#8 PEM private key (`jwt-auth key generate --alg {alg}`, or `{openssl}`)"
    )]
    MissingKeyFile {
        /// The key file's variable.
        var: String,
        /// The algorithm's variable.
        alg_var: String,
        /// The algorithm it names.
        alg: Algorithm,
        /// The `openssl` command that makes such a key.
        openssl: &'static str,
    },
    /// A key file named by a variable does not exist.
    #[error("{var}: no file at {path}: set {var} to the path of the key file, or create it")]
    KeyFileNotFound {
        /// The variable's name (with the entry's number for a list).
        var: String,
        /// The path it holds.
        path: String,
    },
    /// A key file exists but cannot be read (permissions, a directory, not UTF-8 text).
    #[error(
        "{var}: cannot read {path}: {reason}; make it a PEM file readable by the service's user \
         (and by no one else, for a private key: `chmod 600`)"
    )]
    KeyFileUnreadable {
        /// The variable's name (with the entry's number for a list).
        var: String,
        /// The path it holds.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A key file holds something that is not a usable key of the kind the variable takes: an
    /// encrypted key, SEC1 or PKCS#1 rather than PKCS#8, another curve, a public key where a
    /// private one is needed or the reverse; the key error says how to fix it.
    #[error("{var} ({path}): {source}")]
    Key {
        /// The variable's name (with the entry's number for a list).
        var: String,
        /// The path it holds.
        path: String,
        /// Why the key was refused.
        source: KeyError,
    },
    /// The private key's algorithm is not the one `JWT_ALGORITHM` names.
    #[error("{var} ({path}) holds an {found} key, but {alg_var} is {configured}: {fix}")]
    AlgorithmMismatch {
        /// The key file's variable.
        var: String,
        /// The path it holds.
        path: String,
        /// The algorithm's variable.
        alg_var: String,
        /// The algorithm the variable names (`HS256` when unset).
        configured: Algorithm,
        /// The key's algorithm.
        found: Algorithm,
        /// What to change.
        fix: String,
    },
}
