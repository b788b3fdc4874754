/**
 * Settings for browser callers: signed image URLs (URL_SIGNING_SECRET,
 * PUBLIC_API_URL) and CORS (CORS_ORIGINS). Their variables are a schema the
 * gateway's own includes; `embedConfig` shapes and checks them. The secret's
 * length is checked here rather than by the schema, whose message would
 * print the value.
 */
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { ConfigError } from '../infra/env.js';

/** A signing secret shorter than this is refused: HMAC-SHA256 wants a key of its hash's size. */
export const MIN_SECRET_LENGTH = 32;

export const EmbedEnv = Type.Object({
  URL_SIGNING_SECRET: Type.Optional(Type.String()),
  PUBLIC_API_URL: Type.Optional(
    Type.String({ pattern: '^https?://', accepts: 'an http(s) URL, e.g. https://codes.example.com' }),
  ),
  CORS_ORIGINS: Type.Optional(Type.String()),
});

export interface SigningConfig {
  secret: Buffer;
  /** True when URL_SIGNING_SECRET was unset: the secret was made at start and dies with the process. */
  generated: boolean;
  /** What signed URLs start with (no trailing slash); unset: the scheme and host of the signing request. */
  publicApiUrl?: string;
}

export interface EmbedConfig {
  signing: SigningConfig;
  /** Origins answered with CORS headers: a list, '*' for any, or null for none (no CORS headers at all). */
  corsOrigins: string[] | '*' | null;
}

function secret(given: string | undefined): { secret: Buffer; generated: boolean } {
  if (given === undefined) return { secret: randomBytes(32), generated: true };
  if (given.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `URL_SIGNING_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. from "openssl rand -base64 48"); got ${given.length}`,
    );
  }
  return { secret: Buffer.from(given, 'utf8'), generated: false };
}

function publicApiUrl(given: string): string {
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (!url || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `PUBLIC_API_URL must be an http(s) URL without query, fragment or credentials, e.g. https://codes.example.com; got "${given}"`,
    );
  }
  return given.replace(/\/+$/, '');
}

/** CORS_ORIGINS: "*", or comma-separated origins ("https://app.example.com", scheme and host, a port if any). */
function corsOrigins(given: string | undefined): string[] | '*' | null {
  if (given === undefined) return null;
  const parts = given
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === '*') return '*';
  for (const [i, part] of parts.entries()) {
    const origin = URL.canParse(part) ? new URL(part).origin : 'null';
    if (origin === 'null' || origin !== part.replace(/\/$/, '').toLowerCase() || !/^https?:/.test(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS entry ${i + 1} must be an origin such as https://app.example.com (scheme, host and port only), or the whole value "*"; got "${part}"`,
      );
    }
    parts[i] = origin;
  }
  return parts.length > 0 ? parts : null;
}

export function embedConfig(e: Static<typeof EmbedEnv>): EmbedConfig {
  const signing: SigningConfig = secret(e.URL_SIGNING_SECRET);
  if (e.PUBLIC_API_URL !== undefined) signing.publicApiUrl = publicApiUrl(e.PUBLIC_API_URL);
  return { signing, corsOrigins: corsOrigins(e.CORS_ORIGINS) };
}
