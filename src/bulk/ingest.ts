/**
 * Turns an upload into input.ndjson, one checked row a line, streaming:
 * a CSV file (csv-parse: BOM, CRLF or LF, quoted fields) or the items of a
 * direct JSON request. Limits raise a `BulkInputError` with its HTTP status.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { NameAllocator } from './filenames.js';
import { checkRow, mapColumns, type Columns, type Defaults } from './rows.js';
import type { InvalidRow } from './schema.js';

export class BulkInputError extends Error {
  constructor(
    readonly statusCode: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

export interface Ingested {
  columns: string[];
  total_rows: number;
  invalid_rows: InvalidRow[];
}

class RowWriter {
  private readonly out: WriteStream;
  private readonly names = new NameAllocator();
  readonly invalid: InvalidRow[] = [];
  total = 0;

  constructor(
    path: string,
    private readonly cols: Columns,
    private readonly defaults: Defaults,
    private readonly maxRows: number,
  ) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.error ??= err));
  }

  private error: Error | undefined;

  /** Blank CSV lines (",,,") are skipped; a blank direct item is an invalid row. */
  async add(cells: string[], skipBlank = true): Promise<void> {
    if (skipBlank && cells.every((c) => c.trim() === '')) return;
    if (++this.total > this.maxRows) {
      throw new BulkInputError(400, `too many rows: at most ${this.maxRows} rows per job (MAX_ROWS)`);
    }
    const row = checkRow(this.total, cells, this.cols, this.defaults, this.names);
    if (row.e) this.invalid.push({ row: row.r, reason: row.e });
    if (!this.out.write(`${JSON.stringify(row)}\n`)) await once(this.out, 'drain');
  }

  async finish(): Promise<Ingested> {
    this.out.end();
    if (!this.out.closed) await once(this.out, 'close');
    if (this.error) throw this.error;
    if (this.total === 0) throw new BulkInputError(400, 'no rows: the input has no data rows');
    return { columns: this.cols.names, total_rows: this.total, invalid_rows: this.invalid };
  }

  destroy(): void {
    this.out.destroy();
  }
}

function requireDataColumn(cols: Columns): void {
  if (cols.url === undefined && cols.data === undefined) {
    throw new BulkInputError(400, 'missing column: the header must name a destination_url (or data) column');
  }
}

/** Parses the CSV at `csvPath` into `outPath`. */
export async function ingestCsv(
  csvPath: string,
  outPath: string,
  defaults: Defaults,
  maxRows: number,
): Promise<Ingested> {
  const source = createReadStream(csvPath);
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1024 * 1024 }),
  );
  let writer: RowWriter | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!writer) {
        const cols = mapColumns(record);
        requireDataColumn(cols);
        writer = new RowWriter(outPath, cols, defaults, maxRows);
        continue;
      }
      await writer.add(record);
    }
    if (!writer) throw new BulkInputError(400, 'empty file: the CSV needs a header row with a destination_url column');
    return await writer.finish();
  } catch (err) {
    writer?.destroy();
    source.unpipe(parser);
    source.destroy();
    parser.on('error', () => undefined);
    parser.destroy();
    if (err instanceof BulkInputError) throw err;
    throw new BulkInputError(400, `malformed CSV: ${(err as Error).message}`);
  }
}

const DIRECT_FIELDS = ['destination_url', 'data', 'title', 'filename', 'barcode_type', 'format'] as const;
type DirectItem = Partial<Record<(typeof DIRECT_FIELDS)[number], string>>;

/** Writes the items of a direct request into `outPath`. */
export async function ingestItems(
  items: DirectItem[],
  outPath: string,
  defaults: Defaults,
  maxRows: number,
): Promise<Ingested> {
  if (items.length > maxRows) {
    throw new BulkInputError(400, `too many rows: at most ${maxRows} qr_codes per job (MAX_ROWS)`);
  }
  const used = DIRECT_FIELDS.filter((f) => f === 'destination_url' || items.some((i) => i[f] !== undefined));
  const writer = new RowWriter(outPath, mapColumns([...used]), defaults, maxRows);
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
