#!/usr/bin/env node
// The Node peer: the product's catalog service, with the real npm `jsonwebtoken`.
//
// The secret comes from the environment, never from the command line:
//   JWT_SECRET        the shared secret (UTF-8 bytes, as the services use it)
//   JWT_SECRET_OTHER  a different secret, for the "wrong secret" tokens
//
// Commands (JSON on standard output):
//   node peer.js fingerprint [VAR]   the fingerprint of $VAR (default JWT_SECRET), computed with the
//                                    one-liner documented in jwt-auth's src/secret.rs
//   node peer.js issue               tokens made the way Node services make them, plus tokens that
//                                    jwt-auth's policy rejects, each with what jwt-auth must answer
//   node peer.js verify < in.json    {"tokens": [{"id", "token"}]} -> verdicts of
//                                    `jwt.verify(token, secret, { algorithms: ['HS256'] })` and of
//                                    the catalog service's own `jwt.verify(token, secret)`
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const jwt = require('jsonwebtoken');

function env(name) {
  const value = process.env[name];
  if (value === undefined) {
    process.stderr.write(`peer.js: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

// The one-liner from jwt-auth's `Secret::fingerprint` documentation, verbatim.
const fingerprint = (secret) =>
  crypto.createHmac('sha256', secret).update('jwt-auth fingerprint v1').digest('hex').slice(0, 16);

const versions = () => ({
  jsonwebtoken: require('jsonwebtoken/package.json').version,
  node: process.versions.node,
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

// A key label of the issuer's own, not a jwt-auth fingerprint.
const OWN_KID = '2026-11';

function split(claims) {
  // The claims jwt-auth reports as fields of `Claims`; everything else is a custom claim.
  const { sub = null, email = null, iat = null, exp = null, jti = null, ...custom } = claims;
  return { sub, email, iat, exp, jti, custom };
}

// What the catalog service itself reads back: the claims jwt-auth must also read.
const readback = (token, secret) => ({ ok: split(jwt.verify(token, secret, { algorithms: ['HS256'] })) });

function issue() {
  const secret = env('JWT_SECRET');
  const other = env('JWT_SECRET_OTHER');
  const cases = [];
  const add = (kind, description, token, expect, now) =>
    cases.push({ id: `jsonwebtoken/${kind}`, issuer: 'jsonwebtoken', kind, description, token, now, expect });
  const user = { sub: '1042', email: 'ada@example.com' };
  const DAY = 86400;

  let now = nowSeconds();
  let token = jwt.sign(user, secret, { expiresIn: '7d' });
  let expect = readback(token, secret);
  if (expect.ok.exp - expect.ok.iat !== 7 * DAY) throw new Error(`expiresIn '7d' gave ${JSON.stringify(expect)}`);
  add('expiresin-7d', "jwt.sign(payload, secret, { expiresIn: '7d' }): iat set by the library", token, expect, nowSeconds());

  token = jwt.sign(user, secret, { expiresIn: 7 * DAY, noTimestamp: true });
  expect = readback(token, secret);
  if (expect.ok.iat !== null) throw new Error('noTimestamp still set iat');
  add('expiresin-seconds-no-iat', 'expiresIn in seconds, noTimestamp: true (no iat)', token, expect, nowSeconds());

  now = nowSeconds();
  token = jwt.sign({ ...user, exp: now + 3600 }, secret);
  add('payload-exp', 'integer exp in the payload, iat set by the library', token, readback(token, secret), now);

  token = jwt.sign({ email: user.email, roles: ['admin'], org: { id: 7, name: 'Acme' } }, secret, {
    subject: '1042',
    expiresIn: '1h',
    jwtid: 'b7e1c0de',
  });
  expect = readback(token, secret);
  add('subject-option-custom', 'subject/jwtid options, custom claims', token, expect, nowSeconds());

  // The issuer's own `kid` (`keyid`): jsonwebtoken ignores it when verifying with a secret, and so
  // must jwt-auth when it names none of its keys; signed with another secret, jwt-auth refuses it
  // naming the kid and its own fingerprint.
  token = jwt.sign(user, secret, { expiresIn: '7d', keyid: OWN_KID });
  expect = readback(token, secret);
  add('own-kid', `jwt.sign(payload, secret, { expiresIn: '7d', keyid: '${OWN_KID}' })`, token, expect, nowSeconds());

  token = jwt.sign(user, other, { expiresIn: '7d', keyid: OWN_KID });
  add('own-kid-wrong-secret', `keyid: '${OWN_KID}', signed with JWT_SECRET_OTHER`, token,
    { error: { kind: 'UnknownKeyId', kid: OWN_KID, known: [fingerprint(secret)] } }, nowSeconds());

  // Rejected by jwt-auth, each with its specific error.
  now = nowSeconds();
  token = jwt.sign({ ...user, iat: now - 8 * DAY, exp: now - DAY }, secret);
  add('expired', 'expired a day ago', token, { error: { kind: 'Expired', exp: now - DAY } }, now);

  token = jwt.sign(user, other, { expiresIn: '7d' });
  add('wrong-secret', 'signed with JWT_SECRET_OTHER', token, { error: { kind: 'InvalidSignature' } }, nowSeconds());

  token = jwt.sign(user, secret, { expiresIn: '7d', algorithm: 'HS384' });
  add('hs-other', 'HS384 with the right secret', token, { error: { kind: 'UnsupportedAlgorithm', alg: 'HS384' } }, nowSeconds());

  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  token = jwt.sign(user, privateKey, { expiresIn: '7d', algorithm: 'RS256' });
  add('rs256', 'RS256 with a fresh RSA key', token, { error: { kind: 'UnsupportedAlgorithm', alg: 'RS256' } }, nowSeconds());

  token = jwt.sign(user, null, { expiresIn: '7d', algorithm: 'none' });
  add('alg-none', 'alg none, unsigned', token, { error: { kind: 'UnsupportedAlgorithm', alg: 'none' } }, nowSeconds());

  token = jwt.sign(user, secret);
  add('missing-exp', 'jwt.sign without expiresIn: iat but no exp', token, { error: { kind: 'MissingClaim', claim: 'exp' } }, nowSeconds());

  // A string payload is signed as it is: "email" twice, validly signed.
  now = nowSeconds();
  token = jwt.sign(`{"sub":"1042","email":"ada@example.com","exp":${now + 3600},"email":"eve@example.com"}`, secret);
  add('duplicate-claim', 'payload with "email" twice', token, { error: { kind: 'DuplicateMember', part: 'payload', name: 'email' } }, now);

  now = nowSeconds();
  token = jwt.sign({ ...user, exp: Date.now() / 1000 + 3600 }, secret);
  add('float-exp', 'exp = Date.now() / 1000 + 3600 (not floored)', token, { error: { kind: 'InvalidNumericDate', claim: 'exp' } }, now);

  now = nowSeconds();
  token = jwt.sign({ ...user, iat: now }, secret, { expiresIn: '30d' });
  add('long-lifetime', "expiresIn: '30d'", token, { error: { kind: 'TtlTooLong', ttl: 30 * DAY, max: 7 * DAY } }, now);

  now = nowSeconds();
  token = jwt.sign({ ...user, iat: now + 3600 }, secret, { expiresIn: '1h' });
  add('iat-future', 'iat an hour ahead (issuer clock wrong)', token, { error: { kind: 'IssuedInFuture', iat: now + 3600 } }, now);

  token = jwt.sign({ sub: 1042, email: user.email }, secret, { expiresIn: '7d' });
  add('numeric-sub', 'sub as a number (user.id not stringified)', token, { error: { kind: 'InvalidClaims' } }, nowSeconds());

  // Accepted by jwt-auth only: expired 30 s ago, inside its default 60 s leeway.
  now = nowSeconds();
  token = jwt.sign({ ...user, iat: now - 3600, exp: now - 30 }, secret);
  add('within-leeway', 'expired 30 s ago', token, readbackUnchecked(token), now);

  return { peer: 'node', versions: versions(), fingerprint: fingerprint(secret), cases };
}

// For a token the library would reject as expired: its claims, read without checking times.
function readbackUnchecked(token) {
  return { ok: split(jwt.decode(token)) };
}

function verdict(token, secret, options) {
  try {
    const claims = options === undefined ? jwt.verify(token, secret) : jwt.verify(token, secret, options);
    return { ok: true, claims: split(claims) };
  } catch (e) {
    return { ok: false, error: `${e.name}: ${e.message}` };
  }
}

function verify() {
  const secret = env('JWT_SECRET');
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = {};
  for (const { id, token } of request.tokens) {
    results[id] = {
      jsonwebtoken: verdict(token, secret, { algorithms: ['HS256'] }),
      // The catalog service as it is: `jwt.verify(token, secret)`, no options.
      'jsonwebtoken-default': verdict(token, secret),
    };
  }
  return { peer: 'node', versions: versions(), results };
}

function main() {
  const [command, variable = 'JWT_SECRET'] = process.argv.slice(2);
  let out;
  if (command === 'fingerprint') out = { fingerprint: fingerprint(env(variable)) };
  else if (command === 'issue') out = issue();
  else if (command === 'verify') out = verify();
  else if (command === 'versions') out = versions();
  else {
    process.stderr.write('usage: node peer.js (fingerprint [VAR] | issue | verify | versions)\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

main();
