//! The in-memory revocation entries both stores' views answer from.

use std::collections::HashMap;

use super::StoreError;
use super::sid::sid_started_ms;
use super::{Revocation, RevocationStatus, RevokedBy};

/// A subject's logout-everywhere cutoff.
#[derive(Debug, Clone, Copy)]
struct Cutoff {
    /// Unix milliseconds.
    before_ms: i64,
    /// Unix milliseconds.
    until_ms: i64,
}

/// Revocation entries keyed by what they revoke, each with the time (Unix ms) it may be dropped.
#[derive(Debug, Default)]
pub(crate) struct RevocationSet {
    jtis: HashMap<Box<str>, i64>,
    sids: HashMap<Box<str>, i64>,
    subjects: HashMap<Box<str>, Cutoff>,
}

pub(crate) fn unix_ms(time: time::OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl RevocationSet {
    pub(crate) fn len(&self) -> usize {
        self.jtis.len() + self.sids.len() + self.subjects.len()
    }

    /// Adds `revocation`; an entry already there keeps the later cutoff and the later expiry.
    /// Refuses a new key once `max` entries are held and none has expired by `now_ms`.
    pub(crate) fn insert(
        &mut self,
        revocation: &Revocation,
        now_ms: i64,
        max: usize,
    ) -> Result<(), StoreError> {
        let until_ms = unix_ms(revocation.kept_until());
        if until_ms <= now_ms {
            return Ok(());
        }
        let is_new = match revocation {
            Revocation::Token { jti, .. } => !self.jtis.contains_key(jti.as_str()),
            Revocation::Session { sid, .. } => !self.sids.contains_key(sid.as_str()),
            Revocation::Subject { sub, .. } => !self.subjects.contains_key(sub.as_str()),
        };
        if is_new && self.len() >= max {
            self.prune(now_ms);
            if self.len() >= max {
                return Err(StoreError::Full { max });
            }
        }
        let keep_later = |entry: &mut i64| *entry = (*entry).max(until_ms);
        match revocation {
            Revocation::Token { jti, .. } => {
                keep_later(self.jtis.entry(jti.as_str().into()).or_insert(until_ms));
            }
            Revocation::Session { sid, .. } => {
                keep_later(self.sids.entry(sid.as_str().into()).or_insert(until_ms));
            }
            Revocation::Subject { sub, before, .. } => {
                let before_ms = unix_ms(*before);
                let entry = self.subjects.entry(sub.as_str().into()).or_insert(Cutoff {
                    before_ms,
                    until_ms,
                });
                entry.before_ms = entry.before_ms.max(before_ms);
                entry.until_ms = entry.until_ms.max(until_ms);
            }
        }
        Ok(())
    }

    /// Drops the entries whose tokens have all expired.
    pub(crate) fn prune(&mut self, now_ms: i64) {
        self.jtis.retain(|_, until| *until > now_ms);
        self.sids.retain(|_, until| *until > now_ms);
        self.subjects.retain(|_, cutoff| cutoff.until_ms > now_ms);
    }

    /// The rules of [`RevocationView`](super::RevocationView). An entry past its expiry still
    /// answers until pruned: the tokens it covers have expired anyway, so it costs nothing.
    pub(crate) fn status(
        &self,
        sub: &str,
        sid: Option<&str>,
        jti: Option<&str>,
        iat: Option<i64>,
    ) -> RevocationStatus {
        if jti.is_some_and(|jti| self.jtis.contains_key(jti)) {
            return RevocationStatus::Revoked(RevokedBy::Token);
        }
        if sid.is_some_and(|sid| self.sids.contains_key(sid)) {
            return RevocationStatus::Revoked(RevokedBy::Session);
        }
        if let Some(cutoff) = self.subjects.get(sub) {
            let revoked = match sid.and_then(sid_started_ms) {
                Some(started_ms) => started_ms <= cutoff.before_ms,
                // Whole seconds cannot order a token within the cutoff's second: refuse it. No
                // `iat` at all: nothing says when it was issued, so refuse it too.
                None => iat.is_none_or(|iat| iat <= cutoff.before_ms.div_euclid(1000)),
            };
            if revoked {
                return RevocationStatus::Revoked(RevokedBy::Subject);
            }
        }
        RevocationStatus::Active
    }

    pub(crate) fn subject_cutoff_ms(&self, sub: &str) -> Option<i64> {
        self.subjects.get(sub).map(|cutoff| cutoff.before_ms)
    }
}
