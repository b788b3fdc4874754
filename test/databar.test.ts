/**
 * GS1 DataBar Omnidirectional, Stacked Omnidirectional, Expanded, Expanded
 * Stacked and Limited: each row is rendered as SVG and PNG through the Node
 * API and read back by ZXing (zxing-wasm), which must return `metadata.text`
 * (its HRI text mode shows the element strings with brackets); the same data
 * rendered by bwip-js must be read the same way, and for Expanded Stacked
 * and Limited our modules must be bwip-js's (BWIPP's), separators included.
 * Bad data fails with a code and a message naming what is wrong.
 */
import t from 'tap';
import { Resvg } from '@resvg/resvg-js';
import bwipjs from 'bwip-js';
import { renderSync, type BarcodeType } from '../src/lib/index.js';
import { decode, pngSize } from './helpers/decode.js';

type Formats = Parameters<typeof decode>[1];

interface Row {
  type: BarcodeType;
  data: string;
  /** `metadata.text`, and what ZXing reads in its HRI text mode. */
  text: string;
  /** `databar_segments` (Expanded Stacked), and bwip-js's `segments`. */
  segments?: number;
}

const BCID: Record<string, string> = {
  databar_omni: 'databaromni',
  databar_stacked: 'databarstackedomni',
  databar_expanded: 'databarexpanded',
  databar_expanded_stacked: 'databarexpandedstacked',
  databar_limited: 'databarlimited',
};
const FORMATS: Record<string, Formats> = {
  databar_omni: ['DataBar'],
  databar_stacked: ['DataBar'],
  databar_expanded: ['DataBarExpanded'],
  databar_expanded_stacked: ['DataBarExpStk'],
  databar_limited: ['DataBarLtd'],
};

/** Element strings for Expanded Stacked, and the segment counts to stack them in. */
const stacked: [string, number[]][] = [
  // ISO/IEC 24724 Figure 12: 4 segments, 2 rows, the second with 2 of them.
  ['(01)98898765432106(3202)012345(15)991231', [2, 4, 6, 22]],
  // 7 symbol characters: short last rows (3 of 4, 1 of 6 + 1 padding), a single pair of 2.
  ['(90)12345678901234567', [2, 4, 6, 22]],
  // 19 symbol characters: 5 rows of 4, the last with 3 (a reversed row with an odd finder count).
  ['(91)ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG', [2, 4, 6, 8, 10, 22]],
  // 22 symbol characters, the most: 6 rows of 4, the last an even row of 2 read left to right.
  [`(01)00012345678905(91)${'1234567890'.repeat(5)}123456`, [2, 4, 6, 12, 22]],
  // A US coupon (NACAG Figure 1), and a price with its currency (393x).
  ['(8110)106141416543213500110000310123196000', [4, 6]],
  ['(01)90012345678908(3932)9781299(10)AB-12', [2, 4, 6, 22]],
  ['(10)12A', [2, 4]],
];

const limited: [string, string][] = [
  ['1501234567890', '(01)15012345678907'],
  ['(01)15012345678907', '(01)15012345678907'],
  ['0031234567890', '(01)00312345678906'],
  ['00009876543215', '(01)00009876543215'],
  ['0000000000000', '(01)00000000000000'],
  ['1999999999999', '(01)19999999999991'],
  ['(01)0000002013571', '(01)00000020135713'],
];

const gtins: [string, string][] = [
  ['0950110153000', '(01)09501101530003'],
  ['09501101530003', '(01)09501101530003'],
  ['(01)09501101530003', '(01)09501101530003'],
  ['(01)24012345678905', '(01)24012345678905'],
  ['0000000000000', '(01)00000000000000'],
  ['1234567890123', '(01)12345678901231'],
  ['99999999999997', '(01)99999999999997'],
  ['(01)0003456789012', '(01)00034567890125'],
];

const rows: Row[] = [
  ...gtins.map(([data, text]): Row => ({ type: 'databar_omni', data, text })),
  ...gtins.map(([data, text]): Row => ({ type: 'databar_stacked', data, text })),
  ...[
    // Compressed encodation: variable-weight item, weight in pounds, best-before date.
    '(01)98898765432106(3202)012345(15)991231',
    // Method 1: (01) and anything after it.
    '(01)00012345678905(10)ABC123',
    '(01)90012345678908(3103)001750',
    '(01)09501101530003(17)251231(10)LOT-7(21)SER/1',
    // General method 00: no (01).
    '(10)12A',
    '(21)abc-DEF/12',
    '(10)ABC123(21)X1',
    // Long: 74 digits and 41 alphanumerics, the limits.
    `(01)00012345678905(91)${'1234567890'.repeat(5)}123456`,
    '(91)ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM',
    "(91)mixedCase!%&'*+,-./:;<=>?_123",
  ].map((data): Row => ({ type: 'databar_expanded', data, text: data })),
  { type: 'databar_expanded', data: '(01)0950110153000(10)A', text: '(01)09501101530003(10)A' },
  // Prices: 392x (compressed with indicator 9), 393x with an ISO 4217 currency, and 392x after any GTIN.
  ...[
    '(01)90012345678908(3922)795',
    '(01)90012345678908(3922)795(20)01',
    '(01)90012345678908(3932)0081234',
    '(01)00012345678905(3929)123456789012345(10)LOT',
    '(01)09501101530003(3930)97812',
  ].map((data): Row => ({ type: 'databar_expanded', data, text: data })),
  ...stacked.flatMap(([data, counts]) =>
    counts.map((segments): Row => ({ type: 'databar_expanded_stacked', data, text: data, segments })),
  ),
  { type: 'databar_expanded_stacked', data: '(01)0950110153000(10)A', text: '(01)09501101530003(10)A' },
  ...limited.map(([data, text]): Row => ({ type: 'databar_limited', data, text })),
];

