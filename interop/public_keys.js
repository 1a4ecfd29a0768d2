#!/usr/bin/env node
// The Node peers for public keys: npm `jsonwebtoken` 9 (ES256, a key made from the JWKS with
// `crypto.createPublicKey`) and `jose` (ES256 and EdDSA, `createRemoteJWKSet`), as the runbook of
// jwt-auth's `src/guide/public_keys.md` shows them.
//
// Commands (a JSON document on standard input, one on standard output):
//   node public_keys.js verify URL ALG   {"tokens": [{"id", "token"}]} -> {"results": {id: {lib:
//                                        {"ok", "claims" | "error"}}}}: every token verified against
//                                        the JWKS served at URL
//   node public_keys.js sign             {"alg", "pem", "kid", "payload"} -> {"tokens": {name: token}}
//                                        signed with the PKCS#8 PEM private key
//   node public_keys.js thumbprint       {"pem"} -> {"jwk", "thumbprint"}: the public JWK of a PEM key and its
//                                        RFC 7638 thumbprint as jose computes them
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const jwt = require('jsonwebtoken');
const jose = require('jose');

const versions = () => ({
  jsonwebtoken: require('jsonwebtoken/package.json').version,
  jose: require('jose/package.json').version,
  node: process.versions.node,
});

const pick = (claims) => ({
  sub: claims.sub, email: claims.email, iat: claims.iat, exp: claims.exp,
});

// Runbook step (Node, jsonwebtoken 9): the key named by the token's kid, from the JWKS.
async function jsonwebtokenVerify(url, token) {
  const jwks = await (await fetch(url)).json();
  const { kid } = jwt.decode(token, { complete: true }).header;
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error(`no key with kid ${kid}`);
  const publicKey = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  return jwt.verify(token, publicKey, { algorithms: ['ES256'] });
}

async function verify(url, alg, tokens) {
  // Runbook step (Node, jose): the remote key set, fetched and cached by jose.
  const keySet = jose.createRemoteJWKSet(new URL(url));
  const results = {};
  for (const { id, token } of tokens) {
    const result = {};
    if (alg === 'ES256') {
      try {
        result.jsonwebtoken = { ok: true, claims: pick(await jsonwebtokenVerify(url, token)) };
      } catch (e) {
        result.jsonwebtoken = { ok: false, error: e.message };
      }
    }
    try {
      const { payload } = await jose.jwtVerify(token, keySet, { algorithms: [alg] });
      result.jose = { ok: true, claims: pick(payload) };
    } catch (e) {
      result.jose = { ok: false, error: `${e.code}: ${e.message}` };
    }
    results[id] = result;
  }
  return { versions: versions(), results };
}

async function sign({ alg, pem, kid, payload }) {
  const key = await jose.importPKCS8(pem, alg);
  const tokens = {
    jose: await new jose.SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(key),
    'jose (no kid)': await new jose.SignJWT(payload).setProtectedHeader({ alg }).sign(key),
  };
  if (alg === 'ES256') {
    // `payload` carries its own iat and exp.
    tokens.jsonwebtoken = jwt.sign(payload, pem, { algorithm: 'ES256', keyid: kid });
  }
  return { versions: versions(), tokens };
}

async function thumbprint({ pem }) {
  const jwk = await jose.exportJWK(crypto.createPublicKey(pem));
  return { versions: versions(), jwk, thumbprint: await jose.calculateJwkThumbprint(jwk, 'sha256') };
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  let output;
  if (command === 'verify' && args.length === 2) {
    output = await verify(args[0], args[1], input.tokens);
  } else if (command === 'sign') {
    output = await sign(input);
  } else if (command === 'thumbprint') {
    output = await thumbprint(input);
  } else {
    process.stderr.write('usage: node public_keys.js (verify URL ALG | sign | thumbprint) < in.json\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((e) => {
  process.stderr.write(`public_keys.js: ${e.stack}\n`);
  process.exit(1);
});
