import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { bulkContract } from '../helpers/bulk-contract.js';
import { durabilityWarnings, workerRedis } from '../../src/infra/redis.js';
import { csvRows, get, harness, upload } from '../helpers/bulk.js';
import { startRedis } from '../helpers/redis.js';

bulkContract(t, 'redis');

t.test('should answer 503 promptly when Redis is gone', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  t.equal((await get(h.app, '/api/jobs')).statusCode, 200);
  await h.redis!.stop();
  const started = Date.now();
  const res = await get(h.app, '/api/jobs');
  t.equal(res.statusCode, 503, res.body);
  t.match(res.json().message, /Redis/);
  t.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
  const up = await upload(h.app, csvRows(2));
  t.equal(up.statusCode, 503, up.body);
  t.same(readdirSync(join(h.dataDir, 'jobs')), [], 'nothing left behind');
});

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
