//! What the crate tells `tracing` and `metrics`: every metric, its labels, what it means and what
//! a healthy service shows; every event, its target and level.
//!
//! Both are behind features that are off by default and pull nothing in when off: `tracing` (the
//! [`tracing`](https://docs.rs/tracing) crate's events) and `metrics` (counters and gauges through
//! the [`metrics`](https://docs.rs/metrics) facade). With a feature off, its call sites compile to
//! nothing. No event and no label ever carries a token, a refresh token or a secret.
//!
//! # Metrics (feature `metrics`)
//!
//! The crate records through the `metrics` facade; the application installs a recorder, such as
//! `metrics-exporter-prometheus`'s (the example services do, and serve `GET /metrics` with
//! `METRICS=1`), and may call [`describe_metrics`] after it to give each metric its help text.
//! Without a recorder the updates go nowhere, at a cost BENCHMARKING.md measures.
//!
//! | metric | type | labels | counts | a healthy service shows |
//! | --- | --- | --- | --- | --- |
//! | `jwt_auth_verifications_total` | counter | `outcome` | every token [`Verifier::verify`](crate::Verifier::verify), [`verify_as`](crate::Verifier::verify_as) or [`authenticate`](crate::Verifier::authenticate) checked (a request without a bearer token has none, and is not counted) | mostly `ok`; `expired` as users come back after their token lapsed; `invalid_signature` and `unknown_key_id` near zero: a rate that rises means a service signs with another secret or someone forges tokens; `revocation_unavailable` at zero |
//! | `jwt_auth_refreshes_total` | counter | `outcome` | every [`Sessions::refresh`](crate::Sessions::refresh), the ready `POST /refresh` routes' included | mostly `ok`; a few `expired`, `unknown` and `revoked` (sessions that ran out, were forgotten or were ended); `reused` and `store` at zero |
//! | `jwt_auth_refresh_reuse_total` | counter | none | used refresh tokens presented again outside the grace rules: each revoked its whole session | zero, or close: each one is a stolen token or a client that loses the refresh token it was sent; worth an alert |
//! | `jwt_auth_store_errors_total` | counter | `operation` | calls of [`Sessions`](crate::Sessions) to its [`SessionStore`](crate::store::SessionStore) that failed (the request answered 503) | zero; a rising count is a store that is down, slow (its command timeout) or full |
//! | `jwt_auth_jwks_fetches_total` | counter | `outcome` | every fetch of a [`RemoteKeySet`](crate::jwks::RemoteKeySet)'s document (feature `remote-jwks`): the background refreshes and those an unknown `kid` asked for, one however many tokens asked | `ok`, a few an hour (each `max-age`, at most every 15 minutes); any other outcome (`timeout`, `unreachable`, `status`, `document`…) means the identity provider or the network is failing, and past the staleness bound verifications answer 503 |
//! | `jwt_auth_jwks_age_seconds` | gauge | none | seconds since a remote key set was last fetched, set at each attempt | below the refresh interval (5 minutes without `max-age`); a value that keeps growing is a source that cannot be fetched |
//! | `jwt_auth_revocation_mirror_lag_seconds` | gauge | none | seconds since a `RedisStore`'s revocation mirror was last confirmed current (since it started, if it never was), set at each heartbeat (every 500 ms) and each attempt to reconnect | under one second; at its staleness bound (`RedisConfig::DEFAULT_STALENESS_BOUND`, 10 s) and above, verifiers that check revocation answer 503 |
//!
//! The two `jwks` metrics need feature `remote-jwks` too; with several remote key sets in a
//! process, the gauge is the last one's to fetch.
//!
//! Label values:
//! - `outcome` of `jwt_auth_verifications_total`: `ok`, or [`VerifyError::cause_name`]
//!   (`expired`, `invalid_signature`, `unknown_key_id`, `revoked`, `revocation_unavailable`,
//!   `base64`…: the variant's name in snake case);
//! - `outcome` of `jwt_auth_refreshes_total`: `ok`, or [`SessionError::cause_name`]
//!   (`malformed`, `unknown`, `expired`, `reused`, `revoked`, `store`…);
//! - `operation` of `jwt_auth_store_errors_total`: the `SessionStore` method that failed, `start`
//!   (login), `rotate` and `acknowledge` (refresh), `end` (logout) or `revoke` (logout, reuse,
//!   logout everywhere, revoking a token or a session).
//!
//! A reused refresh token counts once in `jwt_auth_refresh_reuse_total` and once as
//! `jwt_auth_refreshes_total{outcome="reused"}`; a refresh that fails on the store counts in
//! `jwt_auth_store_errors_total` and as `jwt_auth_refreshes_total{outcome="store"}`. The gauge is
//! one per process: run one `RedisStore` per process, as the example services do.
//!
//! # Events (feature `tracing`)
//!
//! | target | level | message | fields |
//! | --- | --- | --- | --- |
//! | `jwt_auth::verifier` | `DEBUG` | `token rejected` | `cause` ([`VerifyError::cause_name`]), `error` (its message) |
//! | `jwt_auth::session` | `DEBUG` | `refresh refused` | `cause` ([`SessionError::cause_name`]), `error` |
//! | `jwt_auth::session` | `WARN` | `refresh token reuse: the session is revoked` | `cause` (`reused`), `sub`, `sid` |
//! | `jwt_auth::store` | `ERROR` | `session store error` | `operation` (as the metric's label), `error` |
//! | `jwt_auth::jwks` | `WARN` | `key set fetch failed: the cached keys keep serving` | `cause` ([`RemoteError::cause_name`](crate::jwks::RemoteError::cause_name)), `error` |
//! | `jwt_auth::jwks` | `INFO` | `key set entry skipped` | `index`, `kid`, `reason` (an entry of the document the set cannot use: an RSA key, a private member…) |
//! | `jwt_auth::store` | `WARN` | `revocation mirror is stale: verifications that check revocation answer 503` | `lag_secs`, `bound_secs` |
//! | `jwt_auth::store` | `INFO` | `revocation mirror is current again` | `lag_secs` |
//!
//! Rejections are `DEBUG` because a client decides how many there are; reuse, store errors and a
//! stale mirror are what an operator acts on. The mirror logs each change of state once, not
//! each heartbeat. `error` is the error's message, which names the cause precisely and echoes at
//! most 64 escaped characters of an attacker-chosen header or claim value (`kid`, `iss`…), never
//! the token; `sub` and `sid` identify the user and the session, not a credential. To see the
//! rejections with `tracing-subscriber`'s filter: `jwt_auth=debug`.
//!
//! ```
//! use jwt_auth::{Issuer, Secret, Verifier};
//!
//! // The names the metrics' labels and the events' `cause` field use.
//! let (ours, _) = Secret::generate();
//! let (theirs, _) = Secret::generate();
//! let token = Issuer::new(&theirs).issue("42", None)?;
//! let err = Verifier::new(&ours).verify(&token).unwrap_err();
//! assert_eq!(err.cause_name(), "unknown_key_id");
//! # Ok::<(), jwt_auth::IssueError>(())
//! ```

#[cfg(doc)]
use crate::{SessionError, VerifyError};

/// Gives each metric of the crate its help text (and the gauge its unit) in the recorder
/// installed now, for the `# HELP` lines of a Prometheus page. Call it once, after installing the
/// recorder; the metrics are recorded whether or not it is called.
///
/// ```
/// // After `metrics::set_global_recorder(..)` or an exporter's `install_recorder()`:
/// jwt_auth::observability::describe_metrics();
/// ```
#[cfg(feature = "metrics")]
pub fn describe_metrics() {
    crate::observe::describe();
}
