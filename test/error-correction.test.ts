/**
 * Error correction as asked, never silently changed: Micro QR at every
 * version and level it has (M3-L included), PDF417 security levels and
 * Aztec percentages. ZXing reads each symbol back and reports the version
 * and level it found in it, which must be the ones asked for and the ones
 * `metadata` reports. Data Matrix, whose level the standard fixes, refuses one.
 */
import t from 'tap';
import { renderSync, type BarcodeRequest, type Metadata } from '../src/lib/index.js';
import { decodeSymbol } from './helpers/decode.js';

function render(req: BarcodeRequest): { svg: string; metadata: Metadata } {
  const r = renderSync(req);
  if (!r.success) throw new Error(`${JSON.stringify(req.options)}: ${r.error.message}`);
  return { svg: r.svg!, metadata: r.metadata! };
}

t.test('should encode Micro QR at the level asked, in the smallest version that holds it', async (t) => {
  const levels = [
    // Level, then the most each version holds at it (digits; ISO/IEC 18004 table 7): M1 is L only, Q is M4 only.
    { level: 'L', most: [5, 10, 23, 35] },
    { level: 'M', most: [0, 8, 18, 30] },
    { level: 'Q', most: [0, 0, 0, 21] },
  ] as const;
  const data = [
    ...Array.from({ length: 35 }, (_, i) => '1234567890'.repeat(4).slice(0, i + 1)),
    // Letters and bytes up to M3-L's 14 and 9, where the last data codeword is 4 bits long.
    'HELLO MICRO QR',
    'HELLO MICRO',
    'bytes 123',
    'b1t3s',
  ];
  let m3l = 0;
  for (const { level, most } of levels) {
    for (const text of data) {
      const digits = /^\d+$/.test(text);
      const r = renderSync({ barcode_type: 'microqr', data: text, options: { error_correction: level } });
      if (!r.success) {
        t.notOk(digits && text.length <= most[3]!, `${level} ${text}: ${r.error.message}`);
        continue;
      }
      const { svg, metadata } = render({ barcode_type: 'microqr', data: text, options: { error_correction: level } });
      t.equal(metadata.error_correction, level, `${level} ${text}: the level asked`);
      if (digits) t.equal(metadata.version, most.findIndex((n) => n >= text.length) + 1, `${text}: smallest version`);
      const seen = await decodeSymbol(svg, ['MicroQRCode']);
      t.same(
        seen && { text: seen.text, version: seen.version, level: seen.ecLevel },
        { text, version: `M${metadata.version}`, level: metadata.version === 1 ? seen?.ecLevel : level },
        `${level} M${metadata.version} ${text}: read back`,
      );
      if (metadata.version === 3 && level === 'L') m3l++;
    }
  }
  t.ok(m3l >= 10, `${m3l} M3-L symbols read`);
});

t.test('should use the PDF417 security level asked, from the number or the letter', async (t) => {
  const data = 'PDF417 security level 0123456789';
  const cases: { options: BarcodeRequest['options']; level: number; letter?: string }[] = [
    { options: {}, level: 2 },
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((level) => ({ options: { pdf417_ec_level: level }, level })),
    { options: { error_correction: 'L' }, level: 2, letter: 'L' },
    { options: { error_correction: 'M' }, level: 3, letter: 'M' },
    { options: { error_correction: 'Q' }, level: 4, letter: 'Q' },
    { options: { error_correction: 'H' }, level: 5, letter: 'H' },
    { options: { error_correction: 'H', pdf417_ec_level: 7 }, level: 7 },
  ];
  for (const { options, level, letter } of cases) {
    const { svg, metadata } = render({ barcode_type: 'pdf417', data, options });
    t.equal(metadata.pdf417_ec_level, level, `${JSON.stringify(options)}: metadata`);
    t.equal(metadata.error_correction, letter, `${JSON.stringify(options)}: the letter, where it chose`);
    // The reader finds the level in the row indicators and reports its 2^(level+1) check words in
    // percent of the symbol's rows × columns codewords, rounded down.
    const percent = Math.floor((100 * 2 ** (level + 1)) / (metadata.rows * metadata.columns));
    t.same(await decodeSymbol(svg, ['PDF417']), { text: data, version: '', ecLevel: `${percent}%` }, 'read back');
  }
});

t.test('should give Aztec the error correction asked, from the percentage or the letter', async (t) => {
  const data = 'Aztec error correction 0123456789';
  const cases: { options: BarcodeRequest['options']; percent: number }[] = [
    { options: {}, percent: 23 },
    ...[5, 10, 23, 36, 50, 80, 95].map((percent) => ({ options: { aztec_ec_percent: percent }, percent })),
    { options: { error_correction: 'L' }, percent: 10 },
    { options: { error_correction: 'H' }, percent: 50 },
    { options: { error_correction: 'L', aztec_ec_percent: 60 }, percent: 60 },
  ];
  const seenPercents: [number, number][] = [];
  for (const { options, percent } of cases) {
    const { svg, metadata } = render({ barcode_type: 'aztec', data, options });
    t.equal(metadata.aztec_ec_percent, percent, `${JSON.stringify(options)}: metadata`);
    const seen = await decodeSymbol(svg, ['Aztec']);
    t.equal(seen?.text, data);
    // The reader counts the symbol's check words in percent of all its words: at least the words
    // asked for (percent of the data, plus 3), with the rest of the last layer added.
    const found = Number(seen?.ecLevel.replace('%', ''));
    t.ok(found >= (100 * percent) / (100 + percent), `${percent}% asked; ZXing finds ${seen?.ecLevel}`);
    seenPercents.push([percent, found]);
  }
  const rising = seenPercents.toSorted((a, b) => a[0] - b[0]);
  t.ok(
    rising.every(([, f], i) => i === 0 || f >= rising[i - 1]![1]),
    `more asked, never fewer found: ${JSON.stringify(rising)}`,
  );
});

t.test('should refuse a level for Data Matrix, and name the option, in every path', async (t) => {
  for (const barcode_type of ['datamatrix', 'gs1_datamatrix'] as const) {
    const r = renderSync({ barcode_type, data: '(01)09501101530003', options: { error_correction: 'H' } });
    t.match(r, {
      success: false,
      error: { code: 'INVALID_OPTION', message: /^options\.error_correction: .*fixed by the standard/ },
    });
  }
  // The other types' own options are theirs: a mixed job's design may carry them.
  t.match(renderSync({ barcode_type: 'datamatrix', data: 'x', options: { pdf417_ec_level: 8 } }), { success: true });
  t.match(renderSync({ barcode_type: 'pdf417', data: 'x', options: { pdf417_ec_level: 9 } }), {
    success: false,
    error: { code: 'INVALID_REQUEST', message: /pdf417_ec_level/ },
  });
});
