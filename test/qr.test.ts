/**
 * Every QR code rendered here is read back by ZXing (zxing-wasm), an
 * independent decoder, and must give back the input exactly.
 */
import t from 'tap';
import { renderSync, type BarcodeRequest } from '../src/lib/index.js';
import { decode, pngSize } from './helpers/decode.js';

const payloads: Record<string, string> = {
  ascii: 'Hello, World! ~`^_|{}[]\\\'"<>&;',
  url: 'https://example.com/products/12345?utm_source=batch&utm_medium=qr#top',
  numeric: '0123456789012345678901234567890123456789',
  alphanumeric: 'HTTPS://EXAMPLE.COM/ABC-123 $%*+./:',
  mixed: 'ORDER 000123456789 for café au lait',
  accented: 'Ça coûte 12 € — naïve façade, Ångström, Łódź, ğüşıöç',
  cjk: '日本語のテキスト、中文字符和한국어',
  emoji: '👋🌍 QR ✅ 🇫🇷👩‍👩‍👧‍👦',
  controls: 'tab\there\nnew line\r\nend',
  single: 'x',
};

const levels = ['L', 'M', 'Q', 'H'] as const;

for (const [name, data] of Object.entries(payloads)) {
  t.test(`should decode ${name} text exactly from SVG and PNG at every level`, async (t) => {
    for (const error_correction of levels) {
      for (const format of ['svg', 'png'] as const) {
        const r = renderSync({ barcode_type: 'qr', data, format, options: { error_correction } });
        if (!r.success) {
          t.fail(`${format} ${error_correction}: ${r.error.message}`);
          continue;
        }
        const image = format === 'svg' ? r.svg : r.png;
        t.ok(image, `${format} output present`);
        t.equal(await decode(image!, ['QRCode']), data, `${format} at ${error_correction}`);
      }
    }
  });
}

// Bytes, digits and characters a version 40 symbol holds at each level.
const capacity = {
  L: { bytes: 2953, digits: 7089, alnum: 4296 },
  M: { bytes: 2331, digits: 5596, alnum: 3391 },
  Q: { bytes: 1663, digits: 3993, alnum: 2420 },
  H: { bytes: 1273, digits: 3057, alnum: 1852 },
} as const;

const fill = (alphabet: string, n: number) =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7) % alphabet.length]).join('');

for (const level of levels) {
  t.test(`should decode maximum-capacity payloads at level ${level}`, async (t) => {
    const cap = capacity[level];
    const cases = {
      bytes: fill('abcdefghijklmnopqrstuvwxyz/?=&', cap.bytes),
      digits: fill('0123456789', cap.digits),
      alnum: fill('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:', cap.alnum),
    };
    for (const [kind, data] of Object.entries(cases)) {
      const item: BarcodeRequest = { barcode_type: 'qr', data, format: 'png', options: { error_correction: level } };
      const r = renderSync(item);
      t.ok(r.success && r.metadata?.version === 40, `${kind} fills version 40`);
      if (r.success) t.equal(await decode(r.png!, ['QRCode']), data, `${kind} decodes`);
      const over = renderSync({ ...item, data: data + data.slice(-1) });
      t.equal(over.success, false, `${kind} + 1 is rejected`);
      if (!over.success) {
        t.equal(over.error.code, 'DATA_TOO_LONG');
        t.match(
          over.error.message,
          new RegExp(`holds at most ${cap[kind as keyof typeof cap].toLocaleString('en-US')}$`),
        );
      }
    }
  });
}

t.test('should state the limit when data is over capacity', async (t) => {
  const r = renderSync({ barcode_type: 'qr', data: 'x'.repeat(3120), options: { error_correction: 'H' } });
  t.same(r, {
    id: '0',
    success: false,
    error: { code: 'DATA_TOO_LONG', message: 'data is 3,120 bytes; a QR code at level H holds at most 1,273' },
  });
});

t.test('should make PNGs of exactly the requested width that still decode', async (t) => {
  for (const width of [64, 100, 150, 299, 300, 512, 1000]) {
    const r = renderSync({ barcode_type: 'qr', data: 'https://example.com/w', format: 'png', options: { width } });
    t.ok(r.success);
    if (!r.success) continue;
    t.same(pngSize(r.png!), { width, height: width }, `width ${width}`);
    t.same([r.metadata?.width, r.metadata?.height], [width, width]);
    t.equal(await decode(r.png!, ['QRCode']), 'https://example.com/w', `decodes at ${width}px`);
  }
});

t.test('should honour margin, colours and module_width', async (t) => {
  const base = { barcode_type: 'qr' as const, data: 'colours', format: 'png' as const };
  for (const options of [
    { margin: 0, width: 200 },
    { margin: 10, module_width: 3 },
    { foreground: '#123', background: '#ffffe0' },
    { foreground: '#003366FF', background: '#FFFFFF' },
  ]) {
    const r = renderSync({ ...base, options });
    t.ok(r.success, JSON.stringify(options));
    if (r.success) t.equal(await decode(r.png!, ['QRCode']), 'colours', JSON.stringify(options));
  }
  // 'colours' fits version 1 (21 modules) at every level: (21 + 2 * 10) * 3 pixels.
  const mw = renderSync({ ...base, options: { module_width: 3, margin: 10 } });
  t.match(mw, { success: true, metadata: { modules: 21, width: 123, height: 123 } }, 'module_width sets the size');
  if (mw.success) t.same(pngSize(mw.png!), { width: 123, height: 123 });
});

t.test('should report metadata for the symbol it made', async (t) => {
  const r = renderSync({ barcode_type: 'qr', data: 'HELLO WORLD', options: { error_correction: 'Q' } });
  t.ok(r.success);
  if (!r.success) return;
  t.match(r.metadata, { type: 'qr', version: 1, modules: 21, error_correction: 'Q', width: 116, height: 116 });
  t.equal(r.metadata?.eci, undefined, 'ASCII needs no ECI');
  const utf8 = renderSync({ barcode_type: 'qr', data: 'café' });
  t.equal(utf8.success && utf8.metadata?.eci, 26, 'other text is announced as UTF-8');
});

t.test('should write SVG with run-length paths and nothing but parsed colours', async (t) => {
  const r = renderSync({
    barcode_type: 'qr',
    data: '"/><script>alert(1)</script>',
    options: { foreground: '#0a0', background: 'transparent' },
  });
  t.ok(r.success);
  if (!r.success) return;
  const svg = r.svg!;
  t.notMatch(svg, /<script/);
  t.notMatch(svg, /<rect/, 'transparent background draws no rectangle');
  t.match(svg, /stroke="#00aa00"/);
  t.equal((svg.match(/<path/g) ?? []).length, 1, 'one path');
  t.equal(await decode(svg, ['QRCode']), '"/><script>alert(1)</script>');
});
