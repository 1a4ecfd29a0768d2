//! Every `tracing` event and `metrics` update the crate makes, so that a call site is one line
//! and, with neither the `tracing` nor the `metrics` feature, compiles to nothing. The names,
//! labels, targets and levels are listed for users in [`observability`](crate::observability);
//! a change here changes that page.
//!
//! Nothing here is given a token or a secret: only a cause's name, an error's message (which the
//! error types keep free of tokens and secrets) and the identifiers a session event carries.

use std::fmt::Display;
#[cfg(all(feature = "redis", feature = "tracing"))]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(feature = "redis")]
use std::time::Duration as StdDuration;

/// The target of the events and metrics about verifying an access token.
#[cfg(any(feature = "tracing", feature = "metrics"))]
const VERIFIER: &str = "jwt_auth::verifier";
/// The target of the events and metrics about refreshing a session.
#[cfg(any(feature = "tracing", feature = "metrics"))]
const SESSION: &str = "jwt_auth::session";
/// The target of the events and metrics about the session store and the revocation mirror.
#[cfg(any(feature = "tracing", feature = "metrics"))]
const STORE: &str = "jwt_auth::store";

/// Reports what a verification decided: `jwt_auth_verifications_total{outcome}`, and a `DEBUG`
/// event with the cause for a rejection. `cause` names a rejection (`VerifyError::cause_name`).
#[inline]
pub(crate) fn verification<T, E: Display>(result: &Result<T, E>, cause: fn(&E) -> &'static str) {
    #[cfg(feature = "metrics")]
    match result {
        // A literal label: the key is built at compile time, so the accepted path costs no
        // allocation and no hashing.
        Ok(_) => metrics::counter!(target: VERIFIER, "jwt_auth_verifications_total", "outcome" => "ok")
            .increment(1),
        Err(err) => metrics::counter!(target: VERIFIER, "jwt_auth_verifications_total", "outcome" => cause(err))
            .increment(1),
    }
    #[cfg(feature = "tracing")]
    if let Err(err) = result {
        tracing::debug!(target: VERIFIER, cause = cause(err), error = %err, "token rejected");
    }
    let _ = (result, cause);
}

/// Reports what a refresh decided: `jwt_auth_refreshes_total{outcome}`, and a `DEBUG` event with
/// the cause for a refusal or a failure. `cause` names a failure (`SessionError::cause_name`).
#[inline]
pub(crate) fn refresh<T, E: Display>(result: &Result<T, E>, cause: fn(&E) -> &'static str) {
    #[cfg(feature = "metrics")]
    match result {
        Ok(_) => {
            metrics::counter!(target: SESSION, "jwt_auth_refreshes_total", "outcome" => "ok")
                .increment(1);
        }
        Err(err) => {
            metrics::counter!(target: SESSION, "jwt_auth_refreshes_total", "outcome" => cause(err))
                .increment(1);
        }
    }
    #[cfg(feature = "tracing")]
    if let Err(err) = result {
        tracing::debug!(target: SESSION, cause = cause(err), error = %err, "refresh refused");
    }
    let _ = (result, cause);
}

/// Reports a used refresh token presented again, whose session is now revoked:
/// `jwt_auth_refresh_reuse_total`, and a `WARN` event naming the subject and the session.
#[inline]
pub(crate) fn refresh_reuse(sub: &str, sid: &str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(target: SESSION, "jwt_auth_refresh_reuse_total").increment(1);
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: SESSION,
        cause = "reused",
        sub,
        sid,
        "refresh token reuse: the session is revoked"
    );
    let _ = (sub, sid);
}

/// Reports a store call that failed, `operation` being the `SessionStore` method's name:
/// `jwt_auth_store_errors_total{operation}`, and an `ERROR` event. Hands `err` back, so that it
/// sits in a `map_err`.
#[inline]
pub(crate) fn store_error<E: Display>(operation: &'static str, err: E) -> E {
    #[cfg(feature = "metrics")]
    metrics::counter!(target: STORE, "jwt_auth_store_errors_total", "operation" => operation)
        .increment(1);
    #[cfg(feature = "tracing")]
    tracing::error!(target: STORE, operation, error = %err, "session store error");
    let _ = operation;
    err
}

/// Reports how far behind a revocation mirror is: the `jwt_auth_revocation_mirror_lag_seconds`
/// gauge, and an event when it goes past its staleness bound (`WARN`) or comes back (`INFO`),
/// which it remembers between reports so as to log each change once. Only Redis has a mirror.
#[cfg(feature = "redis")]
#[derive(Debug, Default)]
pub(crate) struct MirrorLag {
    #[cfg(feature = "tracing")]
    stale: AtomicBool,
}

