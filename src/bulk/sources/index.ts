/**
 * Bulk inputs as records: CSV, Excel (.xlsx), a JSON array or NDJSON, told
 * apart by their bytes (detect.ts). Every source hands on the header first,
 * then one string array a row, and says how far through the file it is.
 */
import type { CsvLayout } from './csv-layout.js';
import { openCsv } from './csv.js';
import { detectFormat, type InputFormat } from './detect.js';
import { openJsonArray, openNdjson } from './json.js';

export { INPUT_FORMATS, type InputFormat } from './detect.js';

export interface RecordSource {
  format: InputFormat;
  /** The header, then each row's cells. */
  records: AsyncIterable<string[]>;
  /** Fraction 0..1 of the input read so far. */
  progress(): number;
}

/** How an input was read, as the upload's answer and the CLI's summary report it. */
export interface InputInfo {
  input_format: InputFormat;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
}

export interface InputChoices extends Partial<CsvLayout> {
  sheet?: string | number;
}

/** Bytes a workbook may inflate to, per byte of the largest file taken. */
export const XLSX_INFLATE_RATIO = 20;

export async function openInput(
  path: string,
  given: InputChoices,
  maxUnzippedBytes: number,
): Promise<{ source: RecordSource; info: InputInfo }> {
  const format = await detectFormat(path);
  if (format === 'xlsx') {
    // exceljs is large: loaded only for a workbook.
    const { openXlsx } = await import('./xlsx.js');
    const xlsx = await openXlsx(path, {
      ...(given.sheet !== undefined ? { sheet: given.sheet } : {}),
      maxUnzippedBytes,
    });
    return {
      source: { format, records: xlsx.records, progress: () => xlsx.progress() },
      info: { input_format: format, sheet: xlsx.sheet },
    };
  }
  if (format === 'json') return { source: await openJsonArray(path), info: { input_format: format } };
  if (format === 'ndjson') return { source: await openNdjson(path), info: { input_format: format } };
  const csv = await openCsv(path, given);
  return { source: csv, info: { input_format: format, ...csv.layout } };
}
