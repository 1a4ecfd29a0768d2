//! The Lua scripts that make each change to a family, and each revocation, atomic in Redis.

use redis::Script;

/// The scripts, each loaded once (redis-rs sends `EVALSHA`, and the source only when Redis does
/// not know it yet).
pub(super) struct Scripts {
    pub(super) rotate: Script,
    pub(super) acknowledge: Script,
    pub(super) end: Script,
    pub(super) revoke: Script,
    pub(super) revoke_family: Script,
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
}
