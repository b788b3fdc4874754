/** Building a gateway for route tests: a known key, no logs, closed by the test's teardown. */
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
  const app = await buildApp(configured(loadConfig({ API_KEYS: `${KEY},${OTHER_KEY}`, ...env })), options);
  t.teardown(() => app.close());
  return app;
}

/** As the server entry point does: the Node API takes the batches the gateway accepts. */
export function configured(config: Config): Config {
  configure({ batch_max_items: config.batchMaxItems });
  return config;
}
