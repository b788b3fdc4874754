/**
 * The one place Redis clients are made. A process opens one client and
 * shares it: the gateway's (`failFastRedis`) serves rate limits, /ready and
 * bulk jobs; a worker's (`workerRedis`) serves its job store and BullMQ's
 * Worker, which adds only the blocking connection it needs of its own.
 * Connections are named (CLIENT SETNAME) so `CLIENT LIST` shows who is who.
 */
import { Redis, ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors/index.js';

export const QUEUE_NAME = 'bulk';
export const QUEUE_PREFIX = 'batchcode';

export const GATEWAY_CONNECTION = 'batchcode:gateway';
export const WORKER_CONNECTION = 'batchcode:worker';
export const SUBSCRIBER_CONNECTION = 'batchcode:gateway:subscriber';
/** The gateway's subscriber to job changes (live progress), opened the first time a job is watched. */
export const EVENTS_CONNECTION = 'batchcode:gateway:events';

/**
 * The gateway's client: a request fails within seconds while Redis is away,
 * it never waits for it.
 * - `enableOfflineQueue: false`: a command sent while disconnected fails at
 *   once instead of waiting for a reconnect.
 * - `maxRetriesPerRequest: 1`: a command caught by a dropped connection is
 *   sent again once after the reconnect, then fails.
 * - `socketTimeout`: a Redis that takes a command and does not answer (hung,
 *   not down) gets its socket closed, so the client's state says so too
 *   (`status` leaves 'ready') rather than only the one command timing out.
 * - `connectTimeout` bounds each connection attempt; `retryStrategy`
 *   reconnects for ever, at most 2 s apart.
 */
export function failFastRedis(url: string): Redis {
  return new Redis(url, {
    connectionName: GATEWAY_CONNECTION,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    socketTimeout: 2000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
}

/**
 * A worker's client: patient, because a worker has no caller waiting.
 * Commands wait through an outage (offline queue, `maxRetriesPerRequest:
 * null`, which BullMQ requires of the connections it blocks on) and the
 * client reconnects for ever, at most 5 s apart.
 */
export function workerRedis(url: string): Redis {
  return new Redis(url, {
    connectionName: WORKER_CONNECTION,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 5000),
  });
}

/** Thrown before a command that would only wait: the client is not connected. */
export class RedisUnavailableError extends Error {
  constructor() {
    super('Redis is not connected');
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A subscriber: a connection in subscribe mode can send nothing else, so it
 * cannot be the shared client. It reconnects for ever and subscribes again
 * by itself (ioredis' autoResubscribe).
 */
export function subscriberRedis(url: string): Redis {
  return new Redis(url, {
    connectionName: SUBSCRIBER_CONNECTION,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
}

/**
 * Whether the client can send a command now. The socket can end (Redis
 * stopped) a moment before the client's status leaves 'ready'; commands sent
 * in between fail as unwritable, so the socket counts too.
 */
export const isConnected = (client: Redis): boolean => client.status === 'ready' && client.stream?.writable === true;

/**
 * True when `err`, raised by a command on `client`, means Redis could not be
 * reached, as opposed to Redis refusing the command (a `ReplyError`: a bug or
 * a misconfiguration, not an outage, unless it is LOADING or MASTERDOWN) or a
 * fault of ours: by the error's class,
 * else by the client's state.
 */
export function isRedisOutage(err: unknown, client: Redis): boolean {
  if (err instanceof MaxRetriesPerRequestError || err instanceof RedisUnavailableError) return true;
  // A Redis still loading its data after a restart (LOADING), or a replica cut off from its primary
  // (MASTERDOWN), answers with an error reply: that is an outage to wait out, not a fault of ours.
  if (err instanceof (ReplyError as new () => Error)) return /^(LOADING|MASTERDOWN|TRYAGAIN)\b/.test(err.message);
  return err instanceof Error && !isConnected(client);
}

/** Warnings for settings that can lose queued jobs: no AOF, or an evicting memory policy. */
export async function durabilityWarnings(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (aof[1] !== 'yes')
      warnings.push(`Redis appendonly is "${aof[1]}": queued jobs can be lost on a Redis restart; set appendonly yes`);
    if (policy[1] !== 'noeviction') {
      warnings.push(
        `Redis maxmemory-policy is "${policy[1]}": Redis may evict job keys; set maxmemory-policy noeviction`,
      );
    }
  } catch (err) {
    warnings.push(
      `could not read the Redis configuration (${(err as Error).message}); make sure appendonly is yes and maxmemory-policy is noeviction`,
    );
  }
  return warnings;
}
