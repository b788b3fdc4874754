/**
 * A bulk-job worker as a process (REDIS_URL required, DATA_DIR shared with
 * the gateway: it exits at once, naming both, when it is not). SIGTERM/SIGINT:
 * stop taking jobs, hand the running ones back after their current batch,
 * exit. `npm run worker` and `batchcode worker` both run it.
 */
import type { Env } from '../infra/env.js';
import { configure } from '../lib/index.js';
import { loadWorkerConfig, type WorkerConfig } from './config.js';
import { startWorker, type BulkWorker } from './worker.js';
import { DataDirMismatch } from './workers.js';

const log = (level: 'info' | 'warn' | 'error', msg: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, msg })}\n`);

export async function runWorker(env: Env): Promise<void> {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(env);
    configure(config.library);
  } catch (err) {
    log('error', `worker not started: ${(err as Error).message}`);
    process.exit(1);
  }
  let handle: BulkWorker;
  try {
    handle = await startWorker(config, config.redisUrl, log);
  } catch (err) {
    // Its message names both directories: one line says it all.
    if (!(err instanceof DataDirMismatch)) throw err;
    log('error', `worker not started: ${err.message}`);
    process.exit(1);
  }
  log('info', `worker ready: concurrency ${config.workerConcurrency}, data ${config.dataDir}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', `${signal}: finishing the current batch and handing jobs back`);
    const force = setTimeout(() => process.exit(1), 60_000);
    force.unref();
    handle.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log('error', `shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

export { log as workerLog };
