import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { decode, pngSize } from '../helpers/decode.js';
import { auth, gateway, KEY, OTHER_KEY } from '../helpers/gateway.js';
import { loadConfig, sha256hex } from '../../src/gateway/config.js';
import { ConfigError } from '../../src/infra/env.js';
import { canonical } from '../../src/gateway/signing.js';
import { redactUrl } from '../../src/gateway/logger.js';

const SECRET = 'test-url-signing-secret-0123456789abcdef';
const env = { URL_SIGNING_SECRET: SECRET };
const nameOf = (key: string) => `key-${sha256hex(key).slice(0, 12)}`;
const MISMATCH =
  'signed URL refused: the signature does not match. The path or a parameter (data, format, a colour or size, expires, by) ' +
  'was changed after signing, or the URL was signed with another URL_SIGNING_SECRET (or by a gateway that made its own at start)';

async function sign(app: FastifyInstance, payload: object, headers: Record<string, string> = auth) {
  return app.inject({ method: 'POST', url: '/api/barcodes/sign', headers, payload });
}

/** The path and query of a signed URL, as a request to the app. */
function pathOf(url: string | URL): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

async function signedUrl(app: FastifyInstance, payload: object, headers?: Record<string, string>): Promise<URL> {
  const res = await sign(app, payload, headers);
  if (res.statusCode !== 200) throw new Error(`sign answered ${res.statusCode}: ${res.body}`);
  return new URL(res.json().url);
}

/** `public, max-age=N` with N the seconds left of a one-hour URL: a busy machine may have spent a minute. */
function untilExpiry(header: unknown): boolean {
  const m = /^public, max-age=(\d+)$/.exec(String(header));
  return m !== null && Number(m[1]) <= 3600 && Number(m[1]) >= 3540;
}

t.test('should answer a signed image URL without an API key, and the image scans', async (t) => {
  const app = await gateway(t, env);
  const item = {
    barcode_type: 'qr',
    data: 'signed café & co',
    format: 'png',
    options: { width: 240, foreground: '#112233' },
  };
  const before = Math.floor(Date.now() / 1000);
  const res = await sign(app, { ...item, expires_in: 3600 });
  t.equal(res.statusCode, 200, res.body);
  const { url, expires_at, warning } = res.json();
  t.equal(warning, undefined, 'a configured secret outlives restarts: no warning');
  t.match(url, /^http:\/\/localhost:80\/api\/barcodes\/qr\?/, 'absolute, from the request host');
  const u = new URL(url);
  t.equal(u.searchParams.get('by'), nameOf(KEY), 'names the key, not the key');
  t.notOk(url.includes(KEY));
  const expires = Number(u.searchParams.get('expires'));
  t.ok(expires >= before + 3600 && expires <= before + 3601, 'expires in an hour');
  t.equal(expires_at, new Date(expires * 1000).toISOString());
  t.match(u.searchParams.get('sig'), /^[\w-]{43}$/);

  const img = await app.inject({ url: pathOf(url) });
  t.equal(img.statusCode, 200, img.body);
  t.equal(img.headers['content-type'], 'image/png');
  t.equal(pngSize(img.rawPayload).width, 240);
  t.equal(await decode(img.rawPayload), 'signed café & co');
  t.ok(untilExpiry(img.headers['cache-control']), 'public, until expiry, never immutable');
  const keyed = await app.inject({ method: 'POST', url: '/api/barcodes', headers: auth, payload: item });
  t.equal(img.headers.etag, keyed.headers.etag, 'the same ETag as the image asked for with the key');

  const revalidated = await app.inject({ url: pathOf(url), headers: { 'if-none-match': img.headers.etag as string } });
  t.equal(revalidated.statusCode, 304);
  t.ok(untilExpiry(revalidated.headers['cache-control']), 'the 304 too');
  t.equal((await app.inject({ method: 'HEAD', url: pathOf(url) })).statusCode, 200, 'HEAD too');

  const svg = await signedUrl(app, { barcode_type: 'datamatrix', data: 'svg by default' });
  const svgRes = await app.inject({ url: pathOf(svg) });
  t.equal(svgRes.statusCode, 200);
  t.equal(await decode(svgRes.body), 'svg by default');
  t.match(svgRes.headers['cache-control'], /^public, max-age=(86399|86400)$/, 'a day unless asked');
});

