// npm `oidc-provider` (an OpenID Certified server) on a free loopback port, for
// tests/remote_jwks/oidc.rs. It prints `ISSUER <url>` once it listens, issues JWT access tokens
// (RFC 9068) through the client_credentials grant with a resource indicator: signed ES256 for
// resource `urn:jwt-auth:es256`, EdDSA for `urn:jwt-auth:eddsa`. `POST /__rotate` rotates its
// keys: a new ES256 and a new Ed25519 key sign from then on, the old ones stay published.
import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

export const CLIENT_ID = 'catalog';
export const CLIENT_SECRET = 'a-test-client-secret-of-the-catalog-service-0123456789';

function newKeys() {
  const es256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed25519 = crypto.generateKeyPairSync('ed25519').privateKey;
  return [
    { ...es256.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' },
    { ...ed25519.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig' },
  ];
}

function provider(issuer, keys) {
  const oidc = new Provider(issuer, {
    jwks: { keys },
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: 'ES256',
    }],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo(ctx, resource) {
          const alg = { 'urn:jwt-auth:es256': 'ES256', 'urn:jwt-auth:eddsa': 'EdDSA' }[resource];
          if (!alg) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'api',
            audience: resource,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
  });
  oidc.on('server_error', (ctx, error) => console.error('server_error', error));
  return oidc;
}

let keys = newKeys();
let handler;
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__rotate') {
    keys = [...newKeys(), ...keys];
    handler = provider(issuer, keys).callback();
    res.writeHead(204).end();
    return;
  }
  handler(req, res);
});
let issuer;
server.listen(0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  handler = provider(issuer, keys).callback();
  console.log(`ISSUER ${issuer}`);
});
// Ends with the test that started it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
