/**
 * `npm run worker`: one bulk-job worker process (REDIS_URL required, DATA_DIR
 * shared with the gateway). SIGTERM/SIGINT: stop taking jobs, hand the
 * running ones back after their current batch, exit.
 */
import { loadWorkerConfig, type WorkerConfig } from '../bulk/config.js';
import { startWorker } from '../bulk/worker.js';
import { configure } from '../lib/index.js';

const log = (level: 'info' | 'warn' | 'error', msg: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, msg })}\n`);

async function main(): Promise<void> {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(process.env);
    configure(config.library);
  } catch (err) {
    log('error', `worker not started: ${(err as Error).message}`);
    process.exit(1);
  }
  const handle = await startWorker(config, config.redisUrl, log);
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

main().catch((err: Error) => {
  log('error', `worker failed to start: ${err.message}`);
  process.exit(1);
});
