/**
 * Job records: what the status endpoints show. `JobStore` has two
 * implementations: files under DATA_DIR (in-process mode, one gateway) and
 * Redis hashes (queue mode, shared by the gateway and every worker).
 */
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOB_ERRORS, jobError, type JobError } from './failure.js';
import { JOB_STATUSES, type JobStatus, type JobView } from './schema.js';
import { files, isJobId, jobDir, jobsRoot } from './paths.js';

export interface JobRecord {
  job_id: string;
  owner: string;
  status: JobStatus;
  total_rows: number;
  processed: number;
  successful: number;
  failed: number;
  /** Render time summed over rows, for the stats endpoint. */
  render_ms: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Why a failed job failed (records from before codes hold a bare string: shown as INTERNAL). */
  error?: JobError | string;
}

/** The record of a job just made: queued, nothing counted yet. */
export function queuedRecord(job_id: string, owner: string, total_rows: number): JobRecord {
  return {
    job_id,
    owner,
    status: 'queued',
    total_rows,
    processed: 0,
    successful: 0,
    failed: 0,
    render_ms: 0,
    created_at: new Date().toISOString(),
    started_at: null,
    finished_at: null,
  };
}

export type Progress = Pick<JobRecord, 'processed' | 'successful' | 'failed' | 'render_ms'>;
export type StatusPatch = Partial<Pick<JobRecord, 'started_at' | 'finished_at'>> & {
  status: JobStatus;
  error?: JobError;
};

export const TERMINAL: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE: readonly JobStatus[] = ['queued', 'processing'];

/** One page of an owner's jobs, newest first; `page` counts from 1. */
export interface PageQuery {
  owner: string;
  page: number;
  limit: number;
  status?: JobStatus;
}

export interface JobPage {
  jobs: JobRecord[];
  /** Jobs matching the query on every page. */
  total: number;
}

/** An owner's jobs counted by status, and their counters summed. */
export interface OwnerTotals {
  by_status: Record<JobStatus, number>;
  successful: number;
  failed: number;
  render_ms: number;
}

export const noJobs = (): OwnerTotals => ({
  by_status: Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>,
  successful: 0,
  failed: 0,
  render_ms: 0,
});

/** Who watches one job (`JobStore.watch`). */
export interface JobWatcher {
  /** The job's record may have changed, or it was removed: read it again. */
  changed(): void;
  /** Changes can no longer be learned (the Redis connection was lost): the watch is over. */
  lost(err: Error): void;
}

export interface JobStore {
  create(rec: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Saves counters while the job is queued or processing; false when it is gone or finished
   * (a cancel freezes the counts it answered). Never touches the status.
   */
  progress(id: string, p: Progress): Promise<boolean>;
  /** Changes the status only when it is one of `from`; true when it did. */
  transition(id: string, from: readonly JobStatus[], patch: StatusPatch): Promise<boolean>;
  /** One page of an owner's jobs, newest first, optionally of one status. */
  list(query: PageQuery): Promise<JobPage>;
  /** An owner's jobs by status and their summed counters (the stats endpoint). */
  totals(owner: string): Promise<OwnerTotals>;
  /** Every job, oldest first (resume and clean-up). */
  all(): Promise<JobRecord[]>;
  /** Forgets the record; the job's files are the caller's to remove. */
  remove(id: string): Promise<void>;
  /**
   * Tells `watcher` of every later progress, transition and removal of job `id`, whichever process
   * makes it, without reading the job list. Resolves once changes are being watched, with the
   * function that stops it (call it once).
   */
  watch(id: string, watcher: JobWatcher): Promise<() => void>;
  close(): Promise<void>;
}

export function view(r: JobRecord): JobView {
  const v: JobView = {
    job_id: r.job_id,
    status: r.status,
    total_rows: r.total_rows,
    processed: r.processed,
    successful: r.successful,
    failed: r.failed,
    progress: r.total_rows ? Math.floor((100 * r.processed) / r.total_rows) : 100,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
  };
  // A bare string is a record from before error codes: it may hold a path, so it is not shown.
  if (r.error) v.error = typeof r.error === 'string' || !(r.error.code in JOB_ERRORS) ? jobError('INTERNAL') : r.error;
  return v;
}

const newestFirst = (a: JobRecord, b: JobRecord) =>
  b.created_at.localeCompare(a.created_at) || b.job_id.localeCompare(a.job_id);

/**
 * Records as `jobs/<id>/job.json`, cached in memory and indexed by owner.
 * Only one process (the gateway) may use it; writes to one job are
 * serialised and atomic.
 */
export class FileJobStore implements JobStore {
  private readonly cache = new Map<string, JobRecord>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** One event per job id, emitted when its record changes or goes. */
  private readonly changes = new EventEmitter().setMaxListeners(0);

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<FileJobStore> {
    const store = new FileJobStore(dataDir);
    const root = jobsRoot(dataDir);
    await mkdir(root, { recursive: true });
    for (const id of await readdir(root)) {
      if (!isJobId(id)) continue;
      try {
        store.index(JSON.parse(await readFile(join(root, id, files.record), 'utf8')) as JobRecord);
      } catch {
        // A directory without a record is an unfinished upload; clean-up removes it.
      }
    }
    return store;
  }

