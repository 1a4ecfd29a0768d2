#!/usr/bin/env python3
"""Public-key interop, both ways, with the real peers (run by .ci/interop.sh).

jwt-auth to peers: the driver signs ES256 and EdDSA tokens with a key generated in this run
(`JWT_ALGORITHM` + `JWT_PRIVATE_KEY_FILE`, as a service is configured) and prints the key set
`AuthConfig::jwks` publishes; a loopback HTTP server serves it at /.well-known/jwks.json, and
PyJWT (`PyJWKClient`), Node `jsonwebtoken` 9 (`crypto.createPublicKey` from the JWK; ES256) and
`jose` (`createRemoteJWKSet`) verify the tokens from there and read the same claims.

Peers to jwt-auth: PyJWT, python-jose (ES256), Node `jsonwebtoken` (ES256) and `jose` sign tokens
with their own generated key, with and without `kid`; jwt-auth verifies them against the peer's
JWKS (`Jwks::parse`, driver `verify-jwks`), and refuses them against another key's, each with its
specific error, and refuses an HS256 token keyed with the peer's public PEM (the key-confusion
attack). Both sides compute the same RFC 7638 thumbprint for every key.

    interop/.venv/bin/python interop/public_keys.py                  # the live check
    interop/.venv/bin/python interop/public_keys.py --fixtures FILE  # + tests/fixtures/peers_public_keys.json

With --fixtures, the peers also sign tokens with the committed test keys
(tests/fixtures/keys/es256.pem, ed25519.pem) at a fixed time, for `cargo test --test
interop_public_keys`.
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import jose
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jose import jwt as jose_jwt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crosscheck import INTEROP, ROOT, Failures, build_rust_driver, run  # noqa: E402

ALGS = ("ES256", "EdDSA")
# 2026-01-01T00:00:00Z, the Rust tests' T0.
FIXTURE_NOW = 1_767_225_600
CLAIMS = [
    {"sub": "1042", "email": "ada@example.com"},
    {"sub": "user-ü-漢", "email": "zoë@exämple.com"},
]


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate(alg):
    return ec.generate_private_key(ec.SECP256R1()) if alg == "ES256" else ed25519.Ed25519PrivateKey.generate()


def pkcs8(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def spki(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def public_jwk(key, alg):
    """The public JWK with kid = its RFC 7638 thumbprint, computed here independently."""
    public = key.public_key()
    if alg == "ES256":
        numbers = public.public_numbers()
        jwk = {
            "kty": "EC", "crv": "P-256",
            "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big")),
        }
    else:
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()
    return {**jwk, "kid": b64u(hashlib.sha256(canonical).digest()), "alg": alg, "use": "sig"}


class JwksServer:
    """Serves documents on a free loopback port; `publish(path, document)` sets one."""

    def __init__(self):
        documents = self.documents = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                body = documents.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "public, max-age=300")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, path, document):
        self.documents[path] = json.dumps(document).encode()
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Check:
    def __init__(self, rust, tmp):
        self.rust = rust
        self.tmp = Path(tmp)
        self.python = str(INTEROP / ".venv" / "bin" / "python")
        self.failures = Failures()
        self.server = JwksServer()
        # The driver's environment: the caller's, without any JWT_* setting of its own.
        self.base_env = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")}

    def write(self, name, text):
        path = self.tmp / name
        path.write_text(text)
        return str(path)

    def driver(self, alg, key_pem, command, requests=None, *args):
        env = {**self.base_env, "JWT_ALGORITHM": alg,
               "JWT_PRIVATE_KEY_FILE": self.write(f"driver-{alg}.pem", key_pem)}
        stdin = "".join(json.dumps(r) + "\n" for r in requests or [])
        out = run([self.rust, command, *args], env=env, stdin=stdin)
        return [json.loads(line) for line in out.splitlines()]

    def node(self, *args, stdin):
        return json.loads(run(["node", str(INTEROP / "public_keys.js"), *args], env=self.base_env,
                              stdin=json.dumps(stdin)))

    def same_claims(self, label, found, expected):
        wanted = {k: expected.get(k) for k in ("sub", "email", "iat", "exp")}
        got = {k: found.get(k) for k in ("sub", "email", "iat", "exp")}
        self.failures.check(got == wanted, f"{label}: claims {got} != {wanted}")

    # jwt-auth signs; the peers verify from its published JWKS.
    def crate_to_peers(self, alg):
        print(f"== jwt-auth {alg} tokens, verified by the peers from its JWKS")
        key = generate(alg)
        jwks = self.driver(alg, pkcs8(key), "jwks")[0]
        expected = public_jwk(key, alg)
        self.failures.check(jwks == {"keys": [expected]},
                            f"{alg}: jwt-auth publishes {jwks}, the peers compute {expected}")
        node_kid = self.node("thumbprint", stdin={"pem": spki(key)})["thumbprint"]
        self.failures.check(node_kid == expected["kid"], f"{alg}: jose's thumbprint {node_kid} != {expected['kid']}")
        issued = self.driver(alg, pkcs8(key), "issue", CLAIMS)
        url = self.server.publish(f"/{alg}/.well-known/jwks.json", jwks)

        # Runbook step (Python): PyJWT with `cryptography`, keys from the JWKS by kid.
        client = jwt.PyJWKClient(url)
        for i, answer in enumerate(issued):
            token = answer["token"]
            signing_key = client.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, signing_key.key, algorithms=[alg])
            self.same_claims(f"PyJWT {alg} #{i}", claims, answer["claims"])
            print(f"  PyJWT {jwt.__version__} PyJWKClient: token #{i} accepted")

        tokens = [{"id": str(i), "token": a["token"]} for i, a in enumerate(issued)]
        node = self.node("verify", url, alg, stdin={"tokens": tokens})
        libs = ("jsonwebtoken", "jose") if alg == "ES256" else ("jose",)
        for i, answer in enumerate(issued):
            for lib in libs:
                result = node["results"][str(i)].get(lib, {"ok": False, "error": "not run"})
                if self.failures.check(result["ok"], f"{lib} {alg} #{i}: {result.get('error')}"):
                    self.same_claims(f"{lib} {alg} #{i}", result["claims"], answer["claims"])
                    print(f"  {lib} {node['versions'][lib]}: token #{i} accepted")

    def peer_tokens(self, alg, key, now):
        """Tokens each peer signs with `key`, `now` as iat, one hour of life."""
        pem = pkcs8(key)
        kid = public_jwk(key, alg)["kid"]
        payload = {**CLAIMS[0], "iat": now, "exp": now + 3600}
        tokens = {
            "PyJWT": jwt.encode(payload, pem, algorithm=alg, headers={"kid": kid}),
            "PyJWT (no kid)": jwt.encode(payload, pem, algorithm=alg),
        }
        if alg == "ES256":
            tokens["python-jose"] = jose_jwt.encode(payload, pem, algorithm="ES256", headers={"kid": kid})
        tokens.update(self.node("sign", stdin={"alg": alg, "pem": pem, "kid": kid, "payload": payload})["tokens"])
        return payload, tokens

    def verify_jwks(self, alg, jwks, tokens, now=None):
        path = self.write(f"peer-{alg}.jwks.json", json.dumps(jwks))
        requests = [{"token": t, **({"now": now} if now else {})} for t in tokens]
        # The driver's own key does not matter here: verify-jwks uses the document's keys alone.
        return self.driver(alg, pkcs8(generate(alg)), "verify-jwks", requests, path)

    # The peers sign; jwt-auth verifies from their JWKS.
    def peers_to_crate(self, alg):
        print(f"== peers' {alg} tokens, verified by jwt-auth from the peer's JWKS")
        key = generate(alg)
        payload, tokens = self.peer_tokens(alg, key, int(time.time()))
        names = list(tokens)
        answers = self.verify_jwks(alg, {"keys": [public_jwk(key, alg)]}, tokens.values())
        for name, answer in zip(names, answers):
            if self.failures.check(answer["ok"], f"jwt-auth refused {name}'s {alg} token: {answer.get('message')}"):
                self.same_claims(f"{name} {alg}", answer["claims"], payload)
                print(f"  {name}: accepted")

        # Against another key's set: refused, with the error that says why.
        other = public_jwk(generate(alg), alg)
        answers = self.verify_jwks(alg, {"keys": [other]}, tokens.values())
        for name, answer in zip(names, answers):
            kind = answer.get("error", {}).get("kind")
            expected = "InvalidSignature" if "no kid" in name else "UnknownPublicKeyId"
            self.failures.check(not answer["ok"] and kind == expected,
                                f"{name}'s {alg} token against another key: {kind}, expected {expected}")
        print(f"  against another key's JWKS: each refused (UnknownPublicKeyId, or InvalidSignature without kid)")

        # Key confusion: HS256 "signed" with the peer's public key PEM as the secret.
        header = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64u(json.dumps(payload).encode())
        mac = hmac.new(spki(key).encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
        confused = f"{header}.{body}.{b64u(mac)}"
        answer = self.verify_jwks(alg, {"keys": [public_jwk(key, alg)]}, [confused])[0]
        kind = answer.get("error", {}).get("kind")
        self.failures.check(not answer["ok"] and kind == "NoKeyForAlgorithm",
                            f"HS256 keyed with the {alg} public PEM: {kind}")
        print("  HS256 keyed with the public key's PEM: refused (NoKeyForAlgorithm)")

    def fixtures(self, path):
        """Tokens the peers sign with the committed test keys at FIXTURE_NOW."""
        print(f"== fixtures: the peers sign with tests/fixtures/keys at {FIXTURE_NOW}")
        out = {"now": FIXTURE_NOW, "keys": {}, "tokens": []}
        files = {"ES256": "es256", "EdDSA": "ed25519"}
        for alg in ALGS:
            pem = (ROOT / "tests" / "fixtures" / "keys" / f"{files[alg]}.pem").read_text()
            key = serialization.load_pem_private_key(pem.encode(), password=None)
            jwk = public_jwk(key, alg)
            node = self.node("thumbprint", stdin={"pem": spki(key)})
            out["keys"][alg] = {"file": f"{files[alg]}.pem", "jwk": jwk, "jose_thumbprint": node["thumbprint"]}
            payload, tokens = self.peer_tokens(alg, key, FIXTURE_NOW)
            for name, token in tokens.items():
                out["tokens"].append({"peer": name, "alg": alg, "token": token, "claims": payload})
            # Only what jwt-auth accepts goes in: the fixture test replays a passing live run.
            answers = self.verify_jwks(alg, {"keys": [jwk]}, tokens.values(), now=FIXTURE_NOW + 60)
            for name, answer in zip(tokens, answers):
                self.failures.check(answer["ok"], f"fixture {name} {alg}: {answer.get('message')}")
        out["versions"] = {
            "PyJWT": jwt.__version__, "python-jose": jose.__version__,
            **self.node("thumbprint", stdin={"pem": spki(generate('ES256'))}).get("versions", {}),
        }
        Path(path).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        print(f"  wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", metavar="FILE", help="also write the peers' fixture tokens to FILE")
    args = parser.parse_args()
    rust = build_rust_driver()
    with tempfile.TemporaryDirectory() as tmp:
        check = Check(rust, tmp)
        try:
            for alg in ALGS:
                check.crate_to_peers(alg)
                check.peers_to_crate(alg)
            if args.fixtures:
                check.fixtures(args.fixtures)
        finally:
            check.server.close()
    if check.failures.items:
        sys.exit(f"public_keys: {len(check.failures.items)} failure(s)")
    print("public_keys: every peer agrees with jwt-auth, both ways")


if __name__ == "__main__":
    main()
