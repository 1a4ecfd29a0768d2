//! What skips a safety rule, by name, for a developer's laptop and never for production.
//!
//! ```
//! use jwt_auth::{Issuer, Verifier, dangerous};
//!
//! // The product's old default: refused by `Secret::new`, accepted here with every problem
//! // handed back for the caller to log.
//! let (secret, problems) = dangerous::insecure_secret("dev-secret-change-me")?;
//! assert!(!problems.is_empty());
//! assert!(secret.is_insecure());
//! assert!(secret.to_string().starts_with("HS256 INSECURE development secret"));
//!
//! let token = Issuer::new(&secret).issue("42", None)?;
//! assert_eq!(Verifier::new(&secret).verify(&token)?.sub, "42");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::key::strength;
use crate::key::strength::SecretProblem;
use crate::key::{Secret, WeakSecret};

/// Accepts any non-empty secret, weak or not, and returns it with every strength rule it fails
/// (empty when it is strong). The secret is marked insecure in its `Debug` and `Display`. The
/// library prints nothing: log the problems, loudly.
///
/// ```
/// let (_, problems) = jwt_auth::dangerous::insecure_secret("your-256-bit-secret")?;
/// for problem in &problems {
///     eprintln!("INSECURE JWT_SECRET: {problem}");
/// }
/// # Ok::<(), jwt_auth::WeakSecret>(())
/// ```
///
/// # Errors
/// Only when `secret` is empty: HMAC with no key authenticates nothing.
pub fn insecure_secret(
    secret: impl AsRef<[u8]>,
) -> Result<(Secret, Vec<SecretProblem>), WeakSecret> {
    let secret = secret.as_ref();
    let problems = strength::problems(secret);
    if secret.is_empty() {
        return Err(WeakSecret { problems });
    }
    Ok((Secret::from_bytes(secret, true), problems))
}
