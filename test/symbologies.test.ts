/**
 * Every linear and 2D symbology: each row is rendered in every format (SVG and PDF
 * rasterised by resvg and poppler, EPS by Ghostscript) through the Node API and read
 * back by ZXing (zxing-wasm); the decoded text must
 * equal the encoded text exactly, computed check digits and GS1 AIs included.
 */
import t from 'tap';
import { FORMATS, renderBatch, renderSync, type BarcodeRequest, type BarcodeType } from '../src/lib/index.js';
import { decode, pngSize } from './helpers/decode.js';
import { raster } from './helpers/print.js';

type Formats = Parameters<typeof decode>[1];

interface Row {
  type: BarcodeType;
  name: string;
  data: string;
  /** What a reader returns (and `metadata.text` for linear, GS1 and DataBar codes). */
  text: string;
  formats: Formats;
  /** What ZXing's HRI text shows, where it differs from `text` (UPC as EAN-13, control characters as <HT>). */
  decoded?: string;
  /** The ECI `metadata.eci` reports: 26 (UTF-8) for text beyond Latin-1. */
  eci?: number;
}

/** Text beyond Latin-1 in every 2D symbology without a Unicode mode of its own: UTF-8 after ECI 26. */
const unicode = 'Ünïcödé ✓ 日本語 Ελληνικά 🚚';
const utf8Rows = (['datamatrix', 'pdf417', 'aztec'] as const).map((type): Row => ({
  type,
  name: `${type} unicode with ECI`,
  data: unicode,
  text: unicode,
  formats: [({ datamatrix: 'DataMatrix', pdf417: 'PDF417', aztec: 'Aztec' } as const)[type]],
  eci: 26,
}));

const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const c39 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';

