//! What lives where in Redis: the key names, and how a revocation entry is written as a member
//! of the sorted set and as a message on the channel.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::store::Revocation;
use crate::store::revocations::unix_ms;

/// The names of the keys and of the channel under one prefix.
#[derive(Debug, Clone)]
pub(super) struct Keys {
    pub(super) prefix: Arc<str>,
    pub(super) revocations: Arc<str>,
    pub(super) sequence: Arc<str>,
    pub(super) channel: Arc<str>,
}

impl Keys {
    pub(super) fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.into(),
            revocations: format!("{{{prefix}:revocations}}").into(),
            sequence: format!("{{{prefix}:revocations}}:seq").into(),
            channel: format!("{prefix}:revocations").into(),
        }
    }

    /// The keys of family `sid`; the `{sid}` hash tag keeps them on one cluster slot, as a
    /// script may only touch keys of one slot.
    pub(super) fn family(&self, sid: &str) -> FamilyKeys {
        FamilyKeys {
            hash: format!("{}:{{{sid}}}:family", self.prefix),
            used: format!("{}:{{{sid}}}:used", self.prefix),
        }
    }
}

/// The keys of one family.
#[derive(Debug)]
pub(super) struct FamilyKeys {
    /// The family's fields (`RedisStore::start` writes them).
    pub(super) hash: String,
    /// The family's last consumed token hashes, newest first.
    pub(super) used: String,
}

/// The member that stands for a revocation in the sorted set and on the channel.
pub(super) fn member(revocation: &Revocation) -> String {
    match revocation {
        Revocation::Token { jti, .. } => format!("j:{jti}"),
        Revocation::Session { sid, .. } => format!("s:{sid}"),
        Revocation::Subject { sub, before, .. } => format!("u:{}:{sub}", unix_ms(*before)),
    }
}

pub(super) fn from_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// The revocation a member and score stand for; `None` for anything else found in Redis.
pub(super) fn parse_member(member: &str, until_ms: i64) -> Option<Revocation> {
    let until = from_ms(until_ms)?;
    let (kind, rest) = member.split_once(':')?;
    match kind {
        "j" => Some(Revocation::token(rest, until)),
        "s" => Some(Revocation::session(rest, until)),
        "u" => {
            let (before, sub) = rest.split_once(':')?;
            Some(Revocation::subject(
                sub,
                from_ms(before.parse().ok()?)?,
                until,
            ))
        }
        _ => None,
    }
}
