/**
 * What kind of file an input is, from its first bytes rather than its name:
 * uploads arrive under any name, and a spreadsheet saved as ".csv" is common.
 * Kinds we cannot read are refused here with what to send instead.
 */
import { open } from 'node:fs/promises';
import { BulkInputError } from '../errors.js';
import { startsWith } from './csv-layout.js';

export const INPUT_FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const HEAD_BYTES = 4096;

const ZIP = [0x50, 0x4b, 0x03, 0x04];

const REFUSED: [number[], string][] = [
  [[0xd0, 0xcf, 0x11, 0xe0], 'a legacy Excel workbook (.xls)'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
];

const SEND_INSTEAD = 'send CSV, an Excel workbook (.xlsx), a JSON array of objects or NDJSON';

function refuse(what: string): never {
  throw new BulkInputError('invalid', `the file is ${what}, which is not read here: ${SEND_INSTEAD}`);
}

/** The first bytes of the file at `path`. */
async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first character that is not white space or a UTF-8 BOM. */
function firstChar(bytes: Buffer): string {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return /\S/.exec(text)?.[0] ?? '';
}

export async function detectFormat(path: string): Promise<InputFormat> {
  const bytes = await head(path);
  if (startsWith(bytes, ZIP)) {
    // An OpenDocument file names its type first, uncompressed, in the "mimetype" entry.
    if (bytes.includes('application/vnd.oasis.opendocument')) {
      refuse('an OpenDocument spreadsheet (.ods)');
    }
    return 'xlsx';
  }
  for (const [magic, what] of REFUSED) if (startsWith(bytes, magic)) refuse(what);
  const first = firstChar(bytes);
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return 'csv';
}
