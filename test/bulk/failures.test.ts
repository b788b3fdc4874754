/**
 * A failed job tells its owner a stable code and a sentence, never a server
 * path or a library's message (those go to the log), and a job whose files
 * are missing fails at once instead of after every retry.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadBulkConfig } from '../../src/bulk/config.js';
import { JOB_ERRORS } from '../../src/bulk/failure.js';
import { queuedRecord, view } from '../../src/bulk/store.js';
import { startWorker } from '../../src/bulk/worker.js';
import { csvRows, get, harness, KEY, parseCsv, poll, upload } from '../helpers/bulk.js';

const STORAGE = { code: 'STORAGE_UNAVAILABLE', message: JOB_ERRORS.STORAGE_UNAVAILABLE };

t.test(
  'should fail a job whose spec.json is gone with STORAGE_UNAVAILABLE, at once and without the path',
  async (t) => {
    const h = await harness(t, 'in-process');
    const id = (await upload(h.app, csvRows(3000), { batchSize: 10, format: 'svg' })).json().job_id as string;
    await poll(
      () => h.app,
      id,
      (j) => j.processed > 0,
    );
    await h.app.close();
    rmSync(join(h.dataDir, 'jobs', id, 'spec.json'));
    await h.restart();
    const started = Date.now();
    const res = await get(h.app, `/api/jobs/${id}`);
    const job = await poll(() => h.app, id, undefined, 10_000);
    t.ok(Date.now() - started < 1000, `failed in ${Date.now() - started} ms, without retries`);
    t.match(job, { status: 'failed', error: STORAGE });
    t.notMatch(res.body + JSON.stringify(job), /ENOENT|spec\.json|\/tmp\//, 'no path, no errno');
  },
);

t.test('should fail a job at once in a worker when its files are missing', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const id = (await upload(h.app, csvRows(20))).json().job_id as string;
  rmSync(join(h.dataDir, 'jobs', id, 'spec.json'));
  const logs: string[] = [];
  const worker = await startWorker(loadBulkConfig(h.env), h.redis!.url, (_level, msg) => logs.push(msg));
  t.teardown(() => worker.stop());
  const started = Date.now();
  const job = await poll(() => h.app, id, undefined, 10_000);
  // BullMQ's five tries with backoff would take 30 s.
  t.ok(Date.now() - started < 5000, `failed in ${Date.now() - started} ms`);
  t.match(job, { status: 'failed', error: STORAGE });
  t.notMatch(JSON.stringify(job), /ENOENT|spec\.json/);
  t.match(logs.join('\n'), /spec\.json/, "the worker's log has the details");
});

t.test('should serve the rows a failed job rendered, and refuse to retry it once its input is gone', async (t) => {
  const h = await harness(t, 'in-process');
  const id = (await upload(h.app, csvRows(3000), { batchSize: 10, format: 'svg' })).json().job_id as string;
  await poll(
    () => h.app,
    id,
    (j) => j.processed > 0,
  );
  await h.app.close();
  rmSync(join(h.dataDir, 'jobs', id, 'input.ndjson'));
  await h.restart();
  const job = await poll(() => h.app, id, undefined, 10_000);
  t.match(job, { status: 'failed', error: STORAGE, partial: true });
  t.ok(job.processed > 0);
  const csv = await get(h.app, `/api/jobs/${id}/results`);
  t.equal(csv.statusCode, 200);
  t.equal(csv.headers['x-results-partial'], 'true');
  t.equal(parseCsv(csv.body).length - 1, job.processed, 'the rows rendered before the failure');
  const retry = await h.app.inject({ method: 'POST', url: `/api/jobs/${id}/retry`, headers: { 'x-api-key': KEY } });
  t.equal(retry.statusCode, 409);
  t.equal(retry.json().message, `the files of job ${id} are gone from the server`);
});

t.test('should not show the raw text of a failure recorded before error codes', async (t) => {
  const rec = {
    ...queuedRecord('55555555-5555-4555-8555-555555555555', 'k', 1),
    status: 'failed' as const,
    error: "ENOENT: no such file or directory, open '/data/jobs/x/spec.json'",
  };
  t.same(view(rec).error, { code: 'INTERNAL', message: JOB_ERRORS.INTERNAL });
});
