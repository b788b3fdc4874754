/** Process-wide limits and the native cache's bounds, from the environment and `configure`. */
import { envInt } from './env.js';
import { native } from './native.js';

export const settings = {
  batchMaxItems: envInt('BATCH_MAX_ITEMS', 100, 1, 10_000),
};

native.configureCache({
  max_entries: envInt('CACHE_MAX_SIZE', 1000, 0, 10_000_000),
  ttl_seconds: envInt('CACHE_DEFAULT_TTL', 3600, 0, 31_536_000),
  max_bytes: envInt('CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
});

export interface Settings {
  /** Items accepted by one `renderBatch` call. Default `BATCH_MAX_ITEMS` or 100. */
  batch_max_items?: number;
  /** Cached renders kept at most; 0 turns the cache off. Default `CACHE_MAX_SIZE` or 1000. */
  cache_max_entries?: number;
  /** Bytes of cached output kept at most. Default `CACHE_MAX_BYTES` or 64 MiB. */
  cache_max_bytes?: number;
  /** Seconds a cached render stays valid. Default `CACHE_DEFAULT_TTL` or 3600. */
  cache_ttl_seconds?: number;
}

/** Changes limits and cache bounds for this process. */
export function configure(s: Settings): void {
  if (s.batch_max_items !== undefined) {
    if (!Number.isInteger(s.batch_max_items) || s.batch_max_items < 1) {
      throw new RangeError(`batch_max_items must be a whole number >= 1, got ${s.batch_max_items}`);
    }
    settings.batchMaxItems = s.batch_max_items;
  }
  native.configureCache({
    max_entries: s.cache_max_entries,
    max_bytes: s.cache_max_bytes,
    ttl_seconds: s.cache_ttl_seconds,
  });
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export function cacheStats(): CacheStats {
  return native.cacheStats();
}

export function clearCache(): void {
  native.clearCache();
}
