/**
 * Process-wide limits and the native cache's bounds. The library reads no
 * environment: programs (and the server and worker entry points) call
 * `configure()` with what they want.
 */
import { BatchcodeError } from './errors.js';
import { native } from './native.js';

export interface Settings {
  /** Items accepted by one `renderBatch` call, 1 to 10000. Default 100. */
  batch_max_items?: number;
  /** Cached renders kept at most, 0 to 10000000; 0 turns the cache off. Default 1000. */
  cache_max_entries?: number;
  /** Bytes of cached output kept at most, 0 to 2^40. Default 64 MiB. */
  cache_max_bytes?: number;
  /** Seconds a cached render stays valid, 0 to 31536000 (a year). Default 3600. */
  cache_ttl_seconds?: number;
}

const current = { batchMaxItems: 100 };

/** The batch limit in force (read by `prepare` and the bulk runner). */
export function batchMaxItems(): number {
  return current.batchMaxItems;
}

/** Changes limits and cache bounds for this process; a bad value throws a `BatchcodeError` naming it. */
export function configure(s: Settings): void {
  if (s.batch_max_items !== undefined) {
    const n = s.batch_max_items;
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw new BatchcodeError('INVALID_SETTING', `batch_max_items must be a whole number from 1 to 10000, got ${n}`);
    }
  }
  native.configureCache({
    max_entries: s.cache_max_entries,
    max_bytes: s.cache_max_bytes,
    ttl_seconds: s.cache_ttl_seconds,
  });
  if (s.batch_max_items !== undefined) current.batchMaxItems = s.batch_max_items;
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
