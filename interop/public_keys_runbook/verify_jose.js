const jose = require('jose'); // 6 (ESM; `require` works from Node 20.19 and 22.12)

// Fetched on first use, cached, fetched again for an unknown kid (at most every 30 seconds).
const JWKS = jose.createRemoteJWKSet(new URL(process.env.JWT_JWKS_URL));

async function verifyToken(token) {
  const { alg } = jose.decodeProtectedHeader(token);
  if (alg === 'HS256' && process.env.JWT_SECRET) {
    // Until step 3: tokens of the services that still sign with the shared secret.
    const secret = new TextEncoder().encode(process.env.JWT_SECRET);
    return (await jose.jwtVerify(token, secret, { algorithms: ['HS256'] })).payload;
  }
  return (await jose.jwtVerify(token, JWKS, { algorithms: ['ES256'] })).payload;
}

module.exports = { verifyToken };
