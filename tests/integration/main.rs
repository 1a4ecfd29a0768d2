//! The framework integrations as real HTTP, in-process: each feature's servers on loopback
//! ports, spoken to by a hyper client. Each module compiles only with its feature, so
//! `cargo test --no-default-features --features rust-crypto,axum --test integration` tests axum
//! alone.

#![allow(unreachable_pub)]

#[path = "../common/mod.rs"]
mod common;

#[cfg(any(feature = "tower", feature = "axum", feature = "actix-web"))]
mod client;
#[cfg(any(feature = "tower", feature = "axum", feature = "actix-web"))]
mod scenarios;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod sessions;

#[cfg(feature = "actix-web")]
mod actix_web;
#[cfg(feature = "axum")]
mod axum;
#[cfg(feature = "tower")]
mod grpc;
#[cfg(feature = "tower")]
mod tower;
