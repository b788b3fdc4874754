/**
 * API-key authentication: `x-api-key: <key>` or `Authorization: Bearer <key>`.
 * The presented key is hashed with SHA-256 and compared in constant time with
 * every stored hash; the matching key's name becomes `request.apiKey.id`.
 * /health, /ready, /docs*, the short links (/r/:slug), the web app's files
 * (routes with `config.open`) and CORS preflights are open. A signed image URL (signing.ts) stands in for a key: its `by`
 * key becomes `request.apiKey`, and its answer may be cached publicly until
 * it expires.
 *
 * An address that sent too many wrong keys gets 429 before its key is even
 * looked at (see login-failures.ts). A key in the query string is refused
 * with 400: it has leaked into logs and histories on the way, and the
 * gateway's own log redacts it (logger.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyEntry } from '../config.js';
import type { SigningConfig } from '../embed-config.js';
import { HttpError } from '../errors.js';
import { LOGIN_FAILURE_WINDOW_MS, LOGIN_FAILURES_MAX, loginFailures } from '../login-failures.js';
import {
  BY,
  EXPIRES,
  SIG,
  SIGNED_PARAMS,
  SIGNED_ROUTE,
  signedCacheControl,
  urlSigner,
  type Query,
  type UrlSigner,
} from '../signing.js';

export interface ApiKey {
  /** The key's name from the configuration; never the key itself. */
  id: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anyone may call the route: no key, and no rate limit (the web app's static files). */
    open?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated key. Set on every route but the open ones (/health, /ready, /docs*), where it is null. */
    apiKey: ApiKey;
    /** The expiry (Unix seconds) of the signed URL this request came with; null for any other request. */
    signedUntil: number | null;
  }
  interface FastifyInstance {
    /** Makes and checks signed image URLs with the server's secret. */
    urlSigner: UrlSigner;
  }
}

export interface AuthOptions {
  apiKeys: ApiKeyEntry[];
  signing: SigningConfig;
}

/** Routes anyone may call: probes, and the short links printed codes lead to. */
const OPEN_ROUTES = new Set(['/health', '/ready', '/r/:slug']);

export function isOpenRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined) return false;
  // @fastify/cors's catch-all OPTIONS route: it answers preflights (before this hook runs), else 404.
  if (route === '*' && request.method === 'OPTIONS') return true;
  if (request.routeOptions.config.open === true) return true;
  return OPEN_ROUTES.has(route) || route === '/docs' || route.startsWith('/docs/');
}

/** The caller's key name: the owner of what the request makes or reads (jobs, codes). */
export function ownerOf(request: FastifyRequest): string {
  const id = request.apiKey?.id;
  if (!id) throw new HttpError(401, 'missing API key');
  return id;
}

/** The key from `x-api-key`, or from `Authorization: Bearer`, or undefined. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  return undefined;
}

/** Query parameters a client may put a key in by mistake, compared without case, `-` or `_`. */
const KEY_PARAMS = new Set(['apikey', 'xapikey', 'key', 'token', 'accesstoken', 'authorization']);

export function isKeyParam(name: string): boolean {
  return KEY_PARAMS.has(name.toLowerCase().replaceAll(/[-_]/g, ''));
}

function refuseKeyInQuery(request: FastifyRequest): void {
  const query = request.query;
  if (query === null || typeof query !== 'object') return;
  const name = Object.keys(query).find(isKeyParam);
  if (name === undefined) return;
  throw new HttpError(
    400,
    `send the API key in the x-api-key header, never in the URL: the query parameter ${JSON.stringify(name)} is refused. ` +
      'URLs are kept in browser histories and proxy logs, so a key sent this way has leaked already: replace it.',
  );
}

const auth: FastifyPluginAsync<AuthOptions> = async (app, opts) => {
  const stored = opts.apiKeys.map((k) => ({ id: k.id, hash: Buffer.from(k.hash, 'hex') }));
  for (const k of opts.apiKeys) {
    if (k.weakness) {
      app.log.warn(
        { key: k.id },
        `API key ${k.id} is easy to guess (${k.weakness}): replace it with a random one, e.g. "openssl rand -hex 32"`,
      );
    }
  }
  const signer = urlSigner(opts.signing.secret, opts.apiKeys);
  app.decorate('urlSigner', signer);
  app.decorateRequest('signedUntil', null);

  /**
   * A GET of the image route with `sig`: checked here instead of a key (403
   * when it does not hold), then its own parameters are taken off the query so
   * the route sees the image's alone. Wrong signatures are not counted as
   * wrong keys: a stale embedded image must not lock an office out.
   */
  function acceptSigned(request: FastifyRequest): boolean {
    if (request.routeOptions.url !== SIGNED_ROUTE || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return false;
    }
    const query = request.query as Query;
    if (!(SIG in query)) {
      if (EXPIRES in query || BY in query) {
        throw new HttpError(403, `signed URL refused: it has ${EXPIRES} or ${BY} but no ${SIG}; copy the whole URL`);
      }
      return false;
    }
    const verdict = signer.verify(request.url.split('?')[0] as string, query, Date.now());
    if (!verdict.ok) throw new HttpError(403, verdict.message);
    for (const name of SIGNED_PARAMS) delete query[name];
    request.apiKey = { id: verdict.by };
    request.signedUntil = verdict.expires;
    return true;
  }

  /** Compares against every stored hash, without stopping at a match. */
  function lookup(key: string): ApiKey | undefined {
    const hash = createHash('sha256').update(key, 'utf8').digest();
    let found: ApiKey | undefined;
    for (const entry of stored) {
      if (timingSafeEqual(hash, entry.hash) && found === undefined) found = { id: entry.id };
    }
    return found;
  }

  app.decorateRequest('apiKey', null as unknown as ApiKey);
  // The redis plugin decorates first (a dependency below), null without REDIS_URL.
  const failures = loginFailures(app.redis);

  app.addHook('onRequest', async (request, reply) => {
    if (isOpenRoute(request)) return;
    refuseKeyInQuery(request);
    if (acceptSigned(request)) return;
    const wait = await failures.blockedFor(request.ip);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new HttpError(
        429,
        `too many wrong API keys from this address: at most ${LOGIN_FAILURES_MAX} per ${LOGIN_FAILURE_WINDOW_MS / 1000} s; retry in ${seconds} s`,
        { 'retry-after': String(seconds) },
      );
    }
    const key = presentedKey(request);
    if (key === undefined) {
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, 'missing API key: send it as "x-api-key: <key>" or "Authorization: Bearer <key>"');
    }
    const found = lookup(key);
    if (!found) {
      await failures.record(request.ip);
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid API key');
    }
    request.apiKey = found;
  });

  // A signed image may be kept by any cache (the URL is its credential), but not past its expiry.
  app.addHook('onSend', async (request, reply) => {
    if (request.signedUntil === null || (reply.statusCode !== 200 && reply.statusCode !== 304)) return;
    reply.header('cache-control', signedCacheControl(request.signedUntil, Date.now()));
  });
};

export default fp(auth, { name: 'auth', fastify: '5.x', dependencies: ['redis'] });
