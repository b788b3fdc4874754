/**
 * Opens the database: PostgreSQL when a DATABASE_URL is given (several
 * gateways share it), else SQLite in DATA_DIR (nothing else to run). SQLite
 * runs in WAL mode so the redirect's reads never wait for the scan writer.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations.js';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres:// URL; when absent, SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, without credentials (for logs and /ready). */
  where: string;
  close(): Promise<void>;
}

const INT8_OID = 20;

function postgres(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // Counters and times are bigint columns holding safe integers: read them as numbers.
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) },
  });
  // An idle client that loses its server emits here; the pool replaces it, so do not crash.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function sqlite(path: string): Kysely<Database> {
  mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // WAL with NORMAL loses no committed transaction on a process crash (only on power loss).
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.username = '';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

/**
 * SQLite has no migration lock across processes (Kysely's is a no-op there):
 * a second process starting on the same file meets SQLITE_BUSY while the
 * first migrates, and tries again once it is done.
 */
async function migrateWithRetry(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(db);
      return;
    } catch (err) {
      const busy = /SQLITE_BUSY/.test(String((err as { cause?: { code?: string } }).cause?.code ?? ''));
      if (dialect !== 'sqlite' || !busy || attempt >= 20) throw err;
      await sleep(100 * attempt);
    }
  }
}

/** Opens and migrates the database. */
export async function openDatabase(opts: DatabaseOptions): Promise<Db> {
  const dialect: Dialect = opts.databaseUrl ? 'postgres' : 'sqlite';
  const db = opts.databaseUrl ? postgres(opts.databaseUrl, opts.poolSize ?? 10) : sqlite(opts.sqlitePath);
  try {
    await migrateWithRetry(db, dialect);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  return {
    db,
    dialect,
    where: opts.databaseUrl ? redact(opts.databaseUrl) : opts.sqlitePath,
    close: () => db.destroy(),
  };
}
