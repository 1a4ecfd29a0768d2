// The product's session handling against the jwt-auth example services: an axios instance whose
// interceptors add the bearer token, refresh it once when it has expired, and wait out outages.
// The part between the two "copy" markers is what this folder's README shows, character for
// character (test/readme.test.js checks it); the rest wires this page's form and buttons.
'use strict';

// ---- copy from here ----
const ACCESS_TOKEN = 'access_token';
const REFRESH_TOKEN = 'refresh_token';
// A 503 means the service cannot answer right now (its session store is down), never that the
// token is bad: retry with backoff, at least as long as Retry-After asks, and keep the user in.
const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 1000;
const MAX_BACKOFF_MS = 30000;

/** The session is over (refresh refused): show the login form. */
class SessionEnded extends Error {}

function retryDelay(retryAfter, attempt) {
  const backoff = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  const seconds = Number(retryAfter);
  const asked = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
  return Math.max(backoff, asked || 0);
}

/**
 * The API at `baseURL`. Tokens live in localStorage and travel only in the `Authorization`
 * header and the JSON bodies of /login, /refresh and /logout, never in a URL.
 * `onLoggedOut()` runs when the session ends; `onUnavailable(delayMs)` before each retry of a 503.
 */
function createSession({ baseURL, onLoggedOut, onUnavailable }) {
  const api = axios.create({ baseURL, timeout: 10000 });
  // /login, /refresh and /logout: no bearer, and no refresh-on-401 loop.
  const auth = axios.create({ baseURL, timeout: 10000 });
  let refreshing = null;

  const saveTokens = ({ access_token, refresh_token }) => {
    localStorage.setItem(ACCESS_TOKEN, access_token);
    localStorage.setItem(REFRESH_TOKEN, refresh_token);
  };
  const endSession = () => {
    localStorage.removeItem(ACCESS_TOKEN);
    localStorage.removeItem(REFRESH_TOKEN);
    onLoggedOut();
  };

  const retryUnavailable = async (instance, error) => {
    const { config, response } = error;
    if (!config || response?.status !== 503) throw error;
    config.unavailableAttempts = (config.unavailableAttempts ?? 0) + 1;
    if (config.unavailableAttempts >= MAX_ATTEMPTS) throw error;
    const delay = retryDelay(response.headers['retry-after'], config.unavailableAttempts);
    onUnavailable(delay);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return instance(config);
  };

  const refresh = async () => {
    const refresh_token = localStorage.getItem(REFRESH_TOKEN);
    if (!refresh_token) {
      endSession();
      throw new SessionEnded('no refresh token');
    }
    try {
      saveTokens((await auth.post('/refresh', { refresh_token })).data);
    } catch (error) {
      // 400 invalid_grant: expired, logged out, revoked or reused. Anything else (a 503 after
      // every retry, no answer at all) leaves the session as it is.
      if (error.response?.status === 400) {
        endSession();
        throw new SessionEnded('refresh refused');
      }
      throw error;
    }
  };
  // Requests that fail together share one refresh: a refresh token is good for one use.
  const refreshOnce = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  api.interceptors.request.use((config) => {
    const token = localStorage.getItem(ACCESS_TOKEN);
    if (token) config.headers.set('Authorization', `Bearer ${token}`);
    else config.headers.delete('Authorization');
    return config;
  });
  api.interceptors.response.use(undefined, async (error) => {
    const { config, response } = error;
    // No response: the API is unreachable, or the browser blocked it (CORS).
    if (!config || !response) throw error;
    if (response.status === 503) return retryUnavailable(api, error);
    // Anything but a 401 to a call that carried a token is the caller's to show: a 403
    // insufficient_scope, a 401 with a bare `Bearer` challenge to a call without one, ...
    const sent = config.headers.get('Authorization');
    if (response.status !== 401 || !sent) throw error;
    const challenge = response.headers['www-authenticate'] ?? '';
    if (!challenge.includes('error="invalid_token"') || config.refreshed) {
      endSession();
      throw new SessionEnded('token refused');
    }
    config.refreshed = true;
    // Unless another request refreshed while this one was on its way.
    if (sent === `Bearer ${localStorage.getItem(ACCESS_TOKEN)}`) await refreshOnce();
    return api(config);
  });
  auth.interceptors.response.use(undefined, (error) => retryUnavailable(auth, error));

  return {
    api,
    isLoggedIn: () => localStorage.getItem(REFRESH_TOKEN) !== null,
    async login(email, password) {
      saveTokens((await auth.post('/login', { email, password })).data);
    },
    // Ends the session here, and on the server when it answers: true when it did (400: the
    // session had already ended there), false when the server still holds it.
    async logout() {
      const refresh_token = localStorage.getItem(REFRESH_TOKEN);
      try {
        if (refresh_token) await auth.post('/logout', { refresh_token });
        return true;
      } catch (error) {
        return error.response?.status === 400;
      } finally {
        endSession();
      }
    },
    // Ends every session of the user; on failure the user stays logged in, to try again.
    async logoutEverywhere() {
      await api.post('/logout-everywhere');
      endSession();
    },
  };
}
// ---- copy to here ----

