/**
 * Runs one job: reads input.ndjson in batches of `batch_size`, renders each
 * with renderBatch, saves it (see batches.ts) and the job's counters, and
 * skips batches already saved, so a job resumed after a crash or hand-back
 * writes every row exactly once. A failed batch is retried with exponential
 * backoff; a job cancelled or deleted meanwhile stops before its next batch,
 * and a batch finished after the cancel is not counted: the counts stay those
 * the cancel answered.
 */
import { createReadStream } from 'node:fs';
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { retry } from '../infra/retry.js';
import { batchMaxItems, renderBatch } from '../lib/index.js';
import type { BarcodeRequest } from '../lib/schema.js';
import { inDesignWords } from './design.js';
import { batchFile, doneBatches, readSummary, writeBatch, type BatchSummary } from './batches.js';
import { csvLine, resultHeader } from './csvout.js';
import { files, jobDir } from './paths.js';
import type { InputRow } from './rows.js';
import { readSpec, type JobSpec } from './spec.js';
import { TERMINAL, type JobStore, type Progress } from './store.js';

export interface RunContext {
  store: JobStore;
  dataDir: string;
  batchAttempts: number;
  batchBackoffMs: number;
  /** True once the process wants to stop: the job is left after its current batch. */
  shouldStop?: () => boolean;
}

export type RunOutcome = 'completed' | 'cancelled' | 'failed' | 'gone' | 'stopped';

async function render(rows: InputRow[], spec: JobSpec): Promise<{ bin: Buffer; csv: string; summary: BatchSummary }> {
  const ok = rows.filter((r) => !r.e);
  const outcomes = new Map<number, { bytes?: Buffer; error?: string }>();
  let render_ms = 0;
  // A job's batch may be larger than one renderBatch call takes (the Node API's setting).
  const callMax = batchMaxItems();
  for (let i = 0; i < ok.length; i += callMax) {
    const chunk = ok.slice(i, i + callMax);
    const items: BarcodeRequest[] = chunk.map((r) => ({
      id: String(r.r),
      barcode_type: r.t as BarcodeRequest['barcode_type'],
      data: r.d,
      format: r.f,
    }));
    if (spec.design) for (const item of items) item.options = spec.design;
    const res = await renderBatch(items);
    render_ms += res.summary.total_time_ms;
    for (const result of res.results) {
      const r = Number(result.id);
      if (!result.success) outcomes.set(r, { error: `${result.error.code}: ${inDesignWords(result.error.message)}` });
      else outcomes.set(r, { bytes: result.png ?? Buffer.from(result.svg ?? '', 'utf8') });
    }
  }
  const parts: Buffer[] = [];
  const summary: BatchSummary = { successful: 0, failed: 0, render_ms, images: [] };
  let offset = 0;
  let csv = '';
  // The added columns stay under their header whatever the row's length: a short row gets empty
  // cells up to the header's width (at most MAX_COLUMNS, so the report grows by a bounded amount),
  // and the cells of a long row past the header follow the added columns, so nothing is lost.
  const width = spec.columns.length;
  const aligned = (cells: string[], added: string[]) =>
    csvLine([
      ...cells.slice(0, width),
      ...Array<string>(Math.max(0, width - cells.length)).fill(''),
      ...added,
      ...cells.slice(width),
    ]);
  for (const row of rows) {
    const out = row.e ? { error: row.e } : (outcomes.get(row.r) ?? { error: 'INTERNAL: no result' });
    // A dynamic row's code exists whether or not its image rendered: the report says which it is.
    const link = spec.dynamic ? [row.i ?? '', row.u ?? ''] : [];
    if (out.bytes) {
      parts.push(out.bytes);
      summary.images.push([row.n, offset, out.bytes.length]);
      offset += out.bytes.length;
      summary.successful++;
      csv += aligned(row.c, [String(row.r), row.n, 'success', '', ...link]);
    } else {
      summary.failed++;
      csv += aligned(row.c, [String(row.r), '', 'failed', out.error ?? '', ...link]);
    }
  }
  return { bin: Buffer.concat(parts), csv, summary };
}

/** Batches of parsed input rows, `size` at a time; batches in `skip` are counted, not parsed. */
async function* inputBatches(path: string, size: number, skip: Set<number>): AsyncGenerator<[number, InputRow[]]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  let rows: InputRow[] = [];
  let count = 0;
  for await (const line of lines) {
    if (!line) continue;
    if (!skip.has(n)) rows.push(JSON.parse(line) as InputRow);
    if (++count === size) {
      if (!skip.has(n)) yield [n, rows];
      n++;
      rows = [];
      count = 0;
    }
  }
  if (count > 0 && !skip.has(n)) yield [n, rows];
}

async function assemble(dir: string, spec: JobSpec, batches: number[]): Promise<void> {
  const tmp = join(dir, `${files.resultsCsv}.${process.pid}.tmp`);
  await writeFile(tmp, csvLine(resultHeader(spec.columns, spec.dynamic)));
  for (const n of batches) await appendFile(tmp, await readFile(batchFile(dir, n, 'csv')));
  await rename(tmp, join(dir, files.resultsCsv));
}

export async function runJob(id: string, ctx: RunContext): Promise<RunOutcome> {
  const { store } = ctx;
  const rec = await store.get(id);
  if (!rec) return 'gone';
  if (TERMINAL.includes(rec.status)) return rec.status as RunOutcome;
  const started = rec.started_at ?? new Date().toISOString();
  /** Why the store refused a change: the job was cancelled, or removed. */
  const stopped = async (): Promise<RunOutcome> =>
    (await store.get(id))?.status === 'cancelled' ? 'cancelled' : 'gone';
  if (!(await store.transition(id, ['queued', 'processing'], { status: 'processing', started_at: started }))) {
    return stopped();
  }
  const dir = jobDir(ctx.dataDir, id);
  const spec = await readSpec(dir);
  const totals: Progress = { processed: 0, successful: 0, failed: 0, render_ms: 0 };
  const add = (s: BatchSummary) => {
    totals.processed += s.successful + s.failed;
    totals.successful += s.successful;
    totals.failed += s.failed;
    totals.render_ms += s.render_ms;
  };
  const done = new Set(await doneBatches(dir));
  for (const n of done) add(await readSummary(dir, n));
  for await (const [n, rows] of inputBatches(join(dir, files.input), spec.batch_size, done)) {
    const now = await store.get(id);
    if (!now) return 'gone';
    if (now.status === 'cancelled') return 'cancelled';
    if (ctx.shouldStop?.()) return 'stopped';
    const out = await retry(
      async () => {
        const r = await render(rows, spec);
        await writeBatch(dir, n, r.bin, r.csv, r.summary);
        return r;
      },
      { attempts: ctx.batchAttempts, backoffMs: ctx.batchBackoffMs },
    );
    done.add(n);
    add(out.summary);
    // Refused once the job is cancelled: the batch that was rendering then is not counted (nor served, results.ts).
    if (!(await store.progress(id, totals))) return stopped();
  }
  await assemble(
    dir,
    spec,
    [...done].sort((a, b) => a - b),
  );
  const finished = { status: 'completed' as const, finished_at: new Date().toISOString() };
  if (await store.transition(id, ['processing'], finished)) return 'completed';
  return stopped();
}
