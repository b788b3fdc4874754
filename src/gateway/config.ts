/**
 * The gateway's settings: one TypeBox schema of its environment variables
 * (its own, the bulk jobs' and the Node API's), read once by `loadEnv`, then
 * shaped into `Config`. A bad value stops the start with a message naming the
 * variable and what it accepts. API keys are kept only as SHA-256 hashes,
 * each with a name (its id).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { BulkEnv, bulkConfig, type BulkConfig } from '../bulk/config.js';
import { CodesEnv, codesConfig, type CodesConfig } from '../codes/config.js';
import { EmbedEnv, embedConfig, type EmbedConfig } from './embed-config.js';
import { LogLevel, RedisUrl } from '../infra/common-env.js';
import { ConfigError, loadEnv } from '../infra/env.js';
import { LibraryEnv, librarySettings } from '../infra/library-env.js';
import type { Settings } from '../lib/index.js';

/** Keys shorter than this are refused: a short key is guessable (failed logins are limited, not impossible). */
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 512;
/** Keys shorter than this, or with fewer different characters than the next, are accepted with a warning at start. */
export const STRONG_KEY_LENGTH = 32;
export const STRONG_KEY_VARIETY = 10;

const WINDOW_MIN = 1;
const WINDOW_MAX = 86_400_000;
const DURATION = '^\\d+(?:\\.\\d+)?\\s*[A-Za-z]*$';

export const GatewayEnv = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  API_KEYS: Type.Optional(Type.String()),
  API_KEYS_FILE: Type.Optional(Type.String()),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 100 }),
  RATE_LIMIT_POLL_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 600 }),
  RATE_LIMIT_WINDOW: Type.String({ pattern: DURATION, default: '60000', accepts: WINDOW_ACCEPTS() }),
  BATCH_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  REDIS_URL: Type.Optional(RedisUrl),
  LOG_LEVEL: LogLevel,
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 4 * 1024 * 1024 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 72_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 30_000 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 15_000 }),
  WEB_UI: Type.Boolean({ default: true }),
  ...BulkEnv.properties,
  ...CodesEnv.properties,
  ...LibraryEnv.properties,
  ...EmbedEnv.properties,
});

function WINDOW_ACCEPTS(): string {
  return `a duration from ${WINDOW_MIN} ms to ${WINDOW_MAX} ms, as milliseconds or with a unit (e.g. "30s", "1 minute")`;
}

export interface ApiKeyEntry {
  /** A name for the key: logged, used as the rate-limit bucket and as the owner of jobs. Never the key. */
  id: string;
  /** SHA-256 of the key, lower-case hex. */
  hash: string;
  /** Why the key is easy to guess, when it is (logged at start as a warning); only keys given in API_KEYS are judged. */
  weakness?: string;
}

export interface Config extends BulkConfig, EmbedConfig {
  port: number;
  host: string;
  apiKeys: ApiKeyEntry[];
  /** Set only when no key was configured and none was generated before: the key made now, to print once. */
  generatedApiKey?: string;
  /** With no key configured: the file in DATA_DIR holding the generated key's hash (see `keepGeneratedKey`). */
  generatedKeyFile?: string;
  rateLimitMax: number;
  /** Status polls, lists, stats and downloads: their own budget per key, beside `rateLimitMax` (rate-limit.ts). */
  rateLimitPollMax: number;
  /** Milliseconds. */
  rateLimitWindow: number;
  batchMaxItems: number;
  batchTimeoutMs: number;
  redisUrl?: string;
  logLevel: Static<typeof LogLevel>;
  bodyLimit: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  shutdownTimeoutMs: number;
  trustProxy: boolean;
  /** Milliseconds between the heartbeat comments of an open event stream (GET /api/jobs/:id/events). */
  sseHeartbeatMs: number;
  /** Serve the web app (dist/web) at `/`. */
  webUi: boolean;
  /** What the entry point passes to the Node API's `configure()`. */
  library: Settings;
  /** Dynamic codes: database, short-link base, scan buffering, redirect cache. */
  codes: CodesConfig;
}

const UNITS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

/** RATE_LIMIT_WINDOW as milliseconds ("60000") or with a unit ("30s", "1 minute", "2 hours"). */
function windowMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const factor = UNITS[match?.[2]?.toLowerCase() || 'ms'];
  const ms = match && factor ? Math.round(Number(match[1]) * factor) : NaN;
  if (!Number.isFinite(ms) || ms < WINDOW_MIN || ms > WINDOW_MAX) {
    throw new ConfigError(`RATE_LIMIT_WINDOW must be ${WINDOW_ACCEPTS()}; got "${value}"`);
  }
  return ms;
}

