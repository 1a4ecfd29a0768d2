//! A clock the test moves by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jwt_auth::Clock;
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone)]
pub(crate) struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub(crate) fn at(start: OffsetDateTime) -> Self {
        Self(Arc::new(AtomicI64::new(
            i64::try_from(start.unix_timestamp_nanos() / 1_000_000).unwrap(),
        )))
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.0.fetch_add(
            i64::try_from(by.whole_milliseconds()).unwrap(),
            Ordering::SeqCst,
        );
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(self.0.load(Ordering::SeqCst)) * 1_000_000,
        )
        .unwrap()
    }
}
