/** Building a gateway for route tests: a known key, no logs, closed by the test's teardown. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/gateway/app.js';
import { loadConfig, type Config } from '../../src/gateway/config.js';
import { configure } from '../../src/lib/index.js';

export const KEY = 'test-key-0123456789abcdef';
export const OTHER_KEY = 'other-key-fedcba9876543210';
export const auth = { 'x-api-key': KEY };

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function gateway(
  t: Teardown,
  env: NodeJS.ProcessEnv = {},
  options: BuildOptions = { logger: false },
): Promise<FastifyInstance> {
  // Each app its own DATA_DIR (bulk files, the codes' SQLite file), unless the test shares one on purpose.
  const dataDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'batchcode-gateway-'));
  const config = loadConfig({ API_KEYS: `${KEY},${OTHER_KEY}`, ...(dataDir ? { DATA_DIR: dataDir } : {}), ...env });
  const app = await buildApp(configured(config), options);
  t.teardown(async () => {
    await app.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return app;
}

/**
 * As the server entry point does: the Node API takes the batches the gateway accepts, and its
 * resolver; the cache keeps what the test set.
 */
export function configured(config: Config): Config {
  configure({ batch_max_items: config.batchMaxItems, digital_link_resolver: config.library.digital_link_resolver });
  return config;
}
