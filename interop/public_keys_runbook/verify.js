const crypto = require('node:crypto');
const jwt = require('jsonwebtoken'); // 9

let keys = new Map(); // kid -> public KeyObject, from the issuer's JWKS
let fetchedAt = 0;

async function publicKey(kid) {
  // A kid not seen yet is a new key: fetch the JWKS again, at most every 30 seconds.
  if (!keys.has(kid) && Date.now() - fetchedAt > 30_000) {
    fetchedAt = Date.now();
    const jwks = await (await fetch(process.env.JWT_JWKS_URL)).json();
    keys = new Map(jwks.keys.map((jwk) => [jwk.kid, crypto.createPublicKey({ key: jwk, format: 'jwk' })]));
  }
  return keys.get(kid);
}

async function verifyToken(token) {
  const header = jwt.decode(token, { complete: true })?.header;
  if (header?.alg === 'HS256' && process.env.JWT_SECRET) {
    // Until step 3: tokens of the services that still sign with the shared secret.
    return jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
  }
  const key = await publicKey(header?.kid);
  if (!key) throw new Error(`no key with kid ${header?.kid} in the JWKS`);
  return jwt.verify(token, key, { algorithms: ['ES256'] });
}

module.exports = { verifyToken };
