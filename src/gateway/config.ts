/**
 * The gateway's settings, read once from the environment and checked: a bad
 * value stops the start with a message naming the variable and the accepted
 * range. API keys are kept only as SHA-256 hashes, each with a name (its id).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { loadBulkConfig, type BulkConfig } from '../bulk/config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ApiKeyEntry = Type.Object({
  /** A name for the key: logged, used as the rate-limit bucket and as the owner of jobs. Never the key. */
  id: Type.String({ minLength: 1, maxLength: 128 }),
  /** SHA-256 of the key, lower-case hex. */
  hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  apiKeys: Type.Array(ApiKeyEntry, { minItems: 1 }),
  /** Set only when no key was configured: the key made at start, to print once. */
  generatedApiKey: Type.Optional(Type.String()),
  rateLimitMax: Type.Integer({ minimum: 1 }),
  /** Milliseconds. */
  rateLimitWindow: Type.Integer({ minimum: 1 }),
  batchMaxItems: Type.Integer({ minimum: 1, maximum: 10_000 }),
  batchTimeoutMs: Type.Integer({ minimum: 1 }),
  redisUrl: Type.Optional(Type.String()),
  logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l))),
  bodyLimit: Type.Integer({ minimum: 1024 }),
  requestTimeoutMs: Type.Integer({ minimum: 0 }),
  keepAliveTimeoutMs: Type.Integer({ minimum: 1 }),
  shutdownTimeoutMs: Type.Integer({ minimum: 1 }),
  trustProxy: Type.Boolean(),
});

/** Bulk-job settings (DATA_DIR, MAX_UPLOAD_BYTES, MAX_ROWS, RESULT_TTL_DAYS, WORKER_CONCURRENCY...): src/bulk/config.ts. */
export type Config = Static<typeof ConfigSchema> & BulkConfig;
export type ApiKeyEntry = Static<typeof ApiKeyEntry>;

type Env = NodeJS.ProcessEnv;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new RangeError(`${name} must be one of true, false, 1, 0, yes, no, on, off, got "${env[name]}"`);
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

/** A duration as milliseconds ("60000") or with a unit ("30s", "1 minute", "2 hours"). */
export function durationVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const unit = match?.[2]?.toLowerCase() || 'ms';
  const factor = UNITS[unit];
  const ms = match && factor ? Math.round(Number(match[1]) * factor) : NaN;
  if (!Number.isFinite(ms) || ms < min || ms > max) {
    throw new RangeError(
      `${name} must be a duration from ${min} ms to ${max} ms, as milliseconds or with a unit (e.g. "30s", "1 minute"), got "${value}"`,
    );
  }
  return ms;
}

export function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Keys from API_KEYS (comma-separated) and API_KEYS_FILE (`name:sha256hex` per line). */
function apiKeys(env: Env): { keys: ApiKeyEntry[]; generated?: string } {
  const keys: ApiKeyEntry[] = [];
  const list = raw(env, 'API_KEYS');
  if (list !== undefined) {
    for (const [i, part] of list.split(',').entries()) {
      const key = part.trim();
      if (key === '') continue;
      if (/\s/.test(key) || key.length > 512) {
        throw new RangeError(`API_KEYS entry ${i + 1} must be 1 to 512 characters without spaces`);
      }
      const hash = sha256hex(key);
      // A stable name that reveals nothing usable: the first 12 hex digits of the hash.
      keys.push({ id: `key-${hash.slice(0, 12)}`, hash });
    }
  }
  const file = raw(env, 'API_KEYS_FILE');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`API_KEYS_FILE "${file}" cannot be read: ${(err as Error).message}`);
    }
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      const entry = line.trim();
      if (entry === '' || entry.startsWith('#')) continue;
      const match = /^([A-Za-z0-9._@-]{1,128}):([0-9a-fA-F]{64})$/.exec(entry);
      if (!match) {
        throw new RangeError(
          `API_KEYS_FILE line ${i + 1} must be "name:sha256hex" (name of 1 to 128 letters, digits, ._@-; 64 hex digits)`,
        );
      }
      keys.push({ id: match[1] as string, hash: (match[2] as string).toLowerCase() });
    }
  }
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new RangeError(`API key name "${k.id}" is used twice (API_KEYS / API_KEYS_FILE)`);
    ids.add(k.id);
  }
  if (keys.length > 0) return { keys };
  const generated = `bc_${randomBytes(24).toString('base64url')}`;
  return { keys: [{ id: 'generated', hash: sha256hex(generated) }], generated };
}

function redisUrl(env: Env): string | undefined {
  const value = raw(env, 'REDIS_URL');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(`REDIS_URL must be a redis:// or rediss:// URL, got protocol "${url.protocol}"`);
  }
  return value;
}

function logLevel(env: Env): Config['logLevel'] {
  const value = raw(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new RangeError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return value as Config['logLevel'];
}

/** Reads and checks the settings; throws an Error naming the variable and its accepted range. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = raw(env, 'HOST') ?? '0.0.0.0';
  const { keys, generated } = apiKeys(env);
  const config: Config = {
    ...loadBulkConfig(env),
    port: intVar(env, 'PORT', 3003, 0, 65535),
    host,
    apiKeys: keys,
    rateLimitMax: intVar(env, 'RATE_LIMIT_MAX', 100, 1, 1_000_000_000),
    rateLimitWindow: durationVar(env, 'RATE_LIMIT_WINDOW', 60_000, 1, 86_400_000),
    batchMaxItems: intVar(env, 'BATCH_MAX_ITEMS', 100, 1, 10_000),
    batchTimeoutMs: intVar(env, 'BATCH_TIMEOUT_MS', 10_000, 1, 600_000),
    logLevel: logLevel(env),
    bodyLimit: intVar(env, 'BODY_LIMIT', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    requestTimeoutMs: intVar(env, 'REQUEST_TIMEOUT_MS', 30_000, 0, 3_600_000),
    keepAliveTimeoutMs: intVar(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, 3_600_000),
    shutdownTimeoutMs: intVar(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 1, 3_600_000),
    trustProxy: boolVar(env, 'TRUST_PROXY', false),
  };
  const redis = redisUrl(env);
  if (redis !== undefined) config.redisUrl = redis;
  if (generated !== undefined) config.generatedApiKey = generated;
  if (!Value.Check(ConfigSchema, config)) {
    const first = Value.Errors(ConfigSchema, config).First();
    throw new RangeError(`invalid configuration: ${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  return config;
}
