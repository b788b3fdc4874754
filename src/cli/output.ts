/**
 * Where `batchcode bulk` puts its images and results.csv: a ZIP written as
 * the images come (zip-writer.ts: PNGs stored, SVGs and the report
 * deflated), or a directory.
 */
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { compressedFile } from '../lib/index.js';
import { CliError } from './errors.js';
import { ZipWriter } from './zip-writer.js';

export interface Output {
  /** Where it is, as the summary names it. */
  path: string;
  add(name: string, bytes: Buffer): Promise<void>;
  /** Adds results.csv, from the file the run wrote it to, and completes the output. */
  finish(resultsCsv: string): Promise<void>;
  /** Removes a half-written output after a failure. */
  abort(): Promise<void>;
}

export const RESULTS_CSV = 'results.csv';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A ZIP for `-o rows.zip`, a directory for `-o dir/` or an existing directory. */
export async function openOutput(target: string): Promise<Output> {
  if (/\.zip$/i.test(target)) return zipOutput(resolve(target));
  if (target.endsWith('/') || isDirectory(target)) return dirOutput(resolve(target));
  throw new CliError(`-o ${target}: name a .zip file, or a directory ending in / (it is made if missing)`);
}

async function zipOutput(path: string): Promise<Output> {
  await mkdir(dirname(path), { recursive: true });
  // Written beside the target and renamed at the end, so a failed run leaves no half archive under its name.
  const tmp = `${path}.${process.pid}.part`;
  const file = createWriteStream(tmp);
  let failure: Error | undefined;
  file.on('error', (err) => (failure ??= err));
  const zip = new ZipWriter(file);
  const check = () => {
    if (failure) throw new CliError(`cannot write ${path}: ${failure.message}`, 1);
  };
  return {
    path,
    async add(name, bytes) {
      check();
      await zip.add(name, bytes, !compressedFile(name));
    },
    async finish(resultsCsv) {
      check();
      await zip.add(RESULTS_CSV, await readFile(resultsCsv), true);
      await zip.finish();
      if (!file.closed) await once(file, 'close');
      check();
      await rename(tmp, path);
    },
    async abort() {
      file.destroy();
      await rm(tmp, { force: true });
    },
  };
}

async function dirOutput(path: string): Promise<Output> {
  await mkdir(path, { recursive: true });
  return {
    path,
    add: (name, bytes) => writeFile(join(path, name), bytes),
    async finish(resultsCsv) {
      // The report is made in the temporary directory, which may be on another file system.
      await rename(resultsCsv, join(path, RESULTS_CSV)).catch(() => copyFile(resultsCsv, join(path, RESULTS_CSV)));
    },
    async abort() {
      // The images already written stay: they are valid, and the directory may hold other files.
    },
  };
}
