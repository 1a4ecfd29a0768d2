"""Runs the rotation runbook for real, with the snippets in this folder; the runbook is
src/guide/rotation.md (rustdoc: `jwt_auth::guide::rotation`), which must show both verbatim.

Two fresh secrets, OLD and NEW. Tokens are made by each implementation with each key: jwt-auth
(through interop/driver, with `kid`), PyJWT and Node `jsonwebtoken` (without `kid`, as the product's
services sign). Then, for each step of the runbook, jwt-auth (`AuthConfig::from_env` reading
JWT_SECRET and JWT_SECRET_FALLBACKS), the Python snippet (verify.py) and the Node snippet
(verify.js) must accept exactly the tokens the step promises, reading the same `sub`.

Run with the interop venv's Python, after interop/setup.sh: `interop/.venv/bin/python
interop/rotation/check.py`. Exits non-zero on any disagreement. Prints no secret and no token.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTEROP = HERE.parent
sys.path.insert(0, str(INTEROP))
sys.path.insert(0, str(HERE))

import jwt  # noqa: E402

from crosscheck import build_rust_driver  # noqa: E402

OLD, NEW = secrets.token_hex(32), secrets.token_hex(32)
NODE_SIGN = "process.stdout.write(require('jsonwebtoken').sign({sub: process.argv[1]}, process.env.KEY, {expiresIn: '1h'}))"
NODE_VERIFY = """
const { verifyToken } = require('./verify.js');
const out = JSON.parse(require('fs').readFileSync(0, 'utf8')).map((token) => {
  try { return verifyToken(token).sub; } catch (err) { return null; }
});
process.stdout.write(JSON.stringify(out));
"""
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


def env_with(current, fallbacks=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")}
    env["JWT_SECRET"] = current
    env["JWT_SECRET_FALLBACKS"] = ",".join(fallbacks)
    return env


def run(cmd, env, stdin="", cwd=HERE):
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd)
    if result.returncode != 0:
        sys.exit(f"rotation: {cmd[0]} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def rust_issue(driver, current, fallbacks, sub):
    line = run([driver, "issue"], env_with(current, fallbacks), json.dumps({"sub": sub}) + "\n")
    return json.loads(line)["token"]


def pyjwt_issue(key, sub):
    return jwt.encode({"sub": sub, "exp": int(time.time()) + 3600}, key, algorithm="HS256")


def node_issue(key, sub):
    env = dict(os.environ, KEY=key)
    return run(["node", "-e", NODE_SIGN, sub], env)


def verdicts(driver, current, fallbacks, tokens):
    env = env_with(current, fallbacks)
    lines = run([driver, "verify"], env, "".join(json.dumps({"token": t}) + "\n" for t in tokens))
    rust = [r["claims"]["sub"] if r["ok"] else None for r in map(json.loads, lines.splitlines())]
    python = json.loads(run([sys.executable, "-c", PY_VERIFY], env, json.dumps(tokens)))
    node = json.loads(run(["node", "-e", NODE_VERIFY], env, json.dumps(tokens)))
    return {"jwt-auth": rust, "python": python, "node": node}


GUIDE = INTEROP.parent / "src" / "guide" / "rotation.md"


def snippets_match_the_guide():
    guide = GUIDE.read_text()
    for snippet in ["verify.js", "verify.py"]:
        if (HERE / snippet).read_text() not in guide:
            sys.exit(f"rotation: src/guide/rotation.md does not show interop/rotation/{snippet} verbatim")


def main():
    snippets_match_the_guide()
    driver = build_rust_driver()
    tokens = {
        # name: (token, made with the OLD key?)
        "jwt-auth/old": (rust_issue(driver, OLD, [], "a"), True),
        "jwt-auth/new": (rust_issue(driver, NEW, [OLD], "b"), False),
        "pyjwt/old": (pyjwt_issue(OLD, "c"), True),
        "pyjwt/new": (pyjwt_issue(NEW, "d"), False),
        "node/old": (node_issue(OLD, "e"), True),
        "node/new": (node_issue(NEW, "f"), False),
    }
    names = list(tokens)
    subs = {name: jwt.decode(t, options={"verify_signature": False})["sub"] for name, (t, _) in tokens.items()}
    steps = [
        ("1. new key added as a fallback everywhere", OLD, [NEW], lambda old: True),
        ("2. new key signs, old key a fallback", NEW, [OLD], lambda old: True),
        ("3. old key dropped", NEW, [], lambda old: not old),
    ]
    failures = 0
    for title, current, fallbacks, accepted in steps:
        print(title)
        got = verdicts(driver, current, fallbacks, [tokens[n][0] for n in names])
        for i, name in enumerate(names):
            want = subs[name] if accepted(tokens[name][1]) else None
            for impl, results in got.items():
                ok = results[i] == want
                failures += not ok
                verdict = "accepts" if want else "refuses"
                print(f"  {'ok  ' if ok else 'FAIL'} {impl:8} {verdict} {name}")
    if failures:
        sys.exit(f"rotation: {failures} verdicts differ from the runbook")
    print("OK: every implementation follows the rotation runbook at every step")


if __name__ == "__main__":
    main()
