import t from 'tap';
import { auth, gateway, KEY, OTHER_KEY } from '../helpers/gateway.js';
import { freePort, startRedis } from '../helpers/redis.js';
import { POLL_ROUTES } from '../../src/gateway/plugins/rate-limit.js';

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

t.test('should count status polls, lists and downloads apart from the main budget', async (t) => {
  const app = await gateway(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
  const job = await app.inject({
    method: 'POST',
    url: '/api/bulk/direct',
    headers: auth,
    payload: { qr_codes: [{ destination_url: 'https://example.com/a', title: 'a' }] },
  });
  t.equal(job.statusCode, 202, 'creating a job is one of the three');
  const id = job.json().job_id as string;
  const polls = [
    `/api/jobs/${id}`,
    '/api/jobs',
    '/api/bulk/stats',
    '/api/codes',
    '/api/bulk/template',
    `/api/jobs/${id}`,
    `/api/jobs/${id}`,
    '/api/jobs?page=1',
  ];
  for (const poll of polls) {
    const res = await app.inject({ url: poll, headers: auth });
    t.not(res.statusCode, 429, poll);
    t.equal(res.headers['x-ratelimit-limit'], '600', `${poll} counts against the poll budget`);
  }
  for (let i = 0; i < 2; i++)
    t.equal((await app.inject({ url, headers: auth })).statusCode, 200, 'renders still have two');
  const limited = await app.inject({ url, headers: auth });
  t.equal(limited.statusCode, 429);
  t.match(limited.json().message, /^rate limit exceeded: at most 3 requests per minute for this API key/);
  const poll = await app.inject({ url: `/api/jobs/${id}`, headers: auth });
  t.equal(poll.statusCode, 200, 'and polls go on once renders are used up');
});

t.test('should limit polls by RATE_LIMIT_POLL_MAX, naming that budget', async (t) => {
  const app = await gateway(t, { RATE_LIMIT_POLL_MAX: '2', RATE_LIMIT_WINDOW: '30s' });
  for (let i = 0; i < 2; i++) t.equal((await app.inject({ url: '/api/jobs', headers: auth })).statusCode, 200);
  const limited = await app.inject({ url: '/api/bulk/stats', headers: auth });
  t.equal(limited.statusCode, 429);
  t.match(limited.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message:
      /^rate limit exceeded: at most 2 status polls, lists and downloads per 30 seconds for this API key; retry in/,
  });
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.equal((await app.inject({ url, headers: auth })).statusCode, 200, 'renders have their own budget');
  t.equal((await app.inject({ url: '/api/jobs', headers: { 'x-api-key': OTHER_KEY } })).statusCode, 200, 'per key');
});

t.test('should default to 600 polls a minute beside 100 requests', async (t) => {
  const app = await gateway(t);
  t.equal((await app.inject({ url: '/api/jobs', headers: auth })).headers['x-ratelimit-limit'], '600');
  t.equal((await app.inject({ url, headers: auth })).headers['x-ratelimit-limit'], '100');
  for (const route of POLL_ROUTES) t.ok(app.hasRoute({ method: 'GET', url: route }), `${route} is a GET route`);
});

t.test('should leave short links and probes out of every budget', async (t) => {
  const app = await gateway(t, { RATE_LIMIT_MAX: '1', RATE_LIMIT_POLL_MAX: '1' });
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ url: '/r/nosuchcode' });
    t.equal(res.statusCode, 404, 'an unknown short link, not a 429');
    t.equal(res.headers['x-ratelimit-limit'], undefined);
    t.equal((await app.inject({ url: '/health' })).statusCode, 200);
  }
});
