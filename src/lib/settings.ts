/**
 * Process-wide limits and the native cache's bounds. The library reads no
 * environment: programs (and the server and worker entry points) call
 * `configure()` with what they want. Bounds and defaults are the core's
 * (`SETTINGS` in ./facts.ts).
 */
import { BatchcodeError } from './errors.js';
import { LIMITS, SETTINGS } from './facts.js';
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
  /**
   * The resolver a `gs1_digital_link` built from element strings points to when its item names
   * none (`options.resolver`), as `https://host[:port][/path]`; the core's default is `https://id.gs1.org`.
   */
  digital_link_resolver?: string;
}

/** The one setting that is text, not one of the core's numeric `SETTINGS`. */
const RESOLVER = 'digital_link_resolver';
type NumericKey = Exclude<keyof Settings, typeof RESOLVER>;

// Fails to compile when the core adds or renames a setting that `Settings` does not document.
const _sameKeys: [NumericKey] extends [SettingName] ? ([SettingName] extends [NumericKey] ? true : never) : never =
  true;

const NAMES = [...(Object.keys(SETTINGS) as SettingName[]), RESOLVER];

const current: { batchMaxItems: number; resolver?: string } = { batchMaxItems: SETTINGS.batch_max_items.default };

/** The batch limit in force (read by `prepare` and the bulk runner). */
export function batchMaxItems(): number {
  return current.batchMaxItems;
}

/** The configured `digital_link_resolver`, if any (read by `prepare`). */
export function digitalLinkResolver(): string | undefined {
  return current.resolver;
}

function isKnown(key: string): key is SettingName {
  return Object.hasOwn(SETTINGS, key);
}

/**
 * Throws a `BatchcodeError` naming `name` unless `value` is a resolver the core accepts: its
 * rules are checked by checking a Digital Link that uses it, so they are written once
 * (native/core/src/symbology/digital_link.rs). The entry points check their variable with it.
 */
export function checkResolver(value: unknown, name: string = RESOLVER): asserts value is string {
  const { min, max } = LIMITS.resolver;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new BatchcodeError(
      'INVALID_SETTING',
      mustBe(name, { type: 'string', minLength: min, maxLength: max }, value),
    );
  }
  const item = { barcode_type: 'gs1_digital_link', data: '(01)09506000134352', options: { resolver: value } };
  const problem = native.checkBatchSync(JSON.stringify([item]), 1)[0];
  if (problem)
    throw new BatchcodeError('INVALID_SETTING', `${name} ${problem.message.replace(/^options\.resolver:\s*/, '')}`);
}

/** `s` checked whole: an object of known keys, each a whole number in range or an accepted resolver; throws before anything changes. */
function validate(s: unknown): Settings {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    throw new BatchcodeError(
      'INVALID_SETTING',
      `settings must be an object of ${NAMES.join(', ')}; got ${received(s, { type: 'object' })}`,
    );
  }
  for (const [key, value] of Object.entries(s)) {
    if (key === RESOLVER) {
      if (value !== undefined) checkResolver(value);
      continue;
    }
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
  if (s.digital_link_resolver !== undefined) current.resolver = s.digital_link_resolver;
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
