/**
 * While Redis is away: every 503 of the bulk and job routes says when to come
 * back (Retry-After), an upload is refused before its body is read, and the
 * open /ready names the outage with a code, not with ioredis' words.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { csvRows, harness, KEY, upload } from '../helpers/bulk.js';

t.test('should answer Retry-After on every 503 of the job routes and refuse an upload before reading it', async (t) => {
  const h = await harness(t, 'redis', {
    BULK_NO_TEST_WORKER: '1',
    MAX_UPLOAD_BYTES: String(10 * 1024 * 1024),
    MAX_ROWS: '10000',
  });
  const id = (await upload(h.app, csvRows(2))).json().job_id as string;
  await h.redis!.stop();
  await sleep(100);
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/jobs'],
    ['GET', '/api/bulk/stats'],
    ['GET', `/api/jobs/${id}`],
    ['GET', `/api/jobs/${id}/results?format=zip`],
    ['POST', `/api/jobs/${id}/cancel`],
    ['POST', `/api/jobs/${id}/retry`],
    ['DELETE', `/api/jobs/${id}`],
    ['POST', '/api/bulk/direct', { qr_codes: [{ destination_url: 'https://example.com' }] }],
  ];
  for (const [method, url, payload] of routes) {
    const res = await h.app.inject({
      method: method as 'GET',
      url,
      headers: { 'x-api-key': KEY },
      ...(payload ? { payload: payload as object } : {}),
    });
    t.equal(res.statusCode, 503, `${method} ${url}`);
    t.equal(res.headers['retry-after'], '5', `${method} ${url}: Retry-After`);
    t.equal(res.json().message, 'bulk jobs are unavailable: Redis cannot be reached; retry in 5 s');
  }

  // About 9 MB: reading and checking it all first took seconds.
  const csv = csvRows(10_000, `https://example.com/${'x'.repeat(800)}/`);
  const started = Date.now();
  const res = await upload(h.app, csv);
  const took = Date.now() - started;
  t.equal(res.statusCode, 503, res.body);
  t.equal(res.headers['retry-after'], '5');
  t.equal(res.headers.connection, 'close', 'the unread body is not read to its end');
  t.ok(took < 500, `refused in ${took} ms`);
  t.same(readdirSync(join(h.dataDir, 'tmp')), [], 'nothing staged');
  t.same(readdirSync(join(h.dataDir, 'jobs')), [id], 'no job directory but the earlier one');
});

t.test('should name a Redis outage on /ready with a code, not the client library text', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  await h.redis!.stop();
  await sleep(100);
  const res = await h.app.inject({ url: '/ready' });
  t.equal(res.statusCode, 503);
  t.same(res.json().checks.redis, {
    status: 'fail',
    code: 'REDIS_UNAVAILABLE',
    message: 'Redis does not answer PING: bulk jobs and shared rate limits are unavailable',
  });
  t.same(res.json().checks.workers, {
    status: 'unknown',
    code: 'REDIS_UNAVAILABLE',
    message: 'workers cannot be counted while Redis is away',
  });
  t.notMatch(res.body, /Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|127\.0\.0\.1/);
});
