/**
 * "Retry failed rows": a new job made of a finished job's rows that did not
 * render, with the same options. Its input lines are the old job's, copied as
 * they are: the same row numbers and file names (so the two jobs' results fit
 * together), and for a dynamic job the same codes, never new ones. Rows
 * refused at upload are left out: the same cells would be refused again.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JobConflict } from './errors.js';
import { isMissingFile } from './failure.js';
import { filesGone, jobSpec, ownJob, type BulkDeps } from './jobs.js';
import { files, inputRef, jobDir, tmpRoot } from './paths.js';
import { countedBatches } from './results.js';
import type { InputRow } from './rows.js';
import type { Retried } from './schema.js';
import { ACTIVE, queuedRecord } from './store.js';

export async function retryJob(deps: BulkDeps, owner: string, id: string): Promise<Retried> {
  const { config, store, queue } = deps;
  const rec = await ownJob(deps, owner, id);
  if (ACTIVE.includes(rec.status)) {
    throw new JobConflict(`job is ${rec.status}; retry its rows once it has finished, or cancel it first`);
  }
  const dir = jobDir(config.dataDir, rec.job_id);
  const spec = await jobSpec(dir, rec);
  // Rows rendered: the images of the counted batches (file names are unique in a job).
  const rendered = new Set<string>();
  for (const summary of (await countedBatches(dir, rec.processed)).values()) {
    for (const [name] of summary.images) rendered.add(name);
  }

  const newId = randomUUID();
  const staging = join(tmpRoot(config.dataDir), newId);
  const final = jobDir(config.dataDir, newId);
  let total = 0;
  let refused = 0;
  async function* rowsToRetry() {
    const lines = createInterface({ input: createReadStream(join(dir, files.input)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const row = JSON.parse(line) as InputRow;
      if (row.e) refused++;
      else if (!rendered.has(row.n)) {
        total++;
        yield `${line}\n`;
      }
    }
  }

  let moved = false;
  try {
    await mkdir(join(staging, files.batches), { recursive: true });
    await pipeline(Readable.from(rowsToRetry()), createWriteStream(join(staging, files.input)));
    if (total === 0) {
      throw new JobConflict(
        refused
          ? `nothing to retry: the ${refused} failed row(s) of job ${rec.job_id} were refused at upload (its invalid_rows); correct them and upload them again`
          : `nothing to retry: every row of job ${rec.job_id} was rendered`,
      );
    }
    await writeFile(join(staging, files.spec), JSON.stringify({ ...spec, total_rows: total }));
    await rename(staging, final);
    moved = true;
    await store.create(queuedRecord(newId, owner, total));
    await queue.enqueue({ job_id: newId, owner, input: inputRef(config.dataDir, newId) });
    return { job_id: newId, status: 'queued', total_rows: total, retry_of: rec.job_id };
  } catch (err) {
    if (moved) {
      await store.remove(newId).catch(() => undefined);
      await rm(final, { recursive: true, force: true });
    }
    await rm(staging, { recursive: true, force: true });
    // The old job's input is gone (its files were removed under it): nothing the caller can retry.
    if (!moved && isMissingFile(err)) throw filesGone(rec.job_id);
    throw err;
  }
}
