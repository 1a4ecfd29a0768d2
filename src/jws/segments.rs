//! A compact JWS split at its dots, and the strict base64url decoding of each segment.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::crypto::TAG_LEN;
use crate::error::{TokenPart, VerifyError};
use crate::verifier::MAX_TOKEN_LEN;

/// The unpadded base64url length of a 32-byte HMAC-SHA256 tag.
const ENCODED_TAG_LEN: usize = 43;

/// Decoded payloads up to this size stay on the stack (the product's are under 100 bytes);
/// larger ones, up to what [`MAX_TOKEN_LEN`] allows, go to the heap.
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
    /// Splits `token` into exactly three segments, after the size cap.
    pub(crate) fn split(token: &'a str) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        // `str::find` with an ASCII `char` is a vectorised byte search (memchr); each byte of the
        // token is looked at once.
        let first = token.find('.');
        let second = first.and_then(|first| Some(first + 1 + token[first + 1..].find('.')?));
        match (first, second) {
            (Some(first), Some(second)) if !token[second + 1..].contains('.') => Ok(Self {
                header: &token[..first],
                payload: &token[first + 1..second],
                signature: &token[second + 1..],
                signing_input: &token[..second],
            }),
            _ => Err(VerifyError::SegmentCount {
                found: token.bytes().filter(|&byte| byte == b'.').count() + 1,
            }),
        }
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
        let decoded = decode(self.signature, TokenPart::Signature)?;
        Err(VerifyError::SignatureLength {
            len: decoded.len(),
            expected: TAG_LEN,
        })
    }

    /// The payload, decoded into `inline` when it fits, into `heap` otherwise.
    pub(crate) fn payload<'b>(
        &self,
        inline: &'b mut [u8; INLINE_PAYLOAD_LEN],
        heap: &'b mut Vec<u8>,
    ) -> Result<&'b [u8], VerifyError> {
        if base64::decoded_len_estimate(self.payload.len()) > INLINE_PAYLOAD_LEN {
            *heap = decode(self.payload, TokenPart::Payload)?;
            return Ok(heap);
        }
        let len = URL_SAFE_NO_PAD
            .decode_slice(self.payload, inline)
            .map_err(|_| base64_error(TokenPart::Payload))?;
        Ok(&inline[..len])
    }
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
