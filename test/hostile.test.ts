/**
 * Hostile and random input: nothing a caller passes may crash the process,
 * hang it, or come back as anything but a result or a clear error.
 */
import { createRequire } from 'node:module';
import t from 'tap';
import { renderBatchSync, renderSync, type BarcodeRequest } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const require = createRequire(import.meta.url);
const native = require('../native/node/index.js') as typeof import('../native/node/index.js');

t.test('should turn a native panic into a JavaScript error and keep working', async (t) => {
  t.throws(() => native.panicProbe(), /INTERNAL: internal error: panic probe/);
  const r = renderSync({ barcode_type: 'qr', data: 'still alive' });
  t.ok(r.success, 'renders after the panic');
  if (r.success) t.equal(await decode(r.svg!, ['QRCode']), 'still alive');
});

t.test('should reject a malformed batch at the native boundary with an error, not a crash', async (t) => {
  for (const json of ['', '{', '{}', '[{"barcode_type": 1}]', '[{"data": "x"}]', '[null]']) {
    t.throws(() => native.renderBatchSync(json), /items must be a JSON array of requests/, JSON.stringify(json));
    await t.rejects(native.renderBatchJsonAsync(json, []), /items must be a JSON array of requests/);
  }
  const one = JSON.stringify([{ barcode_type: 'qr', data: 'x' }]);
  t.throws(() => native.renderBatchJsonSync(one, []), /1 items but 0 ids/);
  t.throws(() => native.renderBatchSync(one, 0), /max_concurrent must be from 1 to 20, got 0/);
  t.ok(renderSync({ barcode_type: 'qr', data: 'still alive' }).success);
});

t.test('should answer hostile options with per-item errors naming the field', async (t) => {
  const hostile: [unknown, RegExp][] = [
    [{ width: Number.NaN }, /options\.width/],
    [{ width: Infinity }, /options\.width/],
    [{ width: -1 }, /options\.width/],
    [{ width: 1e9 }, /options\.width/],
    [{ width: 20 }, /options\.width: .*too small/],
    [{ margin: 1e6 }, /options\.margin/],
    [{ module_width: 1000 }, /options\.module_width/],
    [{ module_width: 100, margin: 64 }, /limit is 4096x4096/],
    [{ foreground: '#fff" onload="alert(1)' }, /options\.foreground/],
    [{ background: 'url(javascript:1)' }, /options\.background/],
    [{ foreground: 'transparent' }, /options\.foreground/],
    [{ error_correction: 'X' }, /options\.error_correction/],
    [{ ['__proto__']: { polluted: true } }, /options/],
    [null, /options/],
    ['string', /options/],
  ];
  const items = hostile.map(([options]) => ({ barcode_type: 'qr', data: 'x', options }) as BarcodeRequest);
  const res = renderBatchSync(items);
  for (const [i, r] of res.results.entries()) {
    t.equal(r.success, false, `item ${i} fails`);
    if (!r.success) t.match(r.error.message, hostile[i]![1], r.error.message);
  }
  t.notOk(({} as Record<string, unknown>).polluted, 'no prototype pollution');
});

t.test('should reject data past the schema limit without touching the renderer', async (t) => {
  const r = renderSync({ barcode_type: 'qr', data: 'x'.repeat(100_000) });
  t.match(r, { success: false, error: { code: 'INVALID_REQUEST', message: /^data: / } });
});

t.test('should reject unknown types without echoing them as markup', async (t) => {
  const r = renderSync({ barcode_type: '<svg onload=alert(1)>' as never, data: 'x' });
  t.match(r, { success: false, error: { code: 'INVALID_REQUEST', message: /^barcode_type: / } });
});

/** xorshift32, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

t.test('should never crash on random data: it decodes exactly or fails clearly', async (t) => {
  const next = rng(20261123);
  const alphabet = [
    ...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz $%*+-./:?=&#<>"\'\\',
    'é',
    '€',
    '日',
    '😀',
    '\u0000',
    '\u200b',
    '\ufeff',
  ];
  const levels = ['L', 'M', 'Q', 'H'] as const;
  let decoded = 0;
  let rejected = 0;
  for (let round = 0; round < 6; round++) {
    const items: BarcodeRequest[] = Array.from({ length: 50 }, () => {
      const len = next(4) === 0 ? next(4000) : next(120);
      const data = Array.from({ length: len }, () => alphabet[next(alphabet.length)]).join('');
      return {
        barcode_type: 'qr',
        data,
        format: next(2) ? 'png' : 'svg',
        options: { error_correction: levels[next(4)] },
      };
    });
    const res = renderBatchSync(items, { max_concurrent: 2 });
    for (const [i, r] of res.results.entries()) {
      const data = items[i]!.data;
      if (r.success) {
        // Decoding every large symbol would dominate the suite; sample them.
        if (data.length > 300 && i % 5) continue;
        const text = await decode((r.svg ?? r.png)!, ['QRCode'], 'Plain');
        // We encode a leading U+FEFF faithfully; ZXing, like most readers, drops it as a UTF-8 BOM.
        const expected = data.startsWith('\ufeff') ? data.slice(1) : data;
        t.equal(text, expected, `round ${round} item ${i} (${data.length} chars)`);
        decoded++;
      } else {
        t.ok(['EMPTY_DATA', 'DATA_TOO_LONG'].includes(r.error.code), `${r.error.code}: ${r.error.message}`);
        rejected++;
      }
    }
  }
  t.ok(decoded > 100, `${decoded} decoded, ${rejected} rejected`);
});
