"""Times the product's current Python verifiers on the benchmark token, for the verify
table of BENCHMARKING.md beside jwt-auth's criterion figures.

The token is the one `cargo bench --bench verify` uses: {"sub","email","iat","exp"}, 183
characters, signed with a 64-hex secret. JWT_SECRET must be set; JWT_BENCH_TOKEN too (made by
`time-peers.sh`). Prints one JSON object per verifier: the median nanoseconds per verify over
REPEATS batches.

    time-peers.py [--quick]
"""

import json
import os
import statistics
import sys
import time
from importlib.metadata import version

import jwt  # PyJWT
from jose import jwt as jose_jwt  # python-jose

QUICK = "--quick" in sys.argv
REPEATS, BATCH = (3, 200) if QUICK else (15, 5_000)


def median_ns(verify):
    verify()  # warm-up, and proof that it accepts the token
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        for _ in range(BATCH):
            verify()
        samples.append((time.perf_counter_ns() - start) / BATCH)
    return statistics.median(samples)


def main():
    secret = os.environ["JWT_SECRET"]
    token = os.environ["JWT_BENCH_TOKEN"]
    verifiers = [
        (f"PyJWT {version('PyJWT')}", 'jwt.decode(token, secret, algorithms=["HS256"])',
         lambda: jwt.decode(token, secret, algorithms=["HS256"])),
        (f"python-jose {version('python-jose')}", 'jose.jwt.decode(token, secret, algorithms=["HS256"])',
         lambda: jose_jwt.decode(token, secret, algorithms=["HS256"])),
    ]
    for name, call, verify in verifiers:
        print(json.dumps({"verifier": name, "call": call, "median_ns": round(median_ns(verify))}))


if __name__ == "__main__":
    main()
