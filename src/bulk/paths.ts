/** Where a job's files live under DATA_DIR. Job ids are UUIDs, checked before use. */
import { join, relative } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isJobId = (id: string): boolean => UUID.test(id);

export const jobsRoot = (dataDir: string): string => join(dataDir, 'jobs');
export const tmpRoot = (dataDir: string): string => join(dataDir, 'tmp');

export function jobDir(dataDir: string, id: string): string {
  if (!isJobId(id)) throw new Error(`not a job id: ${JSON.stringify(id)}`);
  return join(jobsRoot(dataDir), id);
}

/** The files of one job's directory. */
export const files = {
  record: 'job.json',
  spec: 'spec.json',
  input: 'input.ndjson',
  batches: 'batches',
  resultsCsv: 'results.csv',
  labelsPdf: 'labels.pdf',
};

export const batchName = (n: number): string => String(n).padStart(6, '0');

/** A job's input.ndjson relative to DATA_DIR, as a queued job carries it (workers may mount DATA_DIR elsewhere). */
export const inputRef = (dataDir: string, id: string): string =>
  relative(dataDir, join(jobDir(dataDir, id), files.input));
