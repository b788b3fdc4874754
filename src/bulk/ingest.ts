/**
 * Checks an input row by row, streaming, and hands the checked rows on a
 * chunk at a time: a job's upload (CSV, Excel, JSON or NDJSON, see sources/)
 * or the items of a direct JSON request become input.ndjson, one row a line;
 * the CLI renders them as they come. Limits raise a `BulkInputError`.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { batchMaxItems, checkBatch, type BarcodeRequest } from '../lib/index.js';
import type { LinkMaker } from './dynamic.js';
import { inDesignWords } from './design.js';
import { BulkInputError } from './errors.js';
import { NameAllocator } from './filenames.js';
import {
  cell,
  checkRow,
  mapColumns,
  MAX_COLUMNS,
  payloadHeaderProblem,
  type Columns,
  type Defaults,
  type InputRow,
} from './rows.js';
import { DirectItem, type InvalidRow } from './schema.js';
import { delimiterName } from './sources/csv-layout.js';
import {
  openInput,
  XLSX_INFLATE_RATIO,
  type InputChoices,
  type InputInfo,
  type RecordSource,
} from './sources/index.js';
import { bindTemplate } from './template.js';

export interface Ingested {
  columns: string[];
  total_rows: number;
  invalid_rows: InvalidRow[];
  /** File inputs: how the file was read. */
  info?: InputInfo;
}

/** Where checked rows go, a chunk at a time, in row order. */
export type RowSink = (rows: InputRow[]) => Promise<void>;

export interface CheckOptions {
  maxRows: number;
  /** Dynamic jobs: how each valid row's code is made. */
  links?: LinkMaker;
  /** Refuse the input when no row can render (a job of nothing); the CLI reports such rows instead. */
  refuseUnrenderable?: boolean;
  /** Told the header's columns before the first rows reach the sink. */
  onHeader?: (columns: string[]) => void;
}

interface NewLink {
  slug: string;
  destination_url: string;
  title: string;
}

class RowChecker {
  private readonly names = new NameAllocator();
  readonly invalid: InvalidRow[] = [];
  total = 0;
  /** Rows waiting for the core's check, handed on in order once it has answered. */
  private pending: InputRow[] = [];
  private readonly maxRows: number;
  private readonly links: LinkMaker | undefined;

  constructor(
    private readonly cols: Columns,
    private readonly defaults: Defaults,
    private readonly sink: RowSink,
    private readonly opts: CheckOptions,
  ) {
    this.maxRows = opts.maxRows;
    this.links = opts.links;
  }

  /** Blank CSV lines (",,,") are skipped; a blank direct item is an invalid row. */
  async add(cells: string[], skipBlank = true): Promise<void> {
    if (skipBlank && cells.every((c) => c.trim() === '')) return;
    if (++this.total > this.maxRows) {
      throw new BulkInputError('invalid', `too many rows: at most ${this.maxRows} rows per job (MAX_ROWS)`);
    }
    if (cells.length > MAX_COLUMNS) {
      throw new BulkInputError(
        'invalid',
        `too many columns: row ${this.total} has ${cells.length} cells; at most ${MAX_COLUMNS}`,
      );
    }
    const row = checkRow(this.total, cells, this.cols, this.defaults, this.names);
    const width = this.cols.names.length;
    if (!row.e && cells.slice(width).some((c) => c.trim() !== '')) {
      row.e = `row ${this.total} has ${cells.length} cells but the header has ${width} columns: quote cells that hold the delimiter, or add the missing column names`;
    }
    this.pending.push(row);
    if (this.pending.length >= batchMaxItems()) await this.flush();
  }

