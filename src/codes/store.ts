/**
 * The codes and their scans in the database, through Kysely: every query is
 * built, and every value bound, by the query builder. Lookups by owner are
 * the only way to a code's record from the API; `bySlug` serves the public
 * redirect, which needs no owner.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Db } from './db/connect.js';
import type { CodesTable, Database, ScansTable } from './db/tables.js';

export type CodeRow = Selectable<CodesTable>;
export type NewCode = Omit<CodeRow, 'scans'>;
export type CodeChanges = Partial<Omit<NewCode, 'id' | 'owner' | 'slug' | 'job_id' | 'created_at'>>;

export interface ListFilter {
  page: number;
  limit: number;
  q?: string;
  tag?: string;
  enabled?: boolean;
}

export interface Bucket {
  bucket: number;
  scans: number;
  unique: number;
}

export interface ScanTotals {
  total: number;
  unique: number;
  bots: number;
  series: Bucket[];
  devices: Record<string, number>;
  os: Record<string, number>;
  browsers: Record<string, number>;
  referrers: Record<string, number>;
}

/** Rows per INSERT: far below SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

/** True when `err` is a unique-constraint violation, in either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL text cannot hold NUL (the query fails): a value with one matches nothing, in either store. */
const hasNul = (text: string) => text.includes('\0');

/** `text` for LIKE: its own % _ and \ match themselves. */
const likeEscaped = (text: string) => text.replaceAll(/[\\%_]/g, (c) => `\\${c}`);

export class CodeStore {
  private readonly db: Kysely<Database>;

  constructor(readonly database: Db) {
    this.db = database.db;
  }

