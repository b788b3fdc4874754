/**
 * Bulk-job test harness: a gateway in in-process mode or with Redis and an
 * in-test BullMQ worker (fresh DATA_DIR and redis-server each), multipart
 * bodies, polling, and unzipping (yauzl).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { parse as parseCsvSync } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { buildApp } from '../../src/gateway/app.js';
import { loadBulkConfig } from '../../src/bulk/config.js';
import { startWorker, type BulkWorker } from '../../src/bulk/worker.js';
import { loadConfig } from '../../src/gateway/config.js';
import { configured, KEY, OTHER_KEY } from './gateway.js';
import { startRedis, type RedisServer } from './redis.js';

export { KEY, OTHER_KEY };

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Harness {
  mode: 'in-process' | 'redis';
  app: FastifyInstance;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The test's redis-server; a test that restarts it puts the new one here for the teardown. */
  redis?: RedisServer;
  /** Closes the gateway and builds a new one on the same DATA_DIR (and Redis). */
  restart(): Promise<FastifyInstance>;
}

export const TEST_ENV: NodeJS.ProcessEnv = {
  RATE_LIMIT_MAX: '1000000',
  MAX_ROWS: '6000',
  MAX_UPLOAD_BYTES: String(1024 * 1024),
  BULK_LOCK_DURATION_MS: '2000',
  BULK_STALLED_INTERVAL_MS: '500',
  BULK_BATCH_BACKOFF_MS: '50',
};

export async function harness(
  t: Teardown,
  mode: 'in-process' | 'redis',
  extra: NodeJS.ProcessEnv = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-bulk-'));
  const env: NodeJS.ProcessEnv = { API_KEYS: `${KEY},${OTHER_KEY}`, DATA_DIR: dataDir, ...TEST_ENV, ...extra };
  let redis: RedisServer | undefined;
  let worker: BulkWorker | undefined;
  if (mode === 'redis') {
    redis = await startRedis();
    env.REDIS_URL = redis.url;
  }
  const h: Harness = {
    mode,
    dataDir,
    env,
    redis,
    app: await buildApp(configured(loadConfig(env)), { logger: false }),
    async restart() {
      await h.app.close();
      h.app = await buildApp(configured(loadConfig(env)), { logger: false });
      return h.app;
    },
  };
  // After the gateway: a worker starts once the gateway has published its DATA_DIR.
  if (redis && !extra.BULK_NO_TEST_WORKER) worker = await startWorker(loadBulkConfig(env), redis.url, () => undefined);
  t.teardown(async () => {
    await h.app.close();
    await worker?.stop();
    await h.redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return h;
}

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----batchcode${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function upload(app: FastifyInstance, csv: string | Buffer, options?: unknown, key = KEY) {
  const parts: Part[] = [{ name: 'file', value: csv, filename: 'codes.csv', contentType: 'text/csv' }];
  if (options !== undefined) parts.push({ name: 'options', value: JSON.stringify(options) });
  const { payload, headers } = multipart(parts);
  return app.inject({ method: 'POST', url: '/api/bulk/upload', payload, headers: { ...headers, 'x-api-key': key } });
}

export const get = (app: FastifyInstance, url: string, key = KEY) =>
  app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

export interface JobBody {
  job_id: string;
  status: string;
  total_rows: number;
  processed: number;
  successful: number;
  failed: number;
  progress: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error?: string;
}

/** Polls GET /api/jobs/:id until `until(job)` holds. */
export async function poll(
  app: () => FastifyInstance,
  id: string,
  until: (j: JobBody) => boolean = (j) => ['completed', 'failed', 'cancelled'].includes(j.status),
  timeoutMs = 30_000,
  key = KEY,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await get(app(), `/api/jobs/${id}`, key);
    const job = res.json() as JobBody;
    if (res.statusCode === 200 && until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${JSON.stringify(job)} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

export function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            if (out.has(entry.fileName)) return reject(new Error(`duplicate entry ${entry.fileName}`));
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Result files read back with a real CSV parser (quoted fields, CRLF, ragged rows). */
export function parseCsv(text: string): string[][] {
  return parseCsvSync(text, { relax_column_count: true }) as string[][];
}

/** `n` rows of `destination_url,title`. */
export function csvRows(n: number, prefix = 'https://example.com/item/'): string {
  let s = 'destination_url,title\n';
  for (let i = 1; i <= n; i++) s += `${prefix}${i},Item ${i}\n`;
  return s;
}
