/**
 * API-key authentication: `x-api-key: <key>` or `Authorization: Bearer <key>`.
 * The presented key is hashed with SHA-256 and compared in constant time with
 * every stored hash; the matching key's name becomes `request.apiKey.id`.
 * /health, /ready and /docs* are open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyEntry } from '../config.js';
import { HttpError } from '../errors.js';

export interface ApiKey {
  /** The key's name from the configuration; never the key itself. */
  id: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated key. Set on every route but the open ones (/health, /ready, /docs*), where it is null. */
    apiKey: ApiKey;
  }
}

export interface AuthOptions {
  apiKeys: ApiKeyEntry[];
}

const OPEN_ROUTES = new Set(['/health', '/ready']);

export function isOpenRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined) return false;
  return OPEN_ROUTES.has(route) || route === '/docs' || route.startsWith('/docs/');
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

const auth: FastifyPluginAsync<AuthOptions> = async (app, opts) => {
  const stored = opts.apiKeys.map((k) => ({ id: k.id, hash: Buffer.from(k.hash, 'hex') }));

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

  app.addHook('onRequest', async (request, reply) => {
    if (isOpenRoute(request)) return;
    const key = presentedKey(request);
    if (key === undefined) {
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, 'missing API key: send it as "x-api-key: <key>" or "Authorization: Bearer <key>"');
    }
    const found = lookup(key);
    if (!found) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid API key');
    }
    request.apiKey = found;
  });
};

export default fp(auth, { name: 'auth', fastify: '5.x' });
