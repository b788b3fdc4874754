/**
 * Dynamic-code settings: their environment variables (a schema the gateway's
 * includes) and the `CodesConfig` made from them.
 */
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { ConfigError } from '../infra/env.js';

export const CodesEnv = Type.Object({
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', accepts: 'a postgres:// or postgresql:// URL' }),
  ),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  PUBLIC_BASE_URL: Type.Optional(
    Type.String({ pattern: '^https?://', accepts: 'an http(s) URL, e.g. https://q.example.com/r' }),
  ),
  SCAN_FLUSH_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
  SCAN_FLUSH_ROWS: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  REDIRECT_CACHE_SIZE: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000 }),
  REDIRECT_CACHE_TTL_MS: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 60_000 }),
});

export interface CodesConfig {
  /** PostgreSQL when set; else SQLite at `sqlitePath`. */
  databaseUrl?: string;
  databasePoolSize: number;
  sqlitePath: string;
  /** What short links start with, without a trailing slash: short_url = publicBaseUrl + '/' + slug. */
  publicBaseUrl: string;
  scanFlushMs: number;
  scanFlushRows: number;
  /** Scans kept in memory while the database cannot take them. */
  scanMaxPending: number;
  redirectCacheSize: number;
  redirectCacheTtlMs: number;
}

export const SQLITE_FILE = 'batchcode.db';

function baseUrl(given: string | undefined, port: number): string {
  if (given === undefined) return `http://localhost:${port}/r`;
  if (!URL.canParse(given)) throw new ConfigError(`PUBLIC_BASE_URL must be an http(s) URL; got "${given}"`);
  const url = new URL(given);
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`PUBLIC_BASE_URL must have no query, fragment or credentials; got "${given}"`);
  }
  return given.replace(/\/+$/, '');
}

/** `dataDir` and `port` come from the gateway's own settings (DATA_DIR, PORT). */
export function codesConfig(e: Static<typeof CodesEnv>, dataDir: string, port: number): CodesConfig {
  const config: CodesConfig = {
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sqlitePath: join(dataDir, SQLITE_FILE),
    publicBaseUrl: baseUrl(e.PUBLIC_BASE_URL, port),
    scanFlushMs: e.SCAN_FLUSH_MS,
    scanFlushRows: e.SCAN_FLUSH_ROWS,
    scanMaxPending: Math.max(100_000, e.SCAN_FLUSH_ROWS * 10),
    redirectCacheSize: e.REDIRECT_CACHE_SIZE,
    redirectCacheTtlMs: e.REDIRECT_CACHE_TTL_MS,
  };
  if (e.DATABASE_URL !== undefined) config.databaseUrl = e.DATABASE_URL;
  return config;
}
