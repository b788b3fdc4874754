import t from 'tap';
import { auth, gateway, KEY, OTHER_KEY } from '../helpers/gateway.js';
import { freePort, startRedis } from '../helpers/redis.js';

const url = '/api/barcodes/qr?data=limited';

t.test('should answer 429 with Retry-After and x-ratelimit headers per API key', async (t) => {
  const app = await gateway(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ url, headers: auth });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-ratelimit-limit'], '3');
    t.equal(res.headers['x-ratelimit-remaining'], String(2 - i));
  }
  const limited = await app.inject({ url, headers: auth });
  t.equal(limited.statusCode, 429);
  t.match(limited.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message: /^rate limit exceeded: at most 3 requests per minute for this API key; retry in/,
  });
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
  t.equal(limited.headers['x-ratelimit-remaining'], '0');
  t.ok(limited.headers['x-ratelimit-reset']);
  const other = await app.inject({ url, headers: { 'x-api-key': OTHER_KEY } });
  t.equal(other.statusCode, 200, 'another key has its own budget');
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'health is not limited');
});

t.test('should share limits between two gateways through one Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const env = { RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW: '1 minute', REDIS_URL: redis.url };
  const a = await gateway(t, env);
  const b = await gateway(t, env);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const app = i % 2 === 0 ? a : b;
    statuses.push((await app.inject({ url, headers: { 'x-api-key': KEY } })).statusCode);
  }
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'four requests in all, whichever gateway took them');
  const ready = await a.inject({ url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().checks.redis.status, 'ok');
});

t.test('should not hang requests when Redis goes away', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const app = await gateway(t, { RATE_LIMIT_MAX: '100', REDIS_URL: redis.url });
  t.equal((await app.inject({ url, headers: auth })).statusCode, 200);
  await redis.stop();
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url, headers: auth })));
  t.same(
    results.map((r) => r.statusCode),
    [200, 200, 200, 200, 200],
    'requests are served without the limit',
  );
  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 503, 'not ready without Redis');
  t.equal(ready.json().checks.redis.status, 'fail');
  t.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
});

t.test('should start and answer when Redis is unreachable from the beginning', async (t) => {
  const port = await freePort();
  const booting = Date.now();
  const app = await gateway(t, { REDIS_URL: `redis://127.0.0.1:${port}` });
  t.comment(`started in ${Date.now() - booting} ms without Redis`);
  const started = Date.now();
  t.equal((await app.inject({ url, headers: auth })).statusCode, 200);
  t.equal((await app.inject({ url: '/ready' })).statusCode, 503);
  t.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
});
