/** A job's fixed description, written once at upload as spec.json in its directory. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderOptions } from '../lib/schema.js';
import type { LabelSheet } from './schema.js';
import { files } from './paths.js';

export interface JobSpec {
  columns: string[];
  total_rows: number;
  batch_size: number;
  design?: RenderOptions;
  /** Dynamic: each row's image encodes the short link of a code made at upload. */
  dynamic?: boolean;
  /** Label sheets to lay the rows' codes out on, as labels.pdf, once the job completes. */
  labels?: LabelSheet;
}

export async function readSpec(dir: string): Promise<JobSpec> {
  return JSON.parse(await readFile(join(dir, files.spec), 'utf8')) as JobSpec;
}
