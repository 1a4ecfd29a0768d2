// The front-end flow in headless Chromium against both example services, each on its memory
// store and on a real redis-server. The page is served from one loopback origin the service
// allows and from another it does not, so every API call is cross-origin.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const { serve } = require('../serve.js');
const {
  SERVICES,
  expiresAt,
  logInFromNode,
  sleep,
  startRedis,
  startService,
  withDevices,
} = require('./harness.js');

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

// Two static servers, two origins: the services allow the first only.
let allowed;
let other;
before(async () => {
  const [a, b] = await Promise.all([serve(0), serve(0)]);
  allowed = { server: a, origin: `http://127.0.0.1:${a.address().port}` };
  other = { server: b, origin: `http://127.0.0.1:${b.address().port}` };
});
after(() => {
  allowed.server.close();
  other.server.close();
});

async function logIn(page) {
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('#login');
  await page.waitForSelector('body[data-session="in"]');
}

async function whoAmI(page) {
  await page.evaluate(() => (document.getElementById('me').textContent = ''));
  await page.click('#whoami');
}

async function showsMe(page) {
  await page.waitForFunction(() => document.getElementById('me').textContent !== '');
  const me = JSON.parse(await page.textContent('#me'));
  assert.equal(me.sub, '1');
  assert.equal(me.email, EMAIL);
  return me;
}

async function notice(page, kind) {
  const selector = `#notice[data-kind="${kind}"]`;
  await page.waitForFunction((s) => {
    const element = document.querySelector(s);
    return element !== null && element.textContent !== '';
  }, selector);
  return page.textContent(selector);
}

function calls(device, method, path) {
  return device.requests.filter((r) => r.method === method && new URL(r.url).pathname === path);
}

/** The preflight the browser sent for `path` before the call, and the service's answer. */
function preflight(device, path) {
  const found = device.preflights.filter((p) => new URL(p.url).pathname === path);
  assert.equal(found.length, 1, `one preflight for ${path}: ${JSON.stringify(device.preflights)}`);
  return found[0];
}

function assertPreflightPassed(entry, origin, method, header) {
  assert.equal(entry.headers['access-control-request-method'], method);
  assert.equal(entry.headers['access-control-request-headers'], header);
  assert.equal(entry.headers.origin, origin);
  assert.equal(entry.status, 200, JSON.stringify(entry));
  assert.equal(entry.responseHeaders['access-control-allow-origin'], origin);
  const allowedHeaders = entry.responseHeaders['access-control-allow-headers'].toLowerCase();
  assert.deepEqual(allowedHeaders.split(/\s*,\s*/).sort(), ['authorization', 'content-type']);
  assert.equal(entry.responseHeaders['access-control-allow-credentials'], undefined);
  assert.equal(entry.failure, undefined);
}

/** No URL the browser requested or showed carries a token the API handed out. */
async function assertNoTokenInAUrl(device, tokens) {
  await device.settled();
  const urls = [...device.requests.map((r) => r.url), device.page.url()];
  for (const token of tokens) {
    for (const url of urls) assert.ok(!url.includes(token), `a token in ${url}`);
  }
}