t.test('should refuse an expired signed URL, saying when it expired', async (t) => {
  const app = await gateway(t, env);
  const expires = Math.floor(Date.now() / 1000) - 5;
  const by = nameOf(KEY);
  const url = app.urlSigner.sign(by, '/api/barcodes/qr', { data: 'old', expires: String(expires), by });
  const res = await app.inject({ url });
  t.equal(res.statusCode, 403);
  t.same(res.json(), {
    statusCode: 403,
    error: 'Forbidden',
    message: `signed URL expired at ${new Date(expires * 1000).toISOString()} (expires=${expires}); ask its signer for a new one`,
  });
  t.equal(res.headers['cache-control'], undefined, 'a refusal is not made cacheable');
});

t.test('should refuse a signed URL with any parameter changed, added, repeated or removed', async (t) => {
  const app = await gateway(t, env);
  const signed = await signedUrl(app, {
    barcode_type: 'qr',
    data: 'original',
    format: 'png',
    options: { width: 200, foreground: '#000000' },
    expires_in: 600,
  });
  const change = (edit: (u: URL) => void) => {
    const u = new URL(signed);
    edit(u);
    return pathOf(u);
  };
  // Re-encoded by URLSearchParams ('+' for spaces, other escapes): the same parameters still hold.
  t.equal((await app.inject({ url: change(() => {}) })).statusCode, 200, 'the URL as signed');
  const later = String(Number(signed.searchParams.get('expires')) + 86_400);
  const tampered: Record<string, (u: URL) => void> = {
    data: (u) => u.searchParams.set('data', 'changed'),
    foreground: (u) => u.searchParams.set('foreground', '#ff0000'),
    width: (u) => u.searchParams.set('width', '300'),
    format: (u) => u.searchParams.set('format', 'svg'),
    expires: (u) => u.searchParams.set('expires', later),
    'by (another configured key)': (u) => u.searchParams.set('by', nameOf(OTHER_KEY)),
    'an added option': (u) => u.searchParams.set('margin', '1'),
    'a removed option': (u) => u.searchParams.delete('width'),
    'a repeated parameter': (u) => u.searchParams.append('data', 'original'),
    'the path': (u) => (u.pathname = '/api/barcodes/datamatrix'),
    'the signature': (u) => u.searchParams.set('sig', `A${u.searchParams.get('sig')!.slice(1)}`),
    'a hex signature of another URL': (u) => u.searchParams.set('sig', 'ab'.repeat(32)),
  };
  for (const [what, edit] of Object.entries(tampered)) {
    const res = await app.inject({ url: change(edit) });
    t.equal(res.statusCode, 403, what);
    t.same(res.json(), { statusCode: 403, error: 'Forbidden', message: MISMATCH }, what);
  }

  const noBy = await app.inject({ url: change((u) => u.searchParams.delete('by')) });
  t.equal(noBy.statusCode, 403);
  t.equal(
    noBy.json().message,
    'signed URL refused: it needs sig, expires and by, each once; make signed URLs with POST /api/barcodes/sign',
  );
  const noSig = await app.inject({ url: change((u) => u.searchParams.delete('sig')) });
  t.equal(noSig.statusCode, 403);
  t.equal(noSig.json().message, 'signed URL refused: it has expires or by but no sig; copy the whole URL');
  const unknown = await app.inject({ url: change((u) => u.searchParams.set('by', 'key-000000000000')) });
  t.equal(unknown.statusCode, 403);
  t.equal(
    unknown.json().message,
    'signed URL refused: it was signed by the API key "key-000000000000" (by), which this server does not have: ' +
      'a removed key takes the URLs it signed with it',
  );
  const leaked = await app.inject({ url: change((u) => u.searchParams.set('api_key', 'x')) });
  t.equal(leaked.statusCode, 400, 'a key in the URL is still named as leaked');
  t.match(leaked.json().message, /^send the API key in the x-api-key header, never in the URL/);
});

