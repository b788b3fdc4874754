/**
 * Rate limits per API key (`request.apiKey.id`), counted in Redis when
 * REDIS_URL is set so that every gateway instance shares them. Registered
 * after auth: its hook is route-level, so it runs after auth's onRequest.
 * A Redis error skips the limit rather than failing or hanging the request.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.js';
import { isOpenRoute } from './auth.js';

export interface RateLimitOptions {
  max: number;
  /** Milliseconds. */
  timeWindow: number;
}

export function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  if (ms % 1000 === 0) return ms === 1000 ? 'second' : `${ms / 1000} seconds`;
  return `${ms} ms`;
}

const limits: FastifyPluginAsync<RateLimitOptions> = async (app, opts) => {
  const window = describeWindow(opts.timeWindow);
  await app.register(rateLimit, {
    global: true,
    max: opts.max,
    timeWindow: opts.timeWindow,
    ...(app.redis ? { redis: app.redis } : {}),
    nameSpace: 'batchcode:ratelimit:',
    skipOnError: true,
    keyGenerator: (request) => request.apiKey?.id ?? request.ip,
    allowList: (request) => isOpenRoute(request),
    errorResponseBuilder: (_request, ctx) =>
      new HttpError(
        ctx.statusCode,
        `rate limit exceeded: at most ${ctx.max} requests per ${window} for this API key; retry in ${ctx.after}`,
      ),
  });
};

export default fp(limits, { name: 'rate-limit', fastify: '5.x', dependencies: ['auth', 'redis'] });
