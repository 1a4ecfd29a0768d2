#!/usr/bin/env bash
# Live interop cross-check, as CI runs it from a fresh clone (cwd: the repository root). Needs only
# python3 (with venv/pip), node/npm and cargo; installs the pinned peers locally (interop/.venv,
# interop/node_modules). Exits non-zero when any peer disagrees with jwt-auth or with the
# documented policy table. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== interop: installing the pinned peers"
interop/setup.sh

echo "== interop: live cross-check, both directions, fresh secrets"
# A fresh secret for the live run, never the fixtures' nor the caller's.
env -u JWT_SECRET -u JWT_SECRET_OTHER -u JWT_EXPIRES_MIN -u JWT_LEEWAY_SECS \
    interop/.venv/bin/python interop/crosscheck.py

echo "== interop: a Sessions refresh token is refused by the peers, its access token accepted"
env -u JWT_SECRET -u JWT_EXPIRES_MIN -u JWT_LEEWAY_SECS interop/.venv/bin/python interop/sessions_check.py

echo "== interop: the rotation runbook (src/guide/rotation.md), run with its Node and Python snippets"
env -u JWT_SECRET -u JWT_SECRET_FALLBACKS interop/.venv/bin/python interop/rotation/check.py

echo "== interop: the HS256-to-ES256 runbook (src/guide/public_keys.md), run with its Python and Node snippets"
env -u JWT_SECRET -u JWT_JWKS_URL interop/.venv/bin/python interop/public_keys_runbook/check.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== interop: public keys (ES256, EdDSA) both ways: PyJWT (PyJWKClient), python-jose, jsonwebtoken 9, jose"
interop/.venv/bin/python interop/public_keys.py --fixtures "$tmp/peers_public_keys.json"
JWT_AUTH_INTEROP_PUBLIC_KEY_FIXTURES="$tmp/peers_public_keys.json" \
    cargo test --locked --quiet --test interop_public_keys

echo "== interop: regenerate the fixtures from the live peers and run the fixture test on them"
env -u JWT_SECRET -u JWT_SECRET_OTHER interop/regen-fixtures.sh "$tmp/peers.json"
JWT_AUTH_INTEROP_FIXTURES="$tmp/peers.json" cargo test --locked --quiet --test interop_fixtures

echo "== interop: the committed fixtures"
cargo test --locked --quiet --test interop_fixtures --test interop_public_keys

echo "== interop: time the peers once, briefly, so the timing scripts cannot rot"
interop/time-peers.sh --quick
