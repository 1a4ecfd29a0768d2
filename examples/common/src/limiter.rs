//! [`LoginLimiter`]: a per-client rate limit on `POST /login`, on `governor` (GCRA, lock-free),
//! so that passwords cannot be guessed at line rate.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many checks between two sweeps of idle clients out of the limiter's table.
const SWEEP_EVERY: u32 = 1024;

/// Allows a burst of `n` attempts per client address, refilled at `n` per minute.
#[derive(Debug)]
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU32,
}

/// The client must wait this long before its next attempt: the `Retry-After` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    /// Whole seconds, rounded up, at least 1.
    pub seconds: u64,
}

impl LoginLimiter {
    /// A limiter allowing `attempts` per minute per client.
    pub fn per_minute(attempts: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(attempts)),
            checks: AtomicU32::new(0),
        }
    }

    /// Counts one attempt from `client`.
    ///
    /// The key is the client's address as the service sees it. Behind a reverse proxy that is the
    /// proxy's address: key on the client address the proxy forwards instead, and trust that
    /// header only from the proxy.
    ///
    /// # Errors
    /// [`RetryAfter`] when `client` is over its quota.
    pub fn check(&self, client: IpAddr) -> Result<(), RetryAfter> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            // Forget clients whose quota has fully refilled, so the table does not grow forever.
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key(client)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            RetryAfter {
                seconds: whole_seconds_up(wait),
            }
        })
    }
}

/// IPv4 addresses as they are (IPv4-mapped IPv6 ones included); IPv6 addresses by their /64,
/// the block a single client usually controls.
fn key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

fn whole_seconds_up(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trips_after_the_burst_per_client() {
        let limiter = LoginLimiter::per_minute(NonZeroU32::new(2).unwrap());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let retry = limiter.check(a).unwrap_err();
        assert!((29..=30).contains(&retry.seconds), "{retry:?}");
        assert!(limiter.check(b).is_ok());
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(key(one), key(other));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn rounds_up() {
        assert_eq!(whole_seconds_up(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds_up(Duration::from_millis(19_001)), 20);
        assert_eq!(whole_seconds_up(Duration::ZERO), 1);
    }
}
