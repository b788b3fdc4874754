import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import t from 'tap';

const root = join(import.meta.dirname, '..', '..');

function start(env: NodeJS.ProcessEnv, dataDir = mkdtempSync(join(tmpdir(), 'batchcode-server-'))) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/bin/server.ts')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const cleanup = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { proc, output: () => out, cleanup, dataDir };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('should print a generated key once, serve with it, and exit 0 on SIGTERM', async (t) => {
  const s = start({ API_KEYS: '', API_KEYS_FILE: '', REDIS_URL: '' });
  t.teardown(s.cleanup);
  await until(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(s.output()) && /bc_\S+/.test(s.output()));
  const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(s.output())?.[1];
  const key = /(bc_[\w-]+)/.exec(s.output())?.[1] ?? '';
  t.equal(s.output().split(key).length - 1, 1, 'the key is printed exactly once');
  const res = await fetch(`${url}/api/barcodes/qr?data=server`, { headers: { 'x-api-key': key } });
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  await res.arrayBuffer();
  t.equal(s.output().split(key).length - 1, 1, 'and never logged afterwards');
  const exited = once(s.proc, 'exit');
  s.proc.kill('SIGTERM');
  const [code] = await exited;
  t.equal(code, 0);
  t.match(s.output(), /shutting down/);
});

t.test('should refuse to start with a bad setting, naming it', async (t) => {
  const s = start({ API_KEYS: 'k', BATCH_MAX_ITEMS: '0' });
  t.teardown(s.cleanup);
  const [code] = await once(s.proc, 'exit');
  t.equal(code, 1);
  t.match(s.output(), /BATCH_MAX_ITEMS must be a whole number from 1 to 10000; got "0"/);
});

t.test('should write the scans it buffered when stopped with SIGTERM', async (t) => {
  const key = 'server-key-0123456789abcdef';
  // No timed flush within the test: only the shutdown can write the scans.
  const s = start({ API_KEYS: key, REDIS_URL: '', SCAN_FLUSH_MS: '60000', SCAN_FLUSH_ROWS: '100000' });
  t.teardown(s.cleanup);
  await until(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(s.output()));
  const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(s.output())![1];
  const made = await fetch(`${url}/api/codes`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ destination_url: 'https://example.com/poster' }),
  });
  t.equal(made.status, 201);
  const { slug } = (await made.json()) as { slug: string };
  const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
  for (let i = 0; i < 7; i++) {
    const res = await fetch(`${url}/r/${slug}`, { redirect: 'manual', headers: { 'user-agent': phone } });
    t.equal(res.status, 302);
  }
  const exited = once(s.proc, 'exit');
  s.proc.kill('SIGTERM');
  t.equal((await exited)[0], 0);
  const db = new SQLite(join(s.dataDir, 'batchcode.db'), { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('select count(*) as n from scans').get() as { n: number }).n, 7, 'every scan was written');
  t.equal((db.prepare('select scans from codes where slug = ?').get(slug) as { scans: number }).scans, 7);
});
