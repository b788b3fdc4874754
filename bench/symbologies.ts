/**
 * `npm run bench:symbologies`: every linear and 2D symbology against bwip-js
 * on the same inputs, single thread (renderSync, and renderBatchSync with
 * max_concurrent 1), SVG and PNG, medians of several rounds.
 */
import os from 'node:os';
import bwipjs from 'bwip-js';
import { configure, renderBatchSync, renderSync, type BarcodeRequest, type BarcodeType } from '../src/lib/index.js';
import { measure } from './harness.js';

const N = Number(process.env.BENCH_N ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ONLY = process.env.BENCH_ONLY?.split(',');

configure({ cache_max_entries: 0 }); // every render is real work

const pad = (i: number, n: number) => String(i).padStart(n, '0');
const mod10 = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
};
const gtin = (i: number) => {
  const body = `0950110${pad(i, 6)}`;
  return body + mod10(body);
};

interface Case {
  /** The row's name where one type has several rows. */
  name?: string;
  type: BarcodeType;
  options?: BarcodeRequest['options'];
  /** What bwip-js is given where it differs from our data (a Digital Link's URI). */
  peer?: (i: number) => string;
  bcid: string;
  data: (i: number) => string;
  /** bwip-js options beyond bcid and text, chosen to match our defaults. */
  extra?: Record<string, unknown>;
}

const linearText = { includetext: true, scale: 2, height: 12 };
const linear = { scale: 2, height: 12 };
const matrix = { scale: 4 };

const cases: Case[] = [
  { type: 'code128', bcid: 'code128', data: (i) => `ITEM-${i}-abc`, extra: linear },
  { type: 'gs1_128', bcid: 'gs1-128', data: (i) => `(01)${gtin(i)}(10)LOT${i}`, extra: linear },
  { type: 'ean13', bcid: 'ean13', data: (i) => `400638${pad(i, 6)}`, extra: linearText },
  { type: 'ean8', bcid: 'ean8', data: (i) => `96${pad(i, 5)}`, extra: linearText },
  { type: 'upca', bcid: 'upca', data: (i) => `03600${pad(i, 6)}`, extra: linearText },
  { type: 'upce', bcid: 'upce', data: (i) => `0${pad(i % 1000, 3)}123`, extra: linearText },
  { type: 'code39', bcid: 'code39', data: (i) => `CODE39-${i}`, extra: linear },
  { type: 'code93', bcid: 'code93', data: (i) => `CODE93-${i}`, extra: linear },
  { type: 'itf', bcid: 'interleaved2of5', data: (i) => `123456${pad(i, 6)}`, extra: linear },
  { type: 'itf14', bcid: 'itf14', data: (i) => `1540014${pad(i, 6)}`, extra: linear },
  { type: 'codabar', bcid: 'rationalizedCodabar', data: (i) => `A${pad(i, 8)}B`, extra: linear },
  { type: 'datamatrix', bcid: 'datamatrix', data: (i) => `https://example.com/dm/${pad(i, 8)}`, extra: matrix },
  { type: 'gs1_datamatrix', bcid: 'gs1datamatrix', data: (i) => `(01)${gtin(i)}(10)LOT${i}`, extra: matrix },
  {
    name: 'datamatrix dmre',
    type: 'datamatrix',
    options: { datamatrix_shape: 'dmre' },
    bcid: 'datamatrixrectangularextension',
    data: (i) => `LOT ${pad(i, 6)} EXP 2027-01-01`,
    extra: matrix,
  },
  {
    type: 'gs1_digital_link',
    bcid: 'qrcode',
    data: (i) => `(01)${gtin(i)}(10)LOT${i}(17)270101`,
    peer: (i) => `https://id.gs1.org/01/${gtin(i)}/10/LOT${i}?17=270101`,
    extra: { ...matrix, eclevel: 'M' },
  },
  { type: 'pdf417', bcid: 'pdf417', data: (i) => `PDF417 item ${i} with some text`, extra: { scale: 2 } },
  { type: 'aztec', bcid: 'azteccode', data: (i) => `Aztec item ${pad(i, 6)}`, extra: matrix },
  { type: 'microqr', bcid: 'microqrcode', data: (i) => pad(i, 10), extra: matrix },
  { type: 'databar_omni', bcid: 'databaromni', data: (i) => `(01)${gtin(i)}`, extra: { scale: 2 } },
  { type: 'databar_stacked', bcid: 'databarstackedomni', data: (i) => `(01)${gtin(i)}`, extra: matrix },
  { type: 'databar_expanded', bcid: 'databarexpanded', data: (i) => `(01)${gtin(i)}(10)LOT${i}`, extra: { scale: 2 } },
  {
    type: 'databar_expanded_stacked',
    bcid: 'databarexpandedstacked',
    data: (i) => `(01)${gtin(i)}(3103)${pad(i, 6)}(10)LOT${i}`,
    extra: matrix,
  },
  { type: 'databar_limited', bcid: 'databarlimited', data: (i) => `(01)${gtin(i)}`, extra: { scale: 2 } },
];

async function main() {
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}; ${N} codes x ${ROUNDS} rounds, single thread`,
  );
  console.log(
    '\n| symbology | format | bwip-js codes/s | renderSync codes/s | ratio | renderBatchSync x100 codes/s | ratio |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const label = c.name ?? c.type;
    if (ONLY && !ONLY.includes(label)) continue;
    const inputs = Array.from({ length: N }, (_, i) => c.data(i));
    const peerInputs = c.peer ? Array.from({ length: N }, (_, i) => c.peer!(i)) : inputs;
    for (const format of ['svg', 'png'] as const) {
      const items: BarcodeRequest[] = inputs.map((data) => ({
        barcode_type: c.type,
        data,
        format,
        ...(c.options && { options: c.options }),
      }));
      const rows = await measure(
        [
          {
            name: 'bwip-js',
            run: async (xs) => {
              for (const text of peerInputs.slice(0, xs.length)) {
                const opts = { bcid: c.bcid, text, ...c.extra };
                if (format === 'svg') bwipjs.toSVG(opts);
                else await bwipjs.toBuffer(opts);
              }
              return xs.length;
            },
          },
          {
            name: 'renderSync',
            run: (xs) => {
              for (const it of items.slice(0, xs.length)) {
                const r = renderSync(it);
                if (!r.success) throw new Error(`${c.type}: ${r.error.message}`);
              }
              return xs.length;
            },
          },
          {
            name: 'renderBatchSync',
            run: (xs) => {
              const all = items.slice(0, xs.length);
              for (let i = 0; i < all.length; i += 100) {
                const res = renderBatchSync(all.slice(i, i + 100), { max_concurrent: 1 });
                if (!res.success) throw new Error(`${c.type}: batch failed`);
              }
              return xs.length;
            },
          },
        ],
        inputs,
        ROUNDS,
      );
      const [bwip, one, batch] = rows.map((r) => r.perSecond) as [number, number, number];
      const f = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(
        `| ${label} | ${format.toUpperCase()} | ${f(bwip)} | ${f(one)} | ${(one / bwip).toFixed(1)}x | ${f(batch)} | ${(batch / bwip).toFixed(1)}x |`,
      );
    }
  }
}

await main();
