/**
 * Without API_KEYS (docker-compose's default), the key generated at the first
 * start stays valid after a restart: only its hash is kept in DATA_DIR, and
 * the key is printed once, at the start that made it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { GENERATED_KEY_FILE, sha256hex } from '../../src/gateway/config.js';

const root = join(import.meta.dirname, '..', '..');

async function serve(dataDir: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/bin/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      API_KEYS: '',
      API_KEYS_FILE: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  while (!(url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1])) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  };
  return { url, output: () => out, stop };
}

t.test('should keep the generated key valid across a restart, printing it only when made', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-genkey-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await serve(dataDir);
  t.teardown(first.stop);
  const key = /(bc_[\w-]+)/.exec(first.output())?.[1] ?? '';
  t.match(key, /^bc_/, 'the first start prints a key');
  const file = join(dataDir, GENERATED_KEY_FILE);
  t.match(first.output(), `It stays valid across restarts: its SHA-256 hash is kept in\n${file}`);
  t.equal(readFileSync(file, 'utf8'), `${sha256hex(key)}\n`, 'the file holds the hash, not the key');
  t.equal(statSync(file).mode & 0o777, 0o600);
  const made = await fetch(`${first.url}/api/bulk/direct`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ qr_codes: [{ destination_url: 'https://example.com/kept' }] }),
  });
  t.equal(made.status, 202);
  const { job_id } = (await made.json()) as { job_id: string };
  await first.stop();

  const second = await serve(dataDir);
  t.teardown(second.stop);
  t.notMatch(second.output(), /bc_[\w-]+/, 'a restart prints no new key');
  t.match(second.output(), /the API key generated at the first start is valid/);
  const job = await fetch(`${second.url}/api/jobs/${job_id}`, { headers: { 'x-api-key': key } });
  t.equal(job.status, 200, 'the first key still works, and its job is still its own');
  await job.arrayBuffer();
  await second.stop();

  writeFileSync(file, 'not a hash\n');
  const broken = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/bin/server.ts')], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, API_KEYS: '', API_KEYS_FILE: '', REDIS_URL: '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  broken.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  t.equal((await once(broken, 'exit'))[0], 1);
  t.equal(
    err,
    `batchcode: ${file} must hold the SHA-256 (64 hex digits) of the generated API key; delete it to generate a new key\n`,
  );
});
