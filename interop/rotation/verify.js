// Rotation-aware verification for a Node service (npm `jsonwebtoken`). JWT_SECRET signs;
// JWT_SECRET_FALLBACKS (comma-separated) only verify. A token with `kid` (jwt-auth writes the
// signing key's fingerprint) is checked against that key only; one without (PyJWT, Node) is tried
// against each key, current first.
const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');

const fingerprint = (secret) =>
  crypto.createHmac('sha256', secret).update('jwt-auth fingerprint v1').digest('hex').slice(0, 16);

const secrets = [process.env.JWT_SECRET, ...(process.env.JWT_SECRET_FALLBACKS || '').split(',')]
  .map((s) => (s || '').trim())
  .filter((s) => s.length > 0);
const byKid = new Map(secrets.map((s) => [fingerprint(s), crypto.createSecretKey(Buffer.from(s))]));
const keys = [...byKid.values()];
const options = { algorithms: ['HS256'] };

function verifyToken(token) {
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded && decoded.header.kid;
  if (kid !== undefined) {
    const key = byKid.get(kid);
    if (!key) throw new jwt.JsonWebTokenError(`unknown key ${kid}`);
    return jwt.verify(token, key, options);
  }
  for (const key of keys) {
    try {
      return jwt.verify(token, key, options);
    } catch (err) {
      if (!(err instanceof jwt.JsonWebTokenError) || err.message !== 'invalid signature') throw err;
    }
  }
  throw new jwt.JsonWebTokenError('invalid signature');
}

module.exports = { verifyToken };
