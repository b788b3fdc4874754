/**
 * Downloads of a job, streamed: the results CSV as assembled by the runner,
 * or a ZIP (archiver) of every rendered image plus that CSV. A job that
 * stopped early (cancelled or failed) has partial results: the CSV lines and
 * images of the batches its counters include, the CSV put together as it is
 * read.
 *
 * The ZIP respects its reader end to end: images are appended a few at a
 * time, read from disk half a megabyte at a time, and only while the stream handed to the
 * reader is not waiting to be drained, so a reader that stops reading stops
 * the filling, and memory stays bounded (a chunk of images, a few entries and
 * two high-water marks) whatever the job's size.
 */
import { createReadStream } from 'node:fs';
import { access, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ZipArchive, type ZipEntryData } from 'archiver';
import { compressedFile } from '../lib/index.js';
import { batchFile, doneBatches, readSummary, type BatchSummary } from './batches.js';
import { csvLine } from './csvout.js';
import { files } from './paths.js';

/**
 * The batches a job's counters include, with their summaries: the done
 * batches from the first, in order, up to `processed` rows. A batch finished
 * after a cancel is on disk but not counted, so it is left out.
 */
export async function countedBatches(dir: string, processed: number): Promise<Map<number, BatchSummary>> {
  const out = new Map<number, BatchSummary>();
  let rows = 0;
  for (const n of await doneBatches(dir)) {
    if (n !== out.size || rows >= processed) break;
    const summary = await readSummary(dir, n);
    rows += summary.successful + summary.failed;
    if (rows > processed) break;
    out.set(n, summary);
  }
  return out;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Bytes archiver buffers on each side before it stops taking more. */
export const ZIP_HIGH_WATER = 256 * 1024;

/** What a download holds: all of a completed job, or the counted batches of one that stopped early. */
export interface ResultSet {
  /** The results CSV, opened anew for each reader. */
  csv: () => Readable;
  /** Batch numbers whose images go in the ZIP; undefined: every done batch. */
  batches?: number[];
}

/** A completed job's results: the CSV the runner assembled, and every batch. */
export const completeResults = (dir: string): ResultSet => ({
  csv: () => createReadStream(join(dir, files.resultsCsv)),
});

/** A stopped job's results: `header`, then the lines of `batches`, read one batch at a time. */
export function partialResults(dir: string, header: string[], batches: number[]): ResultSet {
  async function* lines() {
    yield csvLine(header);
    for (const n of batches) yield await readFile(batchFile(dir, n, 'csv'));
  }
  return { csv: () => Readable.from(lines()), batches };
}

export function resultsZip(dir: string, date: Date, set: ResultSet): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 }, highWaterMark: ZIP_HIGH_WATER });
  // Archiver pushes whatever it is given into its readable side whether or not anyone reads; piped
  // into `out`, it is paused when `out` is full, and `out` needing a drain is what stops the filling.
  const out = new PassThrough({ highWaterMark: ZIP_HIGH_WATER });
  zip.on('error', (err) => out.destroy(err));
  zip.pipe(out);
  fill(zip, out, dir, date, set).catch((err: Error) => {
    zip.destroy(err);
    out.destroy(err);
  });
  return out;
}

/** Bytes of a batch's images read from disk at once: one read per image cost more than archiving it. */
export const ZIP_READ_CHUNK = 512 * 1024;

/** A batch file's images, which lie back to back, read a chunk at a time. */
class ChunkReader {
  private chunk = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly file: FileHandle) {}

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < this.start || offset + length > this.start + this.chunk.length) {
      const buf = Buffer.allocUnsafe(Math.max(length, ZIP_READ_CHUNK));
      const { bytesRead } = await this.file.read(buf, 0, buf.length, offset);
      this.chunk = buf.subarray(0, bytesRead);
      this.start = offset;
    }
    return this.chunk.subarray(offset - this.start, offset - this.start + length);
  }
}

/** Entries handed to archiver and not yet taken in by it: bounds what waits for a slow reader. */
export const ZIP_IN_FLIGHT = 64;

async function fill(zip: ZipArchive, out: PassThrough, dir: string, date: Date, set: ResultSet): Promise<void> {
  const window = new EntryWindow(zip, out, ZIP_IN_FLIGHT);
  try {
    await window.add(set.csv(), { name: files.resultsCsv, date });
    // A completed job with label sheets has labels.pdf; a partial download never does.
    const labels = join(dir, files.labelsPdf);
    if (!set.batches && (await exists(labels))) {
      await window.add(createReadStream(labels), { name: files.labelsPdf, date, store: true });
    }
    for (const n of set.batches ?? (await doneBatches(dir))) {
      const summary = await readSummary(dir, n);
      const bin = await open(batchFile(dir, n, 'bin'));
      try {
        const chunks = new ChunkReader(bin);
        for (const [name, offset, length] of summary.images) {
          const bytes = await chunks.read(offset, length);
          if (bytes.length !== length) throw new Error(`batch ${n}: ${name} is cut short`);
          // PNG and PDF are compressed already: store them; SVG and EPS text deflate well.
          await window.add(bytes, { name, date, store: compressedFile(name) });
        }
      } finally {
        await bin.close();
      }
    }
    await window.drained();
    await zip.finalize();
  } finally {
    window.close();
  }
}

/**
 * Appends entries while the reader keeps up: at most `size` entries not yet
 * taken in by archiver, and none while `out` waits for its reader to drain it.
 */
class EntryWindow {
  private appended = 0;
  private written = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onProgress = () => this.wake?.();
  private readonly onEntry = () => {
    this.written++;
    this.wake?.();
  };
  private readonly onError = (err: Error) => this.fail(err);
  private readonly onClose = () => this.fail(new Error('the download was closed before the archive was complete'));

  constructor(
    private readonly zip: ZipArchive,
    private readonly out: PassThrough,
    private readonly size: number,
  ) {
    zip.on('entry', this.onEntry);
    zip.on('error', this.onError);
    out.on('drain', this.onProgress);
    out.on('close', this.onClose);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  private async until(ok: () => boolean): Promise<void> {
    while (!this.failure && !ok()) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  async add(source: Buffer | Readable, data: ZipEntryData): Promise<void> {
    try {
      await this.until(() => this.appended - this.written < this.size && !this.out.writableNeedDrain);
    } catch (err) {
      if (source instanceof Readable) source.destroy();
      throw err;
    }
    this.appended++;
    this.zip.append(source, data);
  }

  /** Resolves once archiver has taken in every appended entry. */
  drained(): Promise<void> {
    return this.until(() => this.written >= this.appended);
  }

  close(): void {
    this.zip.off('entry', this.onEntry);
    this.zip.off('error', this.onError);
    this.out.off('drain', this.onProgress);
    this.out.off('close', this.onClose);
  }
}
