/**
 * Bulk-job settings: their environment variables (a schema the gateway's
 * and the worker's own schemas include) and the `BulkConfig` made from them.
 */
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { loadEnv, type Env } from '../infra/env.js';
import { LibraryEnv, librarySettings } from '../infra/library-env.js';
import { LogLevel, RedisUrl } from '../infra/common-env.js';
import type { Settings } from '../lib/index.js';

export const BulkEnv = Type.Object({
  DATA_DIR: Type.String({ minLength: 1, default: 'data' }),
  MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1, maximum: 1024 * 1024 * 1024, default: 10 * 1024 * 1024 }),
  MAX_ROWS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
  RESULT_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 7 }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  BULK_LOCK_DURATION_MS: Type.Integer({ minimum: 500, maximum: 3_600_000, default: 30_000 }),
  BULK_STALLED_INTERVAL_MS: Type.Integer({ minimum: 200, maximum: 3_600_000, default: 30_000 }),
  BULK_BATCH_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  BULK_BATCH_BACKOFF_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 500 }),
  BULK_CLEANUP_INTERVAL_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 3_600_000 }),
});

export interface BulkConfig {
  /** Job records (in-process mode), inputs and results. Shared by every worker. */
  dataDir: string;
  maxUploadBytes: number;
  maxRows: number;
  resultTtlDays: number;
  /** Jobs run at once by one worker (or by the gateway in in-process mode). */
  workerConcurrency: number;
  /** BullMQ lock and stalled-check timing; short values suit tests. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Tries per batch, and the first retry delay (doubling after it). */
  batchAttempts: number;
  batchBackoffMs: number;
  cleanupIntervalMs: number;
}

export function bulkConfig(e: Static<typeof BulkEnv>): BulkConfig {
  return {
    dataDir: resolve(e.DATA_DIR),
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxRows: e.MAX_ROWS,
    resultTtlDays: e.RESULT_TTL_DAYS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    lockDurationMs: e.BULK_LOCK_DURATION_MS,
    stalledIntervalMs: e.BULK_STALLED_INTERVAL_MS,
    batchAttempts: e.BULK_BATCH_ATTEMPTS,
    batchBackoffMs: e.BULK_BATCH_BACKOFF_MS,
    cleanupIntervalMs: e.BULK_CLEANUP_INTERVAL_MS,
  };
}

/** Everything a worker process reads: bulk settings, the Node API's, Redis (required) and the log level. */
export const WorkerEnv = Type.Object({
  ...BulkEnv.properties,
  ...LibraryEnv.properties,
  REDIS_URL: RedisUrl,
  LOG_LEVEL: LogLevel,
});

export interface WorkerConfig extends BulkConfig {
  redisUrl: string;
  logLevel: Static<typeof LogLevel>;
  library: Settings;
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const e = loadEnv(WorkerEnv, env);
  return { ...bulkConfig(e), redisUrl: e.REDIS_URL, logLevel: e.LOG_LEVEL, library: librarySettings(e) };
}

/** Bulk settings alone (tests that start a worker in-process). */
export const loadBulkConfig = (env: Env): BulkConfig => bulkConfig(loadEnv(BulkEnv, env));
