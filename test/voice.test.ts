/**
 * Issue 17, "one voice for every error", through the Node API: each refused
 * value named with what its field accepts and what it got; CSS colour names;
 * names in any case; a Code 128 too long for an image blamed on its data.
 */
import t from 'tap';
import {
  BatchcodeError,
  checkBatchSync,
  clearCache,
  CSS_COLOURS,
  renderBatchSync,
  renderSync,
  type BarcodeRequest,
  type BarcodeResult,
} from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const qr = (extra: Record<string, unknown> = {}) => ({ barcode_type: 'qr', data: 'voice', ...extra }) as BarcodeRequest;
const messageOf = (r: BarcodeResult | undefined) => (r && !r.success ? `${r.error.code}: ${r.error.message}` : 'ok');

t.test('should name the field, what it accepts and what it got, for every kind of schema', async (t) => {
  const cases: [BarcodeRequest, string][] = [
    [qr({ format: 'jpg' }), 'format must be one of "svg", "png", "pdf", "eps"; got "jpg"'],
    [qr({ options: { width: 0.5 } }), 'options.width must be a whole number from 1 to 4096; got 0.5'],
    [qr({ options: { margin: 'x' } }), 'options.margin must be a whole number from 0 to 64; got "x" (a string)'],
    [qr({ options: { module_width: 101 } }), 'options.module_width must be a whole number from 1 to 100; got 101'],
    [qr({ options: { show_text: 'yes' } }), 'options.show_text must be true or false; got "yes" (a string)'],
    [qr({ options: { error_correction: 'X' } }), 'options.error_correction must be one of "L", "M", "Q", "H"; got "X"'],
    [qr({ barcode_type: 'qrcode' }), `barcode_type must be one of "qr", "microqr", "datamatrix"`],
    [qr({ data: 'x'.repeat(9000) }), 'data must be a string of at most 8192 characters; got 9000 characters'],
    [
      qr({ data: 42 }),
      'data must be a string of at most 8192 characters or an object with exactly one of wifi, vcard, email, sms, tel, geo, event; got 42 (a number)',
    ],
    [qr({ id: '' }), 'id must be a string of 1 to 128 characters; got ""'],
    [qr({ options: 'big' }), 'options must be an object; got "big" (a string)'],
    [qr({ colour: 'red' }), 'colour is not an accepted field'],
    [qr({ options: { colour: 'red' } }), 'options.colour is not an accepted field'],
    [{ data: 'x' } as never, 'barcode_type is required'],
    [5 as never, 'item must be an object; got 5 (a number)'],
    [qr({ format: 'x'.repeat(100) }), `format must be one of "svg", "png", "pdf", "eps"; got "${'x'.repeat(40)}…"`],
    [qr({ data: '\ud800' }), 'data must be well-formed Unicode; got an unpaired UTF-16 surrogate'],
  ];
  const res = renderBatchSync(cases.map(([item]) => item));
  res.results.forEach((r, i) => {
    const [item, expected] = cases[i]!;
    t.match(r, { success: false, error: { code: 'INVALID_REQUEST' } }, JSON.stringify(item).slice(0, 80));
    const message = r.success ? '' : r.error.message;
    if (expected.endsWith('"datamatrix"')) t.ok(message.startsWith(expected), message);
    else t.equal(message, expected);
  });
  // checkBatch validates alike.
  t.same(
    checkBatchSync(cases.map(([item]) => item)).map((r) => (r.success ? 'ok' : r.error.message)),
    res.results.map((r) => (r.success ? 'ok' : r.error.message)),
  );
});

