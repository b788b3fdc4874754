/**
 * Reads a batch's results from the one Buffer they cross napi in (the layout is in
 * native/core/src/packed.rs): a header of float64 fields per item, then each item's body and
 * metadata JSON. Field and kind names come from the generated facts, so the layout is written
 * once, in Rust. Building one object and string per item through napi took a third of the
 * event loop's time per item; here the event loop reads typed arrays and slices instead.
 */
import { endianness } from 'node:os';
import { PACKED_FIELDS, PACKED_KINDS } from './facts.js';
import type { BarcodeResult, BarcodeSuccess, Metadata } from './schema.js';

const FIELDS = PACKED_FIELDS.length;
const field = (name: (typeof PACKED_FIELDS)[number]): number => PACKED_FIELDS.indexOf(name);
const KIND = field('kind');
const CACHED = field('cached');
const TIME_MS = field('time_ms');
const BODY_LEN = field('body_len');
const META_LEN = field('meta_len');

const kind = (name: (typeof PACKED_KINDS)[number]): number => PACKED_KINDS.indexOf(name);
const SVG = kind('svg');
const SVG_ASCII = kind('svg_ascii');
/** Kinds whose body is bytes, under the format's name (the kind's name is the format's). */
const BINARY = new Map(([kind('png'), kind('pdf'), kind('eps')] as const).map((k) => [k, PACKED_KINDS[k]]));
const ERROR = kind('error');

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The header as float64s. A view when the Buffer starts 8-aligned on a little-endian machine
 * (the header is little-endian); otherwise a copy read through a DataView, since a
 * Float64Array cannot start at an unaligned offset.
 */
function header(buf: Buffer, count: number): Float64Array {
  const length = count * FIELDS;
  if (buf.length < length * 8) throw new Error(`packed batch: ${buf.length} bytes cannot hold ${count} headers`);
  if (LITTLE_ENDIAN && buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, length);
  const view = new DataView(buf.buffer, buf.byteOffset, length * 8);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/**
 * The `count` results packed in `buf`, the `i`th with id `idOf(i)`: the same objects the
 * public API has always returned (SVG as a string, PNG, PDF and EPS as Buffers viewing `buf`, metadata
 * parsed). Throws if `buf` is not exactly `count` packed items: that would be a bug.
 */
export function unpack(buf: Buffer, count: number, idOf: (i: number) => string): BarcodeResult[] {
  const h = header(buf, count);
  let end = count * FIELDS * 8;
  for (let i = 0; i < count; i++) end += (h[i * FIELDS + BODY_LEN] as number) + (h[i * FIELDS + META_LEN] as number);
  // Checked before anything is read, so a wrong count or a short buffer never yields results.
  if (end !== buf.length) throw new Error(`packed batch: ${count} items end at ${end}, the buffer at ${buf.length}`);
  let at = count * FIELDS * 8;
  const out: BarcodeResult[] = new Array<BarcodeResult>(count);
  for (let i = 0; i < count; i++) {
    const base = i * FIELDS;
    const k = h[base + KIND];
    const bodyEnd = at + (h[base + BODY_LEN] as number);
    const metaEnd = bodyEnd + (h[base + META_LEN] as number);
    const id = idOf(i);
    if (k === ERROR) {
      const text = buf.toString('utf8', at, bodyEnd);
      const nl = text.indexOf('\n');
      const code = nl < 0 ? text : text.slice(0, nl);
      out[i] = { id, success: false, error: { code, message: nl < 0 ? code : text.slice(nl + 1) } };
    } else {
      const binary = BINARY.get(k as number) as 'png' | 'pdf' | 'eps' | undefined;
      const r: BarcodeSuccess = {
        id,
        success: true,
        format: binary ?? 'svg',
        cached: h[base + CACHED] !== 0,
        generation_time_ms: h[base + TIME_MS] as number,
      };
      if (binary) r[binary] = buf.subarray(at, bodyEnd);
      else if (k === SVG_ASCII) r.svg = buf.toString('latin1', at, bodyEnd);
      else if (k === SVG) r.svg = buf.toString('utf8', at, bodyEnd);
      else throw new Error(`packed batch: item ${i} has unknown kind ${k}`);
      if (metaEnd > bodyEnd) r.metadata = JSON.parse(buf.toString('utf8', bodyEnd, metaEnd)) as Metadata;
      out[i] = r;
    }
    at = metaEnd;
  }
  return out;
}
