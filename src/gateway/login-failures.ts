/**
 * Failed API-key attempts counted per client address, so that guessing keys
 * is slow: after LOGIN_FAILURES_MAX wrong keys within LOGIN_FAILURE_WINDOW_MS
 * the address gets 429 until the window ends, whatever key it sends.
 * An IPv6 client is counted by its /64, as @fastify/rate-limit counts it: a
 * single host is usually handed a whole /64, and could otherwise send each
 * guess from a new address.
 *
 * Counted with @fastify/rate-limit's own stores, the counters the request
 * limits use: in Redis when the gateway has it (shared by every gateway),
 * else in memory, in an LRU bounded to LOCAL_ADDRESSES addresses. Every
 * failure is counted in memory too, so a Redis outage falls back to this
 * gateway's own count rather than to no limit.
 */
import { createRequire } from 'node:module';
import { normalizeIP } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** Wrong API keys one address may send per window. */
export const LOGIN_FAILURES_MAX = 10;
/** The window, in ms: fixed from the first failure, not extended by later ones. */
export const LOGIN_FAILURE_WINDOW_MS = 60_000;
/** Addresses whose failures are kept in memory at most; the least recent go first. */
export const LOCAL_ADDRESSES = 10_000;
/** Redis keys are this plus the address, beside the request limits' `batchcode:ratelimit:`. */
export const REDIS_NAMESPACE = 'batchcode:authfail:';

interface Count {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, result: Count | null) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
}
type StoreCtor<A> = new (continueExceeding: boolean, exponentialBackoff: boolean, arg: A, extra?: string) => Store;

const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreCtor<number>;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreCtor<Redis>;

/** What an address is counted under: itself (IPv4, lower case), or its /64 (IPv6). */
export function clientOf(address: string): string {
  return normalizeIP(address);
}

function call(store: Store, op: 'incr' | 'read', address: string): Promise<Count> {
  return new Promise((resolve, reject) => {
    store[op](
      clientOf(address),
      (err, result) => (err || !result ? reject(err) : resolve(result)),
      LOGIN_FAILURE_WINDOW_MS,
      LOGIN_FAILURES_MAX,
    );
  });
}

export interface LoginFailures {
  /** Milliseconds until `address` may try a key again; 0 when it may now. */
  blockedFor(address: string): Promise<number>;
  /** Counts one wrong key from `address`. */
  record(address: string): Promise<void>;
}

export function loginFailures(redis: Redis | null): LoginFailures {
  const local = new LocalStore(false, false, LOCAL_ADDRESSES);
  const shared = redis ? new RedisStore(false, false, redis, REDIS_NAMESPACE) : undefined;
  const wait = ({ current, ttl }: Count) => (current >= LOGIN_FAILURES_MAX && ttl > 0 ? ttl : 0);
  return {
    async blockedFor(address) {
      if (shared) {
        try {
          return wait(await call(shared, 'read', address));
        } catch {
          // Redis is away: this gateway's own count still limits.
        }
      }
      return wait(await call(local, 'read', address));
    },
    async record(address) {
      await call(local, 'incr', address);
      if (shared) await call(shared, 'incr', address).catch(() => {});
    },
  };
}
