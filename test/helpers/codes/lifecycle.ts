/** Codes made by dynamic bulk jobs, and codes and counts across a restart. */
import type { Test } from 'tap';
import { buildApp } from '../../../src/gateway/app.js';
import { loadConfig } from '../../../src/gateway/config.js';
import { parseCsv, poll, unzip } from '../bulk.js';
import { decode } from '../decode.js';
import { configured } from '../gateway.js';
import { api, type Code, create, type Stats, type StoreHarness, UA, visit } from './harness.js';

export function lifecycleContract(t: Test, h: StoreHarness): void {
  t.test('should make one code per valid row of a dynamic bulk job, kept when the job is deleted', async (t) => {
    const app = await h.gateway(t);
    const res = await api(app, 'POST', '/api/bulk/direct', {
      qr_codes: [
        { destination_url: 'https://example.com/table/1', title: 'Table 1' },
        { destination_url: 'javascript:alert(1)', title: 'Evil' },
        { destination_url: 'https://example.com/table/2', title: 'Table 2' },
        { title: 'No destination' },
        { destination_url: 'https://example.com/table/3', title: 'Table 3' },
        // PostgreSQL text cannot hold NUL: the code is made all the same, its title without it.
        { destination_url: 'https://example.com/table/4', title: 'Table\u00004' },
      ],
      options: { type: 'dynamic', format: 'png', batchSize: 10 },
    });
    t.equal(res.statusCode, 202, res.body);
    t.same(
      res.json().invalid_rows.map((r: { row: number }) => r.row),
      [2, 4],
    );
    const job = await poll(() => app, res.json().job_id);
    t.match(job, { status: 'completed', successful: 4, failed: 2 });

    const csv = parseCsv((await api(app, 'GET', `/api/jobs/${job.job_id}/results?format=csv`)).body);
    const header = csv[0]!;
    const col = (name: string) => header.indexOf(name);
    t.ok(col('code_id') >= 0 && col('short_url') >= 0, `code_id and short_url columns: ${header}`);
    const made = csv.slice(1).filter((r) => r[col('status')] === 'success');
    t.same(
      made.map((r) => r[col('destination_url')]),
      [
        'https://example.com/table/1',
        'https://example.com/table/2',
        'https://example.com/table/3',
        'https://example.com/table/4',
      ],
    );
    const zip = await unzip((await api(app, 'GET', `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
    const list = (await api(app, 'GET', '/api/codes?limit=100')).json();
    t.equal(list.pagination.total, 4, 'one code per valid row, none for the refused ones');
    for (const row of made) {
      const id = row[col('code_id')]!;
      const shortUrl = row[col('short_url')]!;
      t.equal(await decode(zip.get(row[col('filename')]!)!), shortUrl, `${row[col('title')]} encodes its short link`);
      const code = (await api(app, 'GET', `/api/codes/${id}`)).json() as Code;
      t.match(code, {
        id,
        short_url: shortUrl,
        destination_url: row[col('destination_url')],
        title: row[col('title')]!.replace('\u0000', ''),
      });
      t.equal((await visit(app, code.slug, UA.iphoneSafari)).headers.location, code.destination_url);
    }

    const del = await api(app, 'DELETE', `/api/jobs/${job.job_id}`);
    t.equal(del.statusCode, 200, del.body);
    t.equal((await api(app, 'GET', `/api/jobs/${job.job_id}`)).statusCode, 404, 'the job is gone');
    for (const row of made) {
      t.equal((await api(app, 'GET', `/api/codes/${row[col('code_id')]}`)).statusCode, 200, 'its codes are not');
    }
    t.equal((await api(app, 'GET', '/api/codes')).json().pagination.total, 4);
  });

  t.test('should keep codes and counts across a restart, writing the scans buffered at close', async (t) => {
    // No timed flush and no size flush within the test: only the close can write the scans.
    const env = h.fresh(t, { SCAN_FLUSH_MS: '60000', SCAN_FLUSH_ROWS: '100000' });
    const first = await buildApp(configured(loadConfig(env)), { logger: false });
    let closed = false;
    t.teardown(() => (closed ? undefined : first.close()));
    const code = await create(first, { destination_url: 'https://example.com/kept', alias: 'kept-code', tags: ['k'] });
    const limited = await create(first, { destination_url: 'https://example.com/limited', max_scans: 3 });
    for (const ua of [UA.iphoneSafari, UA.androidChrome, UA.windowsFirefox, UA.googlebot]) {
      await visit(first, code.slug, ua);
    }
    await visit(first, limited.slug, UA.iphoneSafari);
    await visit(first, limited.slug, UA.iphoneSafari);
    t.equal((await api(first, 'GET', `/api/codes/${code.id}`)).json().scans, 0, 'still buffered');
    await first.close();
    closed = true;

    const second = await h.open(t, env);
    const back = (await api(second, 'GET', `/api/codes/${code.id}`)).json() as Code;
    t.match(back, { ...code, scans: 3, updated_at: code.updated_at });
    t.same(
      (await api(second, 'GET', '/api/codes?tag=k')).json().codes.map((c: Code) => c.id),
      [code.id],
    );
    const s = (await api(second, 'GET', `/api/codes/${code.id}/stats`)).json() as Stats;
    t.match(s, { total: 3, unique: 3, bots: 1, devices: { ios: 1, android: 1, desktop: 1, other: 0 } });
    t.equal((await visit(second, 'kept-code', UA.iphoneSafari)).headers.location, 'https://example.com/kept');
    t.equal((await visit(second, limited.slug, UA.iphoneSafari)).statusCode, 302, 'the third of three');
    t.equal((await visit(second, limited.slug, UA.iphoneSafari)).statusCode, 410, 'the count survived');
  });
}
