/**
 * The gateway's one Redis client when REDIS_URL is set (`app.redis`, else
 * null), made by `failFastRedis` (src/infra/redis.ts): rate limits, /ready and
 * the bulk routes all use it, so a Redis outage makes callers skip Redis or
 * answer 503 instead of hanging requests.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { failFastRedis } from '../../infra/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared fail-fast Redis client, or null when REDIS_URL is not set. */
    redis: Redis | null;
  }
}

export interface RedisOptions {
  url?: string;
  /** How long to wait for the first connection before going on without it. Default 2000 ms. */
  connectTimeoutMs?: number;
}

const redis: FastifyPluginAsync<RedisOptions> = async (app, opts) => {
  if (!opts.url) {
    app.decorate('redis', null);
    return;
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const client = failFastRedis(opts.url);
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // ioredis reports every failed reconnect; one line every 10 s is enough.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      app.log.warn({ reason: err.message }, 'redis unavailable');
    }
  });
  client.on('ready', () => app.log.info('redis connected'));
  app.decorate('redis', client);
  app.addHook('onClose', async () => {
    if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
    else client.disconnect();
  });
  const ac = new AbortController();
  const ready = await Promise.race([
    once(client, 'ready', { signal: ac.signal }).then(() => true),
    sleep(connectTimeoutMs, false, { signal: ac.signal }),
  ]).catch(() => false);
  ac.abort();
  if (!ready) app.log.warn('redis not reachable at start; rate limits stay local and bulk jobs answer 503 until it is');
};

export default fp(redis, { name: 'redis', fastify: '5.x' });
