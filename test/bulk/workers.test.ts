/**
 * Redis mode: the gateway counts live workers (/ready, /api/bulk/stats) and
 * a waiting job says when none is there; a worker whose DATA_DIR is not the
 * gateway's refuses to start, naming both directories.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadBulkConfig } from '../../src/bulk/config.js';
import { startWorker } from '../../src/bulk/worker.js';
import { MARKER_FILE } from '../../src/bulk/workers.js';
import { buildApp } from '../../src/gateway/app.js';
import { loadConfig } from '../../src/gateway/config.js';
import { configured } from '../helpers/gateway.js';
import { csvRows, get, harness, poll, upload } from '../helpers/bulk.js';
import { startRedis } from '../helpers/redis.js';

const START = 'jobs wait until one is started with "npm run worker" (with the gateway\'s REDIS_URL and DATA_DIR)';

t.test('should count live workers and warn on a waiting job while there is none', async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const ready = await get(h.app, '/ready');
  t.equal(ready.statusCode, 200, 'no worker leaves the gateway ready: it takes jobs');
  t.same(ready.json().checks.workers, {
    status: 'warn',
    live: 0,
    code: 'NO_WORKERS',
    message: `no worker is running: ${START}`,
  });
  t.equal((await get(h.app, '/api/bulk/stats')).json().workers, 0);
  const id = (await upload(h.app, csvRows(3))).json().job_id as string;
  const waiting = (await get(h.app, `/api/jobs/${id}`)).json();
  t.match(waiting, { status: 'queued', warning: `no worker is running: ${START}` });

  const worker = await startWorker(loadBulkConfig(h.env), h.redis!.url, () => undefined);
  t.same((await get(h.app, '/ready')).json().checks.workers, { status: 'ok', live: 1 });
  t.equal((await get(h.app, '/api/bulk/stats')).json().workers, 1);
  const done = await poll(() => h.app, id);
  t.equal(done.status, 'completed');
  t.notOk('warning' in done);

  await worker.stop();
  const gone = (await get(h.app, '/ready')).json().checks.workers;
  t.match(gone, { status: 'warn', live: 0, code: 'NO_WORKERS' }, 'a stopped worker is counted out at once');
  t.match(gone.message, /^no worker has been seen for \d+ s: jobs wait until one is started/);
  const next = (await upload(h.app, csvRows(1))).json().job_id as string;
  t.match((await get(h.app, `/api/jobs/${next}`)).json().warning, /^no worker has been seen for \d+ s/);
});

t.test('should show the gateway as the one worker without Redis', async (t) => {
  const h = await harness(t, 'in-process');
  t.same((await get(h.app, '/ready')).json().checks.workers, { status: 'ok', live: 1 });
  t.equal((await get(h.app, '/api/bulk/stats')).json().workers, 1);
});

function spawnWorker(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

t.test("should refuse to start a worker whose DATA_DIR is not the gateway's, naming both", async (t) => {
  const h = await harness(t, 'redis', { BULK_NO_TEST_WORKER: '1' });
  const other = mkdtempSync(join(tmpdir(), 'batchcode-elsewhere-'));
  t.teardown(() => rmSync(other, { recursive: true, force: true }));
  const cases: [string, RegExp][] = [
    ['a directory without the marker', new RegExp(`${join(other, MARKER_FILE)} is missing`)],
    ['another directory with a marker', new RegExp(`${join(other, MARKER_FILE)} differs from the gateway's`)],
  ];
  for (const [name, why] of cases) {
    if (name.startsWith('another')) writeFileSync(join(other, MARKER_FILE), 'f'.repeat(32));
    const started = Date.now();
    const w = spawnWorker({ ...h.env, DATA_DIR: other });
    t.teardown(() => void w.child.kill('SIGKILL'));
    const [code] = await once(w.child, 'exit');
    t.equal(code, 1, name);
    t.ok(Date.now() - started < 15_000, `exits at start (${Date.now() - started} ms)`);
    const lines = w.output().trim().split('\n');
    const last = JSON.parse(lines.at(-1)!).msg as string;
    t.match(last, `worker not started: DATA_DIR ${other} is not the gateway's data directory (${h.dataDir} on host `);
    t.match(last, why, name);
    t.notMatch(w.output(), /worker ready/);
  }
  const same = spawnWorker(h.env);
  t.teardown(() => void same.child.kill('SIGKILL'));
  const deadline = Date.now() + 20_000;
  while (!same.output().includes('worker ready') && same.child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(same.output(), /worker ready/, 'the same directory: it starts');
  same.child.kill('SIGTERM');
  t.equal((await once(same.child, 'exit'))[0], 0);
});

t.test('should let a worker started before the gateway wait for it', async (t) => {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-first-'));
  t.teardown(async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = { API_KEYS: 'test-key-0123456789abcdef', DATA_DIR: dataDir, REDIS_URL: redis.url };
  const waits: string[] = [];
  let ready = false;
  const starting = startWorker(loadBulkConfig(env), redis.url, (_l, msg) => waits.push(msg)).then((w) => {
    ready = true;
    return w;
  });
  await new Promise((r) => setTimeout(r, 500));
  t.notOk(ready, 'no gateway yet: the worker waits');
  t.match(waits.join('\n'), /waiting for a gateway with REDIS_URL to start/);
  const app = await buildApp(configured(loadConfig(env)), { logger: false });
  const worker = await starting;
  t.teardown(async () => {
    await app.close();
    await worker.stop();
  });
  t.ok(ready, 'it starts once the gateway has published its DATA_DIR');
});
