//! `RedisStore` (feature `redis`): session families in Redis, and a local `RevocationMirror`.
//!
//! One concept per file: `config` (where Redis is and how long to wait for it), `connection` (one
//! Redis or a cluster behind one interface), `store` (the `SessionStore` on Redis), `mirror` (each instance's copy of the revocation entries),
//! `scripts` with `lua/` (the atomic changes), `layout` (key names and how entries are encoded).

mod config;
mod connection;
mod layout;
mod mirror;
mod scripts;
mod store;

pub use config::RedisConfig;
pub use mirror::RevocationMirror;
pub use store::RedisStore;