const API_BASE = new URLSearchParams(location.search).get('api') ?? 'http://127.0.0.1:3000';

const $ = (id) => document.getElementById(id);

function notice(kind, text) {
  $('notice').dataset.kind = kind;
  $('notice').textContent = text;
}

function render() {
  const loggedIn = session.isLoggedIn();
  document.body.dataset.session = loggedIn ? 'in' : 'out';
  $('session-status').textContent = loggedIn ? 'Logged in' : 'Logged out';
  $('login-form').hidden = loggedIn;
  $('account').hidden = !loggedIn;
  if (!loggedIn) $('me').textContent = '';
}

// What the page tells the user about a failed call.
function explain(error) {
  if (error instanceof SessionEnded) return ['ended', 'Your session has ended: log in again.'];
  const response = error.response;
  if (!response) {
    return [
      'blocked',
      'Request blocked: the browser refused the API\'s answer (is this page\'s origin in the ' +
        'API\'s allowed CORS origins?) or could not reach the API.',
    ];
  }
  const body = response.data ?? {};
  switch (response.status) {
    case 401:
      if (body.error === 'invalid_credentials') return ['error', 'Wrong email or password.'];
      return ['ended', 'Not logged in: log in first.'];
    case 403:
      return ['forbidden', 'Forbidden: you are logged in, but not allowed to do this.'];
    case 429:
      return ['error', `Too many attempts: retry in ${response.headers['retry-after']} s.`];
    case 503:
      return ['unavailable', 'Service unavailable: you are still logged in; try again later.'];
    default:
      return ['error', `The API answered ${response.status}.`];
  }
}

// Runs a button's action; it may return the notice to show, else the notice is cleared.
async function run(action) {
  try {
    notice(...((await action()) ?? ['ok', '']));
  } catch (error) {
    notice(...explain(error));
  }
  render();
}

const session = createSession({
  baseURL: API_BASE,
  onLoggedOut: render,
  onUnavailable: (delay) =>
    notice(
      'unavailable',
      `Service unavailable: retrying in ${Math.round(delay / 1000)} s. You are still logged in.`,
    ),
});

$('api').textContent = API_BASE;
$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(() => session.login($('email').value, $('password').value));
});
$('whoami').addEventListener('click', () =>
  run(async () => {
    $('me').textContent = JSON.stringify((await session.api.get('/me')).data);
  }),
);
$('logout').addEventListener('click', () =>
  run(async () => {
    if (!(await session.logout())) {
      return ['error', 'Logged out on this device, but the service could not end the session.'];
    }
  }),
);
$('logout-everywhere').addEventListener('click', () => run(() => session.logoutEverywhere()));
// Another tab logged in or out.
window.addEventListener('storage', render);
render();