  private index(rec: JobRecord): void {
    this.cache.set(rec.job_id, rec);
    let ids = this.byOwner.get(rec.owner);
    if (!ids) this.byOwner.set(rec.owner, (ids = new Set()));
    ids.add(rec.job_id);
  }

  private owned(owner: string): JobRecord[] {
    const out: JobRecord[] = [];
    for (const id of this.byOwner.get(owner) ?? []) {
      const rec = this.cache.get(id);
      if (rec) out.push(rec);
    }
    return out;
  }

  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(id, tail);
    void tail.then(() => {
      if (this.chains.get(id) === tail) this.chains.delete(id);
    });
    return next;
  }

  private async write(rec: JobRecord): Promise<void> {
    const dir = jobDir(this.dataDir, rec.job_id);
    const tmp = join(dir, `${files.record}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(rec));
    await rename(tmp, join(dir, files.record));
  }

  async create(rec: JobRecord): Promise<void> {
    this.index({ ...rec });
    await this.serial(rec.job_id, () => this.write(rec));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const rec = this.cache.get(id);
    return rec && { ...rec };
  }

  async progress(id: string, p: Progress): Promise<boolean> {
    const rec = this.cache.get(id);
    if (!rec || !ACTIVE.includes(rec.status)) return false;
    Object.assign(rec, p);
    this.changes.emit(id);
    const copy = { ...rec };
    await this.serial(id, () => (this.cache.has(id) ? this.write(copy) : Promise.resolve()));
    return true;
  }

  async transition(id: string, from: readonly JobStatus[], patch: StatusPatch): Promise<boolean> {
    const rec = this.cache.get(id);
    if (!rec || !from.includes(rec.status)) return false;
    Object.assign(rec, patch);
    this.changes.emit(id);
    const copy = { ...rec };
    await this.serial(id, () => (this.cache.has(id) ? this.write(copy) : Promise.resolve()));
    return true;
  }

  async list(q: PageQuery): Promise<JobPage> {
    const jobs = this.owned(q.owner)
      .filter((r) => !q.status || r.status === q.status)
      .sort(newestFirst);
    const start = (q.page - 1) * q.limit;
    return { jobs: jobs.slice(start, start + q.limit).map((r) => ({ ...r })), total: jobs.length };
  }

  async totals(owner: string): Promise<OwnerTotals> {
    const t = noJobs();
    for (const r of this.owned(owner)) {
      t.by_status[r.status]++;
      t.successful += r.successful;
      t.failed += r.failed;
      t.render_ms += r.render_ms;
    }
    return t;
  }

  async all(): Promise<JobRecord[]> {
    return [...this.cache.values()].sort(newestFirst).reverse();
  }

  async remove(id: string): Promise<void> {
    const rec = this.cache.get(id);
    this.cache.delete(id);
    if (rec) this.byOwner.get(rec.owner)?.delete(id);
    this.changes.emit(id);
    await this.serial(id, () => rm(join(jobDir(this.dataDir, id), files.record), { force: true }));
  }

  async watch(id: string, watcher: JobWatcher): Promise<() => void> {
    const listener = () => watcher.changed();
    this.changes.on(id, listener);
    return () => void this.changes.off(id, listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}
