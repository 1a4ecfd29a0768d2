"""Runs the HS256-to-ES256 runbook for real, with the snippets in this folder; the runbook is
src/guide/public_keys.md (rustdoc: `jwt_auth::guide::public_keys`), which must show each of them
verbatim.

A fresh shared secret and a fresh ES256 key for the issuers. The issuers' JWKS is served from a
loopback HTTP server, as the issuer's `/.well-known/jwks.json`: what the driver (`AuthConfig::jwks`)
publishes at each step. Tokens: HS256 ones as the Python user service signs them today (PyJWT)
and as jwt-auth does, and, from step 2, ES256 ones from the Python snippet (issue.py) and from
jwt-auth configured with JWT_ALGORITHM=ES256 and JWT_PRIVATE_KEY_FILE. At each step, the Python
verifier (verify.py, PyJWT's PyJWKClient), the Node ones (verify.js, jsonwebtoken 9 with
crypto.createPublicKey; verify_jose.js, jose's createRemoteJWKSet) and jwt-auth (its AuthConfig
from the step's variables) must accept exactly the tokens the step promises, reading the same
`sub`, and refuse the others.

Run with the interop venv's Python, after interop/setup.sh: `interop/.venv/bin/python
interop/public_keys_runbook/check.py`. Exits non-zero on any disagreement. Prints no secret and no
token.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTEROP = HERE.parent
ROOT = INTEROP.parent
sys.path.insert(0, str(INTEROP))

import jwt  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from crosscheck import build_rust_driver  # noqa: E402
from public_keys import JwksServer  # noqa: E402

GUIDE = ROOT / "src" / "guide" / "public_keys.md"
SNIPPETS = ["verify.py", "issue.py", "verify.js", "verify_jose.js"]

PY_VERIFY = """
import json, sys
from verify import verify_token
out = []
for token in json.load(sys.stdin):
    try:
        out.append(verify_token(token)["sub"])
    except Exception:
        out.append(None)
print(json.dumps(out))
"""
PY_ISSUE = "from issue import create_access_token; print(create_access_token('py-es256', {'email': 'ada@example.com'}))"
NODE_VERIFY = """
const { verifyToken } = require('./%s');
(async () => {
  const out = [];
  for (const token of JSON.parse(require('fs').readFileSync(0, 'utf8'))) {
    try { out.push((await verifyToken(token)).sub); } catch (err) { out.push(null); }
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def run(cmd, env, stdin="", cwd=HERE):
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd)
    if result.returncode != 0:
        sys.exit(f"runbook check: {cmd[0]} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def main():
    guide = GUIDE.read_text()
    missing = [name for name in SNIPPETS if (HERE / name).read_text().strip() not in guide]
    if missing:
        sys.exit(f"runbook check: {GUIDE.relative_to(ROOT)} does not show {missing} verbatim")

    rust_binary = build_rust_driver()
    secret = secrets.token_hex(32)
    base = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")}
    base["NODE_PATH"] = str(INTEROP / "node_modules")
    server = JwksServer()
    url = server.publish("/.well-known/jwks.json", {"keys": []})
    failures = []

    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "users-es256.pem"
        key_file.write_text(ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode())

        def rust_env(step):
            """The variables a jwt-auth service has at `step`."""
            env = dict(base)
            if step >= 2:
                env.update(JWT_ALGORITHM="ES256", JWT_PRIVATE_KEY_FILE=str(key_file))
            if step <= 2:
                env["JWT_SECRET"] = secret
            return env

        def rust(step, command, requests):
            stdin = "".join(json.dumps(r) + "\n" for r in requests)
            return [json.loads(line) for line in run([rust_binary, command], rust_env(step), stdin).splitlines()]


        def peers_env(step):
            env = dict(base, JWT_JWKS_URL=url)
            if step <= 2:
                env["JWT_SECRET"] = secret
            return env

        def verdicts(step, tokens):
            out = {}
            stdin = json.dumps(tokens)
            out["python (PyJWT)"] = json.loads(run([sys.executable, "-c", PY_VERIFY], peers_env(step), stdin))
            for script in ("verify.js", "verify_jose.js"):
                out[f"node ({script})"] = json.loads(run(["node", "-e", NODE_VERIFY % script], peers_env(step), stdin))
            answers = rust(step, "verify", [{"token": t} for t in tokens])
            out["rust (AuthConfig)"] = [a["claims"]["sub"] if a["ok"] else None for a in answers]
            return out, answers

        def expect(step, tokens, accepted):
            names = list(tokens)
            out, answers = verdicts(step, list(tokens.values()))
            for verifier, subs in out.items():
                for name, sub in zip(names, subs):
                    want = name if name in accepted else None
                    if sub != want:
                        failures.append(f"step {step}: {verifier} on {name}: {sub!r}, expected {want!r}")
            for name, answer in zip(names, answers):
                if name not in accepted and step == 3:
                    kind = answer.get("error", {}).get("kind")
                    if kind != "NoKeyForAlgorithm":
                        failures.append(f"step 3: jwt-auth refused {name} as {kind}, not NoKeyForAlgorithm")
            print(f"  step {step}: {', '.join(sorted(accepted))} accepted, "
                  f"{', '.join(sorted(set(names) - set(accepted))) or 'nothing'} refused, by each of {len(out)} verifiers")

        # Today: HS256 everywhere; the issuer's JWKS lists no key.
        now = datetime.now(timezone.utc)
        hs256 = {
            "py-hs256": jwt.encode({"sub": "py-hs256", "exp": now + timedelta(hours=1)}, secret, algorithm="HS256"),
            "rust-hs256": rust(1, "issue", [{"sub": "rust-hs256"}])[0]["token"],
        }
        # Step 1: verifiers first (JWT_SECRET kept, JWT_JWKS_URL added). Only HS256 tokens exist.
        jwks = json.loads(run([rust_binary, "jwks"], rust_env(1)))
        if jwks != {"keys": []}:
            failures.append(f"an HS256 service publishes {jwks}, not an empty key set")
        expect(1, hs256, set(hs256))

        # Step 2: issuers sign ES256; the JWKS lists their key; both kinds verify everywhere.
        server.publish("/.well-known/jwks.json", json.loads(run([rust_binary, "jwks"], rust_env(2))))
        kid = json.loads(run([rust_binary, "jwks"], rust_env(2)))["keys"][0]["kid"]
        issue_env = dict(base, JWT_PRIVATE_KEY_FILE=str(key_file), JWT_KID=kid)
        es256 = {
            "py-es256": run([sys.executable, "-c", PY_ISSUE], issue_env).strip(),
            "rust-es256": rust(2, "issue", [{"sub": "rust-es256"}])[0]["token"],
        }
        # A service still on the step 1 configuration accepts the new tokens too (its JWKS fetch).
        both = {**hs256, **es256}
        expect(2, both, set(both))

        # Step 3: the secret retired everywhere, after the longest HS256 token lifetime.
        expect(3, both, set(es256))

    server.close()
    if failures:
        for failure in failures:
            print(f"  FAIL {failure}")
        sys.exit(f"runbook check: {len(failures)} failure(s)")
    print("runbook check: every step holds for jwt-auth, PyJWT, jsonwebtoken and jose")


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"  ({time.monotonic() - started:.1f} s)")