const bwipOptions = (row: Row) => ({
  bcid: BCID[row.type]!,
  text: row.text,
  scale: 3,
  paddingwidth: 4,
  paddingheight: 4,
  backgroundcolor: 'FFFFFF',
  ...(row.segments && { segments: row.segments }),
  // bwip-js refuses (10) or (21) without the (01) they qualify, and a price
  // (392x, 393x) without a measure (30, 31nn...): GS1's associations of AIs.
  // We encode what we are given, as Zint does.
  ...((!row.text.includes('(01)') || /\(39[23]\d\)/.test(row.text)) && { dontlint: true }),
});

t.test('should render every row so that ZXing reads metadata.text, as it reads bwip-js', async (t) => {
  for (const row of rows) {
    const options = row.segments ? { databar_segments: row.segments } : undefined;
    const name = `${row.type} ${row.data}${row.segments ? ` in rows of ${row.segments}` : ''}`;
    t.test(`should decode ${name} in SVG and PNG`, async (t) => {
      for (const format of ['svg', 'png'] as const) {
        const r = renderSync({ barcode_type: row.type, data: row.data, format, ...(options && { options }) });
        if (!r.success) {
          t.fail(`${format}: ${r.error.code} ${r.error.message}`);
          continue;
        }
        t.equal(r.metadata?.text, row.text, `${format} metadata.text`);
        t.equal(await decode(format === 'svg' ? r.svg! : r.png!, FORMATS[row.type]), row.text, `${format} decodes`);
        if (format === 'png') t.same(pngSize(r.png!), { width: r.metadata!.width, height: r.metadata!.height });
      }
      const svg = bwipjs.toSVG(bwipOptions(row));
      t.equal(await decode(svg, FORMATS[row.type]), row.text, 'bwip-js SVG decodes to the same text');
      const png = await bwipjs.toBuffer(bwipOptions(row));
      t.equal(await decode(png, FORMATS[row.type]), row.text, 'bwip-js PNG decodes to the same text');
    });
  }
});

t.test('should read as element strings without brackets in ZXing plain text mode', async (t) => {
  const r = renderSync({ barcode_type: 'databar_omni', data: '0950110153000', format: 'png' });
  if (!r.success) return t.fail(r.error.message);
  t.equal(await decode(r.png!, ['DataBar'], 'Plain'), '0109501101530003');
});

t.test('should have the sizes of the standard', async (t) => {
  const meta = (type: BarcodeType, data: string) => {
    const r = renderSync({ barcode_type: type, data, format: 'svg', options: { margin: 0 } });
    if (!r.success) throw new Error(r.error.message);
    return r.metadata!;
  };
  // 96 modules wide, 33X high (2 pixels per module by default).
  t.match(meta('databar_omni', '0950110153000'), { modules: 96, rows: 1, width: 192, height: 66 });
  // 50 modules, two 33X rows around a 3X separator, 4 pixels per module as for 2D symbols.
  t.match(meta('databar_stacked', '0950110153000'), { modules: 50, rows: 2, width: 200, height: 69 * 4 });
  // 4 symbol characters (17 modules), 2 finders (15) and the guards; 34X high.
  t.match(meta('databar_expanded', '(10)12A'), { modules: 102, rows: 1, height: 68 });
  t.match(meta('databar_omni', '0950110153000'), { symbology: 'GS1 DataBar Omnidirectional' });
  t.match(meta('databar_stacked', '0950110153000'), { symbology: 'GS1 DataBar Stacked Omnidirectional' });
  t.match(meta('databar_expanded', '(10)12A'), { symbology: 'GS1 DataBar Expanded' });
  // 79 modules (74 and the 5X space ending the right guard), 10X high.
  t.match(meta('databar_limited', '1501234567890'), { modules: 79, rows: 1, width: 158, height: 20 });
  t.match(meta('databar_limited', '1501234567890'), { symbology: 'GS1 DataBar Limited' });
  // Rows of 4 segments (102 modules), each 34X, 3X of separators between two; 4 pixels per module.
  t.match(meta('databar_expanded_stacked', '(01)95012345678903(3103)000123'), {
    modules: 102,
    rows: 2,
    width: 408,
    height: (2 * 34 + 3) * 4,
  });
  t.match(meta('databar_expanded_stacked', '(10)12A'), { symbology: 'GS1 DataBar Expanded Stacked', rows: 1 });
});

