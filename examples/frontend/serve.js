// Serves the page, its script and the vendored axios build (from node_modules, after `npm ci`)
// on 127.0.0.1, so that the page has an origin of its own and every API call is cross-origin.
// `node serve.js [port]` (default 8080; 0 picks a free one); the tests call `serve(port)`.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/session.js': ['session.js', 'text/javascript; charset=utf-8'],
  '/vendor/axios.min.js': [
    path.join('node_modules', 'axios', 'dist', 'axios.min.js'),
    'text/javascript; charset=utf-8',
  ],
};

/** Listens on 127.0.0.1:`port`; resolves to the server once it listens. */
function serve(port) {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url, 'http://localhost').pathname;
    const file = FILES[pathname];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end('method not allowed\n');
      return;
    }
    fs.readFile(path.join(__dirname, file[0]), (err, body) => {
      if (err) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.code}\n`);
        return;
      }
      response.writeHead(200, {
        'content-type': file[1],
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

module.exports = { serve };

if (require.main === module) {
  const port = Number(process.argv[2] ?? 8080);
  serve(port).then((server) => {
    console.log(`serving http://127.0.0.1:${server.address().port}/`);
  });
}