export function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Why `key` is easy to guess, or undefined: short, or made of few different characters ("aaaa…", "1212…"). */
export function weakness(key: string): string | undefined {
  const reasons: string[] = [];
  if (key.length < STRONG_KEY_LENGTH) reasons.push(`${key.length} characters, fewer than ${STRONG_KEY_LENGTH}`);
  const variety = new Set(key).size;
  if (variety < STRONG_KEY_VARIETY) {
    reasons.push(`only ${variety} different character${variety === 1 ? '' : 's'}, fewer than ${STRONG_KEY_VARIETY}`);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Keys from API_KEYS (comma-separated) and API_KEYS_FILE (`name:sha256hex` per line). */
function apiKeys(list: string | undefined, file: string | undefined): { keys: ApiKeyEntry[]; generated?: string } {
  const keys: ApiKeyEntry[] = [];
  if (list !== undefined) {
    for (const [i, part] of list.split(',').entries()) {
      const key = part.trim();
      if (key === '') continue;
      if (/\s/.test(key)) throw new ConfigError(`API_KEYS entry ${i + 1} contains a space; keys have none`);
      if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH) {
        throw new ConfigError(
          `API_KEYS entry ${i + 1} must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters long; got ${key.length}`,
        );
      }
      const hash = sha256hex(key);
      // A stable name that reveals nothing usable: the first 12 hex digits of the hash.
      const entry: ApiKeyEntry = { id: `key-${hash.slice(0, 12)}`, hash };
      const weak = weakness(key);
      if (weak) entry.weakness = weak;
      keys.push(entry);
    }
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`API_KEYS_FILE "${file}" cannot be read: ${(err as Error).message}`);
    }
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      const entry = line.trim();
      if (entry === '' || entry.startsWith('#')) continue;
      const match = /^([A-Za-z0-9._@-]{1,128}):([0-9a-fA-F]{64})$/.exec(entry);
      if (!match) {
        throw new ConfigError(
          `API_KEYS_FILE line ${i + 1} must be "name:sha256hex" (name of 1 to 128 letters, digits, ._@-; 64 hex digits)`,
        );
      }
      keys.push({ id: match[1] as string, hash: (match[2] as string).toLowerCase() });
    }
  }
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new ConfigError(`API key name "${k.id}" is used twice (API_KEYS / API_KEYS_FILE)`);
    ids.add(k.id);
  }
  if (keys.length > 0) return { keys };
  const generated = `bc_${randomBytes(24).toString('base64url')}`;
  return { keys: [{ id: 'generated', hash: sha256hex(generated) }], generated };
}

/** Reads and checks the settings; throws a `ConfigError` naming the variable and what it accepts. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = loadEnv(GatewayEnv, env);
  const { keys, generated } = apiKeys(e.API_KEYS, e.API_KEYS_FILE);
  const bulk = bulkConfig(e);
  const config: Config = {
    ...bulk,
    port: e.PORT,
    host: e.HOST,
    apiKeys: keys,
    rateLimitMax: e.RATE_LIMIT_MAX,
    rateLimitPollMax: e.RATE_LIMIT_POLL_MAX,
    rateLimitWindow: windowMs(e.RATE_LIMIT_WINDOW),
    batchMaxItems: e.BATCH_MAX_ITEMS,
    batchTimeoutMs: e.BATCH_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    webUi: e.WEB_UI,
    library: librarySettings(e),
    codes: codesConfig(e, bulk.dataDir, e.PORT),
    ...embedConfig(e),
  };
  if (e.REDIS_URL !== undefined) config.redisUrl = e.REDIS_URL;
  if (generated !== undefined) config.generatedApiKey = generated;
  return config;
}

/** The file in DATA_DIR that keeps a generated key's SHA-256 hash (never the key) from one start to the next. */
export const GENERATED_KEY_FILE = 'api-key.sha256';

/**
 * With no key configured, the key generated at the first start stays valid:
 * its hash is written to DATA_DIR (exclusively, so gateways starting together
 * agree on one) and later starts load it instead of generating another, which
 * would lock out every client and orphan their jobs. Only the first start has
 * a key to print. Deleting the file makes the next start generate a new key.
 */
export function keepGeneratedKey(config: Config): Config {
  if (config.generatedApiKey === undefined) return config;
  const file = join(config.dataDir, GENERATED_KEY_FILE);
  const generated = config.apiKeys[0]!;
  let text: string;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${generated.hash}\n`, { flag: 'wx', mode: 0o600 });
    return { ...config, generatedKeyFile: file };
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') {
      throw new ConfigError(`DATA_DIR: cannot keep the generated API key's hash in ${file}: ${(err as Error).message}`);
    }
    text = readFileSync(file, 'utf8').trim();
  }
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new ConfigError(
      `${file} must hold the SHA-256 (64 hex digits) of the generated API key; delete it to generate a new key`,
    );
  }
  const { generatedApiKey: _unused, ...rest } = config;
  return { ...rest, apiKeys: [{ id: generated.id, hash: text.toLowerCase() }], generatedKeyFile: file };
}
