/**
 * The web app (src/web, built into dist/web by scripts/build-web.ts) at `/`:
 * index.html and its content-hashed assets. The routes are open (the app asks
 * for the key and sends it to the API itself) and outside the rate limits, so
 * the page still loads, and can say when to retry, while its key is limited.
 * Every answer carries a strict Content-Security-Policy: script and style from
 * this origin only, images also as blob: URLs (previews are fetched with the
 * key, then shown as object URLs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Three folders up from src/gateway/plugins and from dist/gateway/plugins alike: the package root. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** What the build names its files: never a path, never a dot file. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)+$/;

/** Asset names carry their content's hash: a new build is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebOptions {
  root?: string;
}

/** Not wrapped in fastify-plugin: `reply.sendFile` stays this plugin's, apart from Swagger UI's own. */
const web: FastifyPluginAsync<WebOptions> = async (app, opts) => {
  const root = opts.root ?? WEB_ROOT;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn(`the web app is not built (no ${join(root, 'index.html')}): run npm run build:web`);
    return;
  }
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, etag: true, lastModified: false });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  const page = { config: { open: true }, schema: { hide: true } };
  app.get('/', page, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  app.get<{ Params: { file: string } }>('/assets/:file', page, (request, reply) => {
    const { file } = request.params;
    if (!ASSET_NAME.test(file)) return reply.callNotFound();
    return reply.header('cache-control', IMMUTABLE).sendFile(join('assets', file));
  });
};

export default web;
