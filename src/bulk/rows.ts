/**
 * One input row checked before any job is queued: the data to encode, the
 * symbology and format, and a reason when the row cannot be rendered. What
 * the row's own cells can tell is checked here; whether its data fits the
 * symbology is asked of the core (see ingest.ts).
 */
import {
  BARCODE_TYPES,
  FORMATS,
  encodeKind,
  MAX_DATA_LENGTH,
  payloadFields,
  payloadFromText,
  type FormatName,
  type PayloadKind,
  type RenderOptions,
} from '../lib/index.js';
import type { NameAllocator } from './filenames.js';
import { fillTemplate, type Template } from './template.js';

export interface Defaults {
  barcode_type: string;
  format: FormatName;
  design: RenderOptions | undefined;
  /** Each row's data is built by this payload helper from the columns named after its fields. */
  payload?: PayloadKind;
  /** Each row's data (a dynamic job's destination) and file name, filled from its columns. */
  dataTemplate?: Template;
  filenameTemplate?: Template;
  /** A label sheet's caption, bound to the columns at upload so a missing one is refused then. */
  captionTemplate?: Template;
}

/** A row as stored in input.ndjson (short keys: 10,000 of them per job). */
export interface InputRow {
  /** 1 = the first row after the header. */
  r: number;
  /** The row's cells, in the order of the input columns. */
  c: string[];
  d: string;
  t: string;
  f: FormatName;
  /** The image's file name in the ZIP. */
  n: string;
  /** Why the row is not rendered. */
  e?: string;
  /** Dynamic jobs: the id of the code made for the row, and its short link (which `d` encodes). */
  i?: string;
  u?: string;
}

function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
}

/**
 * Columns a CSV header (or row) may have. Each row's cells are kept for the
 * results CSV, so this bounds what one row costs to store and write back.
 */
export const MAX_COLUMNS = 256;

/** Column positions of the fields the service reads (case-insensitive header match). */
export interface Columns {
  names: string[];
  url?: number;
  data?: number;
  title?: number;
  filename?: number;
  barcode_type?: number;
  format?: number;
  /** Where the templates' columns are (bindTemplate), when the job has templates. */
  dataTemplateAt?: number[];
  filenameTemplateAt?: number[];
}

export function mapColumns(header: string[]): Columns {
  const cols: Columns = { names: header.map((h) => h.trim()) };
  cols.names.forEach((name, i) => {
    const key = name.toLowerCase();
    if (key === 'destination_url' && cols.url === undefined) cols.url = i;
    else if (key === 'data' && cols.data === undefined) cols.data = i;
    else if (key === 'title' && cols.title === undefined) cols.title = i;
    else if (key === 'filename' && cols.filename === undefined) cols.filename = i;
    else if (key === 'barcode_type' && cols.barcode_type === undefined) cols.barcode_type = i;
    else if (key === 'format' && cols.format === undefined) cols.format = i;
  });
  return cols;
}

/** The trimmed cell at column `i`, '' when the column or the cell is missing. */
export const cell = (cells: string[], i: number | undefined): string =>
  i === undefined ? '' : (cells[i] ?? '').trim();

export function checkRow(
  r: number,
  cells: string[],
  cols: Columns,
  defaults: Defaults,
  names: NameAllocator,
): InputRow {
  const payload = defaults.payload ? payloadRow(defaults.payload, cols.names, cells) : undefined;
  const filled = defaults.dataTemplate
    ? fillTemplate(defaults.dataTemplate, cols.dataTemplateAt!, cols.names, cells)
    : undefined;
  const named = defaults.filenameTemplate
    ? fillTemplate(defaults.filenameTemplate, cols.filenameTemplateAt!, cols.names, cells)
    : undefined;
  const url = payload || filled ? '' : cell(cells, cols.url);
  const data = payload ? payload.data : filled ? ('text' in filled ? filled.text : '') : url || cell(cells, cols.data);
  const type = cell(cells, cols.barcode_type).toLowerCase() || defaults.barcode_type;
  const fmt = cell(cells, cols.format).toLowerCase() || defaults.format;
  const f = (FORMATS as readonly string[]).includes(fmt) ? (fmt as FormatName) : 'png';
  const stem = named && 'text' in named ? named.text : cell(cells, cols.filename) || cell(cells, cols.title);
  const n = names.allocate(stem, `row-${r}`, f);
  const row: InputRow = { r, c: cells, d: data, t: type, f, n };
  if (payload?.error) row.e = payload.error;
  else if (filled && 'error' in filled) row.e = filled.error;
  else if (named && 'error' in named) row.e = named.error;
  else if (!data) row.e = cols.url !== undefined ? 'destination_url is empty' : 'data is empty';
  else if (url && !isHttpUrl(url)) row.e = 'destination_url is not a valid http(s) URL';
  else if (!(BARCODE_TYPES as readonly string[]).includes(type)) {
    row.e = `barcode_type "${type.slice(0, 40)}" is not supported; supported: ${BARCODE_TYPES.join(', ')}`;
  } else if (f !== fmt) row.e = `format "${fmt.slice(0, 40)}" is not supported; use ${FORMATS.join(', ')}`;
  else if (data.length > MAX_DATA_LENGTH) row.e = `data is ${data.length} characters; at most ${MAX_DATA_LENGTH}`;
  // Whether the data fits the symbology (capacity, character set, check digits) is the core's to
  // say: the ingest asks it for whole chunks of rows at once (`checkBatch`).
  return row;
}

/** Header positions of a payload helper's fields (case-insensitive, first match), by field. */
function payloadColumns(kind: PayloadKind, names: string[]): Map<string, number> {
  const at = new Map<string, number>();
  const lower = names.map((n) => n.toLowerCase());
  for (const field of payloadFields(kind).fields) {
    const i = lower.indexOf(field);
    if (i >= 0) at.set(field, i);
  }
  return at;
}

/** Why a header cannot feed a payload helper (a required field has no column), or undefined. */
export function payloadHeaderProblem(kind: PayloadKind, names: string[]): string | undefined {
  const at = payloadColumns(kind, names);
  const { fields, required } = payloadFields(kind);
  const missing = required.filter((f) => !at.has(f));
  if (missing.length === 0) return undefined;
  const shown = names.slice(0, 20).map((n) => JSON.stringify(n.slice(0, 40)));
  if (names.length > 20) shown.push(`… (${names.length} columns)`);
  return (
    `missing column: options.payload "${kind}" needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
    `(its columns: ${fields.join(', ')}); the header has ${shown.join(', ')}`
  );
}

/**
 * A row's data built by a payload helper from its cells, or why it cannot
 * be: the message names the column as the header spells it. Cells are
 * taken untrimmed (a space in an SSID or a password counts); a blank cell
 * leaves the field out.
 */
function payloadRow(kind: PayloadKind, names: string[], cells: string[]): { data: string; error?: string } {
  const at = payloadColumns(kind, names);
  const text: Record<string, string> = {};
  for (const [field, i] of at) {
    const value = cells[i] ?? '';
    text[field] = value.trim() === '' ? '' : value;
  }
  const encoded = encodeKind(kind, payloadFromText(kind, text));
  if (encoded.ok) return { data: encoded.data };
  const i = at.get(encoded.field);
  const column = i === undefined ? encoded.field : names[i];
  return {
    data: '',
    error: column ? `column ${column} ${encoded.problem}` : `the ${kind} payload ${encoded.problem}`,
  };
}
