/**
 * The bulk-job service the gateway uses: a job store and a queue, chosen by
 * whether the gateway has a Redis client (Redis + BullMQ workers) or not
 * (files under DATA_DIR, jobs run in this process). The service uses the
 * client it is given and never opens one; its owner closes it.
 */
import { mkdir } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { isConnected, isRedisOutage, RedisUnavailableError } from '../infra/redis.js';
import { startCleanup } from './cleanup.js';
import type { DynamicCodes } from './dynamic.js';
import type { BulkConfig } from './config.js';
import { watchJob, type JobEventSink, type JobWatch } from './events.js';
import type { Readable } from 'node:stream';
import {
  cancelJob,
  getJob,
  jobLabels,
  jobResults,
  jobStats,
  listJobs,
  ownJob,
  removeJob,
  type Download,
  type BulkDeps,
} from './jobs.js';
import { inputRef, jobsRoot, tmpRoot } from './paths.js';
import { BullJobQueue, InProcessQueue, type JobQueue } from './queue.js';
import { RedisJobStore } from './redis-store.js';
import { retryJob } from './retry.js';
import type {
  Accepted,
  Checked,
  DirectBody,
  JobList,
  JobView,
  ListQuery,
  ResultFormat,
  Retried,
  Stats,
} from './schema.js';
import { checkCsv, submitCsv, submitItems, type ReceiveCsv } from './submit.js';
import { ACTIVE, FileJobStore, type JobStore } from './store.js';
import { publishDataDir } from './workers.js';

export type { Download } from './jobs.js';
export type { ReceiveCsv } from './submit.js';
export type { JobEventSink, JobWatch } from './events.js';

/** Whole-job tries in in-process mode; each resumes from the last saved batch. */
const IN_PROCESS_JOB_ATTEMPTS = 3;

