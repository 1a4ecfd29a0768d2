//! The refresh token's format and its deterministic successor.
//!
//! A refresh token is 48 bytes in unpadded base64url (64 characters, no `.`): the 16-byte session
//! id, then 32 bytes no one can guess. At login those 32 bytes are OS randomness; at each rotation
//! they are HMAC-SHA256, under a key of the ring, of a fixed label and the presented token, so
//! that the store can hand the same successor out again (a retry, a second tab) while keeping
//! nothing but hashes. The session id's format is the store's (`store::sid`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;

use crate::key::ring::RingKey;
use crate::store::TokenHash;
use crate::store::sid::SID_LEN;

const SECRET_LEN: usize = 32;
const TOKEN_LEN: usize = SID_LEN + SECRET_LEN;
/// Characters of a refresh token.
pub(crate) const TOKEN_CHARS: usize = 64;
/// Domain separation: HMAC inputs of JWT signatures start with `eyJ`, never with this.
const SUCCESSOR_LABEL: &[u8] = b"jwt-auth/refresh-successor/v1\0";

/// A refresh token's bytes, read or made. Never printed.
pub(crate) struct RawToken([u8; TOKEN_LEN]);

impl std::fmt::Debug for RawToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RawToken(..)")
    }
}

impl RawToken {
    pub(crate) fn login(sid: &[u8; SID_LEN]) -> Result<Self, String> {
        let mut raw = [0; TOKEN_LEN];
        raw[..SID_LEN].copy_from_slice(sid);
        crate::crypto::fill_random(&mut raw[SID_LEN..])?;
        Ok(Self(raw))
    }

    /// Reads a presented token; `None` unless it is exactly this format.
    pub(crate) fn parse(token: &str) -> Option<Self> {
        if token.len() != TOKEN_CHARS {
            return None;
        }
        let mut raw = [0; TOKEN_LEN];
        match URL_SAFE_NO_PAD.decode_slice(token, &mut raw) {
            Ok(TOKEN_LEN) => Some(Self(raw)),
            _ => None,
        }
    }

    pub(crate) fn sid(&self) -> [u8; SID_LEN] {
        let mut sid = [0; SID_LEN];
        sid.copy_from_slice(&self.0[..SID_LEN]);
        sid
    }

    pub(crate) fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }

    /// The successor under `key`: same session id, a new unguessable part.
    pub(crate) fn successor(&self, key: &RingKey) -> Self {
        let mut message = Vec::with_capacity(SUCCESSOR_LABEL.len() + TOKEN_LEN);
        message.extend_from_slice(SUCCESSOR_LABEL);
        message.extend_from_slice(&self.0);
        let mut raw = [0; TOKEN_LEN];
        raw[..SID_LEN].copy_from_slice(&self.0[..SID_LEN]);
        raw[SID_LEN..].copy_from_slice(&key.secret.hmac_key().sign(&message));
        Self(raw)
    }

    pub(crate) fn encode(&self) -> SecretString {
        URL_SAFE_NO_PAD.encode(self.0).into()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

    use super::*;
    use crate::store::sid::new_sid;

    #[test]
    fn tokens_round_trip_and_nothing_else_parses() {
        let token = RawToken::login(&new_sid(1).unwrap()).unwrap();
        let text = token.encode();
        assert_eq!(text.expose_secret().len(), TOKEN_CHARS);
        assert!(!text.expose_secret().contains('.'));
        let parsed = RawToken::parse(text.expose_secret()).unwrap();
        assert_eq!(parsed.hash(), token.hash());
        assert!(RawToken::parse(&text.expose_secret()[1..]).is_none());
        assert!(RawToken::parse(&format!("{}=", &text.expose_secret()[1..])).is_none());
    }
}
