/**
 * Issue 17: a bad start-up value stops the server and the worker with one
 * clean line naming the variable, its range and the value: no stack, a
 * non-zero exit. Both entry points read the Node API's settings
 * (src/infra/library-env.ts), whose bounds are the core's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

const root = join(import.meta.dirname, '..', '..');

async function start(entry: 'server' | 'worker', env: NodeJS.ProcessEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-startup-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, `src/bin/${entry}.ts`)], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      API_KEYS: 'startup-key-0123456789abcdef',
      // The worker needs Redis, but must stop at the settings before it connects anywhere.
      REDIS_URL: 'redis://127.0.0.1:1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const kill = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  const [code] = (await once(proc, 'exit')) as [number | null];
  clearTimeout(kill);
  rmSync(dataDir, { recursive: true, force: true });
  return { code, stdout, stderr };
}

const cases: [string, string, string][] = [
  ['BATCH_MAX_ITEMS', '20000', 'BATCH_MAX_ITEMS must be a whole number from 1 to 10000; got "20000"'],
  ['CACHE_MAX_SIZE', '-5', 'CACHE_MAX_SIZE must be a whole number from 0 to 10000000; got "-5"'],
  ['CACHE_MAX_BYTES', '1.5', 'CACHE_MAX_BYTES must be a whole number from 0 to 1099511627776; got "1.5"'],
  ['CACHE_DEFAULT_TTL', '1e9', 'CACHE_DEFAULT_TTL must be a whole number from 0 to 31536000; got "1e9"'],
  [
    'DIGITAL_LINK_RESOLVER',
    'https://id.gs1.org?x=1',
    `DIGITAL_LINK_RESOLVER must name a host (letters, digits, '-' and '.', with an optional :port), got "https://id.gs1.org?x=1"`,
  ],
];

for (const [name, value, message] of cases) {
  t.test(`should stop the server with one line for ${name}=${value}`, async (t) => {
    const run = await start('server', { [name]: value });
    t.equal(run.code, 1);
    t.equal(run.stderr, `batchcode: ${message}\n`, 'one line, no stack');
    t.equal(run.stdout, '');
  });

  t.test(`should stop the worker with one line for ${name}=${value}`, async (t) => {
    const run = await start('worker', { [name]: value });
    t.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n');
    t.equal(lines.length, 1, 'one line, no stack');
    t.match(JSON.parse(lines[0]!), { level: 'error', msg: `worker not started: ${message}` });
    t.notMatch(run.stderr, /RangeError|\n\s+at /);
  });
}
