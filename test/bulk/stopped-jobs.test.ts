/**
 * Jobs that stop before the end, in both setups: the counts a cancel answers
 * are final, the rows rendered before the stop can be downloaded (partial
 * results), and "retry" queues the rows that did not render as a new job.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { loadBulkConfig } from '../../src/bulk/config.js';
import { startWorker } from '../../src/bulk/worker.js';
import { decode } from '../helpers/decode.js';
import { csvRows, get, harness, KEY, OTHER_KEY, parseCsv, poll, unzip, upload } from '../helpers/bulk.js';
import type { FastifyInstance } from 'fastify';

const post = (app: FastifyInstance, url: string, key = KEY) =>
  app.inject({ method: 'POST', url, headers: { 'x-api-key': key } });

const batchesOnDisk = (dataDir: string, id: string) =>
  readdirSync(join(dataDir, 'jobs', id, 'batches')).filter((f) => /^\d{6}\.json$/.test(f)).length;

for (const mode of ['in-process', 'redis'] as const) {
  t.test(
    `${mode}: should keep the counts a cancel answered, serve them as partial results, and retry the rest`,
    async (t) => {
      const h = await harness(t, mode);
      const total = 2000;
      const size = 250;
      // Batches long enough to render that the cancel lands while one is rendering.
      const up = await upload(h.app, csvRows(total), { batchSize: size, format: 'png', design: { width: 800 } });
      t.equal(up.statusCode, 202, up.body);
      const id = up.json().job_id as string;
      await poll(
        () => h.app,
        id,
        (j) => j.processed > 0,
        60_000,
      );
      await sleep(50); // well inside the next batch, which takes a few hundred ms

      const cancel = await post(h.app, `/api/jobs/${id}/cancel`);
      t.equal(cancel.statusCode, 200, cancel.body);
      const answered = cancel.json();
      t.equal(answered.status, 'cancelled');
      // The batch that was rendering is finished and written, but not counted.
      const deadline = Date.now() + 10_000;
      while (batchesOnDisk(h.dataDir, id) * size <= answered.processed && Date.now() < deadline) await sleep(25);
      t.ok(batchesOnDisk(h.dataDir, id) * size > answered.processed, 'a batch finished after the cancel');
      await sleep(200);

      const after = (await get(h.app, `/api/jobs/${id}`)).json();
      t.match(after, {
        status: 'cancelled',
        processed: answered.processed,
        successful: answered.successful,
        failed: answered.failed,
        partial: true,
      });
      t.ok(after.processed > 0 && after.processed < total, `cancelled at ${after.processed} of ${total}`);

      const csv = await get(h.app, `/api/jobs/${id}/results?format=csv`);
      t.equal(csv.statusCode, 200, csv.body.slice(0, 200));
      t.equal(csv.headers['x-results-partial'], 'true');
      t.equal(csv.headers['content-disposition'], `attachment; filename="job-${id}-partial.csv"`);
      const rows = parseCsv(csv.body);
      t.same(rows[0], ['destination_url', 'title', 'row', 'filename', 'status', 'error']);
      t.equal(rows.length - 1, after.processed, 'one line per counted row, none of the late batch');
      const zipRes = await get(h.app, `/api/jobs/${id}/results?format=zip`);
      t.equal(zipRes.statusCode, 200);
      t.equal(zipRes.headers['content-disposition'], `attachment; filename="job-${id}-partial.zip"`);
      const zip = await unzip(zipRes.rawPayload);
      t.equal(zip.size, after.successful + 1, 'the images of the counted rows, and results.csv');
      t.equal(zip.get('results.csv')!.toString(), csv.body);
      t.equal(await decode(zip.get('Item-1.png')!), 'https://example.com/item/1');

      t.equal((await post(h.app, `/api/jobs/${id}/retry`, OTHER_KEY)).statusCode, 404, "another key's job");
      const retry = await post(h.app, `/api/jobs/${id}/retry`);
      t.equal(retry.statusCode, 202, retry.body);
      const again = retry.json();
      t.match(again, { status: 'queued', total_rows: total - after.processed, retry_of: id });
      t.not(again.job_id, id);
      t.match(await poll(() => h.app, again.job_id, undefined, 120_000), {
        status: 'completed',
        successful: total - after.processed,
      });
      const rest = parseCsv((await get(h.app, `/api/jobs/${again.job_id}/results`)).body).slice(1);
      const both = [...rows.slice(1), ...rest];
      t.same(
        both.map((r) => Number(r[2])).sort((a, b) => a - b),
        Array.from({ length: total }, (_, i) => i + 1),
        'the two jobs hold every row once, under its original number',
      );
      t.equal(new Set(both.map((r) => r[3])).size, total, 'and file names that do not collide');

      const nothing = await post(h.app, `/api/jobs/${again.job_id}/retry`);
      t.equal(nothing.statusCode, 409);
      t.equal(nothing.json().message, `nothing to retry: every row of job ${again.job_id} was rendered`);
    },
  );

  t.test(`${mode}: should refuse to retry a job still running, and one cancelled before it started`, async (t) => {
    const h = await harness(t, mode);
    const big = (await upload(h.app, csvRows(3000), { batchSize: 10, format: 'svg' })).json().job_id as string;
    const queued = (await upload(h.app, csvRows(5))).json().job_id as string;
    await poll(
      () => h.app,
      big,
      (j) => j.processed > 0,
    );
    const running = await post(h.app, `/api/jobs/${big}/retry`);
    t.equal(running.statusCode, 409);
    t.equal(running.json().message, 'job is processing; retry its rows once it has finished, or cancel it first');

    t.equal((await post(h.app, `/api/jobs/${queued}/cancel`)).statusCode, 200);
    const view = (await get(h.app, `/api/jobs/${queued}`)).json();
    t.notOk('partial' in view, 'nothing rendered: not partial');
    const results = await get(h.app, `/api/jobs/${queued}/results`);
    t.equal(results.statusCode, 409);
    t.equal(
      results.json().message,
      `job is cancelled and rendered no row, so it has no results; POST /api/jobs/${queued}/retry runs its rows again`,
    );
    const retry = await post(h.app, `/api/jobs/${queued}/retry`);
    t.equal(retry.statusCode, 202, retry.body);
    t.match(retry.json(), { total_rows: 5, retry_of: queued });
    await post(h.app, `/api/jobs/${big}/cancel`);
  });
}

t.test('should retry the rows that failed to render, not those refused at upload', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const csv = 'destination_url,title\nhttps://example.com/1,One\nnot a url,Two\nhttps://example.com/3,Three\n';
  const up = await upload(h.app, csv, { batchSize: 10 });
  const id = up.json().job_id as string;
  t.same(
    up.json().invalid_rows.map((r: { row: number }) => r.row),
    [2],
  );
  // Row 3 passed the upload's check; make its data too long for a QR code before any worker takes it.
  const input = join(h.dataDir, 'jobs', id, 'input.ndjson');
  const lines = readFileSync(input, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  lines[2].d = 'x'.repeat(8000);
  writeFileSync(input, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const worker = await startWorker(loadBulkConfig(h.env), h.redis!.url, () => undefined);
  t.teardown(() => worker.stop());
  t.match(await poll(() => h.app, id), { status: 'completed', successful: 1, failed: 2 });

  const retry = await post(h.app, `/api/jobs/${id}/retry`);
  t.equal(retry.statusCode, 202, retry.body);
  t.match(retry.json(), { total_rows: 1, retry_of: id });
  const again = retry.json().job_id as string;
  t.match(await poll(() => h.app, again), { status: 'completed', total_rows: 1, failed: 1 });
  const rows = parseCsv((await get(h.app, `/api/jobs/${again}/results`)).body);
  t.same(rows[1]!.slice(0, 4), ['https://example.com/3', 'Three', '3', ''], 'row 3, under its own number');

  const refusedOnly = (await upload(h.app, 'destination_url\nhttps://example.com/ok\nnope\n')).json().job_id;
  t.match(await poll(() => h.app, refusedOnly), { status: 'completed', failed: 1 });
  const nothing = await post(h.app, `/api/jobs/${refusedOnly}/retry`);
  t.equal(nothing.statusCode, 409);
  t.equal(
    nothing.json().message,
    `nothing to retry: the 1 failed row(s) of job ${refusedOnly} were refused at upload (its invalid_rows); correct them and upload them again`,
  );
});
