/**
 * A ZIP checked before anything parses it, so that a small upload cannot
 * become gigabytes in memory: at most MAX_ENTRIES entries, declared sizes
 * within the budget, no entries sharing bytes (the overlapping-file bomb),
 * and then every entry inflated once, to nowhere, counting, because declared
 * sizes can lie (yauzl also fails an entry that inflates past its declared
 * size). Worksheet parts are scanned on the way for cell references past
 * column XFD, which would make the reader allocate a column per letter.
 */
import yauzl from 'yauzl';
import { BulkInputError } from '../errors.js';

const MAX_ENTRIES = 10_000;

const invalid = (message: string) => new BulkInputError('invalid', message);

const open = (path: string) =>
  new Promise<yauzl.ZipFile>((done, fail) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) =>
      err || !zip ? fail(err ?? new Error('no archive')) : done(zip),
    ),
  );

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** A cell reference with four or more column letters, or three past XFD. */
const FAR_COLUMN = /<c [^>]*\br="(?:[A-Z]{4,}|X[F-Z][E-Z]|X[G-Z][A-Z]|[Y-Z][A-Z]{2})\d+"/;

export async function checkArchive(path: string, maxUnzippedBytes: number): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await open(path);
  } catch (err) {
    throw invalid(`malformed workbook: not a readable ZIP archive (${(err as Error).message.slice(0, 120)})`);
  }
  try {
    const entries = await list(zip, maxUnzippedBytes);
    if (!entries.some((e) => e.fileName === 'xl/workbook.xml')) {
      throw invalid('malformed workbook: the archive has no xl/workbook.xml, so it is not an Excel workbook (.xlsx)');
    }
    let total = 0;
    for (const entry of entries) {
      total = await inflate(zip, entry, total, maxUnzippedBytes);
    }
  } finally {
    zip.close();
  }
}

async function list(zip: yauzl.ZipFile, budget: number): Promise<yauzl.Entry[]> {
  if (zip.entryCount > MAX_ENTRIES) {
    throw invalid(`the workbook has ${zip.entryCount} parts; at most ${MAX_ENTRIES}`);
  }
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  await new Promise<void>((done, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > budget) {
        fail(
          invalid(
            `the workbook inflates to more than ${mb(budget)} (its parts declare ${mb(declared)} so far); at most ${mb(budget)}`,
          ),
        );
        return;
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', done);
    zip.on('error', (err: Error) => fail(invalid(`malformed workbook: ${err.message.slice(0, 120)}`)));
    zip.readEntry();
  });
  // Each entry's data lies after its own local header, so sorted by offset none may start before the
  // last one's compressed bytes end: an overlap is one stretch of bytes inflated as several entries.
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (sorted[i]!.relativeOffsetOfLocalHeader < prev.relativeOffsetOfLocalHeader + 30 + prev.compressedSize) {
      throw invalid(
        `the workbook's parts ${prev.fileName} and ${sorted[i]!.fileName} share bytes: refused as a zip bomb`,
      );
    }
  }
  return entries;
}

/** Inflates one entry, counting; answers the running total. */
async function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry, total: number, budget: number): Promise<number> {
  if (entry.fileName.endsWith('/')) return total;
  const stream = await new Promise<NodeJS.ReadableStream>((done, fail) =>
    zip.openReadStream(entry, (err, s) => (err || !s ? fail(err ?? new Error('no stream')) : done(s))),
  ).catch((err: Error) => {
    throw invalid(`malformed workbook: ${entry.fileName}: ${err.message.slice(0, 120)}`);
  });
  const sheet = /^xl\/worksheets\/sheet\d+\.xml$/.test(entry.fileName);
  let tail = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > budget) {
        throw invalid(
          `the workbook inflates to more than ${mb(budget)}; at most ${mb(budget)} (a zip bomb, or a sheet far too large)`,
        );
      }
      if (sheet) {
        const text = tail + chunk.toString('latin1');
        if (FAR_COLUMN.test(text)) throw invalid(`malformed workbook: ${entry.fileName} has a cell past column XFD`);
        tail = text.slice(-64);
      }
    }
  } catch (err) {
    (stream as unknown as { destroy?: () => void }).destroy?.();
    if (err instanceof BulkInputError) throw err;
    throw invalid(`malformed workbook: ${entry.fileName}: ${(err as Error).message.slice(0, 120)}`);
  }
  return total;
}
