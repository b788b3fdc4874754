/**
 * The tables as Kysely sees them. Types are chosen to mean the same in
 * SQLite and PostgreSQL: times are epoch milliseconds (bigint), booleans are
 * 0/1 integers, lists and rules are JSON text.
 */
import type { Generated } from 'kysely';

export interface CodesTable {
  id: string;
  owner: string;
  slug: string;
  destination_url: string;
  title: string;
  /** JSON array of strings. */
  tags: string;
  enabled: number;
  expires_at: number | null;
  max_scans: number | null;
  /** JSON of `Rules`, or null. */
  rules: string | null;
  scans: Generated<number>;
  /** The bulk job that created it, if one did (kept when the job is deleted). */
  job_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ScansTable {
  code_id: string;
  at: number;
  /** A salted hash of address and user agent; the salt changes every UTC day. */
  visitor: string;
  device: string;
  os: string;
  browser: string;
  /** The referrer's host, '' when none was sent. */
  referrer: string;
  bot: number;
}

export interface SaltsTable {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  salt: string;
}

export interface Database {
  codes: CodesTable;
  scans: ScansTable;
  salts: SaltsTable;
}