export const rows: Row[] = [
  { type: 'ean13', name: 'ean13 computed check', data: '400638133393', text: '4006381333931', formats: ['EAN13'] },
  { type: 'ean13', name: 'ean13 given check', data: '5901234123457', text: '5901234123457', formats: ['EAN13'] },
  { type: 'ean13', name: 'ean13 zeros', data: '000000000000', text: '0000000000000', formats: ['EAN13'] },
  { type: 'ean8', name: 'ean8 computed check', data: '9638507', text: '96385074', formats: ['EAN8'] },
  { type: 'ean8', name: 'ean8 given check', data: '55123457', text: '55123457', formats: ['EAN8'] },
  {
    type: 'upca',
    name: 'upca computed check',
    data: '03600029145',
    text: '036000291452',
    decoded: '0036000291452',
    formats: ['UPCA'],
  },
  {
    type: 'upca',
    name: 'upca given check',
    data: '123456789012',
    text: '123456789012',
    decoded: '0123456789012',
    formats: ['UPCA'],
  },
  {
    type: 'upce',
    name: 'upce 6 digits',
    data: '425261',
    text: '04252614',
    decoded: '0042100005264',
    formats: ['UPCE'],
  },
  {
    type: 'upce',
    name: 'upce 7 digits',
    data: '0425261',
    text: '04252614',
    decoded: '0042100005264',
    formats: ['UPCE'],
  },
  {
    type: 'upce',
    name: 'upce 8 digits',
    data: '04252614',
    text: '04252614',
    decoded: '0042100005264',
    formats: ['UPCE'],
  },
  {
    type: 'upce',
    name: 'upce number system 1',
    data: '1123456',
    text: '11234562',
    decoded: '0112345000062',
    formats: ['UPCE'],
  },
  {
    type: 'upce',
    name: 'upce from upc-a',
    data: '042100005264',
    text: '04252614',
    decoded: '0042100005264',
    formats: ['UPCE'],
  },
  { type: 'code128', name: 'code128 one char', data: 'x', text: 'x', formats: ['Code128'] },
  { type: 'code128', name: 'code128 printable ascii', data: ascii, text: ascii, formats: ['Code128'] },
  {
    type: 'code128',
    name: 'code128 digits (set C)',
    data: '12345678901234567890',
    text: '12345678901234567890',
    formats: ['Code128'],
  },
  { type: 'code128', name: 'code128 odd digits', data: '1234567', text: '1234567', formats: ['Code128'] },
  {
    type: 'code128',
    name: 'code128 control chars',
    data: 'AB\tC\x01d',
    text: 'AB\tC\x01d',
    decoded: 'AB<HT>C<SOH>d',
    formats: ['Code128'],
  },
  {
    type: 'code128',
    name: 'code128 mixed sets',
    data: 'abc123456DEF\n7',
    text: 'abc123456DEF\n7',
    formats: ['Code128'],
  },
  {
    type: 'gs1_128',
    name: 'gs1_128 GTIN, date, lot',
    data: '(01)09501101530003(17)251231(10)ABC123',
    text: '(01)09501101530003(17)251231(10)ABC123',
    formats: ['Code128'],
  },
  {
    type: 'gs1_128',
    name: 'gs1_128 computed GTIN check and variable fields',
    data: '(01)0950110153000(10)LOT-7(21)SER/1(3103)000750',
    text: '(01)09501101530003(10)LOT-7(21)SER/1(3103)000750',
    formats: ['Code128'],
  },
  {
    type: 'gs1_128',
    name: 'gs1_128 SSCC',
    data: '(00)106141411234567897',
    text: '(00)106141411234567897',
    formats: ['Code128'],
  },
  {
    type: 'gs1_128',
    name: 'gs1_128 GLN, postal, company',
    data: '(414)5412345000013(420)12345(8018)123456789012345675(90)AB(91)x!%',
    text: '(414)5412345000013(420)12345(8018)123456789012345675(90)AB(91)x!%',
    formats: ['Code128'],
  },
  { type: 'code39', name: 'code39 one char', data: 'A', text: 'A', formats: ['Code39Std'] },
  { type: 'code39', name: 'code39 full set', data: c39, text: c39, formats: ['Code39Std'] },
  { type: 'code93', name: 'code93 one char', data: '7', text: '7', formats: ['Code93'] },
  { type: 'code93', name: 'code93 native set', data: c39, text: c39, formats: ['Code93'] },
  {
    type: 'code93',
    name: 'code93 full ascii',
    data: ascii.slice(0, 48),
    text: ascii.slice(0, 48),
    formats: ['Code93'],
  },
  {
    type: 'code93',
    name: 'code93 lower case and controls',
    data: 'abc xyz\t{|}~',
    text: 'abc xyz\t{|}~',
    formats: ['Code93'],
  },
  { type: 'itf', name: 'itf 6 digits', data: '123456', text: '123456', formats: ['ITF'] },
  { type: 'itf', name: 'itf 40 digits', data: '0123456789'.repeat(4), text: '0123456789'.repeat(4), formats: ['ITF'] },
  { type: 'itf14', name: 'itf14 computed check', data: '1540014128876', text: '15400141288763', formats: ['ITF'] },
  { type: 'itf14', name: 'itf14 given check', data: '00012345600012', text: '00012345600012', formats: ['ITF'] },
  { type: 'codabar', name: 'codabar default guards', data: '123456', text: 'A123456B', formats: ['Codabar'] },
  { type: 'codabar', name: 'codabar own guards', data: 'C40156D', text: 'C40156D', formats: ['Codabar'] },
  {
    type: 'codabar',
    name: 'codabar every data char',
    data: 'B0123456789-$:/.+C',
    text: 'B0123456789-$:/.+C',
    formats: ['Codabar'],
  },
  { type: 'datamatrix', name: 'datamatrix one char', data: 'x', text: 'x', formats: ['DataMatrix'] },
  { type: 'datamatrix', name: 'datamatrix ascii', data: ascii, text: ascii, formats: ['DataMatrix'] },
  {
    type: 'datamatrix',
    name: 'datamatrix latin-1',
    data: 'café Ångström ±×',
    text: 'café Ångström ±×',
    formats: ['DataMatrix'],
  },
  {
    type: 'datamatrix',
    name: 'datamatrix long',
    data: 'A1b2'.repeat(200),
    text: 'A1b2'.repeat(200),
    formats: ['DataMatrix'],
  },
  {
    type: 'gs1_datamatrix',
    name: 'gs1_datamatrix variable then fixed',
    data: '(10)ABC123(01)09501101530003(17)251231(21)S1',
    text: '(10)ABC123(01)09501101530003(17)251231(21)S1',
    formats: ['DataMatrix'],
  },
  {
    type: 'gs1_datamatrix',
    name: 'gs1_datamatrix one AI',
    data: '(01)0950110153000',
    text: '(01)09501101530003',
    formats: ['DataMatrix'],
  },
  { type: 'pdf417', name: 'pdf417 one char', data: 'x', text: 'x', formats: ['PDF417'] },
  { type: 'pdf417', name: 'pdf417 ascii', data: ascii, text: ascii, formats: ['PDF417'] },
  {
    type: 'pdf417',
    name: 'pdf417 digits',
    data: '1234567890'.repeat(10),
    text: '1234567890'.repeat(10),
    formats: ['PDF417'],
  },
  {
    type: 'pdf417',
    name: 'pdf417 long',
    data: 'Lorem ipsum 42; '.repeat(30),
    text: 'Lorem ipsum 42; '.repeat(30),
    formats: ['PDF417'],
  },
  { type: 'pdf417', name: 'pdf417 latin-1', data: 'café Ångström ±×', text: 'café Ångström ±×', formats: ['PDF417'] },
  { type: 'aztec', name: 'aztec one char', data: 'x', text: 'x', formats: ['Aztec'] },
  { type: 'aztec', name: 'aztec latin-1', data: 'café Ångström ±×', text: 'café Ångström ±×', formats: ['Aztec'] },
  { type: 'aztec', name: 'aztec ascii', data: ascii, text: ascii, formats: ['Aztec'] },
  {
    type: 'aztec',
    name: 'aztec long',
    data: 'Aztec 123 '.repeat(60),
    text: 'Aztec 123 '.repeat(60),
    formats: ['Aztec'],
  },
  { type: 'microqr', name: 'microqr one digit', data: '1', text: '1', formats: ['MicroQRCode'] },
  {
    type: 'microqr',
    name: 'microqr 35 digits',
    data: '12345678901234567890123456789012345',
    text: '12345678901234567890123456789012345',
    formats: ['MicroQRCode'],
  },
  {
    type: 'microqr',
    name: 'microqr alphanumeric',
    data: 'HELLO MICRO QR',
    text: 'HELLO MICRO QR',
    formats: ['MicroQRCode'],
  },
  { type: 'microqr', name: 'microqr bytes', data: 'hello, qr!', text: 'hello, qr!', formats: ['MicroQRCode'] },
  {
    type: 'databar_omni',
    name: 'databar_omni computed check',
    data: '0950110153000',
    text: '(01)09501101530003',
    formats: ['DataBar'],
  },
  {
    type: 'databar_omni',
    name: 'databar_omni (01) and given check',
    data: '(01)24012345678905',
    text: '(01)24012345678905',
    formats: ['DataBar'],
  },
  {
    type: 'databar_stacked',
    name: 'databar_stacked computed check',
    data: '0950110153000',
    text: '(01)09501101530003',
    formats: ['DataBar'],
  },
  {
    type: 'databar_expanded',
    name: 'databar_expanded weight and date',
    data: '(01)98898765432106(3202)012345(15)991231',
    text: '(01)98898765432106(3202)012345(15)991231',
    formats: ['DataBarExpanded'],
  },
  {
    type: 'databar_expanded',
    name: 'databar_expanded GTIN and lot',
    data: '(01)0001234567890(10)ABC123',
    text: '(01)00012345678905(10)ABC123',
    formats: ['DataBarExpanded'],
  },
  {
    type: 'databar_expanded',
    name: 'databar_expanded no (01)',
    data: '(21)abc-123',
    text: '(21)abc-123',
    formats: ['DataBarExpanded'],
  },
  ...utf8Rows,
];

