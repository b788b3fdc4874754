/**
 * The Node API's settings as environment variables, shared by the gateway
 * and the worker: each entry point reads them with its own schema and hands
 * them to `configure()` (the library itself reads no environment). Bounds and
 * defaults are the core's (`SETTINGS`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { checkResolver, SETTINGS, type Settings } from '../lib/index.js';

const setting = (s: { min: number; max: number; default: number }) =>
  Type.Integer({ minimum: s.min, maximum: s.max, default: s.default });

export const LibraryEnv = Type.Object({
  BATCH_MAX_ITEMS: setting(SETTINGS.batch_max_items),
  CACHE_MAX_SIZE: setting(SETTINGS.cache_max_entries),
  CACHE_MAX_BYTES: setting(SETTINGS.cache_max_bytes),
  CACHE_DEFAULT_TTL: setting(SETTINGS.cache_ttl_seconds),
  // Length and form are checked by librarySettings(), with the core's rules.
  DIGITAL_LINK_RESOLVER: Type.Optional(Type.String()),
});

/** The settings `e` gives; throws a `BatchcodeError` naming the variable if the resolver is refused. */
export function librarySettings(e: Static<typeof LibraryEnv>): Settings {
  if (e.DIGITAL_LINK_RESOLVER !== undefined) checkResolver(e.DIGITAL_LINK_RESOLVER, 'DIGITAL_LINK_RESOLVER');
  return {
    batch_max_items: e.BATCH_MAX_ITEMS,
    cache_max_entries: e.CACHE_MAX_SIZE,
    cache_max_bytes: e.CACHE_MAX_BYTES,
    cache_ttl_seconds: e.CACHE_DEFAULT_TTL,
    ...(e.DIGITAL_LINK_RESOLVER === undefined ? {} : { digital_link_resolver: e.DIGITAL_LINK_RESOLVER }),
  };
}
