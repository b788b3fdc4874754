/**
 * JSON inputs: an array of objects, or NDJSON (one object a line). Each
 * object is a row; the columns are every key the objects use, in the order
 * first seen, so the header is known before the first row is handed on:
 * an array is parsed whole (it is bounded by the upload's size), NDJSON is
 * read twice, once for the keys and once for the rows.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { BulkInputError } from '../errors.js';
import type { RecordSource } from './index.js';

const invalid = (message: string) => new BulkInputError('invalid', message);

type Row = Record<string, unknown>;

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a cell: text as it is, numbers and booleans as JSON writes them, nested values as JSON. */
function cellOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function addKeys(keys: Map<string, number>, row: Row): void {
  for (const k of Object.keys(row)) if (!keys.has(k)) keys.set(k, keys.size);
}

const cellsOf = (header: string[], row: Row): string[] => header.map((k) => cellOf(row[k]));

export async function openJsonArray(path: string): Promise<RecordSource> {
  let value: unknown;
  try {
    value = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw invalid(`malformed JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw invalid('a JSON input must be an array of objects, one per row');
  const keys = new Map<string, number>();
  value.forEach((row, i) => {
    if (!isRow(row))
      throw invalid(`item ${i + 1} of the JSON array is not an object: each row is an object of columns`);
    addKeys(keys, row);
  });
  const header = [...keys.keys()];
  const rows = value as Row[];
  let done = 0;
  async function* records(): AsyncGenerator<string[]> {
    yield header;
    for (const row of rows) {
      done++;
      yield cellsOf(header, row);
    }
  }
  return { format: 'json', records: records(), progress: () => (rows.length ? done / rows.length : 1) };
}

/** The non-blank lines of an NDJSON file, parsed, with their line numbers. */
async function* ndjsonLines(path: string, onBytes?: (n: number) => void): AsyncGenerator<[number, Row]> {
  const input = createReadStream(path);
  if (onBytes) input.on('data', (chunk) => onBytes(chunk.length));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (err) {
        throw invalid(`malformed NDJSON: line ${n}: ${(err as Error).message}`);
      }
      if (!isRow(row)) throw invalid(`malformed NDJSON: line ${n} is not a JSON object: each line is one row`);
      yield [n, row];
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

export async function openNdjson(path: string): Promise<RecordSource> {
  const keys = new Map<string, number>();
  for await (const [, row] of ndjsonLines(path)) addKeys(keys, row);
  const header = [...keys.keys()];
  const size = (await stat(path)).size;
  let read = 0;
  async function* records(): AsyncGenerator<string[]> {
    yield header;
    for await (const [, row] of ndjsonLines(path, (n) => (read += n))) yield cellsOf(header, row);
  }
  return { format: 'ndjson', records: records(), progress: () => (size ? Math.min(1, read / size) : 1) };
}
