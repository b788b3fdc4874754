/**
 * `npm run bench:bulk`: a 10,000-row CSV uploaded, polled to completion and
 * its ZIP downloaded, end to end over HTTP, in both modes: in-process (the
 * gateway runs the job) and Redis + one worker process, each with a static
 * job (images encode the rows' URLs) and a `type: "dynamic"` one (one code
 * per row made at upload, in SQLite; images encode the short links). The
 * gateway and the worker run from dist/ (built first) as child processes;
 * their peak RSS is read from /proc/<pid>/status (VmHWM) at the end.
 *
 * BENCH_ROWS (default 10000), BENCH_BATCH (default 100), BENCH_WIDTH (default 200),
 * BENCH_TYPES (default "static,dynamic"), BENCH_MODES (default "in-process,redis"),
 * BENCH_RUNS (default 3: each job runs that many times, interleaved; the run with the
 * median end-to-end time is shown, with every run's time beside it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedis } from '../test/helpers/redis.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const WIDTH = Number(process.env.BENCH_WIDTH ?? 200);
const TYPES = (process.env.BENCH_TYPES ?? 'static,dynamic').split(',') as JobType[];
const MODES = (process.env.BENCH_MODES ?? 'in-process,redis').split(',') as Mode[];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEY = 'bench-key-0123456789abcdef';

type JobType = 'static' | 'dynamic';
type Mode = 'in-process' | 'redis';

function csv(): string {
  let s = 'destination_url,title\n';
  for (let i = 1; i <= ROWS; i++) s += `https://example.com/products/${i}?ref=bulk-bench,Product ${i}\n`;
  return s;
}

function peakRssMb(proc: ChildProcess): number {
  const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function start(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr!.on('data', (d: Buffer) => {
    const line = d.toString();
    if (/"level":"?(error|50|60)/.test(line) || /WARNING/.test(line)) process.stderr.write(line);
  });
  return proc;
}

async function until(fn: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} timed out`);
    await sleep(20);
  }
}

async function run(mode: Mode, type: JobType): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'batchcode-bench-'));
  const port = await freePort();
  const redis = mode === 'redis' ? await startRedis({ persistent: true }) : undefined;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    API_KEYS: KEY,
    DATA_DIR: dataDir,
    RATE_LIMIT_MAX: '1000000',
    LOG_LEVEL: 'warn',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const gateway = start('dist/bin/server.js', env);
  const worker = redis ? start('dist/bin/worker.js', env) : undefined;
  const base = `http://127.0.0.1:${port}`;
  const headers = { 'x-api-key': KEY };
  try {
    await until(async () => (await fetch(`${base}/health`)).ok, 'gateway start');
    await sleep(500); // let the worker connect too
    const form = new FormData();
    form.append('file', new Blob([csv()], { type: 'text/csv' }), 'bench.csv');
    form.append('options', JSON.stringify({ type, format: 'png', design: { width: WIDTH }, batchSize: BATCH }));

    const t0 = performance.now();
    const up = await fetch(`${base}/api/bulk/upload`, { method: 'POST', body: form, headers });
    if (up.status !== 202) throw new Error(`upload: ${up.status} ${await up.text()}`);
    const { job_id } = (await up.json()) as { job_id: string };
    const t1 = performance.now();
    let job: { status: string; successful: number } = { status: 'queued', successful: 0 };
    await until(
      async () => {
        job = (await (await fetch(`${base}/api/jobs/${job_id}`, { headers })).json()) as typeof job;
        return job.status !== 'queued' && job.status !== 'processing';
      },
      'job',
      120_000,
    );
    if (job.status !== 'completed' || job.successful !== ROWS) throw new Error(`job ended ${JSON.stringify(job)}`);
    const t2 = performance.now();
    const zip = await fetch(`${base}/api/jobs/${job_id}/results?format=zip`, { headers });
    let bytes = 0;
    for await (const chunk of zip.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const t3 = performance.now();
    if (zip.status !== 200) throw new Error(`ZIP download: ${zip.status}`);
    if (type === 'dynamic') {
      // The job's codes exist and belong to the key: one per row.
      const list = await fetch(`${base}/api/codes?limit=1`, { headers });
      const total = ((await list.json()) as { pagination: { total: number } }).pagination.total;
      if (total !== ROWS) throw new Error(`dynamic job made ${total} codes, not ${ROWS}`);
    }
    return {
      mode,
      type,
      'end to end s': ((t3 - t0) / 1000).toFixed(2),
      'upload s': ((t1 - t0) / 1000).toFixed(2),
      'render s': ((t2 - t1) / 1000).toFixed(2),
      'zip s': ((t3 - t2) / 1000).toFixed(2),
      'zip MB': (bytes / 1e6).toFixed(1),
      'gateway peak RSS MB': peakRssMb(gateway).toFixed(0),
      'worker peak RSS MB': worker ? peakRssMb(worker).toFixed(0) : '-',
    };
  } finally {
    gateway.kill('SIGTERM');
    worker?.kill('SIGTERM');
    await sleep(300);
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
const cpus = os.cpus();
console.log(
  `bulk bench: ${ROWS} rows, PNG width ${WIDTH}, batchSize ${BATCH}; ${cpus.length} cores (${cpus[0]?.model ?? '?'}), Node ${process.version}`,
);
const runs = new Map<string, Record<string, string>[]>();
for (let i = 0; i < RUNS; i++) {
  for (const mode of MODES) {
    for (const type of TYPES) {
      const r = await run(mode, type);
      runs.set(`${mode} ${type}`, [...(runs.get(`${mode} ${type}`) ?? []), r]);
    }
  }
}
const results: Record<string, string>[] = [...runs.values()].map((rs) => {
  const byTime = [...rs].sort((a, b) => Number(a['end to end s']) - Number(b['end to end s']));
  const median = byTime[Math.floor(byTime.length / 2)]!;
  return { ...median, 'end to end, every run': rs.map((r) => r['end to end s']).join(' / ') };
});
console.table(results);
const slowest = Math.max(...results.map((r) => Number(r['end to end s'])));
console.log(
  `target: every job under 5 s end to end (median of ${RUNS}): ${slowest < 5 ? 'met' : 'NOT met'} (slowest ${slowest.toFixed(2)} s)`,
);
