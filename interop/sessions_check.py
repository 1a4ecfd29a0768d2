#!/usr/bin/env python3
"""A refresh token made by jwt-auth's `Sessions` is no token for the product's other services.

Gets a login's pair from the interop driver (`refresh-token`: `Sessions` on a `MemoryStore`, the
secret from JWT_SECRET) and has each peer verify both tokens the way the product's services do:
Node `jsonwebtoken` as the catalog service calls it, `jwt.verify(token, secret)` (and with
`{algorithms: ['HS256']}`), and PyJWT as the user service does,
`jwt.decode(token, secret, algorithms=["HS256"])` (python-jose too). Every one must accept the
access token, reading its sub and email, and refuse the refresh token. Exit 1 otherwise.

Run by .ci/interop.sh after interop/setup.sh; JWT_SECRET unset means a fresh one for the run.
"""

import json
import os
import secrets
import sys

from crosscheck import VERIFIERS, Failures, Peers, build_rust_driver, run


def main():
    env = dict(os.environ)
    if not env.get("JWT_SECRET"):
        env["JWT_SECRET"] = secrets.token_hex(32)
    failures = Failures()
    peers = Peers(env, build_rust_driver())

    pair = json.loads(run([peers.rust, "refresh-token"], env=env))
    failures.check(sorted(pair) == ["access_token", "expires_in", "refresh_token", "token_type"],
                   f"the driver's pair has the fields {sorted(pair)}")
    verdicts = peers.peer_verify([
        {"id": "access", "token": pair["access_token"]},
        {"id": "refresh", "token": pair["refresh_token"]},
    ])

    print("a Sessions login's tokens, verified by the peers as the product's services call them")
    for lib in VERIFIERS:
        access = verdicts["access"][lib]
        refresh = verdicts["refresh"][lib]
        read = access.get("claims") or {}
        print(f"  {lib:<21} access token: {'accepted' if access['ok'] else 'REFUSED: ' + access['error']}; "
              f"refresh token: {'ACCEPTED' if refresh['ok'] else 'refused (' + refresh['error'] + ')'}")
        failures.check(access["ok"] and read.get("sub") == "42" and read.get("email") == "ada@example.com",
                       f"{lib} does not accept the access token as sub 42: {access}")
        failures.check(not refresh["ok"], f"{lib} accepts the refresh token: {refresh}")

    if failures.items:
        print(f"\n{len(failures.items)} failure(s)")
        return 1
    print("every peer accepts the access token and refuses the refresh token")
    return 0


if __name__ == "__main__":
    sys.exit(main())
