"""Live cross-check of jwt-auth against the real PyJWT, python-jose and Node jsonwebtoken.

    interop/.venv/bin/python interop/crosscheck.py [--write-fixtures PATH] [--markdown]

Run from anywhere; paths are relative to the repository. Needs interop/.venv (requirements.txt)
and interop/node_modules (`npm ci`); `.ci/interop.sh` sets both up. Standard library only.

Environment: JWT_SECRET (the shared secret; when unset a fresh one is generated for this run and
only its fingerprint is shown), JWT_SECRET_OTHER (a second secret for the wrong-secret tokens;
generated when unset), JWT_EXPIRES_MIN (default 10080).

Both directions, one secret:
  1. the fingerprint of each secret, computed by jwt-auth, the Python one-liner and the Node
     one-liner, must be identical;
  2. every token each peer issues is verified by jwt-auth (interop/driver): the tokens real
     services make must verify with the claims the issuing library itself reads back; the tokens
     our policy rejects must fail with the exact VerifyError variant and fields;
     the tokens signed with the issuer's own `kid` ("2026-11") must also verify, with the same
     claims, by a ring whose current key is JWT_SECRET_OTHER and JWT_SECRET a fallback;
  3. every peer-made token is also verified by every peer, and each verdict must match PEER_POLICY
     below: the table of where jwt-auth is deliberately stricter (or laxer) than the peers;
  4. tokens jwt-auth issues are verified by PyJWT, python-jose and jsonwebtoken (algorithms pinned
     to HS256, and the catalog service's bare `jwt.verify(token, secret)`), which must read the
     same sub, email, iat, exp and custom claims, with exp - iat == JWT_EXPIRES_MIN * 60.
Any disagreement is printed and the exit status is 1.

With --write-fixtures, the tokens and verdicts of this run are written to PATH for
tests/interop_fixtures.rs (jwt-auth's tokens are issued at a pinned `now` so that the test can
re-issue them byte for byte).
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

INTEROP = Path(__file__).resolve().parent
ROOT = INTEROP.parent
PY_VERIFIERS = ["pyjwt", "jose"]
NODE_VERIFIERS = ["jsonwebtoken", "jsonwebtoken-default"]
VERIFIERS = PY_VERIFIERS + NODE_VERIFIERS

A, R = "accept", "reject"
ALL_ACCEPT = dict.fromkeys(VERIFIERS, A)
ALL_REJECT = dict.fromkeys(VERIFIERS, R)

# What each peer does with each kind of peer-made token (verifiers: PyJWT and python-jose with
# algorithms=["HS256"], jsonwebtoken with algorithms: ['HS256'], and jsonwebtoken's default
# `jwt.verify(token, secret)` as the catalog service calls it), next to what jwt-auth does (the
# token's own `expect`). Checked live on every run: when a peer upgrade changes a verdict, the run
# fails and this table and the one in src/guide/peers.md must be updated together.
PEER_POLICY = {
    # What real services issue: everyone accepts.
    "fastapi-datetime-exp": ALL_ACCEPT,
    "int-exp-iat": ALL_ACCEPT,
    "datetime-iat-custom": ALL_ACCEPT,
    "expiresin-7d": ALL_ACCEPT,
    "expiresin-seconds-no-iat": ALL_ACCEPT,
    "payload-exp": ALL_ACCEPT,
    "subject-option-custom": ALL_ACCEPT,
    # The issuer's own `kid`: the peers ignore it with a secret, and so does jwt-auth when it names
    # none of its keys.
    "own-kid": ALL_ACCEPT,
    # Everyone rejects.
    "expired": ALL_REJECT,
    "wrong-secret": ALL_REJECT,
    "own-kid-wrong-secret": ALL_REJECT,
    "alg-none": ALL_REJECT,
    "rs256": ALL_REJECT,
    # jwt-auth is stricter than some or all peers.
    "hs-other": {**ALL_REJECT, "jsonwebtoken-default": A},
    "missing-exp": ALL_ACCEPT,
    "duplicate-claim": ALL_ACCEPT,
    "float-exp": ALL_ACCEPT,
    "long-lifetime": ALL_ACCEPT,
    "audience": {"pyjwt": R, "jose": R, "jsonwebtoken": A, "jsonwebtoken-default": A},
    "iat-future": {"pyjwt": R, "jose": A, "jsonwebtoken": A, "jsonwebtoken-default": A},
    "numeric-sub": {"pyjwt": R, "jose": R, "jsonwebtoken": A, "jsonwebtoken-default": A},
    # jwt-auth is laxer: its default leeway is 60 s, the peers' is 0.
    "within-leeway": ALL_REJECT,
}

# For duplicate claims the peers keep the last occurrence; jwt-auth refuses to guess.
LAST_WINS = {
    "pyjwt/duplicate-claim": ("sub", "1"),
    "jsonwebtoken/duplicate-claim": ("email", "eve@example.com"),
}

# What jwt-auth issues in step 4.
RUST_REQUESTS = [
    {"sub": "1042", "email": "ada@example.com"},
    {"sub": "7"},
    {"sub": "user-ü-漢", "email": "zoë@exämple.com"},
    {"sub": "1042", "email": "ada@example.com", "custom": {"roles": ["admin"], "tenant": "acme", "level": 3}},
]


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, message):
        if not ok:
            self.items.append(message)
            print(f"  FAIL {message}")
        return ok


def run(cmd, *, env, stdin=None, cwd=ROOT):
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd)
    if result.returncode != 0:
        sys.exit(f"crosscheck: {' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def build_rust_driver():
    out = subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "-p", "jwt-auth-interop", "--message-format=json"],
        capture_output=True, text=True, cwd=ROOT,
    )
    if out.returncode != 0:
        sys.exit(f"crosscheck: cargo build -p jwt-auth-interop failed:\n{out.stderr}{out.stdout}")
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "jwt-auth-interop" and msg.get("executable"):
            return msg["executable"]
    sys.exit("crosscheck: cargo did not report the interop driver's executable")


class Peers:
    def __init__(self, env, rust):
        self.env = env
        self.rust = rust
        self.python = str(INTEROP / ".venv" / "bin" / "python")
        self.node = ["node", str(INTEROP / "peer.js")]
        self.peer_py = [self.python, str(INTEROP / "peer.py")]

    def with_secret(self, var):
        return {**self.env, "JWT_SECRET": self.env[var]}

    def fingerprints(self, var):
        env = self.with_secret(var)
        return {
            "rust": json.loads(run([self.rust, "fingerprint"], env=env))["fingerprint"],
            "python": json.loads(run([*self.peer_py, "fingerprint"], env=env))["fingerprint"],
            "node": json.loads(run([*self.node, "fingerprint"], env=env))["fingerprint"],
        }

    def rust_lines(self, command, requests, env=None):
        stdin = "".join(json.dumps(r) + "\n" for r in requests)
        out = run([self.rust, command], env=env or self.env, stdin=stdin)
        return [json.loads(line) for line in out.splitlines()]

    def peer_verify(self, tokens):
        stdin = json.dumps({"tokens": tokens})
        py = json.loads(run([*self.peer_py, "verify"], env=self.env, stdin=stdin))
        js = json.loads(run([*self.node, "verify"], env=self.env, stdin=stdin))
        return {tid: {**py["results"][tid], **js["results"][tid]} for tid in py["results"]}


def claims_of(claims):
    return {k: claims.get(k) for k in ("sub", "email", "iat", "exp", "jti", "custom")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-fixtures", metavar="PATH", type=Path)
    parser.add_argument("--markdown", action="store_true", help="print the peer verdicts as a Markdown table")
    args = parser.parse_args()

    env = dict(os.environ)
    # One key unless a step says otherwise: the expected errors name JWT_SECRET's fingerprint alone.
    env.pop("JWT_SECRET_FALLBACKS", None)
    if not env.get("JWT_SECRET"):
        env["JWT_SECRET"] = secrets.token_hex(32)
        print("JWT_SECRET is not set: generated a fresh one for this run (not shown)")
    if not env.get("JWT_SECRET_OTHER"):
        env["JWT_SECRET_OTHER"] = secrets.token_hex(32)
    if env["JWT_SECRET_OTHER"] == env["JWT_SECRET"]:
        sys.exit("crosscheck: JWT_SECRET_OTHER must differ from JWT_SECRET")
    minutes = int(env.setdefault("JWT_EXPIRES_MIN", "10080"))
    failures = Failures()

    rust = build_rust_driver()
    peers = Peers(env, rust)
    py_versions = json.loads(run([peers.python, str(INTEROP / "peer.py"), "versions"], env=env))
    js_versions = json.loads(run([*peers.node, "versions"], env=env))
    print(f"peers: PyJWT {py_versions['PyJWT']}, python-jose {py_versions['python-jose']}, "
          f"jsonwebtoken {js_versions['jsonwebtoken']} (Node {js_versions['node']}); "
          f"Python {sys.version.split()[0]}")

    # 1. Fingerprints.
    print("\n1. fingerprints (jwt-auth / Python one-liner / Node one-liner)")
    fingerprints = {var: peers.fingerprints(var) for var in ("JWT_SECRET", "JWT_SECRET_OTHER")}
    for var, fps in fingerprints.items():
        print(f"  {var:<16} rust {fps['rust']}  python {fps['python']}  node {fps['node']}")
        failures.check(len(set(fps.values())) == 1, f"{var}: fingerprints disagree: {fps}")
    failures.check(fingerprints["JWT_SECRET"]["rust"] != fingerprints["JWT_SECRET_OTHER"]["rust"],
                   "the two secrets have the same fingerprint")

    # 2. Peers issue, jwt-auth verifies.
    print("\n2. peer-made tokens verified by jwt-auth")
    issued_py = json.loads(run(peers.peer_py + ["issue"], env=env))
    issued_js = json.loads(run(peers.node + ["issue"], env=env))
    cases = issued_py["cases"] + issued_js["cases"]
    rust_verdicts = peers.rust_lines("verify", [{"token": c["token"]} for c in cases])
    for case, got in zip(cases, rust_verdicts):
        expect = case["expect"]
        if "ok" in expect:
            good = got["ok"] and claims_of(got["claims"]) == expect["ok"]
            shown = "ok" if got["ok"] else got["error"]
        else:
            error = got.get("error", {})
            good = not got["ok"] and all(error.get(k) == v for k, v in expect["error"].items())
            shown = got["error"]["kind"] if not got["ok"] else "accepted"
        print(f"  {'ok  ' if good else 'FAIL'} {case['id']:<40} {shown}")
        failures.check(good, f"jwt-auth on {case['id']}: expected {expect}, got {got}")
        case["jwt_auth"] = got

    # The issuer's own kid, on a ring that holds JWT_SECRET as a fallback (mid-rotation).
    own = [c for c in cases if c["kind"] == "own-kid"]
    failures.check(sorted(c["issuer"] for c in own) == ["jose", "jsonwebtoken", "pyjwt"],
                   f"own-kid tokens from every peer: {[c['id'] for c in own]}")
    ring = {**env, "JWT_SECRET": env["JWT_SECRET_OTHER"], "JWT_SECRET_FALLBACKS": env["JWT_SECRET"]}
    for case, got in zip(own, peers.rust_lines("verify", [{"token": c["token"]} for c in own], env=ring)):
        good = got["ok"] and claims_of(got["claims"]) == case["expect"]["ok"]
        shown = "ok" if got["ok"] else got["error"]
        print(f"  {'ok  ' if good else 'FAIL'} {case['id'] + ' (JWT_SECRET as a fallback)':<40} {shown}")
        failures.check(good, f"jwt-auth with JWT_SECRET as a fallback on {case['id']}: got {got}")

    # 3. Every peer on every peer-made token.
    print("\n3. peer-made tokens verified by every peer (checked against PEER_POLICY)")
    verdicts = peers.peer_verify([{"id": c["id"], "token": c["token"]} for c in cases])
    for case in cases:
        policy = PEER_POLICY.get(case["kind"])
        if not failures.check(policy is not None, f"no PEER_POLICY entry for {case['kind']}"):
            continue
        case["peers"] = {}
        for lib in VERIFIERS:
            got = verdicts[case["id"]][lib]
            case["peers"][lib] = A if got["ok"] else got["error"]
            failures.check((A if got["ok"] else R) == policy[lib],
                           f"{lib} on {case['id']}: PEER_POLICY says {policy[lib]}, got {got}")
            if got["ok"] and "ok" in case["expect"]:
                failures.check(claims_of(got["claims"]) == case["expect"]["ok"],
                               f"{lib} reads {case['id']} differently: {got['claims']} vs {case['expect']['ok']}")
            if got["ok"] and case["id"] in LAST_WINS:
                name, value = LAST_WINS[case["id"]]
                failures.check(got["claims"][name] == value, f"{lib} on {case['id']}: {name} = {got['claims'][name]}")
    width = max(len(c["id"]) for c in cases)
    print(f"  {'token':<{width}}  jwt-auth             " + "  ".join(f"{v:<20}" for v in VERIFIERS))
    for case in cases:
        mine = "accept" if case["jwt_auth"]["ok"] else case["jwt_auth"]["error"]["kind"]
        theirs = "  ".join(f"{(A if case['peers'].get(v) == A else 'reject'):<20}" for v in VERIFIERS)
        print(f"  {case['id']:<{width}}  {mine:<20} {theirs}")

    # 4. jwt-auth issues, peers verify.
    print("\n4. jwt-auth tokens verified by the peers")
    now = int(time.time()) if args.write_fixtures else None
    requests = [{**r, "now": now} if now is not None else r for r in RUST_REQUESTS]
    rust_issued = peers.rust_lines("issue", requests)
    peer_reads = peers.peer_verify([{"id": str(i), "token": t["token"]} for i, t in enumerate(rust_issued)])
    for i, (request, issued) in enumerate(zip(requests, rust_issued)):
        mine = claims_of(issued["claims"])
        failures.check(mine["exp"] - mine["iat"] == minutes * 60, f"jwt-auth issued exp - iat != {minutes * 60}: {mine}")
        issued["peers"] = {}
        for lib in VERIFIERS:
            got = peer_reads[str(i)][lib]
            good = got["ok"] and claims_of(got["claims"]) == mine
            issued["peers"][lib] = claims_of(got["claims"]) if got["ok"] else got["error"]
            failures.check(good, f"{lib} on jwt-auth token {request}: got {got}, jwt-auth issued {mine}")
        print(f"  {'ok  ' if all(peer_reads[str(i)][v]['ok'] for v in VERIFIERS) else 'FAIL'} "
              f"sub={mine['sub']!r} email={mine['email']!r} exp-iat={mine['exp'] - mine['iat']} "
              f"custom={mine['custom']} -> read identically by {', '.join(VERIFIERS)}")

    # The most common production failure, as an operator sees it.
    wrong = next(c for c in cases if c["id"] == "jsonwebtoken/wrong-secret")
    print("\nsecret mismatch, as jwt-auth logs it:")
    print(f"  {wrong['jwt_auth'].get('message')}")
    print(f"  this service's JWT_SECRET fingerprint: {fingerprints['JWT_SECRET']['rust']}")
    print(f"  issuing service's secret fingerprint:  {fingerprints['JWT_SECRET_OTHER']['node']}")

    if args.markdown:
        print("\n| token (issuer/kind) | jwt-auth | " + " | ".join(VERIFIERS) + " |")
        print("| --- | --- | " + " | ".join("---" for _ in VERIFIERS) + " |")
        for case in cases:
            mine = "accept" if case["jwt_auth"]["ok"] else f"`{case['jwt_auth']['error']['kind']}`"
            theirs = " | ".join(A if case["peers"].get(v) == A else R for v in VERIFIERS)
            print(f"| `{case['id']}` | {mine} | {theirs} |")

    if args.write_fixtures:
        fixture = {
            "comment": "Generated by interop/regen-fixtures.sh; test data for tests/interop_fixtures.rs. "
                       "The secrets are fixture-only and must never be used by a service.",
            "generated_at": int(time.time()),
            "versions": {**py_versions, **js_versions, "python": sys.version.split()[0]},
            "expires_min": minutes,
            "secret": env["JWT_SECRET"],
            "other_secret": env["JWT_SECRET_OTHER"],
            "fingerprints": fingerprints["JWT_SECRET"],
            "other_fingerprints": fingerprints["JWT_SECRET_OTHER"],
            "peer_tokens": [
                {k: c[k] for k in ("id", "issuer", "kind", "description", "now", "token", "expect", "peers")}
                for c in cases
            ],
            "jwt_auth_tokens": [
                {"request": r, "token": t["token"], "claims": claims_of(t["claims"]), "peers": t["peers"]}
                for r, t in zip(requests, rust_issued)
            ],
        }
        if not failures.items:
            args.write_fixtures.parent.mkdir(parents=True, exist_ok=True)
            args.write_fixtures.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n")
            print(f"\nwrote {args.write_fixtures}")

    total = len(cases) + len(cases) * len(VERIFIERS) + len(rust_issued) * len(VERIFIERS)
    if failures.items:
        print(f"\nFAILED: {len(failures.items)} disagreement(s)")
        for item in failures.items:
            print(f"  - {item}")
        return 1
    print(f"\nOK: {len(cases)} peer-made tokens checked by jwt-auth and {len(VERIFIERS)} peer verifiers, "
          f"{len(rust_issued)} jwt-auth tokens read identically by {len(VERIFIERS)} peer verifiers "
          f"({total} verdicts), fingerprints identical in 3 implementations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