export interface BulkService {
  mode: 'in-process' | 'redis';
  config: BulkConfig;
  /** Queues a job from the CSV `receive` writes; bad input is a `BulkInputError`. */
  submitCsv(owner: string, receive: ReceiveCsv): Promise<Accepted>;
  /** Reads and checks an upload as `submitCsv` would, queuing nothing. */
  check(owner: string, receive: ReceiveCsv): Promise<Checked>;
  /** Queues a job from a direct request's items. */
  submitItems(owner: string, body: DirectBody): Promise<Accepted>;
  get(owner: string, id: string): Promise<JobView>;
  list(owner: string, query: ListQuery): Promise<JobList>;
  stats(owner: string): Promise<Stats>;
  cancel(owner: string, id: string): Promise<JobView>;
  /** Queues a new job of a finished job's failed and unprocessed rows; nothing to retry is a `JobConflict`. */
  retry(owner: string, id: string): Promise<Retried>;
  remove(owner: string, id: string): Promise<void>;
  results(owner: string, id: string, format: ResultFormat): Promise<Download>;
  /** A completed job's labels.pdf (`options.sheet` as an object). */
  labels(owner: string, id: string): Promise<Readable>;
  /**
   * Sends the owner's job's state to `sink` now, then each change of it, until it ends or goes (see events.ts).
   * Another owner's job is a `JobNotFound`, and Redis away a `RedisUnavailableError`, before anything is sent.
   */
  watch(owner: string, id: string, sink: JobEventSink): Promise<JobWatch>;
  /** Watches running now (each open event stream holds one). */
  watchers(): number;
  /** Ends every watch: before the server closes, so that open event streams do not hold its close. */
  endWatches(): void;
  /** True when `err` means the service's Redis cannot be reached (never in in-process mode). */
  unavailable(err: unknown): boolean;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The process's Redis client: jobs go to BullMQ workers. Without it they run in this process. */
  redis?: Redis;
  /** Makes the codes of dynamic jobs (the gateway's code service). */
  codes?: DynamicCodes;
  log?: (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;
}

export async function createBulkService(config: BulkConfig, opts: ServiceOptions = {}): Promise<BulkService> {
  const log = opts.log ?? (() => undefined);
  const { redis } = opts;
  await mkdir(jobsRoot(config.dataDir), { recursive: true });
  await mkdir(tmpRoot(config.dataDir), { recursive: true });

  let store: JobStore;
  let queue: JobQueue;
  if (redis) {
    store = new RedisJobStore(redis);
    queue = new BullJobQueue(redis);
  } else {
    store = await FileJobStore.open(config.dataDir);
    queue = new InProcessQueue(
      { store, dataDir: config.dataDir, batchAttempts: config.batchAttempts, batchBackoffMs: config.batchBackoffMs },
      {
        concurrency: config.workerConcurrency,
        attempts: IN_PROCESS_JOB_ATTEMPTS,
        backoffMs: config.batchBackoffMs,
        log: (msg, err) => log('warn', msg, err),
      },
    );
  }
  const deps: BulkDeps = { config, store, queue, ...(opts.codes ? { codes: opts.codes } : {}) };

  // Jobs queued or running when the gateway last stopped: resume them. In
  // Redis mode this runs now if connected and whenever the connection is
  // (re)established; re-adding a job BullMQ already holds is a no-op.
  const resume = async () => {
    try {
      for (const rec of await store.all()) {
        if (ACTIVE.includes(rec.status)) {
          await queue.enqueue({ job_id: rec.job_id, owner: rec.owner, input: inputRef(config.dataDir, rec.job_id) });
        }
      }
    } catch (err) {
      log('warn', 'could not resume bulk jobs', err);
    }
  };
  // Workers check that they share this DATA_DIR against what the gateway publishes (workers.ts).
  const publish = async () => {
    if (!redis) return;
    try {
      const other = await publishDataDir(redis, config.dataDir);
      if (other) {
        log(
          'warn',
          `Redis named another DATA_DIR (${other.dir} on host ${other.host}) before this gateway's (${config.dataDir}): a gateway with another directory shares this Redis, or the directory was replaced`,
        );
      }
    } catch (err) {
      log('warn', 'could not publish DATA_DIR for the workers', err);
    }
  };
  const onReady = () => void publish().then(resume);
  if (redis) {
    redis.on('ready', onReady);
    // Published before the gateway serves, so a worker started next finds it at once.
    if (redis.status === 'ready') await publish().then(() => void resume());
  } else await resume();

  /**
   * Refuses at once while Redis is away, before an upload is read: reading
   * megabytes only to fail at the end is slow, and a retry soon is better.
   */
  const available = () => {
    if (redis && !isConnected(redis)) throw new RedisUnavailableError();
  };

  const watches = new Set<JobWatch>();
  const endWatches = () => {
    for (const watch of [...watches]) watch.stop();
  };
  const unavailable = (err: unknown) => (redis ? isRedisOutage(err, redis) : false);

  const stopCleanup = startCleanup(store, config.dataDir, config.resultTtlDays, config.cleanupIntervalMs, (err) =>
    log('warn', 'bulk clean-up failed', err),
  );

  return {
    mode: redis ? 'redis' : 'in-process',
    config,
    submitCsv: async (owner, receive) => {
      available();
      return submitCsv(deps, owner, receive);
    },
    check: (owner, receive) => checkCsv(deps, owner, receive),
    submitItems: async (owner, body) => {
      available();
      return submitItems(deps, owner, body);
    },
    get: (owner, id) => getJob(deps, owner, id),
    list: (owner, query) => listJobs(deps, owner, query),
    stats: (owner) => jobStats(deps, owner),
    cancel: (owner, id) => cancelJob(deps, owner, id),
    retry: async (owner, id) => {
      available();
      return retryJob(deps, owner, id);
    },
    remove: (owner, id) => removeJob(deps, owner, id),
    results: (owner, id, format) => jobResults(deps, owner, id, format),
    labels: (owner, id) => jobLabels(deps, owner, id),
    watch: async (owner, id, sink) => {
      available();
      const rec = await ownJob(deps, owner, id);
      const entry: { watch?: JobWatch; ended?: boolean } = {};
      const watch = await watchJob(
        deps,
        owner,
        rec.job_id,
        {
          event: (name, data) => sink.event(name, data),
          end: () => {
            entry.ended = true;
            if (entry.watch) watches.delete(entry.watch);
            sink.end();
          },
        },
        {
          // Redis going away ends the watch (its client reconnects); anything else is a fault to log.
          onError: (err) => {
            if (!unavailable(err)) log('error', `watching bulk job ${rec.job_id} failed`, err);
          },
        },
      );
      entry.watch = watch;
      // A job already finished ended its watch before it was returned.
      if (!entry.ended) watches.add(watch);
      return watch;
    },
    watchers: () => watches.size,
    endWatches,
    unavailable,
    async close() {
      endWatches();
      stopCleanup();
      redis?.off('ready', onReady);
      await queue.close();
      await store.close();
    },
  };
}
