/**
 * The bulk-job service the routes use: a job store and a queue, chosen by
 * REDIS_URL (Redis + BullMQ workers) or not (files under DATA_DIR, jobs run
 * in this process). Creating a job stages its files under tmp/, moves them
 * into jobs/<id>/ whole, then records and enqueues it; any failure on the way
 * leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Redis } from 'ioredis';
import type { BulkConfig } from './config.js';
import { startCleanup } from './cleanup.js';
import type { Ingested } from './ingest.js';
import { files, jobDir, jobsRoot, tmpRoot } from './paths.js';
import { BullJobQueue, InProcessQueue, type JobQueue } from './queue.js';
import { gatewayRedis } from '../infra/redis.js';
import { RedisJobStore } from './redis-store.js';
import type { InvalidRow } from './schema.js';
import type { JobSpec } from './spec.js';
import { ACTIVE, FileJobStore, type JobStore } from './store.js';

export interface Staging {
  id: string;
  dir: string;
  discard(): Promise<void>;
}

export interface Accepted {
  job_id: string;
  status: 'queued';
  total_rows: number;
  invalid_rows: InvalidRow[];
}

export interface BulkService {
  mode: 'in-process' | 'redis';
  config: BulkConfig;
  store: JobStore;
  queue: JobQueue;
  stage(): Promise<Staging>;
  commit(
    staging: Staging,
    owner: string,
    spec: Omit<JobSpec, 'columns' | 'total_rows'>,
    ingested: Ingested,
  ): Promise<Accepted>;
  /** Cancels if running, then forgets the job and removes its files. */
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  redisUrl?: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;
}

export async function createBulkService(config: BulkConfig, opts: ServiceOptions = {}): Promise<BulkService> {
  const log = opts.log ?? (() => undefined);
  await mkdir(jobsRoot(config.dataDir), { recursive: true });
  await mkdir(tmpRoot(config.dataDir), { recursive: true });

  let redis: Redis | undefined;
  let store: JobStore;
  let queue: JobQueue;
  if (opts.redisUrl) {
    redis = gatewayRedis(opts.redisUrl);
    redis.on('error', (err: Error) => log('warn', `bulk redis: ${err.message}`));
    store = new RedisJobStore(redis);
    queue = new BullJobQueue(redis);
  } else {
    store = await FileJobStore.open(config.dataDir);
    queue = new InProcessQueue(
      { store, dataDir: config.dataDir, batchAttempts: config.batchAttempts, batchBackoffMs: config.batchBackoffMs },
      {
        concurrency: config.workerConcurrency,
        attempts: 3,
        backoffMs: config.batchBackoffMs,
        log: (msg, err) => log('warn', msg, err),
      },
    );
  }

  const inputRef = (id: string) => relative(config.dataDir, join(jobDir(config.dataDir, id), files.input));

  // Jobs queued or running when the gateway last stopped: resume them. In
  // Redis mode this runs whenever the connection is (re)established, without
  // delaying the start; re-adding a job BullMQ already holds is a no-op.
  const resume = async () => {
    try {
      for (const rec of await store.all()) {
        if (ACTIVE.includes(rec.status)) {
          await queue.enqueue({ job_id: rec.job_id, owner: rec.owner, input: inputRef(rec.job_id) });
        }
      }
    } catch (err) {
      log('warn', 'could not resume bulk jobs', err);
    }
  };
  if (redis) redis.on('ready', () => void resume());
  else await resume();

  const stopCleanup = startCleanup(store, config.dataDir, config.resultTtlDays, config.cleanupIntervalMs, (err) =>
    log('warn', 'bulk clean-up failed', err),
  );

  return {
    mode: redis ? 'redis' : 'in-process',
    config,
    store,
    queue,

    async stage() {
      const id = randomUUID();
      const dir = join(tmpRoot(config.dataDir), id);
      await mkdir(join(dir, files.batches), { recursive: true });
      return { id, dir, discard: () => rm(dir, { recursive: true, force: true }) };
    },

    async commit(staging, owner, spec, ingested) {
      const id = staging.id;
      const full: JobSpec = { ...spec, columns: ingested.columns, total_rows: ingested.total_rows };
      const final = jobDir(config.dataDir, id);
      try {
        await writeFile(join(staging.dir, files.spec), JSON.stringify(full));
        await rename(staging.dir, final);
        await store.create({
          job_id: id,
          owner,
          status: 'queued',
          total_rows: ingested.total_rows,
          processed: 0,
          successful: 0,
          failed: 0,
          render_ms: 0,
          created_at: new Date().toISOString(),
          started_at: null,
          finished_at: null,
        });
        await queue.enqueue({ job_id: id, owner, input: inputRef(id) });
      } catch (err) {
        await store.remove(id).catch(() => undefined);
        await rm(final, { recursive: true, force: true });
        await staging.discard();
        throw err;
      }
      return { job_id: id, status: 'queued', total_rows: ingested.total_rows, invalid_rows: ingested.invalid_rows };
    },

    async remove(id) {
      await store.transition(id, ACTIVE, { status: 'cancelled', finished_at: new Date().toISOString() });
      await queue.discard(id);
      await store.remove(id);
      await rm(jobDir(config.dataDir, id), { recursive: true, force: true });
    },

    async close() {
      stopCleanup();
      await queue.close();
      await store.close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
