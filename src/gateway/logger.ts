/**
 * The gateway's pino options. An API key is never logged: not in either
 * header, and not in the URL, where a client may have put it by mistake
 * (auth.ts refuses such a request; its URL is still logged when it arrives).
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { isKeyParam } from './plugins/auth.js';
import { SIG } from './signing.js';

export const REDACTED = '[redacted]';

/** Never logged: the API key, in either header. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

/**
 * `/a?api_key=secret&data=x` → `/a?api_key=[redacted]&data=x`; other parameters as they came. A signed
 * URL's `sig` is redacted too: with it, anyone reading the log could fetch the image until it expires.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const param = paramName(name);
      return isKeyParam(param) || param === SIG ? `${name}=${REDACTED}` : part;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}`;
}

/** Fastify's request serializer, with the URL redacted. */
function req(request: FastifyRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** `logger`: false for silence, true for pino at LOG_LEVEL, or pino options merged over these. */
export function loggerOptions(config: Config, logger: boolean | object): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const base = { level: config.logLevel, redact: { paths: REDACT, censor: REDACTED }, serializers: { req } };
  return typeof logger === 'object' ? { ...base, ...logger } : base;
}
