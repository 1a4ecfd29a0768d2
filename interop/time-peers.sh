#!/usr/bin/env bash
# Times PyJWT, python-jose and Node jsonwebtoken on the token `cargo bench --bench verify` uses
# (same claims, same 183 characters, same 64-hex secret), so BENCHMARKING.md can put the product's
# current verifiers beside jwt-auth's criterion medians. Run interop/setup.sh first.
#   interop/time-peers.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")"
# The benchmark's secret (benches/verify.rs): test data, not a deployment secret.
export JWT_SECRET=ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4
JWT_BENCH_TOKEN="$(.venv/bin/python - <<'PY'
import os, time, jwt
now = int(time.time())
claims = {"sub": "123456", "email": "ada@example.com", "iat": now, "exp": now + 604800}
print(jwt.encode(claims, os.environ["JWT_SECRET"], algorithm="HS256"))
PY
)"
export JWT_BENCH_TOKEN
[ "${#JWT_BENCH_TOKEN}" -eq 183 ] || { echo "expected the 183-character benchmark token" >&2; exit 1; }
.venv/bin/python time-peers.py "$@"
node time-peers.js "$@"
