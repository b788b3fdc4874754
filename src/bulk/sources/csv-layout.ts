/**
 * How a CSV file is written, read from its bytes before any row is parsed:
 * the encoding is the caller's, else the BOM's, else UTF-8 when every byte is
 * valid UTF-8, else Windows-1252 (what Excel's "CSV" writes on Windows); the
 * delimiter is the caller's, else the one the header line uses most, outside
 * quotes. (What kind of file it is at all is sources/detect.ts's to say.)
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { BulkInputError } from '../errors.js';

/** The encodings an upload may name, as TextDecoder labels. */
export const CSV_ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The delimiters detected, in the order a tie is settled. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvLayout {
  encoding: CsvEncoding;
  delimiter: string;
}

const SNIFF_BYTES = 64 * 1024;

export const startsWith = (bytes: Buffer, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** A readable name for a delimiter in a message. */
export const delimiterName = (d: string): string => (d === '\t' ? 'tab' : JSON.stringify(d));

function refuse(message: string): never {
  throw new BulkInputError('invalid', message);
}

/** The BOM's encoding, or undefined; a UTF-16 big-endian file is refused. */
function bomEncoding(head: Buffer): CsvEncoding | undefined {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) {
    refuse('the file is UTF-16 big-endian, which is not read here: save it as "CSV UTF-8", or as UTF-16 little-endian');
  }
  return undefined;
}

/** Whether the whole file is valid UTF-8, read as a stream (the file may be MAX_UPLOAD_BYTES). */
async function isUtf8(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The header line's most used delimiter outside quotes; a comma when it has none. */
export function guessDelimiter(text: string): string {
  const counts = new Map<string, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of CSV_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** The layout of the CSV at `path`: `given` where the caller chose, else detected. */
export async function sniffCsv(path: string, given: Partial<CsvLayout> = {}): Promise<CsvLayout> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const bom = bomEncoding(head);
  // A file without a BOM whose every other byte is NUL is UTF-16 little-endian text.
  const nulAtOdd = head.length >= 4 && head.filter((b, i) => i % 2 === 1 && b === 0).length > head.length / 4;
  const encoding = given.encoding ?? bom ?? (nulAtOdd ? 'utf-16le' : (await isUtf8(path)) ? 'utf-8' : 'windows-1252');
  const delimiter = given.delimiter ?? guessDelimiter(new TextDecoder(encoding).decode(head));
  return { encoding, delimiter };
}
