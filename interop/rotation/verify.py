# Rotation-aware verification for a Python service (PyJWT). JWT_SECRET signs;
# JWT_SECRET_FALLBACKS (comma-separated) only verify. A token with `kid` (jwt-auth writes the
# signing key's fingerprint) is checked against that key only; one without (PyJWT, Node) is tried
# against each key, current first.
import hmac
import os

import jwt


def fingerprint(secret: str) -> str:
    return hmac.new(secret.encode(), b"jwt-auth fingerprint v1", "sha256").hexdigest()[:16]


SECRETS = [
    s.strip()
    for s in [os.environ["JWT_SECRET"], *os.environ.get("JWT_SECRET_FALLBACKS", "").split(",")]
    if s.strip()
]
BY_KID = {fingerprint(s): s for s in SECRETS}


def verify_token(token: str) -> dict:
    kid = jwt.get_unverified_header(token).get("kid")
    if kid is not None:
        if kid not in BY_KID:
            raise jwt.InvalidSignatureError(f"unknown key {kid}")
        return jwt.decode(token, BY_KID[kid], algorithms=["HS256"])
    for secret in SECRETS:
        try:
            return jwt.decode(token, secret, algorithms=["HS256"])
        except jwt.InvalidSignatureError:
            continue
    raise jwt.InvalidSignatureError("Signature verification failed")
