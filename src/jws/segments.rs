//! A compact JWS split at its dots, and the strict base64url decoding of each segment.
//!
//! Segments are decoded by `base64-simd`, which decodes a vector at a time: a payload of some 180
//! characters in about 22 ns, against about 78 ns for the `base64` crate's scalar decoder, on a
//! verify that costs under a microsecond. Both are strict in the same way (no padding, no
//! whitespace, no non-zero trailing bits; the tests below hold them to it).

use std::mem::MaybeUninit;

use base64_simd::{Out, URL_SAFE_NO_PAD};

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
    pub(crate) header: &'a [u8],
    pub(crate) payload: &'a [u8],
    pub(crate) signature: &'a [u8],
    /// `header.payload`, what the signature covers.
    pub(crate) signing_input: &'a [u8],
}

impl<'a> Segments<'a> {
    /// Splits `token` into exactly three segments, after the size cap. Over bytes: a dot is one
    /// byte in UTF-8 and never part of another character, and `memchr` finds it a vector at a
    /// time, so a hostile token of 8 KiB costs a fraction of its HMAC. Bytes and not `&str`,
    /// because the bearer token of a request is bytes: only canonical base64url segments pass
    /// the rules after this, so they judge every byte.
    pub(crate) fn split(token: &'a [u8]) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let mut dots = memchr::memchr_iter(b'.', token);
        if let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) {
            return Ok(Self {
                header: &token[..first],
                payload: &token[first + 1..second],
                signature: &token[second + 1..],
                signing_input: &token[..second],
            });
        }
        Err(VerifyError::SegmentCount {
            found: memchr::memchr_iter(b'.', token).count() + 1,
        })
    }

    /// The signature, decoded: canonical unpadded base64url of exactly one HMAC-SHA256 tag.
    pub(crate) fn tag(&self) -> Result<[u8; TAG_LEN], VerifyError> {
        let mut tag = [0_u8; TAG_LEN];
        // 43 characters decode to at most 32 bytes, so `tag` is large enough (the decoder panics
        // on a buffer too small for its input).
        if self.signature.len() == ENCODED_TAG_LEN {
            return match URL_SAFE_NO_PAD.decode(self.signature, Out::from_slice(&mut tag)) {
                Ok(decoded) if decoded.len() == TAG_LEN => Ok(tag),
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

    /// The payload, decoded into `inline` when it fits there (the product's do); `None` when it
    /// does not. The decoder panics on a buffer too small for its input, so the size is judged
    /// here, beside the call, from the decoder's own upper bound. `inline` may be uninitialised:
    /// the decoder only writes to it and answers the bytes it wrote, so a verify does not pay
    /// for zeroing 512 bytes it mostly leaves unread.
    pub(crate) fn inline_payload<'b>(
        &self,
        inline: &'b mut [MaybeUninit<u8>; INLINE_PAYLOAD_LEN],
    ) -> Option<Result<&'b [u8], VerifyError>> {
        if URL_SAFE_NO_PAD.estimated_decoded_length(self.payload.len()) > INLINE_PAYLOAD_LEN {
            return None;
        }
        Some(
            URL_SAFE_NO_PAD
                .decode(self.payload, Out::from_uninit_slice(inline))
                .map(|decoded| &*decoded)
                .map_err(|_| base64_error(TokenPart::Payload)),
        )
    }
}

/// Whether `segment` is canonical unpadded base64url, without decoding it: what [`decode`]
/// accepts, at a fraction of its cost, so that a large forged payload is judged before the HMAC
/// and decoded only after it.
pub(crate) fn is_canonical(segment: &[u8]) -> bool {
    URL_SAFE_NO_PAD.check(segment).is_ok()
}

/// Strict base64url: no padding, no whitespace, no non-zero trailing bits.
pub(crate) fn decode(segment: &[u8], part: TokenPart) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode_to_vec(segment)
        .map_err(|_| base64_error(part))
}

