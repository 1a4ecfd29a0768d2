//! The library's behaviour as its users see it, one module per topic. The verification policy
//! (documented on `Verifier`) has a test, or more, per rule, each asserting the exact error.

#[path = "../common/mod.rs"]
mod common;

mod claims;
mod config;
mod config_keys;
mod custom_claims;
mod echo;
mod encoding;
mod header;
mod hostile;
mod http;
mod iss_aud;
mod issue;
mod json;
mod payload;
mod public_keys;
mod rfc7515;
mod rotation;
mod secret;
mod secret_strength;
mod shared_data;
mod signature;
mod times;
mod wycheproof;
mod wycheproof_public;