  /** Asks the core whether each pending row's data fits its symbology, then hands the rows on. */
  private async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    const links = this.links ? this.shortLinks(rows.filter((r) => !r.e)) : undefined;
    const toCheck = rows.filter((r) => !r.e);
    const items = toCheck.map((r): BarcodeRequest => ({
      id: String(r.r),
      barcode_type: r.t as BarcodeRequest['barcode_type'],
      data: r.d,
      format: r.f,
      ...(this.defaults.design ? { options: this.defaults.design } : {}),
    }));
    const checks = items.length ? await checkBatch(items) : [];
    checks.forEach((c, i) => {
      if (!c.success) toCheck[i]!.e = inDesignWords(c.error.message);
    });
    if (links)
      await this.makeCodes(
        toCheck.filter((r) => !r.e),
        links,
      );
    for (const row of rows) if (row.e) this.invalid.push({ row: row.r, reason: row.e });
    await this.sink(rows);
  }

  /**
   * Dynamic jobs: checks each row's destination and title as the code
   * service would, and gives the others a new slug, whose short link becomes
   * the data to check and render. Answers each row's destination and title.
   */
  private shortLinks(rows: InputRow[]): Map<number, NewLink> {
    const { codes } = this.links!;
    const maxTitle = codes.maxTitleLength;
    const out = new Map<number, NewLink>();
    for (const row of rows) {
      // The destination is the destination_url cell alone (a `data` cell is no link), or the data template's text.
      const destination = this.defaults.dataTemplate ? row.d : cell(row.c, this.cols.url);
      const title = cell(row.c, this.cols.title);
      const problem = destination ? codes.destinationProblem(destination) : 'is empty';
      if (problem) row.e = `destination_url ${problem}`;
      else if (title.length > maxTitle) row.e = `title is ${title.length} characters; at most ${maxTitle}`;
      else {
        const slug = codes.newSlug();
        out.set(row.r, { slug, destination_url: destination, title });
        row.u = codes.shortUrl(slug);
        row.d = row.u;
      }
    }
    return out;
  }

  /** Dynamic jobs: one code per row that will render, made in one call for the chunk. */
  private async makeCodes(rows: InputRow[], links: Map<number, NewLink>) {
    if (rows.length === 0) return;
    const { codes, owner, jobId } = this.links!;
    const made = await codes.createForJob(
      owner,
      jobId,
      rows.map((r) => links.get(r.r)!),
    );
    made.forEach(({ id, slug }, k) => {
      const row = rows[k]!;
      row.i = id;
      row.u = codes.shortUrl(slug);
      row.d = row.u;
    });
  }

  async finish(): Promise<Ingested> {
    await this.flush();
    if (this.total === 0) throw new BulkInputError('invalid', 'no rows: the input has no data rows');
    if (this.opts.refuseUnrenderable !== false && this.invalid.length === this.total) {
      throw new BulkInputError('invalid', nothingRenders(this.invalid));
    }
    return { columns: this.cols.names, total_rows: this.total, invalid_rows: this.invalid };
  }
}

/** A sink writing each row as a line of JSON to `path`; `close` flushes it and reports a write error. */
function ndjsonFile(path: string): { sink: RowSink; close(): Promise<void>; destroy(): void } {
  const out = createWriteStream(path);
  let error: Error | undefined;
  out.on('error', (err) => (error ??= err));
  return {
    async sink(rows) {
      for (const row of rows) {
        if (error) throw error;
        if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
      }
    },
    async close() {
      out.end();
      if (!out.closed) await once(out, 'close');
      if (error) throw error;
    },
    destroy: () => out.destroy(),
  };
}

/** Why a job none of whose rows can render is refused: its distinct reasons, with counts and first rows. */
function nothingRenders(invalid: InvalidRow[]): string {
  const reasons = new Map<string, number[]>();
  for (const { row, reason } of invalid) {
    const rows = reasons.get(reason);
    if (rows) rows.push(row);
    else reasons.set(reason, [row]);
  }
  const shown = [...reasons].slice(0, 3).map(([reason, rows]) => {
    const where = rows.length === 1 ? `row ${rows[0]}` : `${rows.length} rows, from row ${rows[0]}`;
    return `${where}: ${reason}`;
  });
  const more = reasons.size > 3 ? `; and ${reasons.size - 3} other reasons` : '';
  return `no row can be rendered, so no job was made: ${shown.join('; ')}${more}`;
}

/**
 * The header's columns, checked: at most MAX_COLUMNS, one of them destination_url (or data, for
 * static jobs), or those a payload helper requires.
 */
function headerColumns(header: string[], dynamic: boolean, defaults: Defaults, info?: InputInfo): Columns {
  if (header.length > MAX_COLUMNS) {
    throw new BulkInputError(
      'invalid',
      `too many columns: the header has ${header.length} columns; at most ${MAX_COLUMNS}`,
    );
  }
  const cols = mapColumns(header);
  const seen = new Map<string, number>();
  cols.names.forEach((name, i) => {
    const key = name.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined && name !== '') {
      throw new BulkInputError(
        'invalid',
        `duplicate column: "${name.slice(0, 40)}" is column ${before + 1} and column ${i + 1} of the header; name each column once`,
      );
    }
    seen.set(key, i);
  });
  if (defaults.filenameTemplate) cols.filenameTemplateAt = bindTemplate(defaults.filenameTemplate, cols.names);
  if (defaults.captionTemplate) bindTemplate(defaults.captionTemplate, cols.names);
  if (defaults.payload) {
    const problem = payloadHeaderProblem(defaults.payload, cols.names);
    if (problem) throw new BulkInputError('invalid', problem);
    return cols;
  }
  if (defaults.dataTemplate) {
    cols.dataTemplateAt = bindTemplate(defaults.dataTemplate, cols.names);
    return cols;
  }
  const layout = info?.input_format === 'csv' ? info : undefined;
  if (dynamic && cols.url === undefined) {
    throw new BulkInputError(
      'invalid',
      `missing column: a dynamic job needs a destination_url column${found(cols, layout)}`,
    );
  }
  if (cols.url === undefined && cols.data === undefined) {
    throw new BulkInputError(
      'invalid',
      `missing column: the header must name a destination_url (or data) column${found(cols, layout)}`,
    );
  }
  return cols;
}

