/**
 * `batchcode bulk`: a whole input rendered here, through the native module,
 * with no server or Redis. Rows are checked and rendered by the bulk API's
 * own code (ingest.ts, render-rows.ts), so results.csv is the API's, and
 * streamed: the next chunk is read and checked while the last one renders,
 * and images go to the output as they come.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { csvLine, resultHeader } from '../bulk/csvout.js';
import { BulkInputError } from '../bulk/errors.js';
import { checkRecords, type RowSink } from '../bulk/ingest.js';
import { defaults as defaultsOf } from '../bulk/options.js';
import { renderRows, type RenderedRows } from '../bulk/render-rows.js';
import type { BulkOptions, InvalidRow } from '../bulk/schema.js';
import { openInput, type InputInfo } from '../bulk/sources/index.js';
import { CliError, inFlagWords } from './errors.js';
import { openOutput, type Output } from './output.js';
import type { Progress } from './progress.js';

/** What a workbook may inflate to here: the CLI has no upload limit, but memory is finite. */
const CLI_MAX_UNZIPPED = 2 * 1024 * 1024 * 1024;

/** Chunks rendering at once: one renders while the next is read and checked. */
const IN_FLIGHT = 2;

export interface BulkRun {
  input: string;
  output: string;
  options: BulkOptions;
  /** Threads one chunk renders on (renderBatch's max_concurrent). */
  concurrency: number;
  progress: Progress;
}

export interface BulkSummary extends Partial<InputInfo> {
  input: string;
  output: string;
  total_rows: number;
  successful: number;
  failed: number;
  /** The first failed rows, with the reason results.csv gives. */
  failed_rows: InvalidRow[];
  seconds: number;
  rows_per_second: number;
  /** The process's peak resident memory. */
  peak_rss_mb: number;
}

/** Failed rows listed in the summary; results.csv has them all. */
const LISTED_FAILURES = 100;

/** Results lines, written as they come, behind the header once the run knows it. */
class Report {
  readonly dir: Promise<string> = mkdtemp(join(tmpdir(), 'batchcode-bulk-'));
  private lines: WriteStream | undefined;

  async write(text: string): Promise<void> {
    this.lines ??= createWriteStream(join(await this.dir, 'lines.csv'));
    if (!this.lines.write(text)) await once(this.lines, 'drain');
  }

  /** results.csv: the header, then every line. */
  async assemble(header: string[]): Promise<string> {
    const dir = await this.dir;
    const path = join(dir, 'results.csv');
    if (this.lines) {
      this.lines.end();
      await once(this.lines, 'close');
    }
    const out = createWriteStream(path);
    out.write(csvLine(header));
    if (this.lines) await pipeline(createReadStream(join(dir, 'lines.csv')), out);
    else await new Promise((done) => out.end(done));
    return path;
  }

  async remove(): Promise<void> {
    this.lines?.destroy();
    await rm(await this.dir, { recursive: true, force: true });
  }
}

export async function runBulk(run: BulkRun): Promise<BulkSummary> {
  const started = performance.now();
  if (run.options.type === 'dynamic') {
    throw new CliError(
      'dynamic codes live on a server, which makes their short links: use batchcode submit … --type dynamic',
    );
  }
  const { sheet, ...choices } = run.options;
  if (typeof sheet === 'object') {
    throw new CliError(
      'label sheets (options.sheet as an object) are laid out by a server job: use batchcode submit …',
    );
  }
  const { source, info } = await openInput(run.input, { ...choices, sheet }, CLI_MAX_UNZIPPED).catch(refusal);
  const output: Output = await openOutput(run.output);
  const report = new Report();
  const counts = { done: 0, failed: 0 };
  const failedRows: InvalidRow[] = [];
  let columns: string[] = [];
  const inFlight: Promise<RenderedRows>[] = [];
  const batch = { max_concurrent: run.concurrency };

  const progress = () => {
    const fraction = source.progress();
    run.progress.update({ ...counts, ...(fraction > 0 ? { total: Math.round(counts.done / fraction) } : {}) });
  };
  const writeOldest = async () => {
    const out = await inFlight.shift()!;
    for (const { name, bytes } of out.images) await output.add(name, bytes);
    await report.write(out.csv);
    counts.done += out.successful + out.failed;
    counts.failed += out.failed;
    for (const f of out.failures) if (failedRows.length < LISTED_FAILURES) failedRows.push(f);
    progress();
  };
  const sink: RowSink = async (rows) => {
    const rendering = renderRows(rows, { columns, design: run.options.design }, batch);
    // Awaited in order by writeOldest; a failure meanwhile must not go unhandled.
    rendering.catch(() => undefined);
    inFlight.push(rendering);
    while (inFlight.length >= IN_FLIGHT) await writeOldest();
  };

  try {
    const checked = await checkRecords(source, info, defaultsOf(run.options), sink, {
      maxRows: Number.POSITIVE_INFINITY,
      refuseUnrenderable: false,
      onHeader: (names) => (columns = names),
    }).catch(refusal);
    while (inFlight.length > 0) await writeOldest();
    if (counts.done !== checked.total_rows) {
      throw new Error(`${checked.total_rows} rows were read but ${counts.done} were rendered or reported`);
    }
    await output.finish(await report.assemble(resultHeader(columns)));
    run.progress.stop({ ...counts, total: counts.done });
  } catch (err) {
    run.progress.stop({ ...counts });
    await Promise.allSettled(inFlight);
    await output.abort();
    throw err;
  } finally {
    await report.remove();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    input: run.input,
    output: output.path,
    ...info,
    total_rows: counts.done,
    successful: counts.done - counts.failed,
    failed: counts.failed,
    failed_rows: failedRows,
    seconds: Math.round(seconds * 1000) / 1000,
    rows_per_second: Math.round(counts.done / Math.max(seconds, 1e-6)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** An input the bulk code refuses is a usage error here (exit 2), in the CLI's words. */
function refusal(err: unknown): never {
  if (err instanceof BulkInputError) throw new CliError(inFlagWords(err.message));
  throw err;
}
