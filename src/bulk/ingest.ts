/**
 * Turns an upload into input.ndjson, one checked row a line, streaming:
 * a CSV file (csv-parse: BOM, CRLF or LF, quoted fields) or the items of a
 * direct JSON request. Limits raise a `BulkInputError`.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
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

export interface Ingested {
  columns: string[];
  total_rows: number;
  invalid_rows: InvalidRow[];
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
    this.pending.push(checkRow(this.total, cells, this.cols, this.defaults, this.names));
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
    return { columns: this.cols.names, total_rows: this.total, invalid_rows: this.invalid };
  }

  destroy(): void {
    this.out.destroy();
  }
}

/**
 * The header's columns, checked: at most MAX_COLUMNS, one of them destination_url (or data, for
 * static jobs), or those a payload helper requires.
 */
function headerColumns(header: string[], dynamic: boolean, payload?: PayloadKind): Columns {
  if (header.length > MAX_COLUMNS) {
    throw new BulkInputError(
      'invalid',
      `too many columns: the header has ${header.length} columns; at most ${MAX_COLUMNS}`,
    );
  }
  const cols = mapColumns(header);
  if (payload) {
    const problem = payloadHeaderProblem(payload, cols.names);
    if (problem) throw new BulkInputError('invalid', problem);
    return cols;
  }
  if (dynamic && cols.url === undefined) {
    throw new BulkInputError('invalid', 'missing column: a dynamic job needs a destination_url column');
  }
  if (cols.url === undefined && cols.data === undefined) {
    throw new BulkInputError('invalid', 'missing column: the header must name a destination_url (or data) column');
  }
  return cols;
}

/** Parses the CSV at `csvPath` into `outPath`. */
export async function ingestCsv(
  csvPath: string,
  outPath: string,
  defaults: Defaults,
  maxRows: number,
  links?: LinkMaker,
): Promise<Ingested> {
  const source = createReadStream(csvPath);
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1024 * 1024 }),
  );
  let writer: RowWriter | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!writer) {
        writer = new RowWriter(
          outPath,
          headerColumns(record, links !== undefined, defaults.payload),
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
    return await writer.finish();
  } catch (err) {
    writer?.destroy();
    source.unpipe(parser);
    source.destroy();
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
