"""The Python peer: the product's user service, with real PyJWT and python-jose.

Run with the interop virtualenv (see requirements.txt). The secret comes from the environment,
never from the command line:

    JWT_SECRET=...                 the shared secret (UTF-8 bytes, as the services use it)
    JWT_SECRET_OTHER=...           a different secret, for the "wrong secret" tokens
    JWT_EXPIRES_MIN=10080          the user service's token lifetime in minutes

Commands (JSON on standard output):

    peer.py fingerprint [VAR]      the fingerprint of $VAR (default JWT_SECRET), computed with the
                                   one-liner documented in jwt-auth's src/secret.rs
    peer.py issue                  tokens made the way the user service makes them, plus tokens
                                   that jwt-auth's policy rejects, each with what jwt-auth must
                                   answer
    peer.py verify < tokens.json   {"tokens": [{"id", "token"}]} -> each library's verdict, with
                                   algorithms=["HS256"] pinned
"""

import calendar
import hmac
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

import jwt  # PyJWT
from jose import jwt as jose_jwt  # python-jose
from jwt.api_jws import PyJWS

ALGORITHMS = ["HS256"]
# The claims jwt-auth reports as fields of `Claims`; everything else is a custom claim.
REGISTERED = ("sub", "email", "iat", "exp", "jti")


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"peer.py: {name} is not set")
    return value


def fingerprint(secret):
    # The one-liner from jwt-auth's `Secret::fingerprint` documentation, verbatim.
    return hmac.new(secret.encode(), b"jwt-auth fingerprint v1", "sha256").hexdigest()[:16]


def versions():
    return {"PyJWT": version("PyJWT"), "python-jose": version("python-jose")}


ENCODERS = {
    "pyjwt": lambda claims, key, alg="HS256", headers=None: jwt.encode(claims, key, algorithm=alg, headers=headers),
    "jose": lambda claims, key, alg="HS256", headers=None: jose_jwt.encode(claims, key, algorithm=alg, headers=headers),
}

# The user service labelling its key its own way, as PyJWT and python-jose let it: they ignore
# `kid` when verifying with a secret, and so must jwt-auth when the label names none of its keys.
OWN_KID = "2026-11"

DECODERS = {
    "pyjwt": lambda token, key: jwt.decode(token, key, algorithms=ALGORITHMS),
    "jose": lambda token, key: jose_jwt.decode(token, key, algorithms=ALGORITHMS),
}


def readback(lib, token, secret):
    """What the issuing library itself reads back: the claims jwt-auth must also read."""
    claims = dict(DECODERS[lib](token, secret))
    registered = {name: claims.pop(name, None) for name in REGISTERED}
    return {"ok": {**registered, "custom": claims}}


