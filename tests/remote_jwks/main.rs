//! Remote key sets (feature `remote-jwks`) against real HTTP servers on loopback: a JWKS server
//! started by each test, which counts the requests it answers and changes its answers on
//! demand.

#![cfg(feature = "remote-jwks")]
#![allow(unreachable_pub)]

mod config;
#[cfg(feature = "metrics")]
mod counters;
mod keys;
mod oidc;
mod remote;
mod server;
#[cfg(all(feature = "tower", feature = "axum", feature = "actix-web"))]
mod web;