const linear = new Set<BarcodeType>([
  'ean13',
  'ean8',
  'upca',
  'upce',
  'code128',
  'gs1_128',
  'code39',
  'code93',
  'itf',
  'itf14',
  'codabar',
  'databar_omni',
  'databar_expanded',
]);

t.test('every row decodes back exactly', async (t) => {
  for (const row of rows) {
    await t.test(`should render ${row.name} that decodes to the encoded text`, async (t) => {
      for (const format of FORMATS) {
        const r = renderSync({ barcode_type: row.type, data: row.data, format });
        if (!r.success) {
          t.fail(`${format}: ${r.error.code} ${r.error.message}`);
          continue;
        }
        t.equal(await decode(raster(r), row.formats), row.decoded ?? row.text, format);
        if (linear.has(row.type) || row.type.startsWith('gs1') || row.type === 'databar_stacked')
          t.equal(r.metadata?.text, row.text, 'metadata.text');
        if (format === 'png') t.same(pngSize(r.png!), { width: r.metadata!.width, height: r.metadata!.height });
        t.equal(r.metadata?.eci, row.eci, 'metadata.eci');
      }
    });
  }
});

t.test('should render every row in one renderBatch call', async (t) => {
  const items: BarcodeRequest[] = rows.map((r, i) => ({
    id: `r${i}`,
    barcode_type: r.type,
    data: r.data,
    format: i % 2 ? 'png' : 'svg',
  }));
  const res = await renderBatch(items, { include_metadata: true });
  t.equal(res.summary.successful, rows.length);
  t.equal(res.results.length, rows.length);
  for (const [i, r] of res.results.entries()) {
    t.match(r, { id: `r${i}`, success: true, format: items[i]!.format }, rows[i]!.name);
    if (!r.success) continue;
    t.equal(r.metadata?.type, rows[i]!.type);
    t.ok(r.metadata?.symbology);
  }
});

