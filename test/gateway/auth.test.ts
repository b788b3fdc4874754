import t from 'tap';
import { Redis } from 'ioredis';
import { auth, gateway, KEY, OTHER_KEY } from '../helpers/gateway.js';
import { startRedis } from '../helpers/redis.js';

const url = '/api/barcodes/qr?data=hello';

t.test('should answer 401 JSON without a key', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url });
  t.equal(res.statusCode, 401);
  t.same(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode']);
  t.equal(res.json().error, 'Unauthorized');
  t.match(res.json().message, /missing API key/);
});

t.test('should answer 401 for a wrong key in either header', async (t) => {
  const app = await gateway(t);
  for (const headers of [
    { 'x-api-key': 'wrong' },
    { authorization: 'Bearer wrong' },
    { authorization: `Basic ${KEY}` },
  ]) {
    const res = await app.inject({ url, headers });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.equal(res.json().statusCode, 401);
  }
});

t.test('should accept x-api-key and Authorization: Bearer', async (t) => {
  const app = await gateway(t);
  t.equal((await app.inject({ url, headers: { 'x-api-key': KEY } })).statusCode, 200);
  t.equal((await app.inject({ url, headers: { authorization: `Bearer ${OTHER_KEY}` } })).statusCode, 200);
});

t.test('should name the key as request.apiKey.id', async (t) => {
  const app = await gateway(t);
  const ids: string[] = [];
  app.addHook('onResponse', async (request) => {
    if (request.apiKey) ids.push(request.apiKey.id);
  });
  await app.inject({ url, headers: { 'x-api-key': KEY } });
  await app.inject({ url, headers: { 'x-api-key': OTHER_KEY } });
  t.equal(ids.length, 2);
  t.not(ids[0], ids[1]);
  t.notOk(
    ids.some((id) => id.includes(KEY) || id.includes(OTHER_KEY)),
    'the id is not the key',
  );
});

t.test('should leave /health, /ready and /docs open', async (t) => {
  const app = await gateway(t);
  t.equal((await app.inject({ url: '/health' })).statusCode, 200);
  t.equal((await app.inject({ url: '/ready' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs' })).statusCode, 200);
});

t.test('should answer 404 JSON for an unknown route', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url: '/api/nothing', headers: { 'x-api-key': KEY } });
  t.equal(res.statusCode, 404);
  t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'GET /api/nothing is not a route' });
});

t.test('should never log the API key', async (t) => {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const app = await gateway(t, { LOG_LEVEL: 'trace' }, { logger: { stream } });
  await app.inject({ url, headers: { 'x-api-key': KEY } });
  await app.inject({ url, headers: { authorization: `Bearer ${OTHER_KEY}` } });
  await app.inject({ url, headers: { 'x-api-key': 'wrong-secret' } });
  const headers = { authorization: `Bearer ${KEY}`, 'x-api-key': KEY };
  app.log.info({ req: { headers } }, 'request headers logged');
  app.log.info({ headers }, 'headers logged');
  t.ok(
    lines.some((l) => l.includes('"headers logged"') && l.includes('[redacted]')),
    'the headers were logged, redacted',
  );
  t.ok(lines.length > 3, 'something was logged');
  const all = lines.join('');
  t.notOk(all.includes(KEY), 'no key in logs');
  t.notOk(all.includes(OTHER_KEY), 'no key in logs');
  t.notOk(all.includes('wrong-secret'), 'no presented key in logs');
  t.match(all, /"reqId"/, 'request ids are logged');
});

t.test('should answer 429 to an address after 10 wrong keys a minute, before looking at its key', async (t) => {
  const app = await gateway(t);
  const from = (remoteAddress: string, key?: string) =>
    app.inject({ url, remoteAddress, headers: key === undefined ? {} : { 'x-api-key': key } });
  for (let i = 0; i < 20; i++) t.equal((await from('10.0.0.1')).statusCode, 401, 'a missing key is not a guess');
  for (let i = 0; i < 10; i++) t.equal((await from('10.0.0.1', `guess-${i}`)).statusCode, 401, `guess ${i}`);
  for (const key of ['guess-10', KEY, undefined]) {
    const limited = await from('10.0.0.1', key);
    t.equal(limited.statusCode, 429, `then ${key ?? 'no key'} from that address`);
    t.match(limited.json(), {
      statusCode: 429,
      error: 'Too Many Requests',
      message: /^too many wrong API keys from this address: at most 10 per 60 s; retry in \d+ s$/,
    });
    const retry = Number(limited.headers['retry-after']);
    t.ok(retry > 0 && retry <= 60, `Retry-After ${retry}`);
  }
  t.equal((await from('10.0.0.2', KEY)).statusCode, 200, 'another address is not limited');
  t.equal((await from('10.0.0.1', KEY)).statusCode, 429, "another address's success resets nothing");
  t.equal((await app.inject({ url: '/health', remoteAddress: '10.0.0.1' })).statusCode, 200, 'health stays open');
});

