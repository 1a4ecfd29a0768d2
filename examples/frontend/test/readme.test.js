// This folder's README shows the interceptor code: it must be the page's, character for
// character, so that what a team copies is what the browser tests ran.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { it } = require('node:test');

const MARKER = '<!-- examples/frontend/session.js, from "copy from here" to "copy to here" -->';

function between(text, start, end, what) {
  const from = text.indexOf(start);
  assert.notEqual(from, -1, `${what}: no ${JSON.stringify(start)}`);
  const to = text.indexOf(end, from + start.length);
  assert.notEqual(to, -1, `${what}: no ${JSON.stringify(end)} after the start`);
  return text.slice(from + start.length, to);
}

it('the README shows the interceptor exactly as session.js has it', () => {
  const script = fs.readFileSync(path.join(__dirname, '..', 'session.js'), 'utf8');
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const code = between(script, '// ---- copy from here ----\n', '// ---- copy to here ----', 'session.js');
  const shown = between(readme, `${MARKER}\n\`\`\`js\n`, '```\n', 'README.md');
  assert.ok(code.includes('interceptors.response.use'), 'the region holds the interceptors');
  assert.equal(shown, code);
});
