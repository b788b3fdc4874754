/** CSV records, streaming (csv-parse: BOM, CRLF or LF, quoted fields), in the encoding and delimiter found or given. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { BulkInputError } from '../errors.js';
import { sniffCsv, type CsvLayout } from './csv-layout.js';
import type { RecordSource } from './index.js';

/** Text in `encoding` as UTF-8 strings, for the parser. */
function decoding(encoding: string): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

export async function openCsv(path: string, given: Partial<CsvLayout>): Promise<RecordSource & { layout: CsvLayout }> {
  const layout = await sniffCsv(path, given);
  const size = (await stat(path)).size;
  // What the parser has consumed, not what the stream has read ahead: the fraction of rows handed on.
  let parsed = () => 0;
  const unit = layout.encoding === 'utf-16le' ? 2 : 1;
  async function* records(): AsyncGenerator<string[]> {
    const source = createReadStream(path);
    // UTF-8 goes to the parser as bytes (it drops the BOM); any other encoding is decoded first.
    const text = layout.encoding === 'utf-8' ? source : source.pipe(decoding(layout.encoding));
    const parser = text.pipe(
      parse({
        bom: true,
        delimiter: layout.delimiter,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: 1024 * 1024,
      }),
    );
    parsed = () => parser.info.bytes * unit;
    try {
      yield* parser as AsyncIterable<string[]>;
    } catch (err) {
      throw new BulkInputError('invalid', `malformed CSV: ${(err as Error).message}`);
    } finally {
      text.unpipe(parser);
      source.destroy();
      if (text !== source) text.destroy();
      parser.on('error', () => undefined);
      parser.destroy();
    }
  }
  return {
    format: 'csv',
    layout,
    records: records(),
    progress: () => (size === 0 ? 1 : Math.min(1, parsed() / size)),
  };
}
