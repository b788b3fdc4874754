/** The CLI's input: a file checked for readability, or standard input spooled to a temporary file. */
import { createWriteStream } from 'node:fs';
import { access, constants, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CliError } from './errors.js';

export interface InputFile {
  path: string;
  /** As the summary names it: the path given, or "stdin". */
  name: string;
  /** Removes what reading the input made (the spooled copy of stdin). */
  cleanup(): Promise<void>;
}

/** `-` is standard input: detecting the format and reading NDJSON twice need a file, so it is copied first. */
export async function openInputFile(arg: string, stdin: NodeJS.ReadableStream): Promise<InputFile> {
  if (arg === '-') {
    const dir = await mkdtemp(join(tmpdir(), 'batchcode-stdin-'));
    const path = join(dir, 'input');
    await pipeline(stdin, createWriteStream(path));
    return { path, name: 'stdin', cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  try {
    await access(arg, constants.R_OK);
    if ((await stat(arg)).isDirectory()) throw new CliError(`cannot read ${arg}: it is a directory, not a file`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new CliError(`cannot read ${arg}: ${why}`);
  }
  return { path: arg, name: arg, cleanup: async () => undefined };
}
