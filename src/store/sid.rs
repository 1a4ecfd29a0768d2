//! The session id (`sid`): 16 bytes, unpadded base64url. It starts with its login time in Unix
//! milliseconds (6 bytes, big-endian) and ends with 10 random bytes, so that the revocation view
//! can compare a session's start with a subject's logout-everywhere cutoff without asking the
//! store.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(crate) const SID_LEN: usize = 16;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_carries_its_start_in_milliseconds() {
        let sid = new_sid(1_767_225_600_123).unwrap();
        assert_eq!(sid_started_ms(&sid_string(&sid)), Some(1_767_225_600_123));
        assert_eq!(sid_started_ms("not-a-session-id"), None);
    }
}
