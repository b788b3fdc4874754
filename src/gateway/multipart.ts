/**
 * Receiving a bulk CSV upload (multipart/form-data: a "file" part and an
 * optional "options" text field) with @fastify/multipart, bounded at every
 * level: the file (MAX_UPLOAD_BYTES), each field, the part counts, and the
 * whole body, counted as it is read whatever the transfer encoding, so a
 * chunked body with a huge preamble or epilogue is cut off too.
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart, { type FastifyMultipartOptions } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BulkInputError, uploadTooLarge } from '../bulk/errors.js';

/** Bytes a multipart body may carry beyond the file: part headers, boundaries, the options field. */
export const MULTIPART_SLACK = 64 * 1024;
/** Largest `options` field. */
const MAX_FIELD_BYTES = 64 * 1024;

export { multipart };

export function multipartOptions(maxUploadBytes: number): FastifyMultipartOptions {
  return { limits: { fileSize: maxUploadBytes, files: 2, fields: 10, fieldSize: MAX_FIELD_BYTES, parts: 20 } };
}

/** The whole body's cap: the file's limit plus the slack. */
export const bodyCap = (maxUploadBytes: number): number => maxUploadBytes + MULTIPART_SLACK;

/** Refuses a body whose declared length is over `cap` before reading any of it. */
export function refuseDeclaredLength(request: FastifyRequest, cap: number, maxUploadBytes: number): void {
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > cap) throw uploadTooLarge(maxUploadBytes);
}

const invalid = (message: string) => new BulkInputError('invalid', message);

/** The form fields an upload has: the CSV, and its options as JSON text or a JSON file. */
const FIELDS = ['file', 'options'];

/** An `options` part sent as a file, read whole up to the field limit. */
async function optionsFile(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_FIELD_BYTES) {
      stream.resume();
      throw invalid(`options is too long: at most ${MAX_FIELD_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes the "file" part to `csvPath` and returns the "options" field's text.
 * Once the body passes `bodyCap`, reading stops at once and the upload is
 * refused as too large.
 */
export async function receiveCsv(
  request: FastifyRequest,
  csvPath: string,
  maxUploadBytes: number,
): Promise<{ options?: unknown }> {
  const raw = request.raw;
  const cap = bodyCap(maxUploadBytes);
  let read = 0;
  let file: Readable | undefined;
  let overflow!: (err: Error) => void;
  const cutOff = new Promise<never>((_, reject) => (overflow = reject));
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read <= cap) return;
    raw.off('data', count);
    // Stop feeding the parser and reading the socket; the refusal closes the connection.
    raw.unpipe();
    raw.pause();
    file?.destroy();
    overflow(uploadTooLarge(maxUploadBytes));
  };

  const consume = async (): Promise<{ options?: unknown }> => {
    let options: unknown;
    let gotFile = false;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'options') {
          // curl -F options=@opts.json sends the options as a file part.
          options = await optionsFile(part.file);
          continue;
        }
        if (!FIELDS.includes(part.fieldname)) {
          if (part.type === 'file') part.file.resume();
          throw invalid(
            `unknown form field "${part.fieldname.slice(0, 40)}": the fields are "file" (the CSV) and "options" (JSON); ` +
              `settings go inside options, e.g. -F 'options={"format":"svg"}'`,
          );
        }
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            part.file.resume();
            throw invalid(`unexpected file field "${part.fieldname}": send the CSV as "file"`);
          }
          if (gotFile) {
            part.file.resume();
            throw invalid('send one CSV per upload, as "file"');
          }
          gotFile = true;
          file = part.file;
          await pipeline(part.file, createWriteStream(csvPath));
          file = undefined;
          if (part.file.truncated) throw uploadTooLarge(maxUploadBytes);
        } else if (part.fieldname === 'options') {
          if (part.valueTruncated) throw invalid(`options is too long: at most ${MAX_FIELD_BYTES} bytes`);
          options = part.value;
        }
      }
    } catch (err) {
      if (err instanceof BulkInputError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw uploadTooLarge(maxUploadBytes);
      if (code === 'FST_INVALID_JSON_FIELD_ERROR') throw invalid('options must be a JSON object');
      if (code === 'FST_FILES_LIMIT')
        throw invalid('send one CSV, as "file" (and the options as text or a JSON file, as "options")');
      throw invalid(`malformed or truncated multipart body: ${(err as Error).message}`);
    }
    if (!gotFile) throw invalid('missing file: send the CSV as the multipart field "file"');
    return { options };
  };

  // request.parts() pipes the body into the parser when iteration starts,
  // in this same tick: counting from here sees every byte and loses none.
  raw.on('data', count);
  const consuming = consume();
  // Once cut off, the parser's own ending (a premature close) is of no interest.
  consuming.catch(() => undefined);
  try {
    return await Promise.race([consuming, cutOff]);
  } finally {
    raw.off('data', count);
  }
}
