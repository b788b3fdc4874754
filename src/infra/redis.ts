/** Redis connections: fail-fast for the gateway, patient for workers (BullMQ needs maxRetriesPerRequest: null). */
import { Redis } from 'ioredis';

export const QUEUE_NAME = 'bulk';
export const QUEUE_PREFIX = 'batchcode';

/**
 * The gateway fails a request quickly rather than hanging it while Redis is
 * away: one retry, a command timeout, a short connect timeout. The offline
 * queue stays on so that the first requests after start wait for the
 * connection instead of failing.
 */
export function gatewayRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: 3000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
}

export function workerRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 5000),
  });
}

/** Resolves when the client is connected, or rejects after `ms`. */
export async function ready(redis: Redis, ms = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`Redis not reachable within ${ms} ms`)), ms);
    const onReady = () => done();
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      if (err) reject(err);
      else resolve();
    };
    redis.on('ready', onReady);
  });
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
