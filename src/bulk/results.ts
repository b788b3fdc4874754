/**
 * Downloads of a completed job, streamed: the results CSV as assembled by the
 * runner, or a ZIP (archiver) of every rendered image plus that CSV.
 *
 * The ZIP is filled one entry at a time, each read from disk only once the
 * archive has taken the one before, and each given as a stream: archiver
 * reports a stream entry done only when its bytes have gone on towards the
 * reader, so a reader that stops reading stops the filling too, and memory
 * stays bounded by the archive's high-water mark whatever the job's size.
 * (A Buffer entry stored uncompressed would be reported done at once, queued
 * whole inside archiver whether or not anyone reads.)
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ZipArchive, type ZipEntryData } from 'archiver';
import { batchFile, doneBatches, readSummary } from './batches.js';
import { files } from './paths.js';

/** Bytes archiver buffers on each side before it stops taking more. */
export const ZIP_HIGH_WATER = 256 * 1024;

export function resultsCsv(dir: string): Readable {
  return createReadStream(join(dir, files.resultsCsv));
}

export function resultsZip(dir: string, date: Date): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 }, highWaterMark: ZIP_HIGH_WATER });
  fill(zip, dir, date).catch((err: Error) => zip.destroy(err));
  return zip;
}

async function fill(zip: ZipArchive, dir: string, date: Date): Promise<void> {
  await add(zip, createReadStream(join(dir, files.resultsCsv)), { name: files.resultsCsv, date });
  for (const n of await doneBatches(dir)) {
    const summary = await readSummary(dir, n);
    const bin = await open(batchFile(dir, n, 'bin'));
    try {
      for (const [name, offset, length] of summary.images) {
        const bytes = Buffer.allocUnsafe(length);
        const { bytesRead } = await bin.read(bytes, 0, length, offset);
        if (bytesRead !== length) throw new Error(`batch ${n}: ${name} is cut short`);
        // PNGs are compressed already: store them; SVGs deflate well.
        await add(zip, Readable.from([bytes], { objectMode: false }), { name, date, store: name.endsWith('.png') });
      }
    } finally {
      await bin.close();
    }
  }
  await zip.finalize();
}

/** Appends one entry and resolves once archiver has taken all of it; rejects if the archive fails or closes first. */
function add(zip: ZipArchive, source: Readable, data: ZipEntryData): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      zip.off('entry', onEntry);
      zip.off('error', onError);
      zip.off('close', onClose);
      if (err) {
        source.destroy();
        reject(err);
      } else resolve();
    };
    const onEntry = () => settle();
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(new Error('the download was closed before the archive was complete'));
    zip.on('entry', onEntry);
    zip.on('error', onError);
    zip.on('close', onClose);
    zip.append(source, data);
  });
}
