/**
 * Worker processes against a real Redis: one killed with SIGKILL mid-job and
 * one stopped with SIGTERM; in both cases another worker finishes the job
 * with every row in the output exactly once.
 */
import { once } from 'node:events';
import t, { type Test } from 'tap';
import { csvRows, get, harness, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';
import { spawnWorker, workerReady } from '../helpers/worker-process.js';

async function exactlyOnce(t: Test, h: Harness, id: string, n: number): Promise<void> {
  const job = await poll(() => h.app, id, undefined, 60_000);
  t.match(job, { status: 'completed', processed: n, successful: n, failed: 0 });
  const rows = parseCsv((await get(h.app, `/api/jobs/${id}/results`)).body).slice(1);
  t.equal(rows.length, n, 'one result line per row');
  t.equal(new Set(rows.map((r) => r[2])).size, n, 'each row exactly once');
  const zip = await unzip((await get(h.app, `/api/jobs/${id}/results?format=zip`)).rawPayload);
  t.equal(zip.size, n + 1, 'one image per row, plus results.csv');
}

t.test('should finish a job whose worker was killed with SIGKILL mid-job', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const first = spawnWorker(h);
  t.teardown(() => void first.kill('SIGKILL'));
  await workerReady(first);
  const id = (await upload(h.app, csvRows(4000), { batchSize: 10, format: 'svg' })).json().job_id;
  const mid = await poll(
    () => h.app,
    id,
    (j) => j.processed >= 200,
  );
  first.kill('SIGKILL');
  await once(first, 'exit');
  t.ok(mid.processed < 4000, `killed at ${mid.processed} of 4000`);
  const second = spawnWorker(h);
  t.teardown(() => void second.kill('SIGKILL'));
  await workerReady(second);
  await exactlyOnce(t, h, id, 4000);
  second.kill('SIGTERM');
  const [code] = await once(second, 'exit');
  t.equal(code, 0, 'SIGTERM exits cleanly');
});

t.test('should hand a job back on SIGTERM for another worker to finish', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const first = spawnWorker(h);
  t.teardown(() => void first.kill('SIGKILL'));
  await workerReady(first);
  const id = (await upload(h.app, csvRows(4000), { batchSize: 10, format: 'svg' })).json().job_id;
  await poll(
    () => h.app,
    id,
    (j) => j.processed >= 200,
  );
  const started = Date.now();
  first.kill('SIGTERM');
  const [code] = await once(first, 'exit');
  t.equal(code, 0);
  t.ok(Date.now() - started < 5000, 'stops promptly');
  const job = (await get(h.app, `/api/jobs/${id}`)).json();
  t.not(job.status, 'failed');
  const second = spawnWorker(h);
  t.teardown(() => void second.kill('SIGKILL'));
  await workerReady(second);
  await exactlyOnce(t, h, id, 4000);
});
