//! Why a store could not answer.

/// Why a store could not answer. Every variant is an outage, never a verdict on a token: it maps
/// to 503 with `Retry-After`, and a refresh that failed with it is safe to retry with the same
/// refresh token. No variant carries a token.
///
/// ```
/// use jwt_auth::store::StoreError;
///
/// let err = StoreError::Full { max: 10 };
/// assert_eq!(err.to_string(), "the store is full (10 entries) and none has expired");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store is unreachable (connection refused, closed, or lost).
    #[error("the session store is unavailable: {reason}")]
    Unavailable {
        /// The client's explanation.
        reason: String,
    },
    /// The store did not answer within the command timeout (a hung or overloaded server).
    #[error("the session store did not answer within {timeout_ms} ms")]
    Timeout {
        /// The timeout.
        timeout_ms: u64,
    },
    /// The store answered something this crate does not understand.
    #[error("the session store answered unexpectedly: {reason}")]
    Unexpected {
        /// What was wrong with the answer.
        reason: String,
    },
    /// A bounded store is full and none of its entries has expired.
    #[error("the store is full ({max} entries) and none has expired")]
    Full {
        /// The cap.
        max: usize,
    },
}
