/**
 * CORS for browser callers (CORS_ORIGINS), with @fastify/cors. Registered
 * before auth: its onRequest hook answers a preflight before auth asks for a
 * key (a browser sends none with it), and sets the CORS headers of every other
 * answer before auth can refuse it, so a page can read a 401 or 429 too.
 *
 * An origin not listed gets no CORS headers at all, preflight included (its
 * OPTIONS is then a 404). Without CORS_ORIGINS nothing is registered.
 */
import fastifyCors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** A list of origins, or '*' for any. */
  origins: string[] | '*';
}

/** Methods the API's routes answer. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];
/** Request headers a page may send: the key, a JSON body, revalidation, its own request id. */
export const CORS_ALLOWED_HEADERS = ['x-api-key', 'authorization', 'content-type', 'if-none-match', 'x-request-id'];
/** Response headers a page may read beside the safe ones. */
export const CORS_EXPOSED_HEADERS = [
  'etag',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'content-disposition',
  'x-request-id',
];
/** Seconds a browser may reuse a preflight's answer. */
export const CORS_MAX_AGE = 600;

const cors: FastifyPluginAsync<CorsOptions> = async (app, opts) => {
  const listed = opts.origins === '*' ? null : new Set(opts.origins);
  await app.register(fastifyCors, {
    // A listed origin is echoed back; any other disables CORS for the request (no headers).
    origin: listed ? (origin, cb) => cb(null, origin !== undefined && listed.has(origin) ? origin : false) : '*',
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE,
    credentials: false,
    // An OPTIONS without Access-Control-Request-Method is not a preflight: no text/plain 400 for it.
    strictPreflight: false,
  });
  if (listed) {
    // The answer depends on Origin; routes that set Vary themselves (the image routes) must not drop it.
    app.addHook('onSend', async (_request, reply) => {
      const vary = reply.getHeader('vary');
      const value = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
      if (!/(^|,)\s*origin\s*(,|$)/i.test(value)) reply.header('vary', value ? `${value}, Origin` : 'Origin');
    });
  }
};

export default fp(cors, { name: 'cors', fastify: '5.x' });