for (const service of Object.keys(SERVICES)) {
  for (const store of ['memory', 'redis']) {
    describe(`${service} service, ${store} store`, () => {
      let api;
      let redis;
      const tokens = new Set();

      before(async () => {
        if (store === 'redis') redis = await startRedis();
        api = await startService(service, { origin: allowed.origin, redisUrl: redis?.url });
      });
      after(async () => {
        await redis?.stop();
        if (!api) return;
        await api.stop();
        // The services never log a token.
        assert.ok(tokens.size > 0);
        for (const token of tokens) assert.ok(!api.output.text.includes(token), 'a token logged');
      });

      it('from the allowed origin: preflights pass and an expired token is refreshed silently', async (t) => {
        await withDevices(t, api.base, tokens, async (open) => {
          const device = await open(allowed.origin);
          const { page } = device;

          // Logged out, a call carries no token: 401 without error="invalid_token", so the
          // page asks for a login and does not try to refresh.
          await whoAmI(page);
          assert.equal(await notice(page, 'ended'), 'Not logged in: log in first.');
          await device.settled();
          const [anonymous] = calls(device, 'GET', '/me');
          assert.equal(anonymous.status, 401);
          assert.equal(anonymous.headers.authorization, undefined);
          assert.equal(anonymous.responseHeaders['www-authenticate'], 'Bearer');
          assert.equal(calls(device, 'POST', '/refresh').length, 0);

          await logIn(page);
          assertPreflightPassed(preflight(device, '/login'), allowed.origin, 'POST', 'content-type');
          const first = await device.storage();
          assert.equal(first.refresh.length, 64);

          await whoAmI(page);
          const me = await showsMe(page);
          assert.equal(me.exp * 1000, expiresAt(first.access));
          assertPreflightPassed(preflight(device, '/me'), allowed.origin, 'GET', 'authorization');
          await device.settled();
          const authorized = calls(device, 'GET', '/me')[1];
          assert.equal(authorized.status, 200);
          assert.equal(authorized.headers.authorization, `Bearer ${first.access}`);
          assert.equal(authorized.responseHeaders['access-control-allow-origin'], allowed.origin);

          // Past its expiry (the service has no leeway), the token is refused; the page
          // refreshes it once, retries, and the user never notices.
          await sleep(expiresAt(first.access) - Date.now() + 100);
          await whoAmI(page);
          await showsMe(page);
          await device.settled();
          const meCalls = calls(device, 'GET', '/me');
          assert.deepEqual(
            meCalls.map((r) => r.status),
            [401, 200, 401, 200],
          );
          assert.match(meCalls[2].responseHeaders['www-authenticate'], /error="invalid_token"/);
          const refreshes = calls(device, 'POST', '/refresh');
          assert.equal(refreshes.length, 1);
          assert.equal(refreshes[0].status, 200);
          assert.deepEqual(JSON.parse(refreshes[0].body), { refresh_token: first.refresh });
          assertPreflightPassed(preflight(device, '/refresh'), allowed.origin, 'POST', 'content-type');
          const second = await device.storage();
          assert.notEqual(second.access, first.access);
          assert.notEqual(second.refresh, first.refresh);
          assert.equal(meCalls[3].headers.authorization, `Bearer ${second.access}`);
          assert.equal(await page.getAttribute('body', 'data-session'), 'in');
          assert.equal(await page.textContent('#notice'), '');
          await assertNoTokenInAUrl(device, tokens);
        });
      });

      it('from another origin: the browser blocks the calls and the page says so', async (t) => {
        await withDevices(t, api.base, tokens, async (open) => {
          const device = await open(other.origin);
          const { page } = device;
          const loginsBefore = api.output.text.split('login succeeded').length;

          await page.fill('#email', EMAIL);
          await page.fill('#password', PASSWORD);
          await page.click('#login');
          assert.match(await notice(page, 'blocked'), /^Request blocked: the browser refused/);
          assert.equal(await page.getAttribute('body', 'data-session'), 'out');
          const refused = preflight(device, '/login');
          assert.equal(refused.headers.origin, other.origin);
          assert.equal(refused.responseHeaders?.['access-control-allow-origin'], undefined);
          assert.ok(
            device.console.some((m) => m.includes(`from origin '${other.origin}' has been blocked by CORS policy`)),
            device.console.join('\n'),
          );
          // The preflight failed, so the browser never sent the login itself.
          assert.equal(api.output.text.split('login succeeded').length, loginsBefore);

          // A valid session in this page's storage: the call with its token is blocked too,
          // and a blocked call does not log the user out.
          const pair = await logInFromNode(api.base);
          tokens.add(pair.access_token).add(pair.refresh_token);
          await page.evaluate(({ access_token, refresh_token }) => {
            localStorage.setItem('access_token', access_token);
            localStorage.setItem('refresh_token', refresh_token);
          }, pair);
          await page.reload();
          await page.waitForSelector('body[data-session="in"]');
          await whoAmI(page);
          assert.match(await notice(page, 'blocked'), /^Request blocked/);
          const blocked = preflight(device, '/me');
          assert.equal(blocked.headers['access-control-request-headers'], 'authorization');
          assert.equal(blocked.responseHeaders?.['access-control-allow-origin'], undefined);
          assert.equal(await page.getAttribute('body', 'data-session'), 'in');
          assert.deepEqual(await device.storage(), {
            access: pair.access_token,
            refresh: pair.refresh_token,
          });
          assert.equal(calls(device, 'POST', '/refresh').length, 0);
          await assertNoTokenInAUrl(device, tokens);
        });
      });

      it('log out ends the session on the service', async (t) => {
        await withDevices(t, api.base, tokens, async (open) => {
          const device = await open(allowed.origin);
          const { page } = device;
          await logIn(page);
          const { refresh } = await device.storage();
          await page.click('#logout');
          await page.waitForSelector('body[data-session="out"]');
          assert.deepEqual(await device.storage(), { access: null, refresh: null });
          await device.settled();
          const [logout] = calls(device, 'POST', '/logout');
          assert.equal(logout.status, 204);
          assert.deepEqual(JSON.parse(logout.body), { refresh_token: refresh });
          assert.equal(await page.textContent('#notice'), '');
          // The service refuses that refresh token from now on.
          const again = await fetch(`${api.base}/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: refresh }),
          });
          assert.equal(again.status, 400);
          assert.deepEqual(await again.json(), { error: 'invalid_grant' });
          await assertNoTokenInAUrl(device, tokens);
        });
      });

      it('log out everywhere on one device logs the other out at its next call', async (t) => {
        await withDevices(t, api.base, tokens, async (open) => {
          const a = await open(allowed.origin);
          const b = await open(allowed.origin);
          await logIn(a.page);
          await logIn(b.page);
          await whoAmI(b.page);
          await showsMe(b.page);

          await a.page.click('#logout-everywhere');
          await a.page.waitForSelector('body[data-session="out"]');
          await a.settled();
          const [everywhere] = calls(a, 'POST', '/logout-everywhere');
          assert.equal(everywhere.status, 204);
          assertPreflightPassed(preflight(a, '/logout-everywhere'), allowed.origin, 'POST', 'authorization');

          // B has made no call since: it still believes it is logged in.
          assert.equal(await b.page.getAttribute('body', 'data-session'), 'in');
          await whoAmI(b.page);
          assert.equal(await notice(b.page, 'ended'), 'Your session has ended: log in again.');
          assert.equal(await b.page.getAttribute('body', 'data-session'), 'out');
          assert.deepEqual(await b.storage(), { access: null, refresh: null });
          await b.settled();
          assert.deepEqual(
            calls(b, 'GET', '/me').map((r) => r.status),
            [200, 401],
          );
          const [refused] = calls(b, 'POST', '/refresh');
          assert.equal(refused.status, 400);
          await assertNoTokenInAUrl(a, tokens);
          await assertNoTokenInAUrl(b, tokens);
        });
      });

      if (store === 'redis') {
        it('Redis paused: the page says the service is unavailable and keeps the user logged in; resumed, it carries on', async (t) => {
          await withDevices(t, api.base, tokens, async (open) => {
            const device = await open(allowed.origin);
            const { page } = device;
            await logIn(page);
            const first = await device.storage();
            // An expired token, so that the next call needs the store: a refresh.
            await sleep(expiresAt(first.access) - Date.now() + 100);

            redis.pause();
            let paused = true;
            try {
              await whoAmI(page);
              // Retry-After: 5 reached the page (it is exposed), so it waits 5 s, not 1 s.
              assert.equal(
                await notice(page, 'unavailable'),
                'Service unavailable: retrying in 5 s. You are still logged in.',
              );
              await sleep(1000);
              assert.equal(await page.getAttribute('body', 'data-session'), 'in');
              assert.deepEqual(await device.storage(), first);
              await device.settled();
              const [refresh] = calls(device, 'POST', '/refresh');
              assert.equal(refresh.status, 503);
              assert.equal(refresh.responseHeaders['retry-after'], '5');
              redis.resume();
              paused = false;
            } finally {
              if (paused) redis.resume();
            }

            // The retry, with the same refresh token, goes through once Redis is back.
            await showsMe(page);
            assert.equal(await page.textContent('#notice'), '');
            assert.equal(await page.getAttribute('body', 'data-session'), 'in');
            await device.settled();
            const refreshes = calls(device, 'POST', '/refresh');
            const statuses = refreshes.map((r) => r.status);
            assert.ok(statuses.length >= 2, `${statuses}`);
            assert.deepEqual(statuses, [...statuses.slice(0, -1).map(() => 503), 200]);
            for (const r of refreshes) {
              assert.deepEqual(JSON.parse(r.body), { refresh_token: first.refresh });
            }
            const second = await device.storage();
            assert.notEqual(second.refresh, first.refresh);

            // And the session carries on: the next expiry refreshes again.
            await sleep(expiresAt(second.access) - Date.now() + 100);
            await whoAmI(page);
            await showsMe(page);
            await device.settled();
            assert.equal(calls(device, 'POST', '/refresh').at(-1).status, 200);
            assert.notEqual((await device.storage()).refresh, second.refresh);
            await assertNoTokenInAUrl(device, tokens);
          });
        });
      }
    });
  }
}
