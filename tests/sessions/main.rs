//! Sessions: rotation, reuse detection, the grace window, expiry and revocation, on the memory
//! store and (feature `redis`) on a real `redis-server` the tests start themselves.

#![allow(unreachable_pub)] // helpers shared between modules of one test binary

#[path = "../common/mod.rs"]
mod common;

mod clock;
#[cfg(feature = "redis")]
mod cluster;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod scenarios;
