/**
 * Renders a batch of checked rows and writes their result lines: the one
 * place a job's images and its results.csv rows are made, for the job
 * runner and the CLI alike, so the two reports are the same.
 */
import { batchMaxItems, renderBatch, resultBytes, type BarcodeRequest, type BatchOptions } from '../lib/index.js';
import { csvLine } from './csvout.js';
import { inDesignWords } from './design.js';
import type { InputRow } from './rows.js';
import type { JobSpec } from './spec.js';

export interface RenderedRows {
  /** Each rendered row's image, in row order. */
  images: { name: string; bytes: Buffer }[];
  /** The rows' result lines, every row in order, failed ones included. */
  csv: string;
  /** Why each row that did not render failed, as its result line says. */
  failures: { row: number; reason: string }[];
  successful: number;
  failed: number;
  render_ms: number;
}

export async function renderRows(
  rows: InputRow[],
  spec: Pick<JobSpec, 'columns' | 'design' | 'dynamic'>,
  batch?: BatchOptions,
): Promise<RenderedRows> {
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
    const res = await renderBatch(items, batch);
    render_ms += res.summary.total_time_ms;
    for (const result of res.results) {
      const r = Number(result.id);
      if (!result.success) outcomes.set(r, { error: `${result.error.code}: ${inDesignWords(result.error.message)}` });
      else outcomes.set(r, { bytes: resultBytes(result) });
    }
  }
  const out: RenderedRows = { images: [], csv: '', failures: [], successful: 0, failed: 0, render_ms };
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
    const result = row.e ? { error: row.e } : (outcomes.get(row.r) ?? { error: 'INTERNAL: no result' });
    // A dynamic row's code exists whether or not its image rendered: the report says which it is.
    const link = spec.dynamic ? [row.i ?? '', row.u ?? ''] : [];
    if (result.bytes) {
      out.images.push({ name: row.n, bytes: result.bytes });
      out.successful++;
      out.csv += aligned(row.c, [String(row.r), row.n, 'success', '', ...link]);
    } else {
      out.failed++;
      out.failures.push({ row: row.r, reason: result.error ?? '' });
      out.csv += aligned(row.c, [String(row.r), '', 'failed', result.error ?? '', ...link]);
    }
  }
  return out;
}
