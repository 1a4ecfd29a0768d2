//! A compact JWS split at its dots, and the strict base64url decoding of each segment.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::limits::MAX_TOKEN_LEN;
use super::{TokenPart, VerifyError};
use crate::crypto::TAG_LEN;

/// The unpadded base64url length of a 32-byte HMAC-SHA256 tag.
const ENCODED_TAG_LEN: usize = 43;

/// Decoded payloads up to this size stay on the stack (the product's are under 100 bytes) and are
/// decoded before the signature is checked; larger ones, up to what [`MAX_TOKEN_LEN`] allows, are
/// checked for canonical base64url before it and decoded, onto the heap, after it.
pub(crate) const INLINE_PAYLOAD_LEN: usize = 512;

/// A compact JWS split at its dots; nothing decoded yet.
#[derive(Debug)]
pub(crate) struct Segments<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`, what the signature covers.
    pub(crate) signing_input: &'a str,
}

impl<'a> Segments<'a> {
    /// Splits `token` into exactly three segments, after the size cap. Over bytes: a dot is one
    /// byte in UTF-8 and never part of another character, and `memchr` finds it a vector at a
    /// time, so a hostile token of 8 KiB costs a fraction of its HMAC.
    pub(crate) fn split(token: &'a str) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
        if let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) {
            return Ok(Self {
                header: &token[..first],
                payload: &token[first + 1..second],
                signature: &token[second + 1..],
                signing_input: &token[..second],
            });
        }
        Err(VerifyError::SegmentCount {
            found: memchr::memchr_iter(b'.', token.as_bytes()).count() + 1,
        })
    }

    /// The signature, decoded: canonical unpadded base64url of exactly one HMAC-SHA256 tag.
    pub(crate) fn tag(&self) -> Result<[u8; TAG_LEN], VerifyError> {
        let mut tag = [0_u8; TAG_LEN];
        if self.signature.len() == ENCODED_TAG_LEN {
            return match URL_SAFE_NO_PAD.decode_slice(self.signature, &mut tag) {
                Ok(TAG_LEN) => Ok(tag),
                _ => Err(base64_error(TokenPart::Signature)),
            };
        }
        // The length is all the error needs: canonical unpadded base64url of `n` characters
        // holds `n * 3 / 4` bytes, so a long signature is judged without decoding it.
        if !is_canonical(self.signature) {
            return Err(base64_error(TokenPart::Signature));
        }
        Err(VerifyError::SignatureLength {
            len: self.signature.len() * 3 / 4,
            expected: TAG_LEN,
        })
    }

    /// The signature of a public-key algorithm, decoded: canonical unpadded base64url of
    /// exactly `expected` bytes.
    pub(crate) fn signature_of_len(&self, expected: usize) -> Result<Vec<u8>, VerifyError> {
        if !is_canonical(self.signature) {
            return Err(base64_error(TokenPart::Signature));
        }
        let len = self.signature.len() * 3 / 4;
        if len != expected {
            return Err(VerifyError::SignatureLength { len, expected });
        }
        decode(self.signature, TokenPart::Signature)
    }

    /// The payload, decoded into `inline`: only for payloads that fit, the product's.
    pub(crate) fn inline_payload<'b>(
        &self,
        inline: &'b mut [u8; INLINE_PAYLOAD_LEN],
    ) -> Result<&'b [u8], VerifyError> {
        let len = URL_SAFE_NO_PAD
            .decode_slice(self.payload, inline)
            .map_err(|_| base64_error(TokenPart::Payload))?;
        Ok(&inline[..len])
    }

    /// Whether the payload decodes into [`inline_payload`](Self::inline_payload)'s buffer.
    pub(crate) fn payload_is_inline(&self) -> bool {
        base64::decoded_len_estimate(self.payload.len()) <= INLINE_PAYLOAD_LEN
    }
}

/// Whether `segment` is canonical unpadded base64url, without decoding it: every byte from the
/// alphabet, a length a whole number of bytes encodes to, and the bits past the last byte zero.
/// What [`decode`] accepts, at a fraction of its cost, so that a large forged payload is judged
/// before the HMAC and decoded only after it.
pub(crate) fn is_canonical(segment: &str) -> bool {
    /// Branch-free (`|`, not `||`), so that the compiler checks a whole chunk at once with
    /// vector compares.
    #[allow(clippy::needless_bitwise_bool)]
    fn in_alphabet(b: u8) -> bool {
        b.is_ascii_uppercase()
            | b.is_ascii_lowercase()
            | b.is_ascii_digit()
            | (b == b'-')
            | (b == b'_')
    }
    fn sextet(b: u8) -> u8 {
        match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            _ => 63,
        }
    }
    let bytes = segment.as_bytes();
    let Some(&last) = bytes.last() else {
        return true;
    };
    let unused_bits_mask = match bytes.len() % 4 {
        0 => 0,
        2 => 0b1111,
        3 => 0b11,
        _ => return false,
    };
    bytes
        .chunks(64)
        .all(|chunk| chunk.iter().fold(true, |ok, &b| ok & in_alphabet(b)))
        && sextet(last) & unused_bits_mask == 0
}

/// Strict base64url: no padding, no whitespace, no non-zero trailing bits.
pub(crate) fn decode(segment: &str, part: TokenPart) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| base64_error(part))
}

fn base64_error(part: TokenPart) -> VerifyError {
    VerifyError::Base64 { part }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_canonical` judges exactly as the decoder does, for every string up to 5 long over an
    /// alphabet of valid characters (with and without trailing bits), padding and strays.
    #[test]
    fn is_canonical_agrees_with_the_decoder() {
        let alphabet = ['A', 'B', 'P', 'Q', 'g', '_', '-', '=', '+', ' ', '.'];
        let mut layer = vec![String::new()];
        let mut checked = 0;
        for _ in 0..=5 {
            for s in &layer {
                assert_eq!(is_canonical(s), URL_SAFE_NO_PAD.decode(s).is_ok(), "{s:?}");
                checked += 1;
            }
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn counts_segments_over_bytes() {
        assert_eq!(
            Segments::split("a.b.c.d").unwrap_err(),
            VerifyError::SegmentCount { found: 4 }
        );
        assert_eq!(
            Segments::split("é").unwrap_err(),
            VerifyError::SegmentCount { found: 1 }
        );
        let segments = Segments::split("é.ü.ß").unwrap();
        assert_eq!(
            (segments.header, segments.payload, segments.signature),
            ("é", "ü", "ß")
        );
        assert_eq!(segments.signing_input, "é.ü");
    }
}