/** Our symbol's modules, read from the SVG at 2 pixels a module without margin: one string per row. */
function modules(type: BarcodeType, data: string, options: Record<string, number> = {}): string[] {
  const X = 2;
  const r = renderSync({ barcode_type: type, data, options: { ...options, module_width: X, margin: 0 } });
  if (!r.success) throw new Error(r.error.message);
  const img = new Resvg(r.svg!).render();
  const dark = (x: number, y: number) => (img.pixels[(y * img.width + x) * 4] ?? 255) < 128;
  const { modules: width, rows } = r.metadata!;
  // Linear symbols keep their 1X quiet zones; their bars fill the middle of the image.
  const x0 = (img.width - width * X) / 2;
  const row = (y: number) => Array.from({ length: width }, (_, i) => (dark(x0 + i * X + 1, y) ? '1' : '0')).join('');
  if (type === 'databar_limited') return [row(img.height >> 1)];
  // Each 34X data row, then between two rows three 1X separator rows.
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = i * 37 * X;
    out.push(row(y + X));
    if (i + 1 < rows) for (const s of [34, 35, 36]) out.push(row(y + s * X + 1));
  }
  return out;
}

/** bwip-js's (BWIPP's) modules for the same symbol: its rows, or its bars and spaces from a bar. */
function bwipModules(row: Row): string[] {
  const [raw] = bwipjs.raw(bwipOptions(row) as never) as unknown as [
    { pixs?: number[]; pixx?: number; sbs?: number[] },
  ];
  if (raw.sbs) return [raw.sbs.map((w, i) => (i % 2 ? '0' : '1').repeat(w)).join('')];
  const { pixs = [], pixx = 1 } = raw;
  return Array.from({ length: pixs.length / pixx }, (_, y) => pixs.slice(y * pixx, (y + 1) * pixx).join(''));
}

t.test('should draw the modules bwip-js draws, separator patterns included', async (t) => {
  for (const row of rows.filter((r) => r.type === 'databar_expanded_stacked' || r.type === 'databar_limited')) {
    const options = row.segments ? { databar_segments: row.segments } : undefined;
    t.same(modules(row.type, row.data, options), bwipModules(row), `${row.type} ${row.data} ${row.segments ?? ''}`);
  }
});

t.test('should stack Expanded in rows of databar_segments, reported in metadata', async (t) => {
  const data = '(01)98898765432106(3202)012345(15)991231';
  const meta = (options?: Record<string, number>) => {
    const r = renderSync({ barcode_type: 'databar_expanded_stacked', data, options: { margin: 0, ...options } });
    if (!r.success) throw new Error(r.error.message);
    return r.metadata!;
  };
  // 8 symbol characters (ISO/IEC 24724 Figure 12): two rows of 4; 4 pixels per module as for 2D symbols.
  t.match(meta(), { modules: 102, rows: 2, databar_segments: 4, width: 408, height: (2 * 34 + 3) * 4 });
  const cases: [number, { modules: number; rows: number }][] = [
    [2, { modules: 53, rows: 4 }],
    [6, { modules: 151, rows: 2 }],
    [8, { modules: 200, rows: 1 }],
    [22, { modules: 200, rows: 1 }],
  ];
  for (const [segments, want] of cases) {
    t.match(meta({ databar_segments: segments }), { ...want, databar_segments: segments }, `${segments} segments`);
  }
  const other = renderSync({ barcode_type: 'databar_expanded', data, options: { databar_segments: 6 } });
  const plain = renderSync({ barcode_type: 'databar_expanded', data });
  t.equal(other.success && other.svg, plain.success && plain.svg, 'databar_expanded ignores databar_segments');
  t.equal(other.success && other.metadata!.databar_segments, undefined, 'and its metadata says none');
});

t.test('should refuse a databar_segments that is not an even number from 2 to 22, naming the rule', async (t) => {
  const cases: [unknown, string][] = [
    [0, '0'],
    [1, '1'],
    [3, '3'],
    [21, '21'],
    [23, '23'],
    [24, '24'],
    [-2, '-2'],
    [4.5, '4.5'],
    ['4', '"4" (a string)'],
  ];
  for (const [segments, got] of cases) {
    const r = renderSync({
      barcode_type: 'databar_expanded_stacked',
      data: '(10)12A',
      options: { databar_segments: segments as number },
    });
    t.match(
      r,
      {
        success: false,
        error: {
          code: 'INVALID_REQUEST',
          message: `options.databar_segments must be an even whole number from 2 to 22; got ${got}`,
        },
      },
      String(segments),
    );
  }
});
