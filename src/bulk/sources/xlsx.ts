/**
 * Excel (.xlsx) inputs, read with exceljs's streaming reader, one sheet,
 * each row as the cells' displayed text (xlsx-values.ts). A workbook is a
 * ZIP, so before exceljs sees it the archive is checked with yauzl (a
 * zip-bomb guard, bomb.ts) within `maxUnzippedBytes`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { BulkInputError } from '../errors.js';
import { checkArchive } from './bomb.js';
import { cellText } from './xlsx-values.js';

export interface XlsxOptions {
  /** A sheet name (exact, then case-insensitive), or a 1-based sheet number; default the first sheet. */
  sheet?: string | number;
  /** Bytes the workbook's parts may inflate to, all together: a bigger (or lying) archive is refused. */
  maxUnzippedBytes: number;
}

export interface XlsxSource {
  /** The name of the sheet being read. */
  sheet: string;
  /** The header, then each row's cells as displayed ('' for an empty cell). */
  records: AsyncIterable<string[]>;
  /** Fraction 0..1 of the file read so far. */
  progress(): number;
}

/** Excel's last column, XFD. */
export const MAX_XLSX_COLUMNS = 16_384;

const invalid = (message: string) => new BulkInputError('invalid', message);

interface SheetEntry {
  name: string;
  /** The worksheet part's number: xl/worksheets/sheet<N>.xml. */
  part: string;
}

/** What the streaming reader knows once xl/workbook.xml and its rels are read (not in exceljs's types). */
interface ReaderState {
  model?: { sheets?: { name: string; rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { date1904?: boolean };
}

function sheetsOf(reader: ReaderState): SheetEntry[] {
  const rels = new Map((reader.workbookRels ?? []).map((r) => [r.Id, r.Target]));
  return (reader.model?.sheets ?? []).map((s) => ({
    name: s.name,
    part: /sheet(\d+)\.xml$/.exec(rels.get(s.rId) ?? '')?.[1] ?? '',
  }));
}

function choose(sheets: SheetEntry[], wanted: string | number | undefined): SheetEntry {
  if (sheets.length === 0) throw invalid('malformed workbook: it lists no sheets');
  const names = sheets.map((s) => `"${s.name}"`).join(', ');
  if (wanted === undefined) return sheets[0]!;
  if (typeof wanted === 'number') {
    const s = sheets[wanted - 1];
    if (!s)
      throw invalid(
        `sheet ${wanted} does not exist: the workbook has ${sheets.length} sheet${sheets.length > 1 ? 's' : ''} (${names})`,
      );
    return s;
  }
  const s = sheets.find((x) => x.name === wanted) ?? sheets.find((x) => x.name.toLowerCase() === wanted.toLowerCase());
  if (!s) throw invalid(`the workbook has no sheet "${wanted.slice(0, 40)}"; its sheets are ${names}`);
  return s;
}

const malformed = (err: unknown) =>
  err instanceof BulkInputError ? err : invalid(`malformed workbook: ${(err as Error).message.slice(0, 200)}`);

export async function openXlsx(path: string, opts: XlsxOptions): Promise<XlsxSource> {
  await checkArchive(path, opts.maxUnzippedBytes);
  const size = (await stat(path)).size;
  let read = 0;
  const input = createReadStream(path);
  input.on('data', (chunk) => (read += chunk.length));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const sheets = reader as unknown as AsyncIterable<ExcelJS.Worksheet & { id: number }>;
  const iterator = sheets[Symbol.asyncIterator]();
  // Stopping exceljs early leaks: it parks worksheets that come before the shared strings in temp files
  // (an open descriptor each) and frees them only as it reaches them. So the rest is read through, unused.
  // Known and left: in a long run of reads in one process, exceljs now and then misses the workbook part of
  // a valid file whose worksheets come first (TypeError on `model.sheets`, about 2 in 100 passes after the
  // first hundred in a tight loop here), which is answered as a malformed workbook; a second pass misses too.
  // The worksheet exceljs has handed over and nobody has begun to read: it must be read before the next step
  // too (see records()), or a refused --sheet ends the process on an uncaught ENOENT.
  let unread: AsyncIterable<ExcelJS.Row> | undefined;
  const close = () => {
    void (async () => {
      if (unread) for await (const _ of unread);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        for await (const _ of next.value as unknown as AsyncIterable<ExcelJS.Row>);
      }
    })().catch(() => input.destroy());
  };

  // The sheet list (xl/workbook.xml) comes before the first worksheet part in the file.
  let first: IteratorResult<ExcelJS.Worksheet & { id: number }>;
  try {
    first = await iterator.next();
  } catch (err) {
    close();
    throw malformed(err);
  }
  if (!first.done) unread = first.value as unknown as AsyncIterable<ExcelJS.Row>;
  const state = reader as unknown as ReaderState;
  let chosen: SheetEntry;
  try {
    const listed = sheetsOf(state);
    // A workbook whose sheet list comes after its sheets: the parts stand for themselves.
    if (listed.length === 0 && !first.done) listed.push({ name: first.value.name, part: String(first.value.id) });
    chosen = choose(listed, opts.sheet);
  } catch (err) {
    close();
    throw err;
  }
  const date1904 = Boolean(state.properties?.date1904);

  async function* rows(ws: AsyncIterable<ExcelJS.Row>): AsyncGenerator<string[]> {
    for await (const row of ws) {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (col > MAX_XLSX_COLUMNS)
          throw invalid(`row ${row.number} of sheet "${chosen.name}" has a cell past column XFD`);
        while (cells.length < col - 1) cells.push('');
        cells[col - 1] = cellText(cell.value, cell.numFmt, date1904);
      });
      yield cells;
    }
  }

  async function* records(): AsyncGenerator<string[]> {
    try {
      let next = first;
      while (!next.done) {
        unread = undefined;
        if (String(next.value.id) === chosen.part) {
          yield* rows(next.value as unknown as AsyncIterable<ExcelJS.Row>);
          return;
        }
        // Read a sheet that is passed over to its end: exceljs may hold it in a temp file that it deletes
        // on the next step, and a read stream still opening it then fails outside any handler (ENOENT).
        for await (const _ of next.value as unknown as AsyncIterable<ExcelJS.Row>);
        next = await iterator.next();
      }
      throw invalid(`malformed workbook: the part of sheet "${chosen.name}" is missing`);
    } catch (err) {
      throw malformed(err);
    } finally {
      read = size;
      close();
    }
  }
  return { sheet: chosen.name, records: records(), progress: () => (size ? Math.min(1, read / size) : 1) };
}
