import os
from datetime import datetime, timedelta, timezone

import jwt  # PyJWT 2 with `cryptography`

# `jwt-auth key generate --alg ES256 --out users-es256.pem`; its kid: `jwt-auth key inspect`.
with open(os.environ["JWT_PRIVATE_KEY_FILE"]) as file:
    PRIVATE_KEY = file.read()
KID = os.environ["JWT_KID"]
JWT_EXPIRES_MIN = int(os.environ.get("JWT_EXPIRES_MIN", 60 * 24 * 7))


def create_access_token(subject, extra=None):
    now = datetime.now(timezone.utc)
    payload = {**(extra or {}), "sub": subject, "iat": now, "exp": now + timedelta(minutes=JWT_EXPIRES_MIN)}
    return jwt.encode(payload, PRIVATE_KEY, algorithm="ES256", headers={"kid": KID})
