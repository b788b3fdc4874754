/**
 * How the gateway serves the web app: open and outside the rate limit, a strict
 * CSP with no inline script, hashed assets cached for good, nothing but the
 * built files, and the JavaScript within its 150 KB gzipped budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildWeb } from '../../scripts/build-web.js';
import { gateway } from '../helpers/gateway.js';

const BUDGET_GZIP_BYTES = 150 * 1024;

t.test('should serve the app at / without a key, under a strict CSP', async (t) => {
  const app = await gateway(t, { RATE_LIMIT_MAX: '1' });
  const page = await app.inject({ method: 'GET', url: '/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const csp = String(page.headers['content-security-policy']);
  t.match(csp, /default-src 'self'/);
  t.match(csp, /script-src 'self'(;|$)/, "scripts from this origin only: no 'unsafe-inline', no eval");
  t.notMatch(csp, /unsafe-/);
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.equal(page.headers['cache-control'], 'no-cache');
  t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  t.notMatch(page.body, /https?:\/\//, 'nothing from another origin (no CDN, no remote font)');

  const assets = [...page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  t.equal(assets.length, 2, 'one script and one style sheet');
  for (const url of assets) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', `${url} is cached for good`);
    t.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  }
  // Past the one request the limit allows, the app still loads.
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200);
});

t.test('should serve nothing but the built files', async (t) => {
  const app = await gateway(t);
  for (const url of [
    '/assets/..%2Fpackage.json',
    '/assets/.hidden',
    '/assets/nope.js',
    '/assets/x%2F..%2F..%2Fpackage.json',
  ]) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 404, url);
  }
  const api = await app.inject({ method: 'GET', url: '/api/jobs' });
  t.equal(api.statusCode, 401, 'the API still asks for a key');
});

t.test('should not serve the app with WEB_UI=false', async (t) => {
  const app = await gateway(t, { WEB_UI: 'false' });
  const res = await app.inject({ method: 'GET', url: '/' });
  t.not(res.statusCode, 200);
});

t.test('should keep the JavaScript within 150 KB gzipped', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'batchcode-web-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const { jsGzipBytes } = await buildWeb(out);
  t.ok(jsGzipBytes > 1024, `a real bundle: ${jsGzipBytes} bytes gzipped`);
  t.ok(jsGzipBytes <= BUDGET_GZIP_BYTES, `${(jsGzipBytes / 1024).toFixed(1)} KB gzipped, budget 150 KB`);
});
