#!/usr/bin/env bash
# Checks that each workspace member's `rust-version` is at least the highest `rust-version` any
# crate in its dependency tree declares (normal and build dependencies, every feature on, for the
# platform CI builds on). Cargo's resolver prefers versions that fit `rust-version`, but it falls
# back to newer ones when nothing older fits, and a `cargo update` or a new dependency can raise
# the floor silently; this makes that loud. Dev-dependencies do not count: they are not built by
# users of the crate. What no manifest declares (a crate without `rust-version`) is not checked.
set -euo pipefail
cd "$(dirname "$0")/.."

host="$(rustc -vV | sed -n 's/^host: //p')"
cargo metadata --locked --format-version 1 --all-features --filter-platform "$host" |
    python3 -c '
import json, sys

meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

def version(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

def shown(parts):
    return ".".join(str(p) for p in parts)

failed = False
for member in meta["workspace_members"]:
    package = packages[member]
    declared = package.get("rust_version")
    seen, stack, highest = set(), [member], ((0,), None)
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            if not any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                continue
            if dep["pkg"] in seen:
                continue
            seen.add(dep["pkg"])
            stack.append(dep["pkg"])
            needed = packages[dep["pkg"]].get("rust_version")
            if needed and version(needed) > highest[0]:
                highest = (version(needed), packages[dep["pkg"]])
    need, by = highest
    name = package["name"]
    if declared is None:
        print(f"{name}: no rust-version; its dependencies need {shown(need)}")
        continue
    verdict = "ok" if version(declared) >= need else "TOO LOW"
    culprit = " ({} {})".format(by["name"], by["version"]) if by else ""
    print(f"{name}: rust-version {declared}, dependencies need {shown(need)}{culprit}: {verdict}")
    failed |= verdict != "ok"
sys.exit(1 if failed else 0)
'
