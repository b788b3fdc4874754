/**
 * Rate limits per API key (`request.apiKey.id`), counted in Redis when
 * REDIS_URL is set so that every gateway instance shares them. Registered
 * after auth: its hook is route-level, so it runs after auth's onRequest.
 * A Redis error skips the limit rather than failing or hanging the request.
 *
 * Two budgets per key: polls (job status and its event stream, lists, stats) and downloads have
 * their own, larger one (`pollMax`), so that a client watching a job or
 * paging through its codes does not use up the renders and changes counted
 * by `max`. The open routes (probes, docs, short links) count against neither.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.js';
import { isOpenRoute } from './auth.js';

export interface RateLimitOptions {
  max: number;
  /** Per key and window, for the routes of POLL_ROUTES. */
  pollMax: number;
  /** Milliseconds. */
  timeWindow: number;
}

/** Reads a client repeats while it waits or pages (GET or HEAD): job status, lists, stats, downloads. */
export const POLL_ROUTES: ReadonlySet<string> = new Set([
  '/api/jobs',
  '/api/jobs/:id',
  '/api/jobs/:id/results',
  '/api/jobs/:id/events',
  '/api/bulk/stats',
  '/api/bulk/template',
  '/api/codes',
  '/api/codes/:id',
  '/api/codes/:id/stats',
]);

export function isPoll(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return (request.method === 'GET' || request.method === 'HEAD') && route !== undefined && POLL_ROUTES.has(route);
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
    max: (request) => (isPoll(request) ? opts.pollMax : opts.max),
    timeWindow: opts.timeWindow,
    ...(app.redis ? { redis: app.redis } : {}),
    nameSpace: 'batchcode:ratelimit:',
    skipOnError: true,
    // Key names never hold ':', so a poll bucket cannot meet a key's own.
    keyGenerator: (request) => `${isPoll(request) ? 'poll:' : ''}${request.apiKey?.id ?? request.ip}`,
    allowList: (request) => isOpenRoute(request),
    errorResponseBuilder: (request, ctx) =>
      new HttpError(
        ctx.statusCode,
        isPoll(request)
          ? `rate limit exceeded: at most ${ctx.max} status polls, lists and downloads per ${window} for this API key; retry in ${ctx.after}`
          : `rate limit exceeded: at most ${ctx.max} requests per ${window} for this API key; retry in ${ctx.after}`,
      ),
  });
};

export default fp(limits, { name: 'rate-limit', fastify: '5.x', dependencies: ['auth', 'redis'] });
