use std::fmt;

/// A short identifier of a [`Secret`](crate::Secret), safe to log and to compare across services:
/// the first 8 bytes of `HMAC-SHA256(key = secret, "jwt-auth fingerprint v1")`, as 16 lowercase
/// hex characters. It reveals nothing usable about a strong secret, and is the same wherever the
/// secret is the same. The [`Issuer`](crate::Issuer) writes it as each token's `kid`.
///
/// ```
/// use jwt_auth::Secret;
///
/// let secret = Secret::new("ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4")?;
/// let fingerprint = secret.fingerprint();
/// assert_eq!(fingerprint.as_str(), "c610b726621f2885");
/// assert_eq!(fingerprint.to_string(), fingerprint.as_str());
/// # Ok::<(), jwt_auth::WeakSecret>(())
/// ```
///
/// A Python service prints the same value with
/// `hmac.new(secret.encode(), b"jwt-auth fingerprint v1", "sha256").hexdigest()[:16]`, and a
/// Node one with `crypto.createHmac("sha256", secret).update("jwt-auth fingerprint v1")
/// .digest("hex").slice(0, 16)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Lowercase hex, ASCII by construction.
    hex: [u8; 16],
}

impl Fingerprint {
    /// The message the fingerprint authenticates. Changing it changes every fingerprint.
    pub(crate) const LABEL: &'static [u8] = b"jwt-auth fingerprint v1";

    /// The fingerprint made of the first 8 bytes of `tag`.
    pub(crate) fn from_tag(tag: &[u8; crate::crypto::TAG_LEN]) -> Self {
        let mut hex = [0; 16];
        hex.copy_from_slice(crate::crypto::hex(&tag[..8]).as_bytes());
        Self { hex }
    }

    /// The 16 hex characters.
    pub fn as_str(&self) -> &str {
        // Only `from_tag` builds a fingerprint, from ASCII hex digits.
        std::str::from_utf8(&self.hex).unwrap_or_default()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}
