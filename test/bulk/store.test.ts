/** Both job stores page, filter and count an owner's jobs themselves (the routes never load them all). */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { RedisJobStore } from '../../src/bulk/redis-store.js';
import { JOB_STATUSES } from '../../src/bulk/schema.js';
import { ACTIVE, FileJobStore, type JobRecord, type JobStore } from '../../src/bulk/store.js';
import { workerRedis } from '../../src/infra/redis.js';
import { startRedis } from '../helpers/redis.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function record(owner: string, i: number): JobRecord {
  return {
    job_id: randomUUID(),
    owner,
    status: 'queued',
    total_rows: 10,
    processed: 0,
    successful: 0,
    failed: 0,
    render_ms: 0,
    created_at: new Date(T0 + i * 1000).toISOString(),
    started_at: null,
    finished_at: null,
  };
}

async function redisStore(t: Test): Promise<{ store: JobStore; redis: Redis }> {
  const server = await startRedis();
  const redis = workerRedis(server.url);
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  return { store: new RedisJobStore(redis), redis };
}

async function checkPaging(t: Test, store: JobStore, dataDir?: string): Promise<JobRecord[]> {
  const mine = Array.from({ length: 5 }, (_, i) => record('alice', i));
  const theirs = [record('bob', 10), record('bob', 11)];
  for (const rec of [...mine, ...theirs]) {
    if (dataDir) mkdirSync(join(dataDir, 'jobs', rec.job_id), { recursive: true });
    await store.create(rec);
  }
  const ids = (recs: JobRecord[]) => recs.map((r) => r.job_id);
  const newest = ids([...mine].reverse());

  const p1 = await store.list({ owner: 'alice', page: 1, limit: 2 });
  t.same(ids(p1.jobs), newest.slice(0, 2), 'page 1: the two newest');
  t.equal(p1.total, 5);
  t.same(ids((await store.list({ owner: 'alice', page: 3, limit: 2 })).jobs), newest.slice(4), 'the last page');
  t.same((await store.list({ owner: 'alice', page: 4, limit: 2 })).jobs, [], 'past the end');

  const [a, b, c] = mine;
  const done = { status: 'completed' as const, finished_at: new Date().toISOString() };
  t.ok(await store.transition(a!.job_id, ['queued'], { status: 'processing', started_at: a!.created_at }));
  t.ok(await store.transition(a!.job_id, ['processing'], { status: 'processing', started_at: a!.created_at }));
  t.ok(await store.progress(a!.job_id, { processed: 10, successful: 8, failed: 2, render_ms: 5 }));
  t.ok(await store.progress(b!.job_id, { processed: 10, successful: 10, failed: 0, render_ms: 7 }));
  t.ok(await store.transition(a!.job_id, ['processing'], done));
  t.ok(await store.transition(b!.job_id, ACTIVE, done));
  t.notOk(await store.transition(b!.job_id, ACTIVE, { status: 'cancelled' }), 'a finished job stays finished');
  t.ok(await store.transition(c!.job_id, ACTIVE, { status: 'cancelled' }));
  t.notOk(
    await store.progress(c!.job_id, { processed: 5, successful: 5, failed: 0, render_ms: 1 }),
    'a cancelled job takes no more progress: its counts stay those the cancel answered',
  );
  t.equal((await store.get(c!.job_id))!.processed, 0);

  const completed = await store.list({ owner: 'alice', page: 1, limit: 10, status: 'completed' });
  t.same(ids(completed.jobs), [b!.job_id, a!.job_id], 'a status filter, newest first');
  t.equal(completed.total, 2);
  const queued = await store.list({ owner: 'alice', page: 2, limit: 1, status: 'queued' });
  t.same(ids(queued.jobs), [mine[3]!.job_id], 'a filtered page');
  t.equal(queued.total, 2);
  t.equal((await store.list({ owner: 'alice', page: 1, limit: 10, status: 'processing' })).total, 0);

  t.same(await store.totals('alice'), {
    by_status: { queued: 2, processing: 0, completed: 2, failed: 0, cancelled: 1 },
    successful: 18,
    failed: 2,
    render_ms: 12,
  });
  t.same((await store.totals('bob')).by_status.queued, 2, 'owners apart');
  t.same((await store.totals('nobody')).by_status, Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])));

  await store.remove(a!.job_id);
  const after = await store.totals('alice');
  t.equal(after.by_status.completed, 1, 'removed from the counts');
  t.equal(after.successful, 10);
  t.equal((await store.list({ owner: 'alice', page: 1, limit: 10 })).total, 4);
  return mine;
}

t.test('should page, filter and count jobs in the file store', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-store-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const store = await FileJobStore.open(dataDir);
  const mine = await checkPaging(t, store, dataDir);
  await store.close();
  const reopened = await FileJobStore.open(dataDir);
  t.equal((await reopened.list({ owner: 'alice', page: 1, limit: 10 })).total, 4, 'the index is rebuilt at open');
  t.equal((await reopened.totals('alice')).by_status.cancelled, 1);
  t.ok(await reopened.get(mine[1]!.job_id));
});

t.test('should page, filter and count jobs in the Redis store from sorted sets', async (t) => {
  const { store, redis } = await redisStore(t);
  await checkPaging(t, store);
  // Counts come from the per-owner, per-status sorted sets the scripts keep, not from reading records.
  const card = (status: string) => redis.zcard(`batchcode:bulk:owner-status:${status}:alice`);
  t.same(
    await Promise.all(JOB_STATUSES.map(card)),
    [2, 0, 1, 0, 1],
    'queued, processing, completed, failed, cancelled',
  );
  await redis.del('batchcode:bulk:owner:alice');
  t.equal((await store.list({ owner: 'alice', page: 1, limit: 10, status: 'queued' })).total, 2, 'by status set');
});
