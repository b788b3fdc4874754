/**
 * Bulk-job settings from the environment. The gateway's `loadConfig` spreads
 * these in; the worker process reads them alone (it needs no API keys).
 */
import { resolve } from 'node:path';

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

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadBulkConfig(env: Env = process.env): BulkConfig {
  return {
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    maxRows: int(env, 'MAX_ROWS', 10_000, 1, 1_000_000),
    resultTtlDays: int(env, 'RESULT_TTL_DAYS', 7, 1, 3650),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 1, 1, 64),
    lockDurationMs: int(env, 'BULK_LOCK_DURATION_MS', 30_000, 500, 3_600_000),
    stalledIntervalMs: int(env, 'BULK_STALLED_INTERVAL_MS', 30_000, 200, 3_600_000),
    batchAttempts: int(env, 'BULK_BATCH_ATTEMPTS', 3, 1, 20),
    batchBackoffMs: int(env, 'BULK_BATCH_BACKOFF_MS', 500, 0, 600_000),
    cleanupIntervalMs: int(env, 'BULK_CLEANUP_INTERVAL_MS', 3_600_000, 1000, 86_400_000),
  };
}
