//! The Lua scripts that make each change to a family, and each revocation, atomic in Redis.
//!
//! Each script starts by naming its `KEYS` and `ARGV`; the one method here that invokes it
//! passes them in that order, so the order is written once on each side.

use redis::{Script, ScriptInvocation};
use time::{Duration, OffsetDateTime};

use super::layout::{FamilyKeys, Keys, member};
use crate::store::memory::REMEMBERED_TOKENS;
use crate::store::revocations::unix_ms;
use crate::store::{Revocation, Rotation, TokenHash};

/// The scripts, each loaded once (redis-rs sends `EVALSHA`, and the source only when Redis does
/// not know it yet).
pub(super) struct Scripts {
    rotate: Script,
    acknowledge: Script,
    end: Script,
    revoke: Script,
    revoke_family: Script,
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.whole_milliseconds()).unwrap_or(i64::MAX)
}

impl Scripts {
    pub(super) fn new() -> Self {
        Self {
            rotate: Script::new(include_str!("lua/rotate.lua")),
            acknowledge: Script::new(include_str!("lua/acknowledge.lua")),
            end: Script::new(include_str!("lua/end.lua")),
            revoke: Script::new(include_str!("lua/revoke.lua")),
            revoke_family: Script::new(include_str!("lua/revoke_family.lua")),
        }
    }

    /// `lua/rotate.lua`: applies `rotation` to the family at `keys`.
    pub(super) fn rotate(&self, keys: &FamilyKeys, rotation: &Rotation) -> ScriptInvocation<'_> {
        let mut invocation = self.rotate.prepare_invoke();
        invocation
            .key(&keys.hash)
            .key(&keys.used)
            .arg(rotation.presented.to_hex())
            .arg(unix_ms(rotation.now))
            .arg(ms(rotation.idle))
            .arg(ms(rotation.grace))
            .arg(REMEMBERED_TOKENS);
        // Last, as the script reads every argument from here on as a successor.
        for successor in &rotation.successors {
            invocation.arg(successor.to_hex());
        }
        invocation
    }

    /// `lua/acknowledge.lua`: `delivered` reached the client.
    pub(super) fn acknowledge(
        &self,
        keys: &FamilyKeys,
        delivered: TokenHash,
    ) -> ScriptInvocation<'_> {
        let mut invocation = self.acknowledge.prepare_invoke();
        invocation.key(&keys.hash).arg(delivered.to_hex());
        invocation
    }

    /// `lua/end.lua`: ends the family at `keys`, if `presented` is one of its tokens.
    pub(super) fn end(&self, keys: &FamilyKeys, presented: TokenHash) -> ScriptInvocation<'_> {
        let mut invocation = self.end.prepare_invoke();
        invocation
            .key(&keys.hash)
            .key(&keys.used)
            .arg(presented.to_hex());
        invocation
    }

    /// `lua/revoke.lua`: records and publishes `revocation` in its shard, dropping the shard's
    /// entries expired at `now`.
    pub(super) fn revoke(
        &self,
        keys: &Keys,
        revocation: &Revocation,
        now: OffsetDateTime,
    ) -> ScriptInvocation<'_> {
        let shard = &keys.shards[keys.shard_for(revocation)];
        let mut invocation = self.revoke.prepare_invoke();
        invocation
            .key(&shard.entries)
            .key(&shard.sequence)
            .arg(member(revocation))
            .arg(unix_ms(revocation.kept_until()))
            .arg(unix_ms(now))
            .arg(&shard.channel)
            .arg(if keys.sharded { "SPUBLISH" } else { "PUBLISH" });
        invocation
    }

    /// `lua/revoke_family.lua`: marks the family at `keys` revoked, if it exists.
    pub(super) fn revoke_family(&self, keys: &FamilyKeys) -> ScriptInvocation<'_> {
        let mut invocation = self.revoke_family.prepare_invoke();
        invocation.key(&keys.hash);
        invocation
    }
}
