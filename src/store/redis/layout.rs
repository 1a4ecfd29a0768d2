//! What lives where in Redis: the key names, and how a revocation entry is written as a member
//! of the sorted set and as a message on the channel.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::store::Revocation;
use crate::store::revocations::unix_ms;

/// How many slots a Redis Cluster has.
const SLOTS: usize = 16384;

/// How many shards the revocation entries spread over on a Redis Cluster, each in its own slot,
/// a sixteenth of the slot space apart: so they land on every master of a cluster of up to 16
/// (as `redis-cli --cluster create` divides the slots), and a master that is down holds back only
/// the tokens whose subject, family or `jti` falls in its shards.
pub(super) const CLUSTER_SHARDS: usize = 16;

/// The keys and the channel of one shard of the revocation entries, all under one hash tag (one
/// slot), as the script that writes an entry touches both keys and publishes on the channel.
#[derive(Debug)]
pub(super) struct Shard {
    /// The sorted set of entries, scored by when each may be dropped.
    pub(super) entries: String,
    /// The number of the last entry written to the shard.
    pub(super) sequence: String,
    /// Where each new entry is published, with its sequence number.
    pub(super) channel: String,
}

/// The names of the keys and of the channels under one prefix.
#[derive(Debug, Clone)]
pub(super) struct Keys {
    pub(super) prefix: Arc<str>,
    pub(super) shards: Arc<[Shard]>,
    /// On a cluster: entries are published with `SPUBLISH` on each shard's channel, which only
    /// the shard's master (and its replicas) carries; on one Redis, with `PUBLISH`.
    pub(super) sharded: bool,
}

impl Keys {
    /// The layout on one Redis: one shard, under the names a running Redis already holds.
    pub(super) fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.into(),
            shards: Arc::new([Shard {
                entries: format!("{{{prefix}:revocations}}"),
                sequence: format!("{{{prefix}:revocations}}:seq"),
                channel: format!("{prefix}:revocations"),
            }]),
            sharded: false,
        }
    }

    /// The layout on a Redis Cluster: [`CLUSTER_SHARDS`] shards; shard `i`'s hash tag is
    /// `<prefix>:revocations:<n>` for the least `n` whose slot lies in the `i`-th sixteenth of the
    /// slot space.
    pub(super) fn cluster(prefix: &str) -> Self {
        let mut tags: [Option<String>; CLUSTER_SHARDS] = Default::default();
        let mut missing = CLUSTER_SHARDS;
        let mut n = 0_u64;
        while missing > 0 {
            let tag = format!("{prefix}:revocations:{n}");
            let slot = usize::from(crc16(tag.as_bytes())) % SLOTS;
            let place = &mut tags[slot * CLUSTER_SHARDS / SLOTS];
            if place.is_none() {
                *place = Some(tag);
                missing -= 1;
            }
            n += 1;
        }
        Self {
            prefix: prefix.into(),
            shards: tags
                .into_iter()
                .flatten()
                .map(|tag| Shard {
                    entries: format!("{{{tag}}}"),
                    sequence: format!("{{{tag}}}:seq"),
                    channel: format!("{{{tag}}}:feed"),
                })
                .collect(),
            sharded: true,
        }
    }

    /// The shard that holds the entries of `id` (a subject, a `sid` or a `jti`).
    pub(super) fn shard_of(&self, id: &str) -> usize {
        let shards = self.shards.len();
        if shards == 1 {
            return 0;
        }
        usize::from(crc16(id.as_bytes())) % SLOTS * shards / SLOTS
    }

    /// The shard that holds `revocation`.
    pub(super) fn shard_for(&self, revocation: &Revocation) -> usize {
        self.shard_of(match revocation {
            Revocation::Token { jti, .. } => jti,
            Revocation::Session { sid, .. } => sid,
            Revocation::Subject { sub, .. } => sub,
        })
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

/// CRC-16/XMODEM, by which Redis Cluster maps a key (its hash tag, if any) to a slot.
pub(super) fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0_u16;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 == 0 {
                crc << 1
            } else {
                (crc << 1) ^ 0x1021
            };
        }
    }
    crc
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The slot Redis Cluster gives `key`: the CRC of its hash tag, if it has a non-empty one.
    fn slot(key: &str) -> usize {
        let hashed = key
            .split_once('{')
            .and_then(|(_, rest)| rest.split_once('}'))
            .map_or(key, |(tag, _)| if tag.is_empty() { key } else { tag });
        usize::from(crc16(hashed.as_bytes())) % SLOTS
    }

    #[test]
    fn slots_as_redis_computes_them() {
        // Redis Cluster's specification: CRC16("123456789") is 0x31C3; `CLUSTER KEYSLOT foo` is
        // 12182.
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(slot("foo"), 12182);
        assert_eq!(slot("{user1000}.following"), slot("{user1000}.followers"));
    }

    #[test]
    fn each_shard_is_one_slot_and_shards_cover_the_slot_space() {
        let keys = Keys::cluster("jwt-auth");
        assert_eq!(keys.shards.len(), CLUSTER_SHARDS);
        for (i, shard) in keys.shards.iter().enumerate() {
            let slot = slot(&shard.entries);
            assert_eq!(slot, self::slot(&shard.sequence));
            assert_eq!(slot, self::slot(&shard.channel));
            assert_eq!(slot * CLUSTER_SHARDS / SLOTS, i, "{shard:?}");
        }
        // Ids spread over the shards.
        let mut used = [false; CLUSTER_SHARDS];
        for i in 0..1000 {
            used[keys.shard_of(&format!("user-{i}"))] = true;
        }
        assert!(used.iter().all(|&used| used));
        // One Redis keeps its names.
        let single = Keys::new("jwt-auth");
        assert_eq!(single.shards.len(), 1);
        assert_eq!(single.shards[0].entries, "{jwt-auth:revocations}");
        assert_eq!(single.shard_of("anything"), 0);
    }
}
