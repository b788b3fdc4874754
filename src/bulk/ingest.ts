/**
 * Turns an upload into input.ndjson, one checked row a line, streaming:
 * a CSV file (csv-parse: BOM, CRLF or LF, quoted fields) or the items of a
 * direct JSON request. Limits raise a `BulkInputError`.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { batchMaxItems, checkBatch, type BarcodeRequest, type PayloadKind } from '../lib/index.js';
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
import { delimiterName, sniffCsv, type CsvLayout } from './sniff.js';

export interface Ingested {
  columns: string[];
  total_rows: number;
  invalid_rows: InvalidRow[];
  /** CSV uploads: how the file was read. */
  encoding?: string;
  delimiter?: string;
}

interface NewLink {
  slug: string;
  destination_url: string;
  title: string;
}

class RowWriter {
  private readonly out: WriteStream;
  private readonly names = new NameAllocator();
  readonly invalid: InvalidRow[] = [];
  total = 0;
  /** Rows waiting for the core's check, written in order once it has answered. */
  private pending: InputRow[] = [];

  constructor(
    path: string,
    private readonly cols: Columns,
    private readonly defaults: Defaults,
    private readonly maxRows: number,
    private readonly links?: LinkMaker,
  ) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.error ??= err));
  }

  private error: Error | undefined;

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

  /** Asks the core whether each pending row's data fits its symbology, then writes the rows. */
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
    for (const row of rows) {
      if (row.e) this.invalid.push({ row: row.r, reason: row.e });
      if (!this.out.write(`${JSON.stringify(row)}\n`)) await once(this.out, 'drain');
    }
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
      // The destination is the destination_url cell alone: a `data` cell is no link.
      const destination = cell(row.c, this.cols.url);
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
    this.out.end();
    if (!this.out.closed) await once(this.out, 'close');
    if (this.error) throw this.error;
    if (this.total === 0) throw new BulkInputError('invalid', 'no rows: the input has no data rows');
    if (this.invalid.length === this.total) throw new BulkInputError('invalid', nothingRenders(this.invalid));
    return { columns: this.cols.names, total_rows: this.total, invalid_rows: this.invalid };
  }

  destroy(): void {
    this.out.destroy();
  }
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
function headerColumns(header: string[], dynamic: boolean, payload?: PayloadKind, layout?: CsvLayout): Columns {
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
  if (payload) {
    const problem = payloadHeaderProblem(payload, cols.names);
    if (problem) throw new BulkInputError('invalid', problem);
    return cols;
  }
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
function found(cols: Columns, layout?: CsvLayout): string {
  const shown = cols.names.slice(0, 8).map((n) => JSON.stringify(n.slice(0, 40)));
  const more = cols.names.length > 8 ? `, … (${cols.names.length} columns)` : '';
  const read = layout ? ` (read as ${layout.encoding}, delimiter ${delimiterName(layout.delimiter)})` : '';
  const link = cols.names.find((n) => LINK_LIKE.has(n.toLowerCase()));
  const rename = link ? `; rename "${link}" to destination_url` : '';
  const single =
    layout && cols.names.length === 1 && /[,;\t|]/.test(cols.names[0] ?? '')
      ? '; the header is one column: if the file uses another delimiter, give it as options.delimiter'
      : '';
  return `; the header found is ${shown.join(', ')}${more}${read}${rename}${single}`;
}

/** Text in `encoding` as UTF-8 strings, for the parser. */
function decoding(encoding: string): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

/** Parses the CSV at `csvPath` into `outPath`; its encoding and delimiter as `given`, else detected. */
export async function ingestCsv(
  csvPath: string,
  outPath: string,
  defaults: Defaults,
  maxRows: number,
  links?: LinkMaker,
  given: Partial<CsvLayout> = {},
): Promise<Ingested> {
  const layout = await sniffCsv(csvPath, given);
  const source = createReadStream(csvPath);
  // UTF-8 goes to the parser as bytes (it drops the BOM); any other encoding is decoded first.
  const text = layout.encoding === 'utf-8' ? source : source.pipe(decoding(layout.encoding));
  const parser = text.pipe(
    parse({
      bom: true,
      delimiter: layout.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 1024 * 1024,
    }),
  );
  let writer: RowWriter | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!writer) {
        writer = new RowWriter(
          outPath,
          headerColumns(record, links !== undefined, defaults.payload, layout),
          defaults,
          maxRows,
          links,
        );
        continue;
      }
      await writer.add(record);
    }
    if (!writer) {
      throw new BulkInputError('invalid', 'empty file: the CSV needs a header row with a destination_url column');
    }
    return { ...(await writer.finish()), ...layout };
  } catch (err) {
    writer?.destroy();
    text.unpipe(parser);
    source.destroy();
    if (text !== source) text.destroy();
    parser.on('error', () => undefined);
    parser.destroy();
    if (err instanceof BulkInputError) throw err;
    throw new BulkInputError('invalid', `malformed CSV: ${(err as Error).message}`);
  }
}

const DIRECT_FIELDS = Object.keys(DirectItem.properties) as (keyof DirectItem)[];

/** Writes the items of a direct request into `outPath`. */
export async function ingestItems(
  items: DirectItem[],
  outPath: string,
  defaults: Defaults,
  maxRows: number,
  links?: LinkMaker,
): Promise<Ingested> {
  if (items.length > maxRows) {
    throw new BulkInputError('invalid', `too many rows: at most ${maxRows} qr_codes per job (MAX_ROWS)`);
  }
  const used = DIRECT_FIELDS.filter((f) => f === 'destination_url' || items.some((i) => i[f] !== undefined));
  const writer = new RowWriter(outPath, headerColumns(used, links !== undefined), defaults, maxRows, links);
  try {
    for (const item of items) {
      await writer.add(
        used.map((f) => item[f] ?? ''),
        false,
      );
    }
    return await writer.finish();
  } catch (err) {
    writer.destroy();
    throw err;
  }
}
