/**
 * `npm run worker`: one bulk-job worker process (REDIS_URL required, DATA_DIR
 * shared with the gateway). SIGTERM/SIGINT: stop taking jobs, hand the
 * running ones back after their current batch, exit.
 */
import { loadBulkConfig } from '../bulk/config.js';
import { startWorker } from '../bulk/worker.js';

const log = (level: 'info' | 'warn' | 'error', msg: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, msg })}\n`);

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL?.trim();
  if (!redisUrl) throw new Error('REDIS_URL must be set for a worker (without it the gateway runs bulk jobs itself)');
  const config = loadBulkConfig();
  const handle = await startWorker(config, redisUrl, log);
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
