/**
 * Answering with one rendered code, for every image route: a strong ETag (a
 * hash of the normalised request and the renderer version) and a year-long
 * immutable Cache-Control that is private to the caller: the answer needs an
 * API key, so no shared cache may hand it to anyone else.
 *
 * If-None-Match (RFC 9110 §13.1.2) is weighed only after the code rendered:
 * a request that fails is its 4xx whatever the header says, and `*` matches
 * only a representation that exists. A match is a 304 on GET and HEAD and a
 * 412 on POST, which is not a safe method.
 */
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, renderRefusal } from './errors.js';
import { MEDIA_TYPES, render, resultBytes, type BarcodeRequest, type RenderOptions } from '../lib/index.js';

export const CACHE_CONTROL = 'private, max-age=31536000, immutable';
/** The answer depends on who asks: a cache keeps one copy per key header. */
export const VARY = 'x-api-key, authorization';
export const SVG_TYPE = `${MEDIA_TYPES.svg}; charset=utf-8`;

export const Image = {
  description: 'The image in the requested format: SVG text, or PNG, PDF or EPS bytes.',
  content: Object.fromEntries(
    Object.entries(MEDIA_TYPES).map(([f, type]) => [
      type,
      { schema: f === 'svg' ? Type.String() : Type.String({ format: 'binary' }) },
    ]),
  ),
};
export const NotModified = { description: 'Not Modified: the If-None-Match tag is current.', type: 'null' } as const;

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
}

export function etagOf(item: BarcodeRequest, version: string): string {
  const normal = { t: item.barcode_type, d: item.data, f: item.format ?? 'svg', o: item.options ?? {}, v: version };
  return `"${createHash('sha256').update(stable(normal)).digest('base64url').slice(0, 32)}"`;
}

/**
 * RFC 9110 weak comparison of If-None-Match against the tag of a representation
 * that exists (call it only after a successful render: that is what `*` asks).
 */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** One item from an image route's query: its format, and the render options when any was given. */
export function queryItem(
  barcode_type: BarcodeRequest['barcode_type'],
  data: string,
  { format, ...options }: { format?: BarcodeRequest['format'] } & RenderOptions,
): BarcodeRequest {
  const item: BarcodeRequest = { barcode_type, data };
  if (format !== undefined) item.format = format;
  if (Object.keys(options).length > 0) item.options = options;
  return item;
}

/** Renders `item` and answers it (or 304/412 by If-None-Match); a code that cannot render is a 422 (400 for an option its type refuses). */
export async function sendImage(request: FastifyRequest, reply: FastifyReply, item: BarcodeRequest, version: string) {
  const etag = etagOf(item, version);
  const r = await render(item);
  if (!r.success) throw renderRefusal(r.error);
  const current = matches(request.headers['if-none-match'], etag);
  const safe = request.method === 'GET' || request.method === 'HEAD';
  if (current && !safe) {
    throw new HttpError(
      412,
      `If-None-Match matches the current image (${etag}): a POST renders only when it does not; send it on GET for a 304`,
    );
  }
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('vary', VARY);
  if (current) return reply.code(304).send();
  reply.header('x-content-type-options', 'nosniff');
  // Served as a document, an SVG could run script (and a PDF viewer might); neither ever should.
  reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (r.format === 'svg') return reply.type(SVG_TYPE).send(r.svg ?? '');
  return reply.type(MEDIA_TYPES[r.format]).send(resultBytes(r));
}
