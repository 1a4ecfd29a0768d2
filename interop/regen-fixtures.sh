#!/usr/bin/env bash
# Regenerates the committed interop fixtures (default tests/fixtures/peers.json) from the real
# peers, after the full live cross-check has passed. Then run `cargo test --test interop_fixtures`.
#
#   interop/regen-fixtures.sh [PATH]
#
# The fixture secrets are test data: they are kept from the existing fixture file so that a
# regeneration changes only the tokens, or generated on first use (`openssl rand -hex 32`
# equivalent). JWT_SECRET / JWT_SECRET_OTHER in the environment override them. They are never
# printed; the fixture file itself holds them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/fixtures/peers.json}
committed=tests/fixtures/peers.json

interop/setup.sh
py=interop/.venv/bin/python
read_secret() { # KEY: the secret stored in the committed fixture, or a fresh one
    "$py" - "$committed" "$1" <<'PY'
import json, os, secrets, sys
path, key = sys.argv[1], sys.argv[2]
try:
    print(json.load(open(path))[key])
except FileNotFoundError:
    print(secrets.token_hex(32))
PY
}
JWT_SECRET=${JWT_SECRET:-$(read_secret secret)}
JWT_SECRET_OTHER=${JWT_SECRET_OTHER:-$(read_secret other_secret)}
export JWT_SECRET JWT_SECRET_OTHER
# The fixtures are made with the product's default lifetime, whatever the caller's is.
export JWT_EXPIRES_MIN=10080
unset JWT_LEEWAY_SECS

"$py" interop/crosscheck.py --write-fixtures "$out"
