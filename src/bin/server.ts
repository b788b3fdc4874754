/** `npm start`: the gateway (src/gateway/main.ts) with this process's environment. */
import { runServer } from '../gateway/main.js';

runServer(process.env).catch((err: unknown) => {
  process.stderr.write(`batchcode: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
