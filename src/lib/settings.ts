/**
 * Process-wide limits and the native cache's bounds. The library reads no
 * environment: programs (and the server and worker entry points) call
 * `configure()` with what they want. Bounds and defaults are the core's
 * (`SETTINGS` in ./facts.ts).
 */
import { BatchcodeError } from './errors.js';
import { SETTINGS } from './facts.js';
import { mustBe, received } from './messages.js';
import { native } from './native.js';

export type SettingName = keyof typeof SETTINGS;

/** Each value a whole number within `SETTINGS[name]` (bounds and default); omitted ones keep their current value. */
export interface Settings {
  /** Items accepted by one `renderBatch` call. */
  batch_max_items?: number;
  /** Cached renders kept at most; 0 turns the cache off. */
  cache_max_entries?: number;
  /** Bytes of cached output kept at most. */
  cache_max_bytes?: number;
  /** Seconds a cached render stays valid. */
  cache_ttl_seconds?: number;
}

// Fails to compile when the core adds or renames a setting that `Settings` does not document.
const _sameKeys: [keyof Settings] extends [SettingName]
  ? [SettingName] extends [keyof Settings]
    ? true
    : never
  : never = true;

const NAMES = Object.keys(SETTINGS) as SettingName[];

const current: { batchMaxItems: number } = { batchMaxItems: SETTINGS.batch_max_items.default };

/** The batch limit in force (read by `prepare` and the bulk runner). */
export function batchMaxItems(): number {
  return current.batchMaxItems;
}

function isKnown(key: string): key is SettingName {
  return Object.hasOwn(SETTINGS, key);
}

/** `s` checked whole: an object of known keys, each a whole number in range; throws before anything changes. */
function validate(s: unknown): Settings {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    throw new BatchcodeError(
      'INVALID_SETTING',
      `settings must be an object of ${NAMES.join(', ')}; got ${received(s, { type: 'object' })}`,
    );
  }
  for (const [key, value] of Object.entries(s)) {
    if (!isKnown(key)) {
      throw new BatchcodeError(
        'INVALID_SETTING',
        `unknown setting ${JSON.stringify(key)}; the settings are ${NAMES.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    const { min, max } = SETTINGS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new BatchcodeError('INVALID_SETTING', mustBe(key, { type: 'integer', minimum: min, maximum: max }, value));
    }
  }
  return s as Settings;
}

/** Changes limits and cache bounds for this process; a bad value throws a `BatchcodeError` naming it, and changes nothing. */
export function configure(settings: Settings): void {
  const s = validate(settings);
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
