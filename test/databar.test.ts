/**
 * GS1 DataBar Omnidirectional, Stacked Omnidirectional and Expanded: each
 * row is rendered as SVG and PNG through the Node API and read back by ZXing
 * (zxing-wasm), which must return `metadata.text` (its HRI text mode shows
 * the element strings with brackets); the same data rendered by bwip-js must
 * be read the same way. Bad data fails with a code and a message naming
 * what is wrong.
 */
import t from 'tap';
import bwipjs from 'bwip-js';
import { renderSync, type BarcodeType } from '../src/lib/index.js';
import { decode, pngSize } from './helpers/decode.js';

type Formats = Parameters<typeof decode>[1];

interface Row {
  type: BarcodeType;
  data: string;
  /** `metadata.text`, and what ZXing reads in its HRI text mode. */
  text: string;
}

const BCID: Record<string, string> = {
  databar_omni: 'databaromni',
  databar_stacked: 'databarstackedomni',
  databar_expanded: 'databarexpanded',
};
const FORMATS: Record<string, Formats> = {
  databar_omni: ['DataBar'],
  databar_stacked: ['DataBar'],
  databar_expanded: ['DataBarExpanded'],
};

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
];

const bwipOptions = (row: Row) => ({
  bcid: BCID[row.type]!,
  text: row.text,
  scale: 3,
  paddingwidth: 4,
  paddingheight: 4,
  backgroundcolor: 'FFFFFF',
  // bwip-js refuses (10) or (21) without the (01) they qualify (GS1's
  // associations of AIs); we encode what we are given, as Zint does.
  ...(!row.text.includes('(01)') && { dontlint: true }),
});

t.test('should render every row so that ZXing reads metadata.text, as it reads bwip-js', async (t) => {
  for (const row of rows) {
    t.test(`should decode ${row.type} ${row.data} in SVG and PNG`, async (t) => {
      for (const format of ['svg', 'png'] as const) {
        const r = renderSync({ barcode_type: row.type, data: row.data, format });
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
});