const failures: [BarcodeType, string, string, string | RegExp][] = [
  // GS1 DataBar
  ['databar_omni', '09501101530004', 'INVALID_DATA', 'GS1 DataBar Omnidirectional check digit should be 3, got 4'],
  ['databar_omni', '(01)09501101530004', 'INVALID_DATA', 'check digit should be 3, got 4'],
  ['databar_omni', '095011015300A', 'INVALID_DATA', "'A' at position 13 is not allowed"],
  ['databar_omni', '(01)0950110153000X', 'INVALID_DATA', "'X' at position 18"],
  ['databar_omni', 'GTIN', 'INVALID_DATA', "'G' at position 1"],
  ['databar_omni', '123456789012', 'INVALID_DATA', 'GTIN of 13 digits (the check digit is computed) or 14'],
  ['databar_omni', '095011015300031', 'INVALID_DATA', 'got 15 digits'],
  ['databar_omni', '', 'EMPTY_DATA', 'data is empty'],
  [
    'databar_stacked',
    '12345678901234',
    'INVALID_DATA',
    'GS1 DataBar Stacked Omnidirectional check digit should be 1, got 4',
  ],
  ['databar_stacked', 'abc', 'INVALID_DATA', "'a' at position 1"],
  ['databar_stacked', '', 'EMPTY_DATA', 'data is empty'],
  ['databar_expanded', '(01)09501101530004', 'INVALID_DATA', 'GS1 (01) check digit should be 3, got 4'],
  ['databar_expanded', '0109501101530003', 'INVALID_DATA', "starting with '('"],
  ['databar_expanded', '(555)1', 'INVALID_DATA', 'GS1 application identifier (555) is not supported'],
  ['databar_expanded', '(10)AB#', 'INVALID_DATA', "'#' at position 3"],
  [
    'databar_expanded',
    '(91)ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN',
    'DATA_TOO_LONG',
    'data is 42 characters; GS1 DataBar Expanded holds at most 21 data characters of 12 bits (74 digits or 41 letters, AIs included) and this data needs 22',
  ],
  ['databar_expanded', `(01)00012345678905(91)${'1'.repeat(58)}`, 'DATA_TOO_LONG', /data is 76 characters.*needs 22/],
  ['databar_expanded', '', 'EMPTY_DATA', 'data is empty'],

  ['ean13', '4006381333932', 'INVALID_DATA', 'EAN-13 check digit should be 1, got 2'],
  ['ean8', '96385070', 'INVALID_DATA', 'EAN-8 check digit should be 4, got 0'],
  ['upca', '036000291450', 'INVALID_DATA', 'UPC-A check digit should be 2, got 0'],
  ['upce', '04252610', 'INVALID_DATA', 'UPC-E check digit should be 4, got 0'],
  ['itf14', '15400141288760', 'INVALID_DATA', 'ITF-14 check digit should be 3, got 0'],
  ['gs1_128', '(01)09501101530004', 'INVALID_DATA', 'GS1 (01) check digit should be 3, got 4'],
  ['gs1_datamatrix', '(00)106141411234567890', 'INVALID_DATA', 'GS1 (00) check digit should be 7, got 0'],
  ['ean13', '40063813A393', 'INVALID_DATA', "EAN-13 can encode only digits 0-9; 'A' at position 9 is not allowed"],
  ['code39', 'ABc', 'INVALID_DATA', "'c' at position 3"],
  ['code128', 'naïve', 'INVALID_DATA', 'U+00EF at position 3'],
  ['code93', 'Zoë', 'INVALID_DATA', 'U+00EB at position 3'],
  ['codabar', '12X', 'INVALID_DATA', "'X' at position 3"],
  ['itf', '12345', 'INVALID_DATA', 'even number of digits'],
  ['upce', '012345678905', 'INVALID_DATA', 'cannot be compressed to UPC-E'],
  ['upce', '2123456', 'INVALID_DATA', 'number system must be 0 or 1'],
  ['gs1_128', '(10)AB#', 'INVALID_DATA', "'#' at position 3"],
  ['gs1_128', '(01)123', 'INVALID_DATA', 'exactly 14 digits'],
  ['gs1_128', '(999)1', 'INVALID_DATA', 'not supported'],
  ['gs1_128', '01095011015300', 'INVALID_DATA', "starting with '('"],
  ['microqr', '1'.repeat(36), 'DATA_TOO_LONG', 'Micro QR Code'],
  ['ean13', '', 'EMPTY_DATA', 'data is empty'],
  ['pdf417', '', 'EMPTY_DATA', 'data is empty'],
  ['databar_omni', '09501101530004', 'INVALID_DATA', 'GS1 DataBar Omnidirectional check digit should be 3, got 4'],
  ['databar_stacked', '0950110153000A', 'INVALID_DATA', "'A' at position 14"],
  [
    'databar_expanded',
    `(91)${'A'.repeat(40)}`,
    'DATA_TOO_LONG',
    'GS1 DataBar Expanded holds at most 21 data characters',
  ],
];

