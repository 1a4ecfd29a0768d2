//! Why a key was refused: [`WeakSecret`] and its [`SecretProblem`]s, [`KeyRingError`], and
//! [`ConfigError`], which names the setting that held it.

use std::fmt;

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
/// use jwt_auth::{Secret, SecretProblem};
///
/// let weak = Secret::new("").unwrap_err();
/// assert_eq!(weak.problems, [SecretProblem::Empty]);
///
/// // Words run together are still words, whatever their length.
/// let weak = Secret::new("ThisIsMySuperSecretJwtSigningKeyForProductionUse2024").unwrap_err();
/// assert!(matches!(
///     weak.problems[..],
///     [SecretProblem::Pattern { kind: "dictionary words", .. }]
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
        alphabet: &'static str,
        /// How many characters that alphabet has.
        alphabet_size: u16,
    },
    /// Made of patterns an attacker tries first (zxcvbn's dictionaries, keyboard walks,
    /// sequences, repeats), so that it carries far less than its alphabet suggests.
    ///
    /// This is the one rule whose verdict can differ between two calls on the same secret.
    /// zxcvbn 3.1 splits text into words by a search whose order follows its hash maps, each
    /// seeded at random when it is made; on a few texts made of words, two calls settle on
    /// different splits, and so on estimates some bits apart (the upstream algorithm's known
    /// order dependence: <https://github.com/dropbox/zxcvbn/pull/158>). A secret whose
    /// estimate is close to the requirement can then pass once and fail the next time (in
    /// another process, or the same one).
    /// Random secrets are far from it: `openssl rand -base64 32` and [`Secret::generate`] pass
    /// every time.
    ///
    /// [`Secret::generate`]: crate::Secret::generate
    #[error(
        "it is made of predictable patterns (mostly {kind}): about {estimated_bits} bits by \
         zxcvbn's pattern estimate; at least {required_bits} are needed"
    )]
    Pattern {
        /// The kind of pattern that accounts for most of it: `"dictionary words"`,
        /// `"keyboard walk"`, `"sequence"` or `"repetition"`.
        kind: &'static str,
        /// The estimate.
        estimated_bits: u32,
        /// The minimum.
        required_bits: u32,
    },
    /// A part repeated, exactly or with small changes (a counter, one changed character).
    #[error("it is repetitive ({pattern})")]
    Repetitive {
        /// What repeats.
        pattern: &'static str,
    },
    /// A PEM block or an OpenSSH key: HS256 wants a random shared string, not a key file.
    #[error("it looks like a {kind}, not an HMAC secret")]
    LooksLikeKey {
        /// What it looks like.
        kind: &'static str,
    },
    /// A token, identifier or document pasted where the secret belongs.
    #[error("it looks like a {kind}, not an HMAC secret")]
    Structured {
        /// What it looks like, such as `"JWT"`, `"JWE"`, `"UUID"`, `"JSON document"`, `"URL"`,
        /// `"Authorization header value"` or `"bcrypt password hash"`.
        kind: &'static str,
    },
    /// Hex or base64 whose decoded bytes are printable text: the coat adds no entropy, so the
    /// text is judged, and these are its problems.
    #[error("it is {encoding}-encoded text, and that text is weak: {}", join_problems(.problems))]
    EncodedText {
        /// `"hex"`, `"base64"` or `"base64url"`.
        encoding: &'static str,
        /// What is wrong with the decoded text.
        problems: Vec<SecretProblem>,
    },
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
}
