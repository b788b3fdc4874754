/**
 * Downloads of a completed job, streamed: the results CSV as assembled by the
 * runner, or a ZIP (archiver) of every rendered image plus that CSV, read one
 * batch at a time so memory stays bounded whatever the job's size.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { batchFile, doneBatches, readSummary } from './batches.js';
import { files } from './paths.js';

export function resultsCsv(dir: string): Readable {
  return createReadStream(join(dir, files.resultsCsv));
}

export function resultsZip(dir: string, date: Date): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  let queued = 0;
  let written = 0;
  let wake: (() => void) | undefined;
  zip.on('entry', () => {
    written++;
    wake?.();
  });
  const drained = () =>
    new Promise<void>((resolve) => {
      wake = () => {
        if (written >= queued) resolve();
      };
      wake();
    });
  (async () => {
    zip.append(createReadStream(join(dir, files.resultsCsv)), { name: files.resultsCsv, date });
    queued++;
    for (const n of await doneBatches(dir)) {
      const [summary, bin] = await Promise.all([readSummary(dir, n), readFile(batchFile(dir, n, 'bin'))]);
      for (const [name, offset, length] of summary.images) {
        zip.append(bin.subarray(offset, offset + length), { name, date, store: name.endsWith('.png') });
        queued++;
      }
      await drained();
    }
    await zip.finalize();
  })().catch((err: Error) => zip.destroy(err));
  return zip;
}
