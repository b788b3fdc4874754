/**
 * `npm run bench`: QR codes, ~50-character URLs at level M, 300 px, against
 * node-qrcode and bwip-js on the same inputs in one process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import bwipjs from 'bwip-js';
import QRCode from 'qrcode';
import { configure, renderBatch, renderBatchSync, renderSync, type BarcodeRequest } from '../src/lib/index.js';
import { measure, printTable, urls } from './harness.js';

const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Rounds of at least ~100 ms: shorter ones time the second core waking up, not its work.
const SCALE_N = Number(process.env.BENCH_SCALE_N ?? 10_000);
const WIDTH = 300;

configure({ cache_max_entries: 0 }); // every render is real work

const items = (data: string[], format: 'svg' | 'png'): BarcodeRequest[] =>
  data.map((d) => ({ barcode_type: 'qr', data: d, format, options: { width: WIDTH, error_correction: 'M' } }));

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** libqrencode's encode alone, when Debian's libqrencode-dev and a C compiler are present. */
function libqrencodeRate(inputs: string[]): number | undefined {
  if (!existsSync('/usr/include/qrencode.h')) return undefined;
  const exe = join(mkdtempSync(join(os.tmpdir(), 'batchcode-bench-')), 'libqrencode');
  execFileSync('cc', ['-O2', 'bench/libqrencode.c', '-lqrencode', '-o', exe]);
  return Number(
    execFileSync(exe, [String(ROUNDS)], { input: inputs.join('\n') })
      .toString()
      .trim(),
  );
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, node ${process.version}; ${N} codes x ${ROUNDS} rounds (scaling: ${SCALE_N} codes)`,
  );
  let salt = 0;
  let svgOneThread = NaN;
  const fresh = (inputs: string[]) => inputs.map((u) => `${u}&r=${salt++ % 10}`);

  // Scaling first, before the peers run: their JIT and zlib clean-up keep the
  // second core busy for seconds afterwards.
  for (const format of ['svg', 'png'] as const) {
    // Built once, outside the timed region: this measures the renderer, not object creation.
    // The cache is off, so rendering the same batches again is real work.
    const prebuilt = chunks(items(urls(SCALE_N, 'scale'), format), 100);
    const run = (max_concurrent: number) => async (inputs: string[]) => {
      for (const b of prebuilt) if (!(await renderBatch(b, { max_concurrent })).success) throw new Error();
      return inputs.length;
    };
    const rows = await measure(
      [
        { name: 'renderBatch x100, max_concurrent 1', run: run(1) },
        { name: 'renderBatch x100, max_concurrent 2', run: run(2) },
      ],
      urls(SCALE_N, 'scale'),
      ROUNDS,
    );
    printTable(`Scaling, QR ${format.toUpperCase()} batches of 100 (${os.cpus().length} cores)`, rows, rows[0]!.name);
  }

  for (const format of ['svg', 'png'] as const) {
    const rows = await measure(
      [
        {
          name: 'node-qrcode',
          run: async (inputs) => {
            for (const text of inputs) {
              if (format === 'svg')
                await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', width: WIDTH });
              else await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: WIDTH });
            }
            return inputs.length;
          },
        },
        {
          name: 'bwip-js',
          run: (inputs) => {
            for (const text of inputs) {
              const opts = { bcid: 'qrcode', text, eclevel: 'M', scale: 8 };
              if (format === 'svg') bwipjs.toSVG(opts);
              else bwipjs.toBuffer(opts);
            }
            return inputs.length;
          },
        },
        {
          name: 'batchcode renderSync (1 thread)',
          run: (inputs) => {
            for (const it of items(fresh(inputs), format))
              if (!renderSync(it).success) throw new Error('render failed');
            return inputs.length;
          },
        },
        {
          name: 'batchcode renderBatchSync x100 (1 thread)',
          run: (inputs) => {
            for (const batch of chunks(items(fresh(inputs), format), 100)) {
              if (!renderBatchSync(batch, { max_concurrent: 1 }).success) throw new Error('render failed');
            }
            return inputs.length;
          },
        },
      ],
      urls(N),
      ROUNDS,
    );
    printTable(`QR ${format.toUpperCase()}, ${WIDTH} px, level M`, rows, 'node-qrcode');
    if (format === 'svg') svgOneThread = rows.find((r) => r.name.includes('renderBatchSync'))?.perSecond ?? NaN;
  }
  const encodeOnly = libqrencodeRate(urls(N));
  if (encodeOnly === undefined) {
    console.log('\nlibqrencode: skipped (apt-get install libqrencode-dev to compare)');
  } else {
    console.log(`\nlibqrencode encode alone (C, no image): ${Math.round(encodeOnly).toLocaleString('en-US')}/s;`);
    console.log(`batchcode full SVG render, 1 thread, vs that: ${(svgOneThread / encodeOnly).toFixed(1)}x`);
  }
}

await main();
