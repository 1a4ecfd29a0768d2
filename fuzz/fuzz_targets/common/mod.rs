//! What every target shares: the key, the clock, and the invariants a rejection must keep.

#![allow(dead_code)]

use std::fmt::Display;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use jwt_auth::{FixedClock, Secret, Verifier};

/// `openssl rand -hex 32`: the same secret the seed corpus was signed with.
pub const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
/// 2026-01-01T00:00:00Z, the time the seed tokens are valid at.
pub const NOW: i64 = 1_767_225_600;
/// The longest message a rejection may have. The longest errors echo 8 audiences of at most 64
/// characters, each character at most a 10-character escape.
pub const MAX_MESSAGE_CHARS: usize = 8 * 65 * 10 + 1024;

pub static KEY: LazyLock<Secret> = LazyLock::new(|| Secret::new(SECRET).unwrap());

/// The verifier every target uses, and one that expects an issuer and an audience, so that
/// their rejections (which echo the token's values) are reached too.
pub static VERIFIERS: LazyLock<[Verifier; 2]> = LazyLock::new(|| {
    let plain = Verifier::new(&*KEY).with_clock(FixedClock::at_unix(NOW).unwrap());
    let strict = plain
        .clone()
        .with_expected_issuer("fuzz-issuer")
        .with_expected_audience(["fuzz", "other"]);
    [plain, strict]
});

/// `header.payload` signed with [`SECRET`].
pub fn sign(signing_input: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// A rejection's message is bounded and safe to log: no control characters (no forged log
/// lines, no terminal escapes) and no Unicode line or direction controls.
pub fn check_message(error: &dyn Display) {
    let message = error.to_string();
    let chars = message.chars().count();
    assert!(
        chars <= MAX_MESSAGE_CHARS,
        "{chars}-character message: {message}"
    );
    if let Some(c) = message.chars().find(|&c| unsafe_in_logs(c)) {
        panic!("raw {c:?} in the message: {message:?}");
    }
}

fn unsafe_in_logs(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}
