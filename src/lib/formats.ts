/**
 * What the other layers need to know of an output format beyond its name and media type (those
 * are the core's facts): how to get a result's bytes, and whether they are compressed already.
 */
import { extname } from 'node:path';
import { FORMATS, MEDIA_TYPES } from './facts.js';
import type { BarcodeSuccess } from './schema.js';

export type FormatName = (typeof FORMATS)[number];
export { MEDIA_TYPES };

/**
 * PNG and PDF are binary, and deflated by the renderer (PDF's content streams): a ZIP stores them
 * and a terminal is no place for them. SVG and EPS are text, which a ZIP deflates.
 */
const BINARY: ReadonlySet<string> = new Set<FormatName>(['png', 'pdf']);

/** Whether a format's bytes are binary (and compressed already) rather than text. */
export function binaryFormat(format: string): boolean {
  return BINARY.has(format.toLowerCase());
}

/** A rendered code's bytes, whatever its format: SVG as UTF-8, PNG, PDF and EPS as rendered. */
export function resultBytes(r: BarcodeSuccess): Buffer {
  if (r.format === 'svg') return Buffer.from(r.svg ?? '', 'utf8');
  const bytes = r[r.format];
  if (!bytes) throw new Error(`a ${r.format} result without its bytes`);
  return bytes;
}

/** Whether a file of this name holds bytes compressed already (by its extension), which a ZIP should store, not deflate. */
export function compressedFile(name: string): boolean {
  return binaryFormat(extname(name).slice(1));
}

/** The format a file name's extension names, if any. */
export function formatOfFile(name: string): FormatName | undefined {
  const ext = extname(name).slice(1).toLowerCase();
  return (FORMATS as readonly string[]).includes(ext) ? (ext as FormatName) : undefined;
}