t.test('should word a bad batch option the same way', async (t) => {
  t.throws(() => renderBatchSync([qr()], { max_concurrent: 0 }), {
    code: 'INVALID_BATCH_OPTION',
    message: 'options.max_concurrent must be a whole number from 1 to 20; got 0',
  });
  t.throws(() => renderBatchSync([qr()], { include_metadata: 'yes' } as never), {
    code: 'INVALID_BATCH_OPTION',
    message: 'options.include_metadata must be true or false; got "yes" (a string)',
  });
  t.throws(() => renderBatchSync([qr()], { x: 1 } as never), {
    code: 'INVALID_BATCH_OPTION',
    message: 'options.x is not an accepted field',
  });
  const err = (() => {
    try {
      renderBatchSync([qr()], 'all' as never);
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof BatchcodeError, 'a BatchcodeError');
  t.match(err, { code: 'INVALID_BATCH_OPTION', message: 'options must be an object; got "all" (a string)' });
});

t.test('should say which colour forms are accepted, and spot a hex colour without its #', async (t) => {
  const forms = 'a colour: #RGB, #RRGGBB, #RRGGBBAA, a CSS name such as "red", or cmyk(c,m,y,k) in percent for print';
  const res = renderBatchSync([
    qr({ options: { foreground: 'reed' } }),
    qr({ options: { foreground: '112233' } }),
    qr({ options: { foreground: 'transparent' } }),
    qr({ options: { background: 'nope' } }),
    qr({ options: { foreground: '#12' } }),
    qr({ options: { foreground: '"/><script>' } }),
  ]);
  t.same(res.results.map(messageOf), [
    `INVALID_REQUEST: options.foreground must be ${forms}; got "reed"`,
    `INVALID_REQUEST: options.foreground must be ${forms}; got "112233" (hex colours start with #: "#112233")`,
    `INVALID_REQUEST: options.foreground must be ${forms}; got "transparent"`,
    `INVALID_REQUEST: options.background must be ${forms}, or "transparent"; got "nope"`,
    `INVALID_REQUEST: options.foreground must be ${forms}; got "#12"`,
    `INVALID_REQUEST: options.foreground must be ${forms}; got "\\"/><script>"`,
  ]);
});

t.test('should take CSS colour names in any case, drawn as their hex value', async (t) => {
  t.equal(Object.keys(CSS_COLOURS).length, 148, 'every CSS Color 4 named colour');
  clearCache();
  const named = renderSync(qr({ data: 'named colours', options: { foreground: 'Navy', background: 'LightYellow' } }));
  t.ok(named.success, messageOf(named));
  if (!named.success) return;
  t.match(named.svg, /#000080/, 'navy is #000080');
  t.match(named.svg, /#ffffe0/, 'lightyellow is #ffffe0');
  t.notMatch(named.svg, /navy|lightyellow/i, 'no name reaches the SVG');
  t.equal(await decode(named.svg!, ['QRCode']), 'named colours');
  // The core sees hex alone: the same code in hex is the same cached render.
  const hex = renderSync(qr({ data: 'named colours', options: { foreground: '#000080', background: '#ffffe0' } }));
  t.match(hex, { success: true, cached: true, svg: named.svg });

  const png = renderSync(
    qr({ data: 'rebecca', format: 'png', options: { foreground: 'REBECCAPURPLE', background: 'transparent' } }),
  );
  t.ok(png.success && png.png, messageOf(png));
  if (png.success) t.equal(await decode(png.png!, ['QRCode']), 'rebecca');
  const upper = renderSync(qr({ options: { background: 'TRANSPARENT' } }));
  t.ok(upper.success, 'transparent in any case');
});

t.test('should take barcode_type, format and error_correction in any case', async (t) => {
  const item = {
    barcode_type: 'QR',
    data: 'any case',
    format: 'PNG',
    options: { error_correction: 'h' },
  } as unknown as BarcodeRequest;
  const r = renderSync(item);
  t.match(r, { success: true, format: 'png', metadata: { type: 'qr', error_correction: 'H' } });
  if (r.success) t.equal(await decode(r.png!, ['QRCode']), 'any case');
  t.same(
    item,
    { barcode_type: 'QR', data: 'any case', format: 'PNG', options: { error_correction: 'h' } },
    'untouched',
  );
  const code = renderSync({ barcode_type: 'Code128', data: 'ABC-123', format: 'Svg' } as never);
  t.ok(code.success, messageOf(code));
  if (code.success) t.equal(await decode(code.svg!, ['Code128']), 'ABC-123');
  t.same(checkBatchSync([{ barcode_type: 'EAN13', data: '4006381333931', format: 'sVG' } as never]), [
    { id: '0', success: true },
  ]);
});

t.test('should blame the data, not an unset module_width, for a code too long for any image', async (t) => {
  const long = renderSync({ barcode_type: 'code128', data: 'a'.repeat(3000) });
  t.equal(
    messageOf(long),
    'DATA_TOO_LONG: data is too long for one image: its symbol is 33,055 modules wide with its quiet zones, ' +
      'and an image is at most 4096x4096 pixels even at 1 pixel per module; send less data',
  );
  const fits = renderSync({ barcode_type: 'code128', data: 'a'.repeat(250) });
  t.equal(
    messageOf(fits),
    'DATA_TOO_LONG: data is too long for the default 2 pixels per module: the image would be 5610x58 pixels ' +
      'and the limit is 4096x4096 (its symbol is 2,805 modules wide with its quiet zones); ' +
      'set options.module_width to 1 (or options.width to at most 4096), or send less data',
  );
  const one = renderSync({ barcode_type: 'code128', data: 'a'.repeat(250), options: { module_width: 1 } });
  t.ok(one.success, 'module_width 1 fits');
  const given = renderSync({ barcode_type: 'qr', data: 'x'.repeat(500), options: { module_width: 100 } });
  t.equal(
    messageOf(given),
    'INVALID_OPTION: options.module_width: the image would be 9300x9300 pixels and the limit is 4096x4096; ' +
      'at most 44 fits this symbol (93x93 modules with its quiet zones)',
  );
});
