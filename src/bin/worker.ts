/** `npm run worker`: one bulk-job worker (src/bulk/worker-main.ts) with this process's environment. */
import { runWorker, workerLog } from '../bulk/worker-main.js';

runWorker(process.env).catch((err: Error) => {
  workerLog('error', `worker failed to start: ${err.message}`);
  process.exit(1);
});