t.test('should hash the canonical form alike however the query is encoded', async (t) => {
  const a = canonical('/api/barcodes/qr', { width: '200', data: 'a b+c&d=é', by: 'k' });
  const b = canonical('/api/barcodes/qr', { by: 'k', data: 'a b+c&d=é', width: '200', sig: 'ignored' });
  t.equal(a, b, 'order and sig do not matter');
  t.equal(a, '/api/barcodes/qr?by=k&data=a%20b%2Bc%26d%3D%C3%A9&width=200');
  t.not(canonical('/p', { a: 'b&c=d' }), canonical('/p', { a: 'b', c: 'd' }), 'no two queries share a form');
});

t.test('should stop the URLs of a removed key, and of a key given a new value', async (t) => {
  const a = await gateway(t, { ...env, API_KEYS: `${KEY},${OTHER_KEY}` });
  const url = pathOf(await signedUrl(a, { barcode_type: 'qr', data: 'by the other key' }, { 'x-api-key': OTHER_KEY }));
  t.equal((await a.inject({ url })).statusCode, 200, 'works while the key is configured');
  const restarted = await gateway(t, { ...env, API_KEYS: `${KEY},${OTHER_KEY}` });
  t.equal((await restarted.inject({ url })).statusCode, 200, 'and after a restart with the same secret');

  const removed = await gateway(t, { ...env, API_KEYS: KEY });
  const res = await removed.inject({ url });
  t.equal(res.statusCode, 403);
  t.equal(
    res.json().message,
    `signed URL refused: it was signed by the API key "${nameOf(OTHER_KEY)}" (by), which this server does not have: ` +
      'a removed key takes the URLs it signed with it',
  );

  // A key file keeps the name when a key is replaced: the new value still ends the old URLs.
  const dir = mkdtempSync(join(tmpdir(), 'batchcode-signed-'));
  const file = join(dir, 'keys');
  writeFileSync(file, `alice:${sha256hex(KEY)}\n`);
  const before = await gateway(t, { ...env, API_KEYS: '', API_KEYS_FILE: file });
  const aliceUrl = await signedUrl(before, { barcode_type: 'qr', data: 'alice' });
  t.equal(aliceUrl.searchParams.get('by'), 'alice');
  writeFileSync(file, `alice:${sha256hex(OTHER_KEY)}\n`);
  const rotated = await gateway(t, { ...env, API_KEYS: '', API_KEYS_FILE: file });
  const after = await rotated.inject({ url: pathOf(aliceUrl) });
  t.equal(after.statusCode, 403);
  t.equal(after.json().message, MISMATCH);
});

t.test('should warn that URLs last until restart when no secret is configured', async (t) => {
  const app = await gateway(t);
  const res = await sign(app, { barcode_type: 'qr', data: 'short-lived' });
  t.equal(res.statusCode, 200);
  t.equal(
    res.json().warning,
    'URL_SIGNING_SECRET is not set, so this server made a secret at start: this URL works only on this gateway, and only until it restarts',
  );
  const url = pathOf(res.json().url);
  t.equal((await app.inject({ url })).statusCode, 200);
  const other = await gateway(t);
  const refused = await other.inject({ url });
  t.equal(refused.statusCode, 403, 'another gateway (or this one restarted) has its own secret');
  t.equal(refused.json().message, MISMATCH);
});

