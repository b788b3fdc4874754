/**
 * The HTTP gateway as a set of plugins, without listening: server.ts
 * listens, tests use `app.inject`. Order matters: errors, Redis, the code
 * service, CORS (before auth: preflights carry no key), auth, docs, rate
 * limits (after auth, so they count per key), then the routes.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type RawRequestDefaultExpression } from 'fastify';
import type { Config } from './config.js';
import { batchMaxItems } from '../lib/index.js';
import auth from './plugins/auth.js';
import cors from './plugins/cors.js';
import { loggerOptions } from './logger.js';
import errors, { formatSchemaErrors } from './plugins/errors.js';
import rateLimit from './plugins/rate-limit.js';
import redis from './plugins/redis.js';
import shutdown from './plugins/shutdown.js';
import swagger from './plugins/swagger.js';
import codes from './plugins/codes.js';
import bulk from './routes/bulk.js';
import codeRoutes from './routes/codes.js';
import redirect from './routes/redirect.js';
import barcode from './routes/barcode.js';
import batch from './routes/batch.js';
import sign from './routes/sign.js';
import sheets from './routes/sheets.js';
import web from './plugins/web.js';
import health from './routes/health.js';
import { buildValidator } from './validation.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The settings this app was built with. */
    config: Config;
  }
}

export interface BuildOptions {
  /** false for silence, true for pino at LOG_LEVEL, or pino options (merged over the defaults). */
  logger?: boolean | object;
}

const require = createRequire(import.meta.url);
export const VERSION: string = (require('../../package.json') as { version: string }).version;

/** A client's x-request-id when it is short and plain, else a new UUID. */
function genReqId(req: RawRequestDefaultExpression): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logger ?? true),
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    trustProxy: config.trustProxy,
    genReqId,
    return503OnClosing: true,
    // Plugins that wait for Redis at start do so for a bounded time of their own; let them.
    pluginTimeout: 30_000,
    schemaErrorFormatter: formatSchemaErrors,
    schemaController: { compilersFactory: { buildValidator } },
  });

  if (config.batchMaxItems > batchMaxItems()) {
    // The entry point configures the library from the same settings (src/bin/server.ts).
    throw new Error(
      `BATCH_MAX_ITEMS is ${config.batchMaxItems} but the Node API takes ${batchMaxItems()} items per batch: call configure({ batch_max_items }) first`,
    );
  }

  app.decorate('config', config);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  try {
    await app.register(errors);
    await app.register(shutdown);
    await app.register(redis, { url: config.redisUrl });
    await app.register(codes, { config: config.codes, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) });
    if (config.corsOrigins) await app.register(cors, { origins: config.corsOrigins });
    await app.register(auth, { apiKeys: config.apiKeys, signing: config.signing });
    await app.register(swagger, { version: VERSION });
    await app.register(rateLimit, {
      max: config.rateLimitMax,
      pollMax: config.rateLimitPollMax,
      timeWindow: config.rateLimitWindow,
    });

    await app.register(health);
    await app.register(batch, {
      prefix: '/api',
      batchMaxItems: config.batchMaxItems,
      batchTimeoutMs: config.batchTimeoutMs,
    });
    await app.register(barcode, { prefix: '/api', version: VERSION });
    await app.register(sign, { prefix: '/api', signing: config.signing });
    await app.register(sheets, { prefix: '/api', bodyLimit: config.maxUploadBytes });
    await app.register(bulk, { prefix: '/api', config });
    await app.register(codeRoutes, { prefix: '/api', batchMaxItems: config.batchMaxItems, version: VERSION });
    await app.register(redirect);
    if (config.webUi) await app.register(web);
  } catch (err) {
    // A plugin that failed to start must not leave connections (Redis) open behind it.
    await app.close().catch(() => {});
    throw err;
  }

  return app;
}
