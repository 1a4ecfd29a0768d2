#!/usr/bin/env bash
# Installs the pinned peers into interop/.venv and interop/node_modules (nothing global).
# Idempotent: an existing venv is reused (pip installs only what is missing), and `npm ci`
# always recreates node_modules from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --require-hashes --no-deps -r requirements.txt
.venv/bin/python -m pip check --disable-pip-version-check >/dev/null

npm ci --no-audit --no-fund --loglevel=error
