//! The refresh token's format, the session id, and the deterministic successor.
//!
//! A refresh token is 48 bytes in unpadded base64url (64 characters, no `.`): the 16-byte session
//! id, then 32 bytes no one can guess. At login those 32 bytes are OS randomness; at each rotation
//! they are HMAC-SHA256, under a key of the ring, of a fixed label and the presented token, so
//! that the store can hand the same successor out again (a retry, a second tab) while keeping
//! nothing but hashes. The session id starts with its login time in Unix milliseconds (6 bytes,
//! big-endian) and ends with 10 random bytes: the revocation view compares that time with a
//! subject's cutoff.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;

use crate::key::ring::RingKey;
use crate::store::TokenHash;

pub(crate) const SID_LEN: usize = 16;
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

pub(crate) fn new_sid(now_ms: i64) -> Result<[u8; SID_LEN], String> {
    let mut sid = [0; SID_LEN];
    let ms = u64::try_from(now_ms).unwrap_or(0).to_be_bytes();
    sid[..6].copy_from_slice(&ms[2..]);
    crate::crypto::fill_random(&mut sid[6..])?;
    Ok(sid)
}

pub(crate) fn sid_string(sid: &[u8; SID_LEN]) -> String {
    URL_SAFE_NO_PAD.encode(sid)
}

/// The login time, in Unix milliseconds, of a session id this crate made; `None` for anything
/// else.
pub(crate) fn sid_started_ms(sid: &str) -> Option<i64> {
    if sid.len() != 22 {
        return None;
    }
    let mut raw = [0; SID_LEN];
    let len = URL_SAFE_NO_PAD.decode_slice(sid, &mut raw).ok()?;
    if len != SID_LEN {
        return None;
    }
    let mut ms = [0; 8];
    ms[2..].copy_from_slice(&raw[..6]);
    i64::try_from(u64::from_be_bytes(ms)).ok()
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

    #[test]
    fn sid_carries_its_start_in_milliseconds() {
        let sid = new_sid(1_767_225_600_123).unwrap();
        assert_eq!(sid_started_ms(&sid_string(&sid)), Some(1_767_225_600_123));
        assert_eq!(sid_started_ms("not-a-session-id"), None);
    }

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