/** Columns people give links under, which the header must call destination_url. */
const LINK_LIKE = new Set(['url', 'link', 'links', 'website', 'href', 'destination', 'target', 'uri', 'address']);

/** What the header holds, as the missing-column message echoes it: the columns, the delimiter, a likely rename. */
function found(cols: Columns, layout?: InputInfo): string {
  const shown = cols.names.slice(0, 8).map((n) => JSON.stringify(n.slice(0, 40)));
  const more = cols.names.length > 8 ? `, … (${cols.names.length} columns)` : '';
  const read = layout ? ` (read as ${layout.encoding}, delimiter ${delimiterName(layout.delimiter!)})` : '';
  const link = cols.names.find((n) => LINK_LIKE.has(n.toLowerCase()));
  const rename = link ? `; rename "${link}" to destination_url` : '';
  const single =
    layout && cols.names.length === 1 && /[,;\t|]/.test(cols.names[0] ?? '')
      ? '; the header is one column: if the file uses another delimiter, give it as options.delimiter'
      : '';
  return `; the header found is ${shown.join(', ')}${more}${read}${rename}${single}`;
}

/**
 * Checks every record of `source` (the header first) and hands the rows to
 * `sink`. Stops reading at the first refusal; the source closes its file.
 */
export async function checkRecords(
  source: RecordSource,
  info: InputInfo,
  defaults: Defaults,
  sink: RowSink,
  opts: CheckOptions,
): Promise<Ingested> {
  let checker: RowChecker | undefined;
  for await (const record of source.records) {
    if (!checker) {
      const cols = headerColumns(record, opts.links !== undefined, defaults, info);
      opts.onHeader?.(cols.names);
      checker = new RowChecker(cols, defaults, sink, opts);
      continue;
    }
    await checker.add(record);
  }
  if (!checker) {
    throw new BulkInputError('invalid', 'empty file: the input needs a header row with a destination_url column');
  }
  return { ...(await checker.finish()), info };
}

/** A job's upload at `path` checked into `outPath`; its layout as `given`, else detected. */
export async function ingestFile(
  path: string,
  outPath: string,
  defaults: Defaults,
  opts: CheckOptions & { maxUploadBytes: number },
  given: InputChoices = {},
): Promise<Ingested> {
  const { source, info } = await openInput(path, given, opts.maxUploadBytes * XLSX_INFLATE_RATIO);
  const out = ndjsonFile(outPath);
  try {
    const ingested = await checkRecords(source, info, defaults, out.sink, opts);
    await out.close();
    return ingested;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

/**
 * Reads and checks an upload as `ingestFile` does but writes nothing: what a
 * job of it would be (the counts, the invalid rows) and its first `keep` rows.
 */
export async function previewFile(
  path: string,
  defaults: Defaults,
  opts: CheckOptions & { maxUploadBytes: number },
  given: InputChoices,
  keep: number,
): Promise<Ingested & { rows: InputRow[] }> {
  const { source, info } = await openInput(path, given, opts.maxUploadBytes * XLSX_INFLATE_RATIO);
  const rows: InputRow[] = [];
  const sink: RowSink = async (chunk) => {
    rows.push(...chunk.slice(0, Math.max(0, keep - rows.length)));
  };
  return { ...(await checkRecords(source, info, defaults, sink, opts)), rows };
}

const DIRECT_FIELDS = Object.keys(DirectItem.properties) as (keyof DirectItem)[];

/** Writes the items of a direct request into `outPath`. */
export async function ingestItems(
  items: DirectItem[],
  outPath: string,
  defaults: Defaults,
  opts: CheckOptions,
): Promise<Ingested> {
  if (items.length > opts.maxRows) {
    throw new BulkInputError('invalid', `too many rows: at most ${opts.maxRows} qr_codes per job (MAX_ROWS)`);
  }
  const used = DIRECT_FIELDS.filter((f) => f === 'destination_url' || items.some((i) => i[f] !== undefined));
  const out = ndjsonFile(outPath);
  try {
    const checker = new RowChecker(headerColumns(used, opts.links !== undefined, defaults), defaults, out.sink, opts);
    for (const item of items) {
      await checker.add(
        used.map((f) => item[f] ?? ''),
        false,
      );
    }
    const ingested = await checker.finish();
    await out.close();
    return ingested;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
