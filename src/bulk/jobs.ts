/**
 * What a caller may do with their jobs. Every operation is scoped to the
 * owner: another owner's job is a `JobNotFound`, exactly like a missing one.
 */
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pageOf, pagination } from '../infra/paging.js';
import type { BulkConfig } from './config.js';
import type { DynamicCodes } from './dynamic.js';
import { JobConflict, JobNotFound } from './errors.js';
import { isJobId, jobDir } from './paths.js';
import type { JobQueue } from './queue.js';
import { resultsCsv, resultsZip } from './results.js';
import { JOB_STATUSES, type JobList, type JobView, type ListQuery, type ResultFormat, type Stats } from './schema.js';
import { ACTIVE, view, type JobRecord, type JobStore, type StatusPatch } from './store.js';

/** What the bulk operations work on: the settings, the job store and the queue. */
export interface BulkDeps {
  config: BulkConfig;
  store: JobStore;
  queue: JobQueue;
  /** Makes the codes of `type: "dynamic"` jobs; without it such jobs are refused. */
  codes?: DynamicCodes;
}

export interface Download {
  format: ResultFormat;
  /** A file name for the download, e.g. job-<id>.zip. */
  filename: string;
  stream: Readable;
}

const cancelled = (): StatusPatch => ({ status: 'cancelled', finished_at: new Date().toISOString() });

/** The owner's job, or `JobNotFound`. */
export async function ownJob({ store }: BulkDeps, owner: string, id: string): Promise<JobRecord> {
  const rec = isJobId(id) ? await store.get(id) : undefined;
  if (!rec || rec.owner !== owner) throw new JobNotFound(id);
  return rec;
}

export async function getJob(deps: BulkDeps, owner: string, id: string): Promise<JobView> {
  return view(await ownJob(deps, owner, id));
}

export async function listJobs({ store }: BulkDeps, owner: string, q: ListQuery): Promise<JobList> {
  const { page, limit } = pageOf(q);
  const { jobs, total } = await store.list({ owner, page, limit, status: q.status });
  return { jobs: jobs.map(view), pagination: pagination(page, limit, total) };
}

export async function jobStats({ store, queue }: BulkDeps, owner: string): Promise<Stats> {
  const t = await store.totals(owner);
  const codes = t.successful + t.failed;
  return {
    jobs: t.by_status,
    total_jobs: JOB_STATUSES.reduce((sum, s) => sum + t.by_status[s], 0),
    codes_rendered: t.successful,
    failures: t.failed,
    average_ms_per_code: codes ? t.render_ms / codes : 0,
    queue_depth: await queue.depth(),
  };
}

/**
 * Cancels a queued or running job: the status changes first (a running job
 * sees it before its next batch), then a job still waiting leaves the queue.
 * A job already finished is a `JobConflict` naming its status.
 */
export async function cancelJob(deps: BulkDeps, owner: string, id: string): Promise<JobView> {
  const { store, queue } = deps;
  const rec = await ownJob(deps, owner, id);
  const patch = cancelled();
  if (!(await store.transition(rec.job_id, ACTIVE, patch))) {
    const now = await store.get(rec.job_id);
    throw new JobConflict(`job is already ${now?.status ?? 'gone'}`);
  }
  await queue.discard(rec.job_id);
  return view((await store.get(rec.job_id)) ?? { ...rec, ...patch });
}

/** Cancels the job if it is still active, then forgets it and removes its files. */
export async function removeJob(deps: BulkDeps, owner: string, id: string): Promise<void> {
  const { config, store, queue } = deps;
  const rec = await ownJob(deps, owner, id);
  await store.transition(rec.job_id, ACTIVE, cancelled());
  await queue.discard(rec.job_id);
  await store.remove(rec.job_id);
  await rm(jobDir(config.dataDir, rec.job_id), { recursive: true, force: true });
}

/** A completed job's results as a stream; any other status is a `JobConflict`. */
export async function jobResults(deps: BulkDeps, owner: string, id: string, format: ResultFormat): Promise<Download> {
  const rec = await ownJob(deps, owner, id);
  if (rec.status !== 'completed') {
    throw new JobConflict(`job is ${rec.status}; results are available once it is completed`);
  }
  const dir = jobDir(deps.config.dataDir, rec.job_id);
  const filename = `job-${rec.job_id}.${format}`;
  const stream = format === 'zip' ? resultsZip(dir, new Date(rec.finished_at ?? rec.created_at)) : resultsCsv(dir);
  return { format, filename, stream };
}