fn base64_error(part: TokenPart) -> VerifyError {
    VerifyError::Base64 { part }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decoder, and `is_canonical`, judge exactly as the `base64` crate's strict decoder
    /// does (the crate the issuer encodes with), for every string up to 5 long over an alphabet
    /// of valid characters (with and without trailing bits), padding and strays, and decode to
    /// the same bytes.
    #[test]
    fn decodes_exactly_as_the_base64_crate() {
        use base64::Engine as _;
        let strict = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let alphabet = ['A', 'B', 'P', 'Q', 'g', '_', '-', '=', '+', ' ', '.'];
        let mut layer = vec![String::new()];
        let mut checked = 0;
        for _ in 0..=5 {
            for s in &layer {
                let expected = strict.decode(s).ok();
                assert_eq!(
                    decode(s.as_bytes(), TokenPart::Payload).ok(),
                    expected,
                    "{s:?}"
                );
                assert_eq!(is_canonical(s.as_bytes()), expected.is_some(), "{s:?}");
                checked += 1;
            }
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
        }
        assert!(checked > 100_000);
    }

    /// Longer segments take the vector path: every length up to 600 bytes round-trips, and one
    /// stray character at any position, or non-zero trailing bits, is refused.
    #[test]
    fn long_segments_decode_strictly() {
        use base64::Engine as _;
        let strict = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for len in 0..=600_usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 151).to_le_bytes()[0]).collect();
            let encoded = strict.encode(&bytes);
            assert_eq!(
                decode(encoded.as_bytes(), TokenPart::Payload).unwrap(),
                bytes
            );
            assert!(is_canonical(encoded.as_bytes()));
            for stray in ["=", "+", "/", " ", ".", "\u{e9}"] {
                for at in [0, encoded.len() / 2, encoded.len().saturating_sub(1)] {
                    if encoded.is_empty() {
                        continue;
                    }
                    let mut bad = encoded.clone();
                    bad.replace_range(at..=at, stray);
                    assert!(
                        decode(bad.as_bytes(), TokenPart::Payload).is_err(),
                        "{bad:?}"
                    );
                    assert!(!is_canonical(bad.as_bytes()), "{bad:?}");
                }
            }
            if len % 3 != 0 {
                // The last character with its unused low bits set (`_` sets them all, `-` all
                // but the lowest).
                let mut bad = encoded.clone().into_bytes();
                let last = bad.last_mut().unwrap();
                *last = if *last == b'_' { b'-' } else { b'_' };
                let bad = String::from_utf8(bad).unwrap();
                assert!(strict.decode(&bad).is_err(), "{bad:?}");
                assert!(
                    decode(bad.as_bytes(), TokenPart::Payload).is_err(),
                    "{bad:?}"
                );
                assert!(!is_canonical(bad.as_bytes()), "{bad:?}");
            }
        }
    }

    /// Around the inline buffer's size, a payload is decoded into it when it fits and left to
    /// the heap path when it does not, valid or not: never a panic (the decoder asserts that
    /// its buffer is large enough).
    #[test]
    fn inline_payloads_stop_at_the_buffer() {
        for len in INLINE_PAYLOAD_LEN * 4 / 3 - 8..=INLINE_PAYLOAD_LEN * 4 / 3 + 8 {
            for fill in ["A", "_", "="] {
                let payload = fill.repeat(len);
                let token = format!("h.{payload}.s");
                let segments = Segments::split(token.as_bytes()).unwrap();
                let mut inline = [MaybeUninit::uninit(); INLINE_PAYLOAD_LEN];
                match segments.inline_payload(&mut inline) {
                    Some(Ok(decoded)) => {
                        assert_eq!(
                            decoded,
                            decode(payload.as_bytes(), TokenPart::Payload).unwrap()
                        );
                    }
                    Some(Err(e)) => {
                        assert_eq!(e, base64_error(TokenPart::Payload));
                        assert!(
                            decode(payload.as_bytes(), TokenPart::Payload).is_err(),
                            "{len}"
                        );
                    }
                    None => assert!(len.div_ceil(4) * 3 > INLINE_PAYLOAD_LEN, "{len}"),
                }
            }
        }
    }

    #[test]
    fn counts_segments_over_bytes() {
        assert_eq!(
            Segments::split(b"a.b.c.d").unwrap_err(),
            VerifyError::SegmentCount { found: 4 }
        );
        assert_eq!(
            Segments::split("é".as_bytes()).unwrap_err(),
            VerifyError::SegmentCount { found: 1 }
        );
        let segments = Segments::split("é.ü.ß".as_bytes()).unwrap();
        assert_eq!(
            (segments.header, segments.payload, segments.signature),
            ("é".as_bytes(), "ü".as_bytes(), "ß".as_bytes())
        );
        assert_eq!(segments.signing_input, "é.ü".as_bytes());
    }
}