t.test('bad data fails only its own item with a clear message', async (t) => {
  for (const [type, data, code, message] of failures) {
    t.test(`should reject ${type} ${JSON.stringify(data)} with ${code}`, async (t) => {
      const r = renderSync({ barcode_type: type, data });
      t.equal(r.success, false);
      if (r.success) return;
      t.equal(r.error.code, code);
      t.match(r.error.message, message);
    });
  }
  t.test('should fail only the bad items of a batch', async (t) => {
    const res = await renderBatch(
      failures
        .map(([type, data]) => ({ barcode_type: type, data }))
        .concat([{ barcode_type: 'ean13', data: '400638133393' }]),
    );
    t.equal(res.summary.failed, failures.length);
    t.same(
      res.results.map((r) => (r.success ? 'ok' : r.error.code)),
      [...failures.map(([, , code]) => code), 'ok'],
    );
  });
});

t.test('sizes are predictable', async (t) => {
  t.test('should give exactly the requested width and height', async (t) => {
    for (const type of ['ean13', 'code128', 'pdf417', 'datamatrix'] as const) {
      const data = type === 'ean13' ? '400638133393' : 'SIZE-42';
      const r = renderSync({ barcode_type: type, data, format: 'png', options: { width: 400, height: 150 } });
      t.ok(r.success, type);
      if (!r.success) continue;
      t.same(pngSize(r.png!), { width: 400, height: 150 }, type);
      t.equal(r.svg, undefined, `${type}: a PNG answer carries no SVG`);
      t.equal(await decode(r.png!), type === 'ean13' ? '4006381333931' : 'SIZE-42', type);
    }
  });
  t.test('should use module_width as the X-dimension with spec quiet zones', async (t) => {
    const r = renderSync({ barcode_type: 'ean13', data: '400638133393', format: 'png', options: { module_width: 3 } });
    if (!r.success) return t.fail(r.error.message);
    // 95 modules + 11 left + 7 right quiet zone = 113 modules.
    t.equal(r.metadata!.width, 113 * 3);
    t.equal(r.metadata!.modules, 95);
    t.equal(r.metadata!.rows, 1);
    t.equal(r.metadata!.symbology, 'EAN-13');
  });
  t.test('should name the minimum when the width is too small', async (t) => {
    const r = renderSync({ barcode_type: 'code128', data: 'ABCDEFGH', options: { width: 50 } });
    t.equal(r.success, false);
    if (!r.success) t.match(r.error.message, /needs at least \d+ pixels/);
  });
});

