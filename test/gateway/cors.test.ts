import t from 'tap';
import { auth, gateway } from '../helpers/gateway.js';
import { loadConfig } from '../../src/gateway/config.js';
import { KEY } from '../helpers/gateway.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const env = { CORS_ORIGINS: `${APP}, http://localhost:5173` };
const url = '/api/barcodes/qr?data=cors';

function preflight(origin: string, path = url, method = 'GET') {
  return {
    method: 'OPTIONS' as const,
    url: path,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'x-api-key, content-type',
    },
  };
}

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((h) => h.startsWith('access-control-'));

t.test('should answer a preflight from a listed origin without an API key', async (t) => {
  const app = await gateway(t, env);
  for (const [path, method] of [
    [url, 'GET'],
    ['/api/barcodes/batch', 'POST'],
    ['/api/codes/abc', 'PATCH'],
    ['/api/jobs/abc', 'DELETE'],
  ] as const) {
    const res = await app.inject(preflight(APP, path, method));
    t.equal(res.statusCode, 204, `${method} ${path}`);
    t.equal(res.headers['access-control-allow-origin'], APP);
    t.equal(res.headers['access-control-allow-methods'], 'GET, HEAD, POST, PATCH, DELETE');
    t.equal(
      res.headers['access-control-allow-headers'],
      'x-api-key, authorization, content-type, if-none-match, x-request-id',
    );
    t.equal(res.headers['access-control-max-age'], '600');
    t.match(res.headers.vary, /Origin/);
    t.equal(res.headers['x-ratelimit-limit'], undefined, 'a preflight is not counted');
  }
  const local = await app.inject(preflight('http://localhost:5173'));
  t.equal(local.headers['access-control-allow-origin'], 'http://localhost:5173');
});

t.test('should give an origin not listed no CORS headers', async (t) => {
  const app = await gateway(t, env);
  const pre = await app.inject(preflight(EVIL));
  t.equal(pre.statusCode, 405, 'the preflight is not answered: OPTIONS is not a method of this path');
  t.same(corsHeaders(pre.headers), [], 'no access-control-* header');
  const get = await app.inject({ url, headers: { ...auth, origin: EVIL } });
  t.equal(get.statusCode, 200, 'a server-side caller with the key is still served');
  t.same(corsHeaders(get.headers), []);
  t.match(get.headers.vary, /Origin/, 'the answer says it depends on Origin');
  const lookalike = await app.inject({ url, headers: { ...auth, origin: `${APP}.evil.net` } });
  t.same(corsHeaders(lookalike.headers), [], 'origins compare whole');
});

t.test('should let a listed origin read answers, errors and their headers', async (t) => {
  const app = await gateway(t, { ...env, RATE_LIMIT_MAX: '2' });
  const res = await app.inject({ url, headers: { ...auth, origin: APP } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['access-control-allow-origin'], APP);
  t.equal(res.headers['access-control-allow-credentials'], undefined, 'keys travel in headers, not cookies');
  const exposed = String(res.headers['access-control-expose-headers']).split(', ');
  for (const h of [
    'etag',
    'retry-after',
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'content-disposition',
  ]) {
    t.ok(exposed.includes(h), `exposes ${h}`);
  }
  t.equal(res.headers.vary, 'x-api-key, authorization, Origin', "the image route's Vary keeps Origin");

  const noKey = await app.inject({ url, headers: { origin: APP } });
  t.equal(noKey.statusCode, 401);
  t.equal(noKey.headers['access-control-allow-origin'], APP, 'a page can read why it was refused');
  await app.inject({ url, headers: { ...auth, origin: APP } });
  const limited = await app.inject({ url, headers: { ...auth, origin: APP } });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['access-control-allow-origin'], APP);
  t.ok(limited.headers['retry-after']);
});

t.test('should send no CORS headers without CORS_ORIGINS', async (t) => {
  const app = await gateway(t);
  const pre = await app.inject(preflight(APP));
  t.not(pre.statusCode, 204);
  t.same(corsHeaders(pre.headers), []);
  const get = await app.inject({ url, headers: { ...auth, origin: APP } });
  t.equal(get.statusCode, 200);
  t.same(corsHeaders(get.headers), []);
});

t.test('should answer any origin with CORS_ORIGINS=*', async (t) => {
  const app = await gateway(t, { CORS_ORIGINS: '*' });
  const pre = await app.inject(preflight(EVIL));
  t.equal(pre.statusCode, 204);
  t.equal(pre.headers['access-control-allow-origin'], '*');
  const get = await app.inject({ url, headers: { ...auth, origin: EVIL } });
  t.equal(get.headers['access-control-allow-origin'], '*');
});

t.test('should refuse a CORS_ORIGINS entry that is not an origin', async (t) => {
  for (const bad of [
    'app.example.com',
    'https://app.example.com/path',
    'ftp://files.example.com',
    '*, https://a.com',
  ]) {
    t.throws(
      () => loadConfig({ API_KEYS: KEY, CORS_ORIGINS: bad }),
      { name: 'ConfigError', message: /^CORS_ORIGINS entry \d must be an origin such as https:\/\/app\.example\.com/ },
      bad,
    );
  }
  t.same(loadConfig({ API_KEYS: KEY, CORS_ORIGINS: 'https://App.Example.com/, http://localhost:3000' }).corsOrigins, [
    'https://app.example.com',
    'http://localhost:3000',
  ]);
  t.equal(loadConfig({ API_KEYS: KEY }).corsOrigins, null, 'none by default');
});
