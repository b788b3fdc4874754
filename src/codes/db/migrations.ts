/**
 * Schema migrations: versioned, forward-only, run at start by Kysely's
 * Migrator (which takes a lock, so gateways starting together run each one
 * once). A database migrated by a newer release than this one is refused.
 * Never edit a migration that has shipped: add the next one.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';

export const MIGRATION_TABLE = 'batchcode_migration';
export const MIGRATION_LOCK_TABLE = 'batchcode_migration_lock';

// Migrations build on an untyped database: they describe the schema, they do not read it.
/* eslint-disable @typescript-eslint/no-explicit-any */
const MIGRATIONS: Record<string, Migration> = {
  '0001_codes_and_scans': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('destination_url', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('expires_at', 'bigint')
        .addColumn('max_scans', 'integer')
        .addColumn('rules', 'text')
        .addColumn('scans', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('job_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('codes_owner_created').on('codes').columns(['owner', 'created_at']).execute();
      await db.schema
        .createTable('scans')
        .addColumn('code_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('visitor', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('os', 'text', (c) => c.notNull())
        .addColumn('browser', 'text', (c) => c.notNull())
        .addColumn('referrer', 'text', (c) => c.notNull())
        .addColumn('bot', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scans_code_at').on('scans').columns(['code_id', 'at']).execute();
      await db.schema
        .createTable('salts')
        .addColumn('day', 'text', (c) => c.primaryKey())
        .addColumn('salt', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrate<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const what = failed ? `migration ${failed.migrationName} failed` : 'migrations failed';
    throw new Error(`database: ${what}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
