/**
 * A BullMQ worker for bulk jobs. Any number of them share the queue and
 * DATA_DIR. A job killed mid-way (SIGKILL) is found by the stalled-job check
 * of a live worker after `lockDuration` and resumes from its last saved batch;
 * `stop()` (SIGTERM) takes no new job and hands the running ones back after
 * their current batch. One patient Redis client serves the job store and
 * BullMQ's Worker, which adds the blocking connection it needs of its own.
 * A worker starts only once its DATA_DIR is known to be the gateway's, and
 * sends a heartbeat the gateway counts (workers.ts).
 */
import { UnrecoverableError, Worker, WaitingError, type Job } from 'bullmq';
import type { BulkConfig } from './config.js';
import type { QueuedJob } from './queue.js';
import { durabilityWarnings, isConnected, QUEUE_NAME, QUEUE_PREFIX, workerRedis } from '../infra/redis.js';
import { classifyFailure, isMissingFile } from './failure.js';
import { RedisJobStore } from './redis-store.js';
import { runJob } from './runner.js';
import { ACTIVE } from './store.js';
import { checkDataDir, startHeartbeat } from './workers.js';

export type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface BulkWorker {
  worker: Worker<QueuedJob>;
  /** Stops taking jobs, hands running ones back after their current batch, closes connections. */
  stop(): Promise<void>;
}

export async function startWorker(config: BulkConfig, redisUrl: string, log: Log): Promise<BulkWorker> {
  const connection = workerRedis(redisUrl);
  connection.on('error', (err: Error) => log('warn', `redis: ${err.message}`));
  const store = new RedisJobStore(connection);
  let stopping = false;

  for (const w of await durabilityWarnings(connection)) log('warn', `WARNING: ${w}`);
  try {
    // Every job would fail on a missing file: refuse to start instead (workers.ts).
    await checkDataDir(connection, config.dataDir, (msg) => log('info', msg));
  } catch (err) {
    connection.disconnect();
    throw err;
  }

  const processor = async (job: Job<QueuedJob>, token?: string) => {
    const id = job.data.job_id;
    const outcome = await runJob(id, {
      store,
      dataDir: config.dataDir,
      batchAttempts: config.batchAttempts,
      batchBackoffMs: config.batchBackoffMs,
      shouldStop: () => stopping,
    }).catch((err: unknown) => {
      // A missing file stays missing: no more tries (BullMQ's would take half a minute).
      if (!isMissingFile(err)) throw err;
      throw Object.assign(new UnrecoverableError((err as Error).message), { cause: err });
    });
    if (outcome === 'stopped') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    log('info', `job ${id}: ${outcome}`);
    return outcome;
  };

  const worker = new Worker<QueuedJob>(QUEUE_NAME, processor, {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: config.workerConcurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: 3,
  });
  worker.on('error', (err) => log('error', `worker error: ${err.message}`));
  worker.on('failed', (job, err) => {
    if (!job) return;
    // The details stay in this log; the job's owner gets a code and a sentence (failure.ts).
    log('warn', `job ${job.data.job_id} attempt ${job.attemptsMade} failed: ${err.message}`);
    void job
      .isFailed()
      .then(async (final) => {
        if (!final) return;
        const error = classifyFailure(err);
        log('error', `job ${job.data.job_id} failed: ${error.code} (${err.message})`);
        const patch = { status: 'failed' as const, error, finished_at: new Date().toISOString() };
        await store.transition(job.data.job_id, ACTIVE, patch);
      })
      .catch((e: Error) => log('error', `could not record the failure of job ${job.data.job_id}: ${e.message}`));
  });
  await worker.waitUntilReady();
  const heartbeat = await startHeartbeat(connection, (err) => log('warn', `heartbeat: ${err.message}`));

  return {
    worker,
    async stop() {
      stopping = true;
      // Counted out at once; while Redis is away the heartbeat simply stops and goes stale.
      await heartbeat.stop(isConnected(connection));
      await worker.close();
      // BullMQ leaves a client it was given open: it is ours to close (QUIT would wait for an absent Redis).
      if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
    },
  };
}
