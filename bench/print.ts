/**
 * `npm run bench:print`: print output against a fair peer, on the same inputs in one run.
 *
 * 1. One QR code as a one-page PDF, a code per call: batchcode's `renderSync` against bwip-js
 *    drawing into PDFKit through bwip-js' own PDFKit drawing (examples/drawing-pdfkit.js, as its
 *    README shows), each PDF complete in memory. Medians of several rounds.
 * 2. A 10,000-label L7160 sheet (477 pages, each label a QR code and a caption): wall time and
 *    file size of `renderSheet`, against the target of 3 s and 40 MB, and the same sheet built
 *    with bwip-js and PDFKit (one `doc.addPage()` per 21 labels) for its first `PEER_LABELS`
 *    labels, compared per label.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { configure, renderSheet, renderSync, type SheetLabel } from '../src/lib/index.js';
import { measure, printTable } from './harness.js';

const require = createRequire(import.meta.url);
type Drawing = (doc: PDFKit.PDFDocument, opts: object, fontLib: unknown) => object;
// The package does not export its examples; the file ships beside its entry point's folder.
const drawing = require(join(dirname(require.resolve('bwip-js')), '..', 'examples', 'drawing-pdfkit.js')) as Drawing;
const bwip = bwipjs as unknown as {
  fixupOptions(o: object): void;
  render(o: object, d: object): void;
  FontLib: unknown;
};

const N = Number(process.env.BENCH_N ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LABELS = Number(process.env.BENCH_LABELS ?? 10_000);
const SHEET_ROUNDS = Number(process.env.BENCH_SHEET_ROUNDS ?? 3);
/** bwip-js and PDFKit lay out about 100 labels a second: the peer's sheet is this many, compared per label. */
const PEER_LABELS = Math.min(LABELS, Number(process.env.BENCH_PEER_LABELS ?? 1000));

configure({ cache_max_entries: 0 }); // every render is real work

const url = (i: number) => `https://example.com/item/${i}?ref=print`;

/** A PDFKit document collected into one Buffer, as a caller would send it. */
function pdfkit(fill: (doc: PDFKit.PDFDocument) => void, size: [number, number] | string): Promise<Buffer> {
  const doc = new PDFDocument({ size: size as never, margin: 0, autoFirstPage: true, compress: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  fill(doc);
  doc.end();
  return done;
}

/** bwip-js' QR code drawn at (x, y) points, `scale` points per module. */
function bwipQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, scale: number): void {
  const opts = { bcid: 'qrcode', text, eclevel: 'M' };
  doc.save();
  doc.translate(x, y);
  // bwip-js draws at 2 units per module for detail; PDFKit scales back.
  doc.scale(scale / 2);
  bwip.fixupOptions(opts);
  bwip.render({ ...opts, scale: 2 }, drawing(doc, opts, bwip.FontLib));
  doc.restore();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function single(): Promise<void> {
  const inputs = Array.from({ length: N }, (_, i) => url(i));
  const rows = await measure(
    [
      {
        name: 'batchcode renderSync pdf',
        run: (xs) => {
          for (const data of xs) {
            const r = renderSync({ barcode_type: 'qr', data, format: 'pdf', options: { unit: 'mm', x_dim: 0.5 } });
            if (!r.success) throw new Error(r.error.message);
          }
          return xs.length;
        },
      },
      {
        name: 'bwip-js + PDFKit',
        run: async (xs) => {
          for (const data of xs) await pdfkit((doc) => bwipQr(doc, data, 0, 0, 1.417), [60, 60]);
          return xs.length;
        },
      },
    ],
    inputs,
    ROUNDS,
  );
  printTable(`One QR code as a one-page PDF (${N} codes a round, ${ROUNDS} rounds)`, rows, 'bwip-js + PDFKit');
}

async function sheet(): Promise<void> {
  const labels: SheetLabel[] = Array.from({ length: LABELS }, (_, i) => ({
    barcode_type: 'qr',
    data: url(i),
    caption: `SKU-${100000 + i} – €${(i % 100) + 0.99}`,
  }));
  const ours: number[] = [];
  let bytes = 0;
  let pages = 0;
  let rss = 0;
  for (let r = 0; r < SHEET_ROUNDS; r++) {
    const start = performance.now();
    const s = await renderSheet({ layout: { template: 'L7160' }, labels });
    ours.push((performance.now() - start) / 1000);
    bytes = s.pdf.length;
    pages = s.pages;
    rss = Math.max(rss, process.memoryUsage().rss);
  }
  // The same sheet by hand in PDFKit: L7160's grid, a 12.5 mm code and a caption per label.
  const MM = 72 / 25.4;
  const peer: number[] = [];
  let peerBytes = 0;
  for (let r = 0; r < Math.max(1, SHEET_ROUNDS - 2); r++) {
    const start = performance.now();
    const pdf = await pdfkit((doc) => {
      labels.slice(0, PEER_LABELS).forEach((l, i) => {
        const at = i % 21;
        if (i > 0 && at === 0) doc.addPage({ size: 'A4', margin: 0 });
        const x = (7.21 + (at % 3) * 66.04) * MM;
        const y = (15.15 + Math.floor(at / 3) * 38.1) * MM;
        bwipQr(doc, l.data as string, x + 25.5 * MM, y + 8 * MM, 0.5 * MM);
        doc.fontSize(9).text(l.caption ?? '', x, y + 30 * MM, { width: 63.5 * MM, align: 'center' });
      });
    }, 'A4');
    peer.push((performance.now() - start) / 1000);
    peerBytes = pdf.length;
  }
  const s = median(ours);
  const p = median(peer);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const kbPerLabel = (b: number, n: number) => (b / n / 1000).toFixed(2);
  console.log(`\n${LABELS.toLocaleString('en')}-label L7160 sheet (${pages} pages), medians of ${SHEET_ROUNDS} runs`);
  console.log(
    `  batchcode renderSheet   ${s.toFixed(2)} s  ${mb(bytes)} MB  ${Math.round(LABELS / s)} labels/s  ${kbPerLabel(bytes, LABELS)} KB/label  (target under 3 s and 40 MB: ${s < 3 && bytes < 40e6 ? 'met' : 'NOT met'}); peak RSS ${mb(rss)} MB`,
  );
  console.log(
    `  bwip-js + PDFKit        ${p.toFixed(2)} s for ${PEER_LABELS} labels  ${Math.round(PEER_LABELS / p)} labels/s  ${kbPerLabel(peerBytes, PEER_LABELS)} KB/label`,
  );
  console.log(`  ratio                   ${(LABELS / s / (PEER_LABELS / p)).toFixed(1)}x the labels per second`);
}

console.log(`${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
await single();
await sheet();