  /** Inserts all or none; a taken slug is a unique violation (see `isUniqueViolation`). */
  async insert(rows: NewCode[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx
          .insertInto('codes')
          .values(rows.slice(i, i + INSERT_CHUNK))
          .execute();
      }
    });
  }

  /** The slugs of `slugs` that are taken already. */
  async takenSlugs(slugs: string[]): Promise<Set<string>> {
    if (slugs.length === 0) return new Set();
    const rows = await this.db.selectFrom('codes').select('slug').where('slug', 'in', slugs).execute();
    return new Set(rows.map((r) => r.slug));
  }

  async get(owner: string, id: string): Promise<CodeRow | undefined> {
    if (hasNul(id)) return undefined;
    return this.db.selectFrom('codes').selectAll().where('id', '=', id).where('owner', '=', owner).executeTakeFirst();
  }

  async bySlug(slug: string): Promise<CodeRow | undefined> {
    return this.db.selectFrom('codes').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async list(owner: string, filter: ListFilter): Promise<{ rows: CodeRow[]; total: number }> {
    if (filter.q && hasNul(filter.q)) return { rows: [], total: 0 };
    let query = this.db.selectFrom('codes').where('owner', '=', owner);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled ? 1 : 0);
    if (filter.tag !== undefined) {
      query = query.where(sql<boolean>`tags like ${`%${likeEscaped(JSON.stringify(filter.tag))}%`} escape '\\'`);
    }
    if (filter.q) {
      const pattern = `%${likeEscaped(filter.q.toLowerCase())}%`;
      query = query.where((eb) =>
        eb.or(
          (['title', 'slug', 'destination_url'] as const).map((col) =>
            eb(sql`lower(${sql.ref(col)})`, 'like', sql<string>`${pattern} escape '\\'`),
          ),
        ),
      );
    }
    const counted = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset((filter.page - 1) * filter.limit)
      .execute();
    return { rows, total: Number(counted?.n ?? 0) };
  }

  async update(owner: string, id: string, changes: CodeChanges): Promise<CodeRow | undefined> {
    if (hasNul(id)) return undefined;
    const done = await this.db
      .updateTable('codes')
      .set(changes)
      .where('id', '=', id)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return undefined;
    return this.get(owner, id);
  }

  /** Deletes the code and its scans; answers its slug, or undefined when there was none. */
  async remove(owner: string, id: string): Promise<string | undefined> {
    if (hasNul(id)) return undefined;
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('codes')
        .select('slug')
        .where('id', '=', id)
        .where('owner', '=', owner)
        .executeTakeFirst();
      if (!row) return undefined;
      await tx.deleteFrom('scans').where('code_id', '=', id).execute();
      await tx.deleteFrom('codes').where('id', '=', id).execute();
      return row.slug;
    });
  }

  /** Deletes the codes a bulk job made, and their scans (a job that could not be queued). */
  async removeByJob(owner: string, jobId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const ids = tx.selectFrom('codes').select('id').where('owner', '=', owner).where('job_id', '=', jobId);
      await tx.deleteFrom('scans').where('code_id', 'in', ids).execute();
      await tx.deleteFrom('codes').where('owner', '=', owner).where('job_id', '=', jobId).execute();
    });
  }

  /** One transaction: the scans' rows, and each code's counter raised by its people scans. */
  async addScans(scans: ScansTable[], counts: Map<string, number>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < scans.length; i += INSERT_CHUNK) {
        await tx
          .insertInto('scans')
          .values(scans.slice(i, i + INSERT_CHUNK))
          .execute();
      }
      // One UPDATE per distinct increment, not per code: most codes of a batch were scanned once.
      const byIncrement = new Map<number, string[]>();
      for (const [id, n] of counts) {
        const ids = byIncrement.get(n);
        if (ids) ids.push(id);
        else byIncrement.set(n, [id]);
      }
      for (const [n, ids] of byIncrement) {
        for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
          await tx
            .updateTable('codes')
            .set((eb) => ({ scans: eb('scans', '+', n) }))
            .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
            .execute();
        }
      }
    });
  }

  /** The day's salt, made by whichever gateway asks first; salts of earlier days are deleted. */
  async salt(day: string, fresh: string): Promise<string> {
    await this.db
      .insertInto('salts')
      .values({ day, salt: fresh })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    await this.db.deleteFrom('salts').where('day', '<', day).execute();
    const row = await this.db.selectFrom('salts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
    return row.salt;
  }

  /** Counts of one code's scans in [from, to), in buckets of `bucketMs`. */
  async scanTotals(codeId: string, from: number, to: number, bucketMs: number): Promise<ScanTotals> {
    const range = this.db
      .selectFrom('scans')
      .where('code_id', '=', codeId)
      .where('at', '>=', from)
      .where('at', '<', to);
    const people = range.where('bot', '=', 0);
    const bucket = sql<number>`(${sql.ref('at')} / ${sql.lit(bucketMs)})`;
    const [overall, bots, series, ...groups] = await Promise.all([
      people
        .select((eb) => [eb.fn.countAll<number>().as('scans'), eb.fn.count<number>('visitor').distinct().as('unique')])
        .executeTakeFirst(),
      range
        .where('bot', '=', 1)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
      people
        .select((eb) => [
          bucket.as('bucket'),
          eb.fn.countAll<number>().as('scans'),
          eb.fn.count<number>('visitor').distinct().as('unique'),
        ])
        .groupBy(bucket)
        .orderBy(bucket)
        .execute(),
      ...(['device', 'os', 'browser', 'referrer'] as const).map((col) =>
        people
          .select((eb) => [eb.ref(col).as('name'), eb.fn.countAll<number>().as('n')])
          .groupBy(col)
          .execute(),
      ),
    ]);
    const tally = (rows: { name: string; n: number }[] | undefined) =>
      Object.fromEntries((rows ?? []).map((r) => [r.name, Number(r.n)]));
    return {
      total: Number(overall?.scans ?? 0),
      unique: Number(overall?.unique ?? 0),
      bots: Number(bots?.n ?? 0),
      series: series.map((s) => ({ bucket: Number(s.bucket), scans: Number(s.scans), unique: Number(s.unique) })),
      devices: tally(groups[0]),
      os: tally(groups[1]),
      browsers: tally(groups[2]),
      referrers: tally(groups[3]),
    };
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.database.close();
  }
}
