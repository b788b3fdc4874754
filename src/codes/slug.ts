/**
 * Slugs: the last segment of a short link. Random ones are 8 characters of
 * [A-Za-z0-9] from the CSPRNG (62^8, about 2.2e14: not guessable by
 * enumeration); custom aliases are checked against words the service or a
 * reader could mistake for something else.
 */
import { randomBytes } from 'node:crypto';
import { CodeInputError } from './errors.js';

export const RANDOM_SLUG_LENGTH = 8;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 62 below 256: bytes above it are drawn again, so every character is equally likely. */
const UNBIASED = 256 - (256 % ALPHABET.length);

/** Random bytes drawn 4 KiB at a time: a bulk job asks for 10,000 slugs at once. */
let pool = Buffer.alloc(0);
let next = 0;

function randomByte(): number {
  if (next >= pool.length) {
    pool = randomBytes(4096);
    next = 0;
  }
  return pool[next++]!;
}

export function randomSlug(length = RANDOM_SLUG_LENGTH): string {
  let slug = '';
  while (slug.length < length) {
    const byte = randomByte();
    if (byte < UNBIASED) slug += ALPHABET[byte % ALPHABET.length];
  }
  return slug;
}

/** Aliases refused whatever their case: routes, and words that read as the service's own pages. */
export const RESERVED_ALIASES = new Set([
  'admin',
  'api',
  'app',
  'assets',
  'docs',
  'favicon.ico',
  'health',
  'help',
  'login',
  'logout',
  'r',
  'ready',
  'robots.txt',
  'static',
  'stats',
  'www',
]);

export function checkAlias(alias: string, field: string): string {
  if (RESERVED_ALIASES.has(alias.toLowerCase())) {
    throw new CodeInputError(field, `"${alias}" is a reserved word; choose another alias`);
  }
  return alias;
}
