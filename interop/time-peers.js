#!/usr/bin/env node
// Times the product's current Node verifier on the benchmark token, for the
// verify table of BENCHMARKING.md: `jwt.verify` with the secret as a string (what the catalog service does)
// and with a `crypto.createSecretKey` key object. JWT_SECRET and JWT_BENCH_TOKEN must be set.
// Prints one JSON object per variant: the median nanoseconds per verify over REPEATS batches.
//   node time-peers.js [--quick]
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const { version } = require('jsonwebtoken/package.json');

const quick = process.argv.includes('--quick');
const [REPEATS, BATCH] = quick ? [3, 50] : [15, 2000];

function medianNs(verify) {
  verify(); // warm-up, and proof that it accepts the token
  const samples = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) verify();
    samples.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const secret = process.env.JWT_SECRET;
const token = process.env.JWT_BENCH_TOKEN;
if (!secret || !token) {
  process.stderr.write('time-peers.js: JWT_SECRET and JWT_BENCH_TOKEN must be set\n');
  process.exit(2);
}
const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
const variants = [
  ['jwt.verify(token, secret, { algorithms: ["HS256"] })', () => jwt.verify(token, secret, { algorithms: ['HS256'] })],
  ['jwt.verify(token, createSecretKey(secret), { algorithms: ["HS256"] })', () => jwt.verify(token, key, { algorithms: ['HS256'] })],
];
for (const [call, verify] of variants) {
  console.log(JSON.stringify({ verifier: `jsonwebtoken ${version}`, call, median_ns: Math.round(medianNs(verify)) }));
}
