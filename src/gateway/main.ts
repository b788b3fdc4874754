/**
 * The gateway as a process: reads the environment it is given once,
 * configures the Node API, builds the app, listens, and on SIGTERM/SIGINT
 * stops taking connections and lets in-flight requests finish. `npm start`
 * and `batchcode serve` both run it.
 */
import type { Env } from '../infra/env.js';
import { configure } from '../lib/index.js';
import { buildApp } from './app.js';
import { keepGeneratedKey, loadConfig, type Config } from './config.js';

export async function runServer(env: Env): Promise<void> {
  let config: Config;
  try {
    config = keepGeneratedKey(loadConfig(env));
    configure(config.library);
  } catch (err) {
    // A bad setting: its message says which and what it accepts; a stack would only hide it.
    process.stderr.write(`batchcode: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const app = await buildApp(config);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    app.close().then(
      () => {
        app.log.info('closed');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  if (config.generatedKeyFile && !config.generatedApiKey) {
    // Before listening, so that whoever waits for "listening" has seen it.
    app.log.info(
      { file: config.generatedKeyFile },
      'no API_KEYS or API_KEYS_FILE given: the API key generated at the first start is valid (its hash is in this file; delete it for a new key)',
    );
  }
  await app.listen({ port: config.port, host: config.host });
  if (config.generatedApiKey) {
    // Printed once, outside the structured log, because no key was configured: only its hash is kept.
    process.stdout.write(
      `\nNo API_KEYS or API_KEYS_FILE given; generated an API key:\n\n  ${config.generatedApiKey}\n\n` +
        'It is printed only this once: keep it. It stays valid across restarts: its SHA-256 hash is kept in\n' +
        `${config.generatedKeyFile} (delete that file to generate a new key at the next start).\n` +
        'Send it as "x-api-key: <key>"; set API_KEYS or API_KEYS_FILE to use keys of your own.\n\n',
    );
  }
}
