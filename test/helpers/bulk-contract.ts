/**
 * The bulk-job contract, one suite run against both setups: in-process
 * (no REDIS_URL) and Redis + BullMQ worker. Paths and field names are the
 * public contract users script against.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { decode } from './decode.js';
import {
  csvRows,
  get,
  harness,
  KEY,
  multipart,
  OTHER_KEY,
  parseCsv,
  poll,
  unzip,
  upload,
  type Harness,
} from './bulk.js';

const jobFields = [
  'job_id',
  'status',
  'total_rows',
  'processed',
  'successful',
  'failed',
  'progress',
  'created_at',
  'started_at',
  'finished_at',
];

/** Nothing queued and nothing left on disk beyond the jobs that existed before. */
async function nothingLeft(t: Test, h: Harness, jobsBefore: number, dirsBefore: number) {
  const list = (await get(h.app, '/api/jobs?limit=100')).json();
  t.equal(list.pagination.total, jobsBefore, 'no job was queued');
  t.equal(readdirSync(join(h.dataDir, 'jobs')).length, dirsBefore, 'no job directory left');
  t.same(readdirSync(join(h.dataDir, 'tmp')), [], 'no staged file left');
}

export function bulkContract(t: Test, mode: 'in-process' | 'redis'): void {
  let h: Harness;
  const app = () => h.app;

  t.before(async () => {
    h = await harness(t, mode);
  });

  t.test('should run the upload, poll and download flow', async (t) => {
    const csv =
      '\uFEFFdestination_url,title,filename,note\r\n' +
      'https://example.com/a?x=1&y=2,"Alpha, the first",,"=HYPERLINK(""http://evil"")"\r\n' +
      'not a url,Broken,,\r\n' +
      'https://example.com/b,"Beta ""quoted""",../../etc/passwd,"-2+3"\r\n' +
      ',No data,,\r\n' +
      'https://example.com/c,Alpha the first,,"multi\nline"\r\n' +
      `https://example.com/${'x'.repeat(2400)},Too long,,\r\n`;
    const res = await upload(app(), csv, { format: 'png', design: { width: 200 }, batchSize: 10 });
    t.equal(res.statusCode, 202, res.body);
    const accepted = res.json();
    t.match(accepted, { status: 'queued', total_rows: 6 });
    t.same(
      accepted.invalid_rows.map((r: { row: number }) => r.row),
      [2, 4, 6],
    );
    t.match(accepted.invalid_rows[0].reason, /destination_url is not a valid/);
    t.match(accepted.invalid_rows[1].reason, /destination_url is empty/);
    t.equal(accepted.invalid_rows[2].reason, 'data is 2,420 bytes; a QR code at level M holds at most 2,331');

    const job = await poll(app, accepted.job_id);
    t.same(Object.keys(job).sort(), [...jobFields].sort());
    t.match(job, { status: 'completed', total_rows: 6, processed: 6, successful: 3, failed: 3, progress: 100 });
    t.ok(job.started_at && job.finished_at);

    const csvRes = await get(app(), `/api/jobs/${accepted.job_id}/results?format=csv`);
    t.equal(csvRes.statusCode, 200);
    t.match(csvRes.headers['content-type'], /text\/csv/);
    const rows = parseCsv(csvRes.body);
    t.same(rows[0], ['destination_url', 'title', 'input_filename', 'note', 'row', 'filename', 'status', 'error']);
    t.equal(rows.length, 7);
    const byRow = new Map(rows.slice(1).map((r) => [r[4], r]));
    t.same(byRow.get('1')!.slice(0, 7), [
      'https://example.com/a?x=1&y=2',
      'Alpha, the first',
      '',
      `'=HYPERLINK("http://evil")`,
      '1',
      'Alpha-the-first.png',
      'success',
    ]);
    t.equal(byRow.get('3')![3], "'-2+3", 'formula cells are neutralised');
    t.equal(byRow.get('3')![5], 'etc-passwd.png', 'path parts are stripped');
    t.equal(byRow.get('5')![5], 'Alpha-the-first-2.png', 'names are unique');
    t.equal(byRow.get('5')![3], 'multi\nline');
    t.same(byRow.get('2')!.slice(5, 7), ['', 'failed']);

    const zipRes = await get(app(), `/api/jobs/${accepted.job_id}/results?format=zip`);
    t.equal(zipRes.statusCode, 200);
    t.equal(zipRes.headers['content-type'], 'application/zip');
    const entries = await unzip(zipRes.rawPayload);
    t.same([...entries.keys()].sort(), [
      'Alpha-the-first-2.png',
      'Alpha-the-first.png',
      'etc-passwd.png',
      'results.csv',
    ]);
    t.equal(entries.get('results.csv')!.toString(), csvRes.body);
    t.equal(await decode(entries.get('Alpha-the-first.png')!), 'https://example.com/a?x=1&y=2');
    t.equal(await decode(entries.get('etc-passwd.png')!), 'https://example.com/b');
    t.equal(await decode(entries.get('Alpha-the-first-2.png')!), 'https://example.com/c');
  });

  t.test('should make a dynamic code per valid row, whose image encodes its short link', async (t) => {
    const csv =
      'destination_url,title,filename\r\n' +
      'https://example.com/menu,Menu,menu\r\n' +
      'javascript:alert(1),Evil,evil\r\n' +
      'https://user:pw@example.com/,Creds,creds\r\n' +
      `https://example.com/long,${'t'.repeat(201)},long\r\n` +
      'https://example.com/drinks,Drinks,drinks\r\n';
    const before = (await get(app(), '/api/codes?limit=1')).json().pagination.total;
    const res = await upload(app(), csv, { type: 'dynamic', format: 'png', batchSize: 10 });
    t.equal(res.statusCode, 202, res.body);
    const accepted = res.json();
    t.same(
      accepted.invalid_rows.map((r: { row: number }) => r.row),
      [2, 3, 4],
    );
    t.match(accepted.invalid_rows[1].reason, /credentials/);
    t.match(accepted.invalid_rows[2].reason, /title is 201 characters; at most 200/);
    const job = await poll(app, accepted.job_id);
    t.match(job, { status: 'completed', successful: 2, failed: 3 });

    const rows = parseCsv((await get(app(), `/api/jobs/${accepted.job_id}/results?format=csv`)).body);
    t.same(rows[0], [
      'destination_url',
      'title',
      'input_filename',
      'row',
      'filename',
      'status',
      'error',
      'code_id',
      'short_url',
    ]);
    const made = rows.slice(1).filter((r) => r[5] === 'success');
    t.same(
      made.map((r) => r[0]),
      ['https://example.com/menu', 'https://example.com/drinks'],
    );
    t.same(
      rows
        .slice(1)
        .filter((r) => r[5] === 'failed')
        .map((r) => [r[7], r[8]]),
      [
        ['', ''],
        ['', ''],
        ['', ''],
      ],
      'a refused row has no code',
    );
    const entries = await unzip((await get(app(), `/api/jobs/${accepted.job_id}/results?format=zip`)).rawPayload);
    for (const [destination, title, , , filename, , , codeId, shortUrl] of made) {
      t.match(shortUrl, /^http:\/\/localhost:\d+\/r\/[A-Za-z0-9]{8}$/);
      t.equal(await decode(entries.get(filename!)!), shortUrl, `${filename} encodes its short link`);
      const code = (await get(app(), `/api/codes/${codeId}`)).json();
      t.match(code, { id: codeId, short_url: shortUrl, destination_url: destination, title });
      const hop = await app().inject({ url: new URL(shortUrl!).pathname });
      t.equal(hop.statusCode, 302);
      t.equal(hop.headers.location, destination);
    }
    t.equal((await get(app(), '/api/codes?limit=1')).json().pagination.total, before + 2);
    t.equal(
      (await get(app(), `/api/codes/${made[0]![7]}`, OTHER_KEY)).statusCode,
      404,
      "another key cannot see the job's codes",
    );

    const del = await app().inject({
      method: 'DELETE',
      url: `/api/jobs/${accepted.job_id}`,
      headers: { 'x-api-key': KEY },
    });
    t.equal(del.statusCode, 200, del.body);
    t.equal(
      (await get(app(), `/api/codes/${made[0]![7]}`)).statusCode,
      200,
      'deleting the job keeps its printed codes',
    );
  });

  t.test('should run a direct JSON job with SVG output', async (t) => {
    const res = await app().inject({
      method: 'POST',
      url: '/api/bulk/direct',
      headers: { 'x-api-key': KEY },
      payload: {
        qr_codes: [
          { destination_url: 'https://example.com/one', title: 'One' },
          { destination_url: 'https://example.com/two', title: 'Two' },
          { title: 'nothing' },
        ],
        options: { format: 'svg', batchSize: 10 },
      },
    });
    t.equal(res.statusCode, 202, res.body);
    t.same(res.json().invalid_rows, [{ row: 3, reason: 'destination_url is empty' }]);
    const job = await poll(app, res.json().job_id);
    t.match(job, { status: 'completed', successful: 2, failed: 1 });
    const zip = await unzip((await get(app(), `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
    t.same([...zip.keys()].sort(), ['One.svg', 'Two.svg', 'results.csv']);
    t.equal(await decode(zip.get('Two.svg')!.toString()), 'https://example.com/two');
  });

  t.test('should serve a template that can be uploaded as is', async (t) => {
    const res = await get(app(), '/api/bulk/template');
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /text\/csv/);
    const rows = parseCsv(res.body);
    t.equal(rows.length, 3);
    t.equal(rows[0]![0], 'destination_url');
    const up = await upload(app(), res.body);
    t.equal(up.statusCode, 202);
    t.match(await poll(app, up.json().job_id), { status: 'completed', successful: 2 });
  });

  t.test("should answer 404 for another key's job, as for a missing one", async (t) => {
    const up = await upload(app(), csvRows(3));
    const id = up.json().job_id;
    await poll(app, id);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/results?format=csv'],
      ['GET', '/results?format=zip'],
      ['POST', '/cancel'],
      ['DELETE', ''],
    ] as const) {
      const theirs = await app().inject({ method, url: `/api/jobs/${id}${path}`, headers: { 'x-api-key': OTHER_KEY } });
      const none = await app().inject({
        method,
        url: `/api/jobs/${missing}${path}`,
        headers: { 'x-api-key': OTHER_KEY },
      });
      t.equal(theirs.statusCode, 404, `${method} ${path}`);
      t.equal(none.statusCode, 404);
      t.same(Object.keys(theirs.json()).sort(), ['error', 'message', 'statusCode']);
      t.equal(theirs.json().message.replace(id, 'ID'), none.json().message.replace(missing, 'ID'));
    }
    const list = (await get(app(), '/api/jobs', OTHER_KEY)).json();
    t.notOk(list.jobs.some((j: { job_id: string }) => j.job_id === id));
    t.equal((await get(app(), `/api/jobs/${id}`)).statusCode, 200, 'the owner still sees it');
    t.equal((await app().inject({ method: 'GET', url: `/api/jobs/${id}` })).statusCode, 401);
  });

  t.test('should list jobs newest first with pagination and a status filter', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(app(), csvRows(2), undefined, OTHER_KEY)).json().job_id);
    for (const id of ids) await poll(app, id, undefined, 30_000, OTHER_KEY);
    const page1 = (await get(app(), '/api/jobs?page=1&limit=2', OTHER_KEY)).json();
    t.same(page1.pagination, { page: 1, limit: 2, total: 3, pages: 2 });
    t.same(
      page1.jobs.map((j: { job_id: string }) => j.job_id),
      [ids[2], ids[1]],
    );
    const page2 = (await get(app(), '/api/jobs?page=2&limit=2&status=completed', OTHER_KEY)).json();
    t.same(
      page2.jobs.map((j: { job_id: string }) => j.job_id),
      [ids[0]],
    );
    t.equal((await get(app(), '/api/jobs?status=failed', OTHER_KEY)).json().pagination.total, 0);
    t.equal((await get(app(), '/api/jobs?status=nope', OTHER_KEY)).statusCode, 400);
    t.equal((await get(app(), '/api/jobs?limit=0', OTHER_KEY)).statusCode, 400);
  });

  t.test('should cancel a running job and a queued one', async (t) => {
    const big = (await upload(app(), csvRows(5000), { batchSize: 10, format: 'svg' })).json().job_id;
    const queued = (await upload(app(), csvRows(20))).json().job_id;
    await poll(app, big, (j) => j.processed > 0);
    const c1 = await app().inject({ method: 'POST', url: `/api/jobs/${big}/cancel`, headers: { 'x-api-key': KEY } });
    t.equal(c1.statusCode, 200, c1.body);
    t.equal(c1.json().status, 'cancelled');
    const c2 = await app().inject({ method: 'POST', url: `/api/jobs/${queued}/cancel`, headers: { 'x-api-key': KEY } });
    t.equal(c2.statusCode, 200);
    await new Promise((r) => setTimeout(r, 300));
    const after = (await get(app(), `/api/jobs/${big}`)).json();
    t.equal(after.status, 'cancelled');
    t.ok(after.processed < 5000, `stopped at ${after.processed}`);
    const later = (await get(app(), `/api/jobs/${queued}`)).json();
    t.match(later, { status: 'cancelled', processed: 0 });
    const partial = await get(app(), `/api/jobs/${big}/results`);
    t.equal(partial.statusCode, 200, 'a cancelled job offers the rows it rendered');
    t.equal(partial.headers['x-results-partial'], 'true');
    const none = await get(app(), `/api/jobs/${queued}/results`);
    t.equal(none.statusCode, 409);
    t.match(none.json().message, /job is cancelled and rendered no row, so it has no results/);
    const again = await app().inject({ method: 'POST', url: `/api/jobs/${big}/cancel`, headers: { 'x-api-key': KEY } });
    t.equal(again.statusCode, 409);
  });

  t.test('should delete a job with its files', async (t) => {
    const id = (await upload(app(), csvRows(5))).json().job_id;
    await poll(app, id);
    t.ok(readdirSync(join(h.dataDir, 'jobs')).includes(id));
    const del = await app().inject({ method: 'DELETE', url: `/api/jobs/${id}`, headers: { 'x-api-key': KEY } });
    t.equal(del.statusCode, 200);
    t.same(del.json(), { job_id: id, deleted: true });
    t.equal((await get(app(), `/api/jobs/${id}`)).statusCode, 404);
    t.notOk(readdirSync(join(h.dataDir, 'jobs')).includes(id));
    const twice = await app().inject({ method: 'DELETE', url: `/api/jobs/${id}`, headers: { 'x-api-key': KEY } });
    t.equal(twice.statusCode, 404);
  });

  t.test('should refuse bad input and queue nothing', async (t) => {
    const before = (await get(app(), '/api/jobs?limit=1')).json().pagination.total;
    const dirs = readdirSync(join(h.dataDir, 'jobs')).length;
    const codesBefore = (await get(app(), '/api/codes?limit=1')).json().pagination.total;
    const cases: [string, Awaited<ReturnType<typeof upload>>, number, RegExp][] = [
      ['too many rows', await upload(app(), csvRows(6001)), 400, /MAX_ROWS/],
      [
        'too large',
        await upload(app(), 'destination_url\n' + 'https://example.com/x\n'.repeat(60_000)),
        413,
        /MAX_UPLOAD_BYTES/,
      ],
      ['no destination_url column', await upload(app(), 'url,title\nhttps://example.com,a\n'), 400, /destination_url/],
      ['header only', await upload(app(), 'destination_url,title\n'), 400, /no rows/],
      ['empty file', await upload(app(), ''), 400, /empty/],
      ['unclosed quote', await upload(app(), 'destination_url\n"https://example.com\n'), 400, /malformed CSV/],
      ['batchSize too small', await upload(app(), csvRows(2), { batchSize: 5 }), 400, /batchSize/],
      ['batchSize too large', await upload(app(), csvRows(2), { batchSize: 501 }), 400, /batchSize/],
      ['batchSize not a number', await upload(app(), csvRows(2), { batchSize: 'x' }), 400, /batchSize/],
      [
        'dynamic without destination_url',
        await upload(app(), 'data,title\nhello,a\n', { type: 'dynamic' }),
        400,
        /a dynamic job needs a destination_url column/,
      ],
      ['dynamic, too many rows', await upload(app(), csvRows(6001), { type: 'dynamic' }), 400, /MAX_ROWS/],
    ];
    for (const [name, res, status, message] of cases) {
      t.equal(res.statusCode, status, `${name}: ${res.body}`);
      t.match(res.json().message, message, name);
    }
    const notJson = multipart([
      { name: 'file', value: csvRows(2), filename: 'a.csv' },
      { name: 'options', value: '{batchSize:' },
    ]);
    const bad = await app().inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload: notJson.payload,
      headers: { ...notJson.headers, 'x-api-key': KEY },
    });
    t.equal(bad.statusCode, 400);
    t.match(bad.json().message, /options must be a JSON object/);

    const whole = multipart([{ name: 'file', value: csvRows(50), filename: 'a.csv' }]);
    const truncated = await app().inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload: whole.payload.subarray(0, whole.payload.length - 200),
      headers: { ...whole.headers, 'x-api-key': KEY },
    });
    t.equal(truncated.statusCode, 400, truncated.body);
    t.match(truncated.json().message, /truncated|malformed/);

    const noFile = multipart([{ name: 'options', value: '{}' }]);
    const nf = await app().inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload: noFile.payload,
      headers: { ...noFile.headers, 'x-api-key': KEY },
    });
    t.equal(nf.statusCode, 400);
    t.match(nf.json().message, /missing file/);

    const notMultipart = await app().inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload: 'destination_url\nhttps://example.com\n',
      headers: { 'content-type': 'text/csv', 'x-api-key': KEY },
    });
    t.equal(notMultipart.statusCode, 415);

    const direct = (payload: unknown) =>
      app().inject({
        method: 'POST',
        url: '/api/bulk/direct',
        headers: { 'x-api-key': KEY },
        payload: payload as object,
      });
    const many = Array.from({ length: 6001 }, (_, i) => ({ destination_url: `https://example.com/${i}` }));
    for (const [name, res, message] of [
      [
        'direct batchSize',
        await direct({ qr_codes: [{ destination_url: 'https://e.com' }], options: { batchSize: 9 } }),
        /batchSize/,
      ],
      [
        'direct dynamic, bad batchSize',
        await direct({ qr_codes: [{ destination_url: 'https://e.com' }], options: { type: 'dynamic', batchSize: 1 } }),
        /batchSize/,
      ],
      ['direct too many', await direct({ qr_codes: many }), /MAX_ROWS/],
      ['direct no qr_codes', await direct({}), /qr_codes/],
      ['direct empty', await direct({ qr_codes: [] }), /no rows/],
    ] as const) {
      t.equal(res.statusCode, 400, `${name}: ${res.body}`);
      t.match(res.json().message, message, name);
    }
    await nothingLeft(t, h, before, dirs);
    t.equal(codesBefore, (await get(app(), '/api/codes?limit=1')).json().pagination.total, 'no dynamic code was kept');
  });

  t.test('should report stats for the caller', async (t) => {
    const res = await get(app(), '/api/bulk/stats');
    t.equal(res.statusCode, 200);
    const s = res.json();
    t.same(Object.keys(s.jobs).sort(), ['cancelled', 'completed', 'failed', 'processing', 'queued']);
    t.ok(s.jobs.completed >= 4);
    t.ok(s.jobs.cancelled >= 2);
    t.ok(s.codes_rendered >= 10);
    t.ok(s.failures >= 3);
    t.ok(s.average_ms_per_code > 0);
    t.equal(typeof s.queue_depth, 'number');
    t.equal(
      s.total_jobs,
      Object.values(s.jobs as Record<string, number>).reduce((a, b) => a + b, 0),
    );
  });

  t.test('should finish every job across a gateway restart, each row once', async (t) => {
    const id = (await upload(app(), csvRows(3000), { batchSize: 10, format: 'svg' })).json().job_id;
    const second = (await upload(app(), csvRows(30))).json().job_id;
    await poll(app, id, (j) => j.processed > 0);
    await h.restart();
    const job = await poll(app, id);
    t.match(job, { status: 'completed', processed: 3000, successful: 3000, failed: 0 });
    t.match(await poll(app, second), { status: 'completed', successful: 30 });
    const rows = parseCsv((await get(app(), `/api/jobs/${id}/results`)).body).slice(1);
    t.equal(rows.length, 3000);
    t.equal(new Set(rows.map((r) => r[2])).size, 3000, 'each row exactly once');
    const zip = await unzip((await get(app(), `/api/jobs/${id}/results?format=zip`)).rawPayload);
    t.equal(zip.size, 3001);
  });
}
