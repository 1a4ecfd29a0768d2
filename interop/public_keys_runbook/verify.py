import os

import jwt  # PyJWT 2 with `cryptography` (pip install "PyJWT[crypto]")

JWKS = jwt.PyJWKClient(os.environ["JWT_JWKS_URL"])


def verify_token(token):
    alg = jwt.get_unverified_header(token).get("alg")
    if alg == "HS256" and os.environ.get("JWT_SECRET"):
        # Until step 3: tokens of the services that still sign with the shared secret.
        return jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"])
    # The key the token's kid names, from the issuer's JWKS (PyJWKClient caches it and fetches
    # again for a kid it does not know). One algorithm: a token cannot pick its own.
    key = JWKS.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["ES256"])
