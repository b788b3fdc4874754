/**
 * What a caller may do with their jobs. Every operation is scoped to the
 * owner: another owner's job is a `JobNotFound`, exactly like a missing one.
 */
import { createReadStream } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pageOf, pagination } from '../infra/paging.js';
import type { BulkConfig } from './config.js';
import { resultHeader } from './csvout.js';
import type { DynamicCodes } from './dynamic.js';
import { JobConflict, JobNotFound } from './errors.js';
import { isMissingFile } from './failure.js';
import { files, isJobId, jobDir } from './paths.js';
import type { JobQueue } from './queue.js';
import { completeResults, countedBatches, partialResults, resultsZip, type ResultSet } from './results.js';
import { JOB_STATUSES, type JobList, type JobView, type ListQuery, type ResultFormat, type Stats } from './schema.js';
import { readSpec, type JobSpec } from './spec.js';
import { ACTIVE, view, type JobRecord, type JobStore, type StatusPatch } from './store.js';
import { noWorkerWarning } from './workers.js';

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
  /** A file name for the download, e.g. job-<id>.zip, or job-<id>-partial.zip for a job that stopped early. */
  filename: string;
  /** The job stopped early: the download holds the rows it rendered before, no others. */
  partial: boolean;
  stream: Readable;
}

const cancelled = (): StatusPatch => ({ status: 'cancelled', finished_at: new Date().toISOString() });

/** The owner's job, or `JobNotFound`. */
export async function ownJob({ store }: BulkDeps, owner: string, id: string): Promise<JobRecord> {
  const rec = isJobId(id) ? await store.get(id) : undefined;
  if (!rec || rec.owner !== owner) throw new JobNotFound(id);
  return rec;
}

/** A job that stopped (cancelled or failed) after rendering rows: those rows can be downloaded. */
const hasPartialResults = (r: JobRecord): boolean =>
  (r.status === 'cancelled' || r.status === 'failed') && r.processed > 0;

/** The view of a record: `partial` when it stopped early with rows rendered. */
function jobView(r: JobRecord): JobView {
  const v = view(r);
  if (hasPartialResults(r)) v.partial = true;
  return v;
}

/** What GET /api/jobs/:id answers for a record: a job waiting for a worker when none is live says so. */
export async function statusView(deps: BulkDeps, rec: JobRecord): Promise<JobView> {
  const v = jobView(rec);
  if (ACTIVE.includes(v.status)) {
    const presence = await deps.queue.workers();
    if (presence.live === 0) v.warning = noWorkerWarning(presence);
  }
  return v;
}

/** A job's status; a job waiting for a worker when none is live says so. */
export async function getJob(deps: BulkDeps, owner: string, id: string): Promise<JobView> {
  return statusView(deps, await ownJob(deps, owner, id));
}

export async function listJobs({ store }: BulkDeps, owner: string, q: ListQuery): Promise<JobList> {
  const { page, limit } = pageOf(q);
  const { jobs, total } = await store.list({ owner, page, limit, status: q.status });
  return { jobs: jobs.map(jobView), pagination: pagination(page, limit, total) };
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
    workers: (await queue.workers()).live,
  };
}

/**
 * Cancels a queued or running job: the status changes first (a running job
 * sees it before its next batch), then a job still waiting leaves the queue.
 * The counts answered are final: the store takes no progress once a job is
 * cancelled, so rows of a batch that finishes afterwards are not counted.
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
  return jobView((await store.get(rec.job_id)) ?? { ...rec, ...patch });
}

/**
 * Forgets the job and removes its files. A job still queued leaves the queue; a running one
 * stops before its next batch, as on a cancel (the store takes no progress for a job it no
 * longer has). It is not marked cancelled first: one watching it (events.ts) is told it was
 * deleted, not that it ended.
 */
export async function removeJob(deps: BulkDeps, owner: string, id: string): Promise<void> {
  const { config, store, queue } = deps;
  const rec = await ownJob(deps, owner, id);
  await queue.discard(rec.job_id);
  await store.remove(rec.job_id);
  await rm(jobDir(config.dataDir, rec.job_id), { recursive: true, force: true });
}

/** A job whose files were removed under it: a `JobConflict`, not a fault of the server's code. */
export const filesGone = (id: string) => new JobConflict(`the files of job ${id} are gone from the server`);

export async function jobSpec(dir: string, rec: JobRecord): Promise<JobSpec> {
  try {
    return await readSpec(dir);
  } catch (err) {
    throw isMissingFile(err) ? filesGone(rec.job_id) : err;
  }
}

/** A completed job's label sheets (labels.pdf) as a stream, or a `JobConflict` saying why there are none. */
export async function jobLabels(deps: BulkDeps, owner: string, id: string): Promise<Readable> {
  const rec = await ownJob(deps, owner, id);
  if (rec.status !== 'completed') {
    throw new JobConflict(`job is ${rec.status}; label sheets are made when a job completes`);
  }
  const path = join(jobDir(deps.config.dataDir, rec.job_id), files.labelsPdf);
  try {
    await access(path);
  } catch {
    throw new JobConflict(
      'this job has no label sheets: it was submitted without options.sheet as an object, or none of its rows rendered',
    );
  }
  return createReadStream(path);
}

/**
 * A job's results as a stream: all of a completed job's, or the rows a
 * cancelled or failed job rendered before it stopped (`partial`). A job
 * still running, or stopped before any row, is a `JobConflict`.
 */
export async function jobResults(deps: BulkDeps, owner: string, id: string, format: ResultFormat): Promise<Download> {
  const rec = await ownJob(deps, owner, id);
  const dir = jobDir(deps.config.dataDir, rec.job_id);
  let set: ResultSet;
  const partial = hasPartialResults(rec);
  if (rec.status === 'completed') set = completeResults(dir);
  else if (partial) {
    const spec = await jobSpec(dir, rec);
    const batches = [...(await countedBatches(dir, rec.processed)).keys()];
    set = partialResults(dir, resultHeader(spec.columns, spec.dynamic), batches);
  } else if (ACTIVE.includes(rec.status)) {
    throw new JobConflict(`job is ${rec.status}; its results can be downloaded once it has finished`);
  } else {
    throw new JobConflict(
      `job is ${rec.status} and rendered no row, so it has no results; POST /api/jobs/${rec.job_id}/retry runs its rows again`,
    );
  }
  const filename = `job-${rec.job_id}${partial ? '-partial' : ''}.${format}`;
  const stream = format === 'zip' ? resultsZip(dir, new Date(rec.finished_at ?? rec.created_at), set) : set.csv();
  return { format, filename, partial, stream };
}