#[cfg(feature = "redis")]
impl MirrorLag {
    /// `lag`: how long since the mirror was last confirmed current (since it started, if it
    /// never was); past `bound` the mirror refuses to answer.
    #[inline]
    #[cfg_attr(not(feature = "tracing"), allow(clippy::unused_self))]
    pub(crate) fn report(&self, lag: StdDuration, bound: StdDuration) {
        #[cfg(feature = "metrics")]
        metrics::gauge!(target: STORE, "jwt_auth_revocation_mirror_lag_seconds")
            .set(lag.as_secs_f64());
        #[cfg(feature = "tracing")]
        {
            let stale = lag > bound;
            if self.stale.swap(stale, Ordering::AcqRel) != stale {
                if stale {
                    tracing::warn!(
                        target: STORE,
                        lag_secs = lag.as_secs_f64(),
                        bound_secs = bound.as_secs_f64(),
                        "revocation mirror is stale: verifications that check revocation answer 503"
                    );
                } else {
                    tracing::info!(
                        target: STORE,
                        lag_secs = lag.as_secs_f64(),
                        "revocation mirror is current again"
                    );
                }
            }
        }
        let _ = (lag, bound);
    }
}

/// The target of the events and metrics about remote key sets.
#[cfg(all(feature = "remote-jwks", any(feature = "tracing", feature = "metrics")))]
const JWKS: &str = "jwt_auth::jwks";

/// Reports what a fetch of a remote key set gave: `jwt_auth_jwks_fetches_total{outcome}`, and a
/// `WARN` event with the cause for a failure. `cause` names a failure (`RemoteError::cause_name`).
#[cfg(feature = "remote-jwks")]
#[inline]
pub(crate) fn jwks_fetch<T, E: Display>(result: &Result<T, E>, cause: fn(&E) -> &'static str) {
    #[cfg(feature = "metrics")]
    match result {
        Ok(_) => {
            metrics::counter!(target: JWKS, "jwt_auth_jwks_fetches_total", "outcome" => "ok")
                .increment(1);
        }
        Err(err) => {
            metrics::counter!(target: JWKS, "jwt_auth_jwks_fetches_total", "outcome" => cause(err))
                .increment(1);
        }
    }
    #[cfg(feature = "tracing")]
    if let Err(err) = result {
        tracing::warn!(
            target: JWKS,
            cause = cause(err),
            error = %err,
            "key set fetch failed: the cached keys keep serving"
        );
    }
    let _ = (result, cause);
}

/// Reports an entry of a fetched key set that the set cannot use: an `INFO` event with its
/// position, its `kid` and why.
#[cfg(feature = "remote-jwks")]
#[inline]
pub(crate) fn jwks_skipped(index: usize, kid: Option<&str>, reason: &dyn Display) {
    #[cfg(feature = "tracing")]
    tracing::info!(target: JWKS, index, kid, reason = %reason, "key set entry skipped");
    let _ = (index, kid, reason);
}

/// Sets `jwt_auth_jwks_age_seconds`: how long since the remote key set was last fetched, at
/// each attempt (`None` before the first success leaves it unset).
#[cfg(feature = "remote-jwks")]
#[inline]
pub(crate) fn jwks_age(age: Option<std::time::Duration>) {
    #[cfg(feature = "metrics")]
    if let Some(age) = age {
        metrics::gauge!(target: JWKS, "jwt_auth_jwks_age_seconds").set(age.as_secs_f64());
    }
    let _ = age;
}

/// Gives each metric its help text, and the gauge its unit, in the current recorder.
#[cfg(feature = "metrics")]
pub(crate) fn describe() {
    metrics::describe_counter!(
        "jwt_auth_verifications_total",
        "Access tokens verified, by outcome: ok, or the rejection's cause"
    );
    metrics::describe_counter!(
        "jwt_auth_refreshes_total",
        "Refresh-token exchanges, by outcome: ok, or the failure's cause"
    );
    metrics::describe_counter!(
        "jwt_auth_refresh_reuse_total",
        "Used refresh tokens presented again: each revoked its session"
    );
    metrics::describe_counter!(
        "jwt_auth_store_errors_total",
        "Session store calls that failed, by store operation"
    );
    metrics::describe_counter!(
        "jwt_auth_jwks_fetches_total",
        "Fetches of remote key sets, by outcome: ok, or the failure's cause"
    );
    metrics::describe_gauge!(
        "jwt_auth_jwks_age_seconds",
        metrics::Unit::Seconds,
        "Seconds since the remote key set was last fetched, set at each attempt"
    );
    metrics::describe_gauge!(
        "jwt_auth_revocation_mirror_lag_seconds",
        metrics::Unit::Seconds,
        "Seconds since the revocation mirror was last confirmed current"
    );
}
