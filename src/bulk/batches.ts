/**
 * Per-batch result files in `batches/`: NNNNNN.bin (images back to back),
 * NNNNNN.csv (result lines) and NNNNNN.json, written last, which marks the
 * batch done. Each is written to a temporary name and renamed, so a batch is
 * either wholly there or absent, and rewriting it (after a crash) replaces it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { batchName, files } from './paths.js';

export interface BatchSummary {
  successful: number;
  failed: number;
  render_ms: number;
  /** [file name, offset, length] in the .bin file, per rendered row. */
  images: [string, number, number][];
}

export const batchesDir = (dir: string) => join(dir, files.batches);

async function atomicWrite(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function writeBatch(
  dir: string,
  n: number,
  bin: Buffer,
  csv: string,
  summary: BatchSummary,
): Promise<void> {
  const base = join(batchesDir(dir), batchName(n));
  await atomicWrite(`${base}.bin`, bin);
  await atomicWrite(`${base}.csv`, csv);
  await atomicWrite(`${base}.json`, JSON.stringify(summary));
}

/** Numbers of the batches already done, ascending. */
export async function doneBatches(dir: string): Promise<number[]> {
  const names = await readdir(batchesDir(dir));
  return names
    .filter((f) => /^\d{6}\.json$/.test(f))
    .map((f) => Number(f.slice(0, 6)))
    .sort((a, b) => a - b);
}

export async function readSummary(dir: string, n: number): Promise<BatchSummary> {
  return JSON.parse(await readFile(join(batchesDir(dir), `${batchName(n)}.json`), 'utf8')) as BatchSummary;
}

export const batchFile = (dir: string, n: number, ext: 'bin' | 'csv') =>
  join(batchesDir(dir), `${batchName(n)}.${ext}`);