/** The SVG of a render that must succeed: a failed render throws, so `notMatch` below cannot pass on it. */
function svgOf(item: BarcodeRequest): string {
  const r = renderSync(item);
  if (!r.success) throw new Error(`${item.barcode_type}: ${r.error.code} ${r.error.message}`);
  if (!r.svg?.startsWith('<svg ') || !r.svg.endsWith('</svg>')) throw new Error(`not an SVG: ${r.svg}`);
  return r.svg;
}

t.test('human-readable text', async (t) => {
  t.test('should show text by default for EAN/UPC only, as escaped <text>', async (t) => {
    t.match(svgOf({ barcode_type: 'ean13', data: '400638133393' }), /<text[^>]*>006381<\/text>/);
    t.notMatch(svgOf({ barcode_type: 'code128', data: 'A<&>"\'B' }), /<text/);
    const shown = svgOf({ barcode_type: 'code128', data: 'A<&>"\'B', options: { show_text: true } });
    t.match(shown, '<text x="');
    t.match(shown, 'A&lt;&amp;&gt;&quot;&apos;B');
    t.notMatch(svgOf({ barcode_type: 'datamatrix', data: 'x', options: { show_text: true } }), /<text/);
  });
  t.test('should draw text pixels into the PNG and still decode', async (t) => {
    const off = renderSync({
      barcode_type: 'ean13',
      data: '400638133393',
      format: 'png',
      options: { show_text: false },
    });
    const on = renderSync({ barcode_type: 'ean13', data: '400638133393', format: 'png' });
    if (!off.success || !on.success) return t.fail('render failed');
    t.ok(on.metadata!.height > off.metadata!.height);
    t.equal(await decode(on.png!, ['EAN13']), '4006381333931');
  });
});