t.test('should count signed images against the signing key rate limit', async (t) => {
  const app = await gateway(t, { ...env, RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
  const url = pathOf(await signedUrl(app, { barcode_type: 'qr', data: 'limited' }));
  t.equal((await app.inject({ url })).statusCode, 200);
  const last = await app.inject({ url });
  t.equal(last.statusCode, 200);
  t.equal(last.headers['x-ratelimit-remaining'], '0', 'signing and two images: three requests');
  const limited = await app.inject({ url });
  t.equal(limited.statusCode, 429);
  t.match(limited.json().message, /^rate limit exceeded: at most 3 requests per minute for this API key; retry in/);
  const other = await app.inject({ url: '/api/barcodes/qr?data=x', headers: { 'x-api-key': OTHER_KEY } });
  t.equal(other.statusCode, 200, "another key's budget is its own");
});

t.test('should not count refused signatures as wrong API keys', async (t) => {
  const app = await gateway(t, env);
  const url = await signedUrl(app, { barcode_type: 'qr', data: 'x' });
  url.searchParams.set('data', 'y');
  const remoteAddress = '10.9.0.1';
  for (let i = 0; i < 15; i++) t.equal((await app.inject({ url: pathOf(url), remoteAddress })).statusCode, 403);
  const keyed = await app.inject({ url: '/api/barcodes/qr?data=x', remoteAddress, headers: auth });
  t.equal(keyed.statusCode, 200, 'a stale or broken embedded image does not lock the address out');
});

t.test('should start signed URLs with PUBLIC_API_URL, or the forwarded host behind a trusted proxy', async (t) => {
  const app = await gateway(t, { ...env, PUBLIC_API_URL: 'https://codes.example.com/batchcode/' });
  const url = await signedUrl(app, { barcode_type: 'qr', data: 'public' });
  t.match(url.href, /^https:\/\/codes\.example\.com\/batchcode\/api\/barcodes\/qr\?/);
  // The proxy takes /batchcode off before the gateway sees the request.
  const res = await app.inject({ url: pathOf(url).replace('/batchcode', '') });
  t.equal(res.statusCode, 200);
  t.equal(await decode(res.body), 'public');

  const proxied = await gateway(t, { ...env, TRUST_PROXY: 'true' });
  const forwarded = await sign(
    proxied,
    { barcode_type: 'qr', data: 'fwd' },
    { ...auth, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'img.example.org' },
  );
  t.match(forwarded.json().url, /^https:\/\/img\.example\.org\/api\/barcodes\/qr\?/);
});

t.test('should refuse to sign what it cannot serve', async (t) => {
  const app = await gateway(t, env);
  const noKey = await sign(app, { barcode_type: 'qr', data: 'x' }, {});
  t.equal(noKey.statusCode, 401);
  t.match(noKey.json().message, /^missing API key/);

  for (const expires_in of [59, 30 * 86_400 + 1]) {
    const res = await sign(app, { barcode_type: 'qr', data: 'x', expires_in });
    t.equal(res.statusCode, 400, `expires_in ${expires_in}`);
    t.equal(res.json().message, `body.expires_in must be a whole number from 60 to 2592000; got ${expires_in}`);
  }

  const bad = { barcode_type: 'ean13', data: '12345abc' };
  const res = await sign(app, bad);
  t.equal(res.statusCode, 422);
  const direct = await app.inject({ method: 'POST', url: '/api/barcodes', headers: auth, payload: bad });
  t.equal(res.json().message, direct.json().message, 'the message a render gives');

  // 2,800 bytes fit a QR code at level L; as %C3%A9 they take 8,400 characters of URL.
  const long = await sign(app, { barcode_type: 'qr', data: 'é'.repeat(1400), options: { error_correction: 'L' } });
  t.equal(long.statusCode, 400);
  t.match(
    long.json().message,
    /^the signed URL would be \d+ characters, over the 8192 a URL can safely have: shorten data/,
  );
  const unknown = await sign(app, { barcode_type: 'qr', data: 'x', expires: 5 });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().message, /expires/);
});

t.test('should document the sign route in OpenAPI', async (t) => {
  const app = await gateway(t);
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const route = doc.paths['/api/barcodes/sign'].post;
  t.ok(route.requestBody.content['application/json'].schema.properties.expires_in);
  t.ok(route.responses['200'].content['application/json'].schema.properties.url);
  t.match(route.description, /sig \(HMAC-SHA256/);
});

t.test('should refuse a short URL_SIGNING_SECRET without printing it', async (t) => {
  const attempt = () => loadConfig({ API_KEYS: KEY, URL_SIGNING_SECRET: 'short-secret' });
  t.throws(attempt, ConfigError);
  t.throws(attempt, {
    message: 'URL_SIGNING_SECRET must be at least 32 characters (e.g. from "openssl rand -base64 48"); got 12',
  });
  t.throws(() => loadConfig({ API_KEYS: KEY, PUBLIC_API_URL: 'https://x.example.com/?a=1' }), {
    message: /^PUBLIC_API_URL must be an http\(s\) URL without query, fragment or credentials/,
  });
  const c = loadConfig({ API_KEYS: KEY });
  t.equal(c.signing.generated, true, 'unset: made at start');
  t.equal(c.signing.secret.length, 32);
});

t.test('should keep a signed URL signature out of the request log', async (t) => {
  t.equal(
    redactUrl('/api/barcodes/qr?by=key-1&data=x&expires=9&sig=c2VjcmV0'),
    '/api/barcodes/qr?by=key-1&data=x&expires=9&sig=[redacted]',
  );
});