t.test('should not reset an address count when a key succeeds', async (t) => {
  const app = await gateway(t);
  const remoteAddress = '10.0.0.3';
  for (let i = 0; i < 9; i++) await app.inject({ url, remoteAddress, headers: { 'x-api-key': `guess-${i}` } });
  t.equal((await app.inject({ url, remoteAddress, headers: { 'x-api-key': KEY } })).statusCode, 200, 'nine: still in');
  t.equal((await app.inject({ url, remoteAddress, headers: { 'x-api-key': 'guess-9' } })).statusCode, 401);
  t.equal((await app.inject({ url, remoteAddress, headers: { 'x-api-key': KEY } })).statusCode, 429, 'ten: out');
});

t.test('should count wrong keys in Redis, shared by every gateway, until the window ends', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const a = await gateway(t, { REDIS_URL: redis.url });
  const b = await gateway(t, { REDIS_URL: redis.url });
  const remoteAddress = '10.0.0.4';
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const app = i % 2 === 0 ? a : b;
    statuses.push((await app.inject({ url, remoteAddress, headers: { 'x-api-key': `guess-${i}` } })).statusCode);
  }
  t.same(statuses, [...Array(10).fill(401), 429, 429], 'ten wrong keys in all, whichever gateway took them');
  t.equal((await b.inject({ url, remoteAddress, headers: { 'x-api-key': KEY } })).statusCode, 429);

  const client = new Redis(redis.url);
  t.teardown(() => client.quit());
  const key = 'batchcode:authfail:10.0.0.4';
  t.equal(await client.get(key), '10', 'the blocked attempts are not counted');
  const ttl = await client.pttl(key);
  t.ok(ttl > 50_000 && ttl <= 60_000, `the window ends in ${ttl} ms`);
  const limited = await a.inject({ url, remoteAddress, headers: { 'x-api-key': KEY } });
  t.equal(limited.headers['retry-after'], String(Math.ceil(ttl / 1000)), 'Retry-After is the window left');

  await client.pexpire(key, 1);
  await new Promise((r) => setTimeout(r, 20));
  const after = await a.inject({ url, remoteAddress, headers: { 'x-api-key': KEY } });
  t.equal(after.statusCode, 200, 'the address may try again once the window ends');
});

t.test('should still count wrong keys in memory while Redis is away', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const app = await gateway(t, { REDIS_URL: redis.url });
  await redis.stop();
  const remoteAddress = '10.0.0.5';
  const started = Date.now();
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    statuses.push((await app.inject({ url, remoteAddress, headers: { 'x-api-key': `guess-${i}` } })).statusCode);
  }
  t.same(statuses, [...Array(10).fill(401), 429]);
  t.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
});

t.test('should refuse a key in the URL and never log it', async (t) => {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const app = await gateway(t, { LOG_LEVEL: 'trace' }, { logger: { stream } });
  const names = ['api_key', 'apikey', 'key', 'token', 'access_token', 'API-Key', 'accessToken', 'x-api-key'];
  for (const name of names) {
    for (const path of ['/api/barcodes/qr?data=a&', '/api/jobs?', '/api/nothing?']) {
      const res = await app.inject({ url: `${path}${encodeURIComponent(name)}=${KEY}`, headers: auth });
      t.equal(res.statusCode, 400, `${path}${name}`);
      t.equal(
        res.json().message,
        `send the API key in the x-api-key header, never in the URL: the query parameter ${JSON.stringify(name)} is refused. ` +
          'URLs are kept in browser histories and proxy logs, so a key sent this way has leaked already: replace it.',
      );
    }
  }
  const plain = await app.inject({ url: `/api/barcodes/qr?data=a&api_key=${OTHER_KEY}` });
  t.equal(plain.statusCode, 400, 'refused without a header too');
  const logged = lines.join('');
  t.ok(lines.length > names.length * 3, 'the requests were logged');
  t.notOk(logged.includes(KEY), 'no key in logs');
  t.notOk(logged.includes(OTHER_KEY), 'no key in logs');
  const urls = lines.map((l) => JSON.parse(l).req?.url).filter((u) => u !== undefined);
  t.ok(urls.includes('/api/barcodes/qr?data=a&api_key=[redacted]'), 'the URL is logged with the key redacted');
  t.ok(urls.includes('/api/jobs?access_token=[redacted]'));
});
