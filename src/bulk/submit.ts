/**
 * Taking a job: its files are staged under tmp/<id>, checked row by row,
 * moved into jobs/<id> whole, then the job is recorded and enqueued. Any
 * failure on the way (bad input, a full disk, Redis away) leaves nothing
 * behind: no record, no queued job, no directory, no dynamic code.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BulkDeps } from './jobs.js';
import { ingestFile, ingestItems, previewFile, type Ingested } from './ingest.js';
import { dryRun, type LinkMaker } from './dynamic.js';
import { BulkInputError } from './errors.js';
import { defaults, parseOptions, specOf } from './options.js';
import { files, inputRef, jobDir, tmpRoot } from './paths.js';
import type { Accepted, BulkOptions, Checked, DirectBody } from './schema.js';
import type { InputChoices } from './sources/index.js';
import type { JobSpec } from './spec.js';
import { queuedRecord } from './store.js';

/**
 * Receives an upload: writes the CSV file to `csvPath` and returns the raw
 * `options` that came with it (JSON text, or nothing). The gateway's
 * multipart reader is one; it throws a `BulkInputError` for a bad body.
 */
export type ReceiveCsv = (csvPath: string) => Promise<{ options?: unknown }>;

/** The upload as received: its kind is read from its bytes, not a name. */
const UPLOAD = 'upload';

/** How a dynamic job makes its codes, or undefined for a static one. */
function linkMaker(deps: BulkDeps, options: BulkOptions, owner: string, jobId: string): LinkMaker | undefined {
  if (options.type !== 'dynamic') return undefined;
  if (!deps.codes) throw new BulkInputError('invalid', 'options.type "dynamic": this service has no dynamic codes');
  return { codes: deps.codes, owner, jobId };
}

/** How the options say to read a file: its encoding, delimiter, and the workbook's sheet. */
function readChoices(options: BulkOptions): InputChoices {
  const { encoding, delimiter } = options;
  // An object is a label sheet (options.ts); a name or number, the workbook's sheet to read.
  const sheet = typeof options.sheet === 'object' ? undefined : options.sheet;
  return { ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}), ...(sheet ? { sheet } : {}) };
}

export async function submitCsv(deps: BulkDeps, owner: string, receive: ReceiveCsv): Promise<Accepted> {
  return staged(deps, owner, async (dir, id) => {
    const upload = join(dir, UPLOAD);
    const options = parseOptions((await receive(upload)).options);
    const links = linkMaker(deps, options, owner, id);
    const ingested = await ingestFile(
      upload,
      join(dir, files.input),
      defaults(options),
      { maxRows: deps.config.maxRows, maxUploadBytes: deps.config.maxUploadBytes, ...(links ? { links } : {}) },
      readChoices(options),
    );
    await rm(upload, { force: true });
    return { options, ingested };
  });
}

/** Rows a check shows as they will be rendered. */
export const CHECK_PREVIEW_ROWS = 10;

/**
 * Reads an upload as `submitCsv` would, with the same options and checks, and
 * answers what the job would be; nothing is kept (no job, no code, no file).
 */
export async function checkCsv(deps: BulkDeps, owner: string, receive: ReceiveCsv): Promise<Checked> {
  const dir = join(tmpRoot(deps.config.dataDir), `check-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true });
    const upload = join(dir, UPLOAD);
    const options = parseOptions((await receive(upload)).options);
    const links = linkMaker(deps, options, owner, 'check');
    const { columns, total_rows, invalid_rows, info, rows } = await previewFile(
      upload,
      defaults(options),
      {
        maxRows: deps.config.maxRows,
        maxUploadBytes: deps.config.maxUploadBytes,
        ...(links ? { links: { ...links, codes: dryRun(links.codes) } } : {}),
      },
      readChoices(options),
      CHECK_PREVIEW_ROWS,
    );
    return {
      total_rows,
      invalid_rows,
      columns,
      rows: rows.map((r) => ({
        row: r.r,
        cells: Object.fromEntries(columns.map((c, i) => [c, r.c[i] ?? ''])),
        filename: r.n,
        ...(r.e ? { error: r.e } : {}),
      })),
      ...info,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function submitItems(deps: BulkDeps, owner: string, body: DirectBody): Promise<Accepted> {
  const options = body.options ?? {};
  if (options.payload) {
    throw new BulkInputError(
      'invalid',
      'options.payload is for CSV uploads (one column per field); in /api/bulk/direct, give each code its data as text',
    );
  }
  return staged(deps, owner, async (dir, id) => {
    const out = join(dir, files.input);
    const links = linkMaker(deps, options, owner, id);
    const opts = { maxRows: deps.config.maxRows, ...(links ? { links } : {}) };
    return { options, ingested: await ingestItems(body.qr_codes, out, defaults(options), opts) };
  });
}

async function staged(
  { config, store, queue, codes }: BulkDeps,
  owner: string,
  prepare: (dir: string, id: string) => Promise<{ options: BulkOptions; ingested: Ingested }>,
): Promise<Accepted> {
  const id = randomUUID();
  const staging = join(tmpRoot(config.dataDir), id);
  const final = jobDir(config.dataDir, id);
  let moved = false;
  try {
    await mkdir(join(staging, files.batches), { recursive: true });
    const { options, ingested } = await prepare(staging, id);
    const spec: JobSpec = { ...specOf(options), columns: ingested.columns, total_rows: ingested.total_rows };
    await writeFile(join(staging, files.spec), JSON.stringify(spec));
    await rename(staging, final);
    moved = true;
    await store.create(queuedRecord(id, owner, ingested.total_rows));
    await queue.enqueue({ job_id: id, owner, input: inputRef(config.dataDir, id) });
    const { total_rows, invalid_rows, info } = ingested;
    return { job_id: id, status: 'queued', total_rows, invalid_rows, ...info };
  } catch (err) {
    if (moved) {
      await store.remove(id).catch(() => undefined);
      await rm(final, { recursive: true, force: true });
    }
    await rm(staging, { recursive: true, force: true });
    // A dynamic job's codes were made as its rows were read: a job that is not queued keeps none.
    await codes?.removeForJob(owner, id).catch(() => undefined);
    throw err;
  }
}
