import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import t from 'tap';
import { bulkContract } from '../helpers/bulk-contract.js';
import { loadBulkConfig } from '../../src/bulk/config.js';
import { startWorker } from '../../src/bulk/worker.js';
import {
  durabilityWarnings,
  GATEWAY_CONNECTION,
  SUBSCRIBER_CONNECTION,
  WORKER_CONNECTION,
  workerRedis,
} from '../../src/infra/redis.js';
import { csvRows, get, harness, upload } from '../helpers/bulk.js';
import { startRedis } from '../helpers/redis.js';

bulkContract(t, 'redis');

t.test('should answer 503 naming Redis while it is gone, and recover when it is back', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  t.equal((await get(h.app, '/api/jobs')).statusCode, 200);
  await h.redis!.stop();
  for (const url of ['/api/jobs', '/api/bulk/stats', '/api/jobs/00000000-0000-4000-8000-000000000000']) {
    const started = Date.now();
    const res = await get(h.app, url);
    t.equal(res.statusCode, 503, `${url}: ${res.body}`);
    t.match(res.json().message, /Redis cannot be reached/);
    // Fail-fast client: no command waits for a reconnect.
    t.ok(Date.now() - started < 500, `answered in ${Date.now() - started} ms`);
  }
  const up = await upload(h.app, csvRows(2));
  t.equal(up.statusCode, 503, up.body);
  t.same(readdirSync(join(h.dataDir, 'jobs')), [], 'nothing left behind');

  h.redis = await startRedis({ port: h.redis!.port });
  const deadline = Date.now() + 10_000;
  let res = await get(h.app, '/api/jobs');
  while (res.statusCode !== 200 && Date.now() < deadline) {
    await sleep(100);
    res = await get(h.app, '/api/jobs');
  }
  t.equal(res.statusCode, 200, `back once Redis is: ${res.body}`);
  t.equal((await upload(h.app, csvRows(2))).statusCode, 202, 'takes jobs again');
});

/** The names of the connections open on the test redis, but for the one asking. */
async function connectionNames(url: string): Promise<string[]> {
  const probe = new Redis(url, { connectionName: 'test-probe' });
  try {
    const list = (await probe.client('LIST')) as string;
    return list
      .trim()
      .split('\n')
      .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
      .filter((name) => name !== 'test-probe');
  } finally {
    probe.disconnect();
  }
}

t.test(
  'should open one Redis client (and a subscriber) in the gateway and one (plus BullMQ blocking) per worker',
  async (t) => {
    const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
    // Use every Redis-backed part: rate limits, /ready, the job store and the queue.
    t.equal((await upload(h.app, csvRows(2))).statusCode, 202);
    t.equal((await get(h.app, '/api/bulk/stats')).statusCode, 200);
    t.equal((await get(h.app, '/ready')).statusCode, 200);
    // A connection in subscribe mode can send nothing else: code edits reach the other gateways through it.
    t.same(
      (await connectionNames(h.redis!.url)).sort(),
      [GATEWAY_CONNECTION, SUBSCRIBER_CONNECTION],
      'the gateway: one client and its subscriber',
    );

    const worker = await startWorker(loadBulkConfig(h.env), h.redis!.url, () => undefined);
    const gateway = new Set([GATEWAY_CONNECTION, SUBSCRIBER_CONNECTION]);
    const names = (await connectionNames(h.redis!.url)).filter((n) => !gateway.has(n)).sort();
    await worker.stop();
    t.equal(names.filter((n) => n === WORKER_CONNECTION).length, 1, `the worker: one client of its own (${names})`);
    t.equal(names.length, 2, `and BullMQ's blocking connection, no other (${names})`);
  },
);

t.test('should warn when Redis may lose or evict jobs', async (t) => {
  for (const persistent of [false, true]) {
    const server = await startRedis({ persistent });
    const client = workerRedis(server.url);
    const warnings = await durabilityWarnings(client);
    client.disconnect();
    await server.stop();
    if (persistent) t.same(warnings, [], 'appendonly yes and noeviction: no warning');
    else t.match(warnings.join('\n'), /appendonly is "no"/);
  }
});
