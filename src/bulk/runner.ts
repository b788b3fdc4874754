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
import { writeLabels } from './labels.js';
import { renderRows } from './render-rows.js';
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
  const out = await renderRows(rows, spec);
  const summary: BatchSummary = {
    successful: out.successful,
    failed: out.failed,
    render_ms: out.render_ms,
    images: [],
  };
  let offset = 0;
  for (const { name, bytes } of out.images) {
    summary.images.push([name, offset, bytes.length]);
    offset += bytes.length;
  }
  return { bin: Buffer.concat(out.images.map((i) => i.bytes)), csv: out.csv, summary };
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
  await retry(() => writeLabels(dir, spec), { attempts: ctx.batchAttempts, backoffMs: ctx.batchBackoffMs });
  const finished = { status: 'completed' as const, finished_at: new Date().toISOString() };
  if (await store.transition(id, ['processing'], finished)) return 'completed';
  return stopped();
}
