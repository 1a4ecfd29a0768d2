// What the browser tests start: the example services and redis-server as real processes on free
// loopback ports, the page's static server, and headless Chromium (the system's, driven by
// playwright-core) with a fresh profile per device.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');

/** The built example services (`cargo build -p ...`); the variables override the paths. */
const SERVICES = {
  axum: process.env.AXUM_EXAMPLE_BIN ?? path.join(TARGET, 'debug', 'jwt-auth-axum-example'),
  'actix-web':
    process.env.ACTIX_WEB_EXAMPLE_BIN ??
    path.join(TARGET, 'debug', 'jwt-auth-actix-web-example'),
};

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where a failing test's screenshots go: ignored by git, never committed. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? path.join(__dirname, '..', 'test-results');

/** The services' access tokens live this long, so that a test sees one expire. */
const ACCESS_TTL_SECS = 3;

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function collect(child) {
  const output = { text: '' };
  child.stdout.on('data', (chunk) => (output.text += chunk));
  child.stderr.on('data', (chunk) => (output.text += chunk));
  return output;
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', resolve);
  });
}

/** A redis-server without persistence; `pause()` stops the process (SIGSTOP): it keeps its
 * connections open and answers nothing, as a hung server does. */
async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = collect(child);
  child.once('error', (err) => (output.text += `cannot start redis-server: ${err.message}`));
  await until(
    `redis-server on port ${port}`,
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) throw new Error(`redis-server exited:\n${output.text}`);
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    10000,
  );
  return {
    url: `redis://127.0.0.1:${port}/`,
    pause: () => process.kill(child.pid, 'SIGSTOP'),
    resume: () => process.kill(child.pid, 'SIGCONT'),
    async stop() {
      process.kill(child.pid, 'SIGCONT');
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** `name`'s binary on a free port, allowing `origin` only, with a 3-second access token, no
 * leeway, and `redisUrl` when given. */
async function startService(name, { origin, redisUrl }) {
  const binary = SERVICES[name];
  if (!fs.existsSync(binary)) {
    throw new Error(`${binary} is missing: build it with cargo build -p jwt-auth-${name}-example`);
  }
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    JWT_LEEWAY_SECS: '0',
    SESSION_ACCESS_TTL_SECS: String(ACCESS_TTL_SECS),
    CORS_ALLOWED_ORIGINS: origin,
    LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    RUST_LOG: 'info',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  const child = spawn(binary, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const base = `http://127.0.0.1:${port}`;
  await until(`${name} on port ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${output.text}`);
    try {
      return (await fetch(`${base}/health`)).status === 200;
    } catch {
      return false;
    }
  });
  return {
    base,
    output,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** The demo account's token pair, from Node (no browser, no Origin). */
async function logInFromNode(base) {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple' }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return response.json();
}

/** A JWT's `exp`, in milliseconds. */
function expiresAt(jwt) {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
  return payload.exp * 1000;
}

/**
 * One browser "device": headless Chromium with a fresh profile, its page opened on `origin` and
 * pointed at the API `base`. Records what a test checks: every request (with its headers), every
 * CORS preflight with its answer, the console, and each token the API handed out.
 */
async function openDevice(origin, base, tokens) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-auth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Every wait in these tests is over within seconds; a failure should not take half a minute.
  page.setDefaultTimeout(15000);
  const device = { page, requests: [], preflights: [], console: [], pending: [] };

  page.on('console', (message) => device.console.push(message.text()));
  page.on('request', (request) => {
    const entry = { method: request.method(), url: request.url(), body: request.postData() };
    device.requests.push(entry);
    device.pending.push(
      (async () => {
        entry.headers = await request.allHeaders();
        const response = await request.response();
        if (!response) return;
        entry.status = response.status();
        entry.responseHeaders = await response.allHeaders();
        const isPair = /\/(login|refresh)$/.test(entry.url) && entry.status === 200;
        if (isPair) {
          const body = await response.json();
          tokens.add(body.access_token);
          tokens.add(body.refresh_token);
        }
      })().catch(() => {}),
    );
  });
  // Playwright does not report CORS preflights; the DevTools protocol does.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const preflights = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (request.method !== 'OPTIONS') return;
    const entry = { url: request.url, headers: lower(request.headers), status: null };
    preflights.set(requestId, entry);
    device.preflights.push(entry);
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = preflights.get(requestId);
    if (!entry) return;
    entry.status = response.status;
    entry.responseHeaders = lower(response.headers);
  });
  cdp.on('Network.loadingFailed', ({ requestId, errorText, corsErrorStatus }) => {
    const entry = preflights.get(requestId);
    if (entry) entry.failure = { errorText, corsError: corsErrorStatus?.corsError };
  });

  await page.goto(`${origin}/?api=${encodeURIComponent(base)}`);
  device.close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  device.settled = () => Promise.all(device.pending);
  device.storage = () =>
    page.evaluate(() => ({
      access: localStorage.getItem('access_token'),
      refresh: localStorage.getItem('refresh_token'),
    }));
  return device;
}

function lower(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Runs `body(open)` where `open(origin)` opens a device; closes them all, and when the body
 * fails, first writes each device's screenshot under SCREENSHOTS.
 */
async function withDevices(t, base, tokens, body) {
  const devices = [];
  const open = async (origin) => {
    const device = await openDevice(origin, base, tokens);
    devices.push(device);
    return device;
  };
  try {
    await body(open);
    for (const device of devices) await device.settled();
  } catch (err) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [i, device] of devices.entries()) {
      const file = path.join(SCREENSHOTS, `${t.name.replace(/[^a-z0-9]+/gi, '-')}-${i}.png`);
      await device.page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.error(`screenshot: ${file}`);
    }
    throw err;
  } finally {
    for (const device of devices) await device.close().catch(() => {});
  }
}

module.exports = {
  ACCESS_TTL_SECS,
  SERVICES,
  expiresAt,
  logInFromNode,
  sleep,
  startRedis,
  startService,
  until,
  withDevices,
};
