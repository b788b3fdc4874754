/**
 * `checkBatch` answers whether each item would render, without drawing it:
 * every verdict must be the one `renderBatchSync` gives for the same item.
 */
import t from 'tap';
import {
  cacheStats,
  checkBatch,
  checkBatchSync,
  clearCache,
  renderBatchSync,
  type BarcodeRequest,
  type BarcodeResult,
  type CheckResult,
} from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

interface Row {
  name: string;
  item: BarcodeRequest;
  /** `true` when it fits, else the code and a pattern for the message. */
  expect: true | [string, RegExp];
  /** ZXing's name for the symbology, to read back what renders. */
  zxing?: 'QRCode' | 'EAN13' | 'Code39';
}

const rows: Row[] = [
  { name: 'fits', item: { barcode_type: 'qr', data: 'https://example.com/a' }, expect: true, zxing: 'QRCode' },
  {
    name: 'too long for QR at H',
    item: { barcode_type: 'qr', data: 'x'.repeat(2000), options: { error_correction: 'H' } },
    expect: ['DATA_TOO_LONG', /2,000 bytes; a QR code at level H holds at most 1,273/],
  },
  {
    name: 'the same data fits at L',
    item: { barcode_type: 'qr', data: 'x'.repeat(2000), options: { error_correction: 'L' } },
    expect: true,
    zxing: 'QRCode',
  },
  {
    name: 'bad EAN-13 check digit',
    item: { barcode_type: 'ean13', data: '4006381333932' },
    expect: ['INVALID_DATA', /EAN-13 check digit should be 1, got 2/],
  },
  { name: 'good EAN-13', item: { barcode_type: 'ean13', data: '400638133393' }, expect: true, zxing: 'EAN13' },
  {
    name: 'unsupported character in Code 39',
    item: { barcode_type: 'code39', data: 'AB c' },
    expect: ['INVALID_DATA', /'c' at position 4/],
  },
  { name: 'Code 39', item: { barcode_type: 'code39', data: 'AB-12' }, expect: true, zxing: 'Code39' },
  {
    name: 'schema error',
    item: { barcode_type: 'qr', data: 'x', options: { width: 0 } },
    expect: ['INVALID_REQUEST', /^options\.width must be a whole number from 1 to 4096; got 0$/],
  },
  {
    name: 'unknown type (schema)',
    item: { barcode_type: 'nope' as never, data: 'x' },
    expect: ['INVALID_REQUEST', /^barcode_type must be one of "qr", .*; got "nope"$/],
  },
  { name: 'empty data', item: { barcode_type: 'qr', data: '' }, expect: ['EMPTY_DATA', /data is empty/] },
  {
    name: 'image too small for the symbol (layout)',
    item: { barcode_type: 'qr', data: 'x', options: { width: 10 } },
    expect: ['INVALID_OPTION', /^options\.width: 10x10 pixels is too small/],
  },
  {
    name: 'image too large (layout)',
    item: { barcode_type: 'qr', data: 'x'.repeat(500), options: { module_width: 100 } },
    expect: ['INVALID_OPTION', /the limit is 4096x4096/],
  },
];

const items = rows.map((r, i) => ({ ...r.item, id: `row-${i}` }));

/** What a check and a render have in common: success, or the error. */
const verdict = (r: CheckResult | BarcodeResult) => (r.success ? true : r.error);

t.test('should agree with renderBatchSync on every row, and decode what fits', async (t) => {
  const checks = checkBatchSync(items);
  const renders = renderBatchSync(items);
  for (const [i, row] of rows.entries()) {
    const check = checks[i]!;
    const render = renders.results[i]!;
    t.equal(check.id, `row-${i}`, `${row.name}: id`);
    t.same(verdict(check), verdict(render), `${row.name}: same verdict as the render`);
    if (row.expect === true) {
      t.ok(check.success, `${row.name}: fits`);
      if (render.success && row.zxing) {
        t.equal(
          await decode((render.svg ?? render.png)!, [row.zxing]),
          row.zxing === 'EAN13' ? '4006381333931' : row.item.data,
        );
      }
    } else {
      t.match(check, { success: false, error: { code: row.expect[0], message: row.expect[1] } }, row.name);
    }
  }
});

t.test('should answer the same from the async twin, on any number of threads', async (t) => {
  const sync = checkBatchSync(items, { max_concurrent: 1 });
  t.same(await checkBatch(items), sync);
  t.same(await checkBatch(items, { max_concurrent: 4 }), sync);
  t.same(await checkBatch([]), []);
});

t.test('should neither render into nor read from the cache', async (t) => {
  clearCache();
  checkBatchSync(items);
  t.match(cacheStats(), { entries: 0, hits: 0, misses: 0 });
});

t.test('should throw a BatchcodeError for a malformed call, as renderBatch does', async (t) => {
  t.throws(() => checkBatchSync('nope' as never), { name: 'BatchcodeError', code: 'INVALID_ITEMS' });
  await t.rejects(checkBatch([items[0]!, items[0]!]), { name: 'BatchcodeError', code: 'DUPLICATE_ID' });
  t.throws(() => checkBatchSync(items, { max_concurrent: 0 }), {
    name: 'BatchcodeError',
    code: 'INVALID_BATCH_OPTION',
  });
  const many = Array.from({ length: 101 }, (_, i) => ({ barcode_type: 'qr' as const, data: String(i) }));
  t.throws(() => checkBatchSync(many), { code: 'TOO_MANY_ITEMS' });
});