def issue():
    secret = env("JWT_SECRET")
    other = env("JWT_SECRET_OTHER")
    minutes = int(env("JWT_EXPIRES_MIN", "10080"))
    cases = []

    def add(lib, kind, description, token, expect, now):
        cases.append(
            {
                "id": f"{lib}/{kind}",
                "issuer": lib,
                "kind": kind,
                "description": description,
                "token": token,
                "now": now,
                "expect": expect,
            }
        )

    for lib, encode in ENCODERS.items():
        now = datetime.now(timezone.utc)
        now_s = calendar.timegm(now.utctimetuple())
        user = {"sub": "1042", "email": "ada@example.com"}

        # The user service, verbatim: datetime `exp`, no `iat`.
        exp = now + timedelta(minutes=minutes)
        token = encode({**user, "exp": exp}, secret)
        expect = readback(lib, token, secret)
        # The library turned the datetime into whole seconds, truncating: check that it did.
        assert expect["ok"]["exp"] == now_s + minutes * 60, expect
        assert expect["ok"]["iat"] is None, expect
        add(lib, "fastapi-datetime-exp", "FastAPI style: datetime exp = now + JWT_EXPIRES_MIN, no iat", token, expect, now_s)

        # Integer times, with `iat`.
        token = encode({**user, "iat": now_s, "exp": now_s + minutes * 60}, secret)
        add(lib, "int-exp-iat", "integer iat and exp", token, readback(lib, token, secret), now_s)

        # datetime `iat` and `exp`, and custom claims of several JSON types.
        custom = {"roles": ["admin", "editor"], "tenant": "acme", "email_verified": True, "plan": {"tier": 2}}
        token = encode({**user, **custom, "iat": now, "exp": now + timedelta(hours=1)}, secret)
        expect = readback(lib, token, secret)
        assert expect["ok"]["custom"] == custom, expect
        add(lib, "datetime-iat-custom", "datetime iat and exp, extra custom claims", token, expect, now_s)

        # Rejected by jwt-auth, each with its specific error.
        expired = now_s - 3600
        token = encode({**user, "iat": expired - minutes * 60, "exp": expired}, secret)
        add(lib, "expired", "expired an hour ago", token, {"error": {"kind": "Expired", "exp": expired}}, now_s)

        token = encode({**user, "exp": now + timedelta(minutes=minutes)}, other)
        add(lib, "wrong-secret", "signed with JWT_SECRET_OTHER", token, {"error": {"kind": "InvalidSignature"}}, now_s)

        alg = {"pyjwt": "HS512", "jose": "HS384"}[lib]
        token = encode({**user, "exp": now + timedelta(minutes=minutes)}, secret, alg)
        add(lib, "hs-other", f"{alg} with the right secret", token, {"error": {"kind": "UnsupportedAlgorithm", "alg": alg}}, now_s)

        token = encode({**user, "iat": now}, secret)
        add(lib, "missing-exp", "no exp at all", token, {"error": {"kind": "MissingClaim", "claim": "exp"}}, now_s)

        # The issuer's own `kid`: accepted (the secret verifies it), and refused, naming the kid
        # and jwt-auth's fingerprint, when signed with another secret.
        headers = {"kid": OWN_KID}
        token = encode({**user, "iat": now_s, "exp": now_s + minutes * 60}, secret, headers=headers)
        add(lib, "own-kid", f'headers={{"kid": "{OWN_KID}"}}', token, readback(lib, token, secret), now_s)

        token = encode({**user, "iat": now_s, "exp": now_s + minutes * 60}, other, headers=headers)
        unknown = {"kind": "UnknownKeyId", "kid": OWN_KID, "known": [fingerprint(secret)]}
        add(lib, "own-kid-wrong-secret", f'headers={{"kid": "{OWN_KID}"}}, signed with JWT_SECRET_OTHER', token, {"error": unknown}, now_s)

    # Cases only PyJWT can make through its public API.
    now = datetime.now(timezone.utc)
    now_s = calendar.timegm(now.utctimetuple())
    user = {"sub": "1042", "email": "ada@example.com"}

    token = jwt.encode({**user, "exp": now_s + 3600}, None, algorithm="none")
    add("pyjwt", "alg-none", "alg none, unsigned", token, {"error": {"kind": "UnsupportedAlgorithm", "alg": "none"}}, now_s)

    # PyJWS signs raw bytes: a payload naming `sub` twice, validly signed.
    raw = json.dumps({"sub": "1042", "email": "ada@example.com", "exp": now_s + 3600}, separators=(",", ":"))
    raw = raw[:-1] + ',"sub":"1"}'
    token = PyJWS().encode(raw.encode(), secret, algorithm="HS256")
    add("pyjwt", "duplicate-claim", 'payload with "sub" twice', token, {"error": {"kind": "DuplicateMember", "part": "payload", "name": "sub"}}, now_s)

    # `exp` from time.time(): a float, which PyJWT passes through unchanged.
    token = jwt.encode({**user, "exp": time.time() + 3600}, secret, algorithm="HS256")
    add("pyjwt", "float-exp", "exp = time.time() + 3600 (a float)", token, {"error": {"kind": "InvalidNumericDate", "claim": "exp"}}, now_s)

    token = jwt.encode({**user, "iat": now, "exp": now + timedelta(days=30)}, secret, algorithm="HS256")
    add("pyjwt", "long-lifetime", "30-day lifetime", token, {"error": {"kind": "TtlTooLong", "ttl": 30 * 86400, "max": minutes * 60}}, now_s)

    token = jwt.encode({**user, "aud": "catalog", "exp": now + timedelta(hours=1)}, secret, algorithm="HS256")
    add("pyjwt", "audience", 'aud "catalog", no audience configured', token, {"error": {"kind": "UnexpectedAudience", "found": ["catalog"]}}, now_s)

    return {"peer": "python", "versions": versions(), "fingerprint": fingerprint(secret), "cases": cases}


def verdict(decode, token, secret):
    try:
        claims = dict(decode(token, secret))
    except Exception as e:  # noqa: BLE001 - every library error is a verdict
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}
    registered = {name: claims.pop(name, None) for name in REGISTERED}
    return {"ok": True, "claims": {**registered, "custom": claims}}


def verify():
    secret = env("JWT_SECRET")
    request = json.load(sys.stdin)
    results = {}
    for item in request["tokens"]:
        results[item["id"]] = {lib: verdict(decode, item["token"], secret) for lib, decode in DECODERS.items()}
    return {"peer": "python", "versions": versions(), "results": results}


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "fingerprint":
        var = sys.argv[2] if len(sys.argv) > 2 else "JWT_SECRET"
        out = {"fingerprint": fingerprint(env(var))}
    elif command == "issue":
        out = issue()
    elif command == "verify":
        out = verify()
    elif command == "versions":
        out = versions()
    else:
        sys.exit("usage: peer.py (fingerprint [VAR] | issue | verify | versions)")
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
