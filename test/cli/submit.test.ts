/**
 * `batchcode submit` against a real gateway listening on a port, in both job
 * modes (in-process, and Redis with a BullMQ worker): the file is uploaded,
 * followed to the end, and the ZIP downloaded; every image decodes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { csvRows, harness, KEY, parseCsv, unzip } from '../helpers/bulk.js';
import { cli, tempDir } from '../helpers/cli.js';

for (const mode of ['in-process', 'redis'] as const) {
  t.test(`${mode}: should upload, follow the job and download its results`, async (t) => {
    const h = await harness(t, mode);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const server = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    const dir = tempDir(t);
    writeFileSync(join(dir, 'rows.csv'), `${csvRows(120)},\n`.replace(/,\n$/, '\n') + ',Empty\n');

    const run = await cli([
      'submit',
      join(dir, 'rows.csv'),
      '--server',
      server,
      '--key',
      KEY,
      '-o',
      join(dir, 'out.zip'),
      '--poll-ms',
      '100',
    ]);
    t.equal(run.code, 1, `one row failed: exit 1 (${run.stderr})`);
    t.match(run.out, /job [0-9a-f-]{36} completed: 120 of 121 rows rendered, 1 failed \(1 rows refused at upload\)/);
    const zip = await unzip(readFileSync(join(dir, 'out.zip')));
    t.equal(zip.size, 121, '120 images and results.csv');
    const rows = parseCsv(zip.get('results.csv')!.toString('utf8'));
    t.equal(rows.length, 122);
    for (const n of [1, 60, 120]) {
      t.equal(await decode(zip.get(`Item-${n}.png`)!), `https://example.com/item/${n}`, `Item ${n} decodes`);
    }

    const json = await cli(
      ['submit', join(dir, 'rows.csv'), '--server', server, '--wait', '--json', '--format', 'svg'],
      {
        env: { BATCHCODE_API_KEY: KEY },
      },
    );
    t.equal(json.code, 1, json.stderr);
    t.match(JSON.parse(json.out), {
      status: 'completed',
      total_rows: 121,
      successful: 120,
      failed: 1,
      input_format: 'csv',
    });

    const wrongKey = await cli(['submit', join(dir, 'rows.csv'), '--server', server, '--key', 'nope-nope-nope']);
    t.equal(wrongKey.code, 2, 'a refused key is a usage error');
    t.match(wrongKey.stderr, /401 from api\/bulk\/upload/);

    writeFileSync(join(dir, 'bad.csv'), 'name\nx\n');
    const refused = await cli(['submit', join(dir, 'bad.csv'), '--server', server, '--key', KEY]);
    t.equal(refused.code, 2);
    t.match(refused.stderr, /400 from api\/bulk\/upload: missing column/);
  });
}

t.test('should say when the server cannot be reached, and when no key is given', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rows.csv'), csvRows(2));
  // A port nothing listens on: one the system handed out, then closed.
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((done) => probe.close(done));
  const down = await cli(['submit', join(dir, 'rows.csv'), '--server', `http://127.0.0.1:${port}`, '--key', KEY]);
  t.equal(down.code, 1);
  t.match(down.stderr, `cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  const nokey = await cli(['submit', join(dir, 'rows.csv'), '--server', 'http://127.0.0.1:9'], {
    env: { BATCHCODE_API_KEY: '' },
  });
  t.equal(nokey.code, 2);
  t.match(nokey.stderr, /give the API key with --key, or set BATCHCODE_API_KEY/);
});
