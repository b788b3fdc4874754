/**
 * ITF-14's bearer bars, measured against GS1 General Specifications 5.3.6:
 * bars at least 2X thick (we draw 5X, as Zint and bwip-js do), touching the
 * bars, and a quiet zone of at least 10X inside the frame. The SVG is
 * rasterised by resvg (an independent renderer) and measured in pixels;
 * every image is read back by ZXing.
 */
import t from 'tap';
import { Resvg } from '@resvg/resvg-js';
import { BEARERS, renderSync, type BarcodeRequest } from '../src/lib/index.js';
import { decode, pngSize } from './helpers/decode.js';

const X = 4; // pixels per module
const GTIN = '15400141288763';

/** The rasterised SVG as a function from pixel to dark or light. */
function raster(svg: string) {
  const img = new Resvg(svg).render();
  const dark = (x: number, y: number) => (img.pixels[(y * img.width + x) * 4] ?? 255) < 128;
  return { width: img.width, height: img.height, dark };
}

/** How many pixels from (x, y) downwards are dark without a break. */
function darkRun(dark: (x: number, y: number) => boolean, x: number, y: number, height: number): number {
  let n = 0;
  while (y + n < height && dark(x, y + n)) n++;
  return n;
}

const request = (bearer: string, format: 'svg' | 'png'): BarcodeRequest => ({
  barcode_type: 'itf14',
  data: GTIN,
  format,
  options: { bearer: bearer as never, module_width: X, show_text: true },
});

t.test('should draw each bearer style so that ZXing still reads the code', async (t) => {
  t.same(BEARERS, ['frame', 'top_bottom', 'none']);
  for (const bearer of BEARERS) {
    const svg = renderSync(request(bearer, 'svg'));
    const png = renderSync(request(bearer, 'png'));
    if (!svg.success || !png.success) throw new Error(`${bearer} did not render`);
    t.equal(await decode(svg.svg!, ['ITF']), GTIN, `${bearer} svg`);
    t.equal(await decode(png.png!, ['ITF']), GTIN, `${bearer} png`);
    t.same(pngSize(png.png!), { width: svg.metadata!.width, height: svg.metadata!.height }, `${bearer}: same size`);
    t.equal(svg.metadata!.bearer, bearer, `metadata.bearer says ${bearer}`);
  }
  const plain = renderSync({ barcode_type: 'itf14', data: GTIN });
  t.equal(plain.success && plain.metadata!.bearer, 'frame', 'metadata.bearer reports the default');
  const other = renderSync({ barcode_type: 'itf', data: '1234', options: { bearer: 'frame' } });
  t.equal(other.success && other.metadata!.bearer, undefined, 'ITF has no bearer, and its metadata says none');
});

t.test('should frame the symbol as GS1 specifies: thick bars touching the code, 10X quiet zones inside', async (t) => {
  const r = renderSync(request('frame', 'svg'));
  if (!r.success) throw new Error(r.error.message);
  const { width, height, dark } = raster(r.svg!);
  const bars = r.metadata!.modules * X;
  t.equal(width, bars + 2 * 10 * X + 2 * 5 * X, 'the bars, two 10X quiet zones and two 5X uprights');
  // The top bearer: rows from the top, dark right across.
  const thickness = darkRun(dark, 7 * X, 0, height);
  t.equal(thickness, 5 * X, 'bearer 5X thick');
  t.ok(thickness >= 2 * X, 'at least the 2X GS1 asks for');
  const mid = thickness + 10 * X;
  t.ok(dark(0, mid) && dark(width - 1, mid), 'uprights on both sides');
  t.equal(darkRun(dark, X, 0, height), darkRun(dark, width - X, 0, height), 'both uprights as tall');
  for (const x of [5 * X, 15 * X - 1, width - 15 * X, width - 5 * X - 1]) {
    t.notOk(dark(x, mid), `column ${x}: inside the 10X quiet zone`);
  }
  // The first bar of the start pattern runs from the top bearer into the bottom one.
  const first = 15 * X;
  const column = darkRun(dark, first, 0, height);
  t.ok(column > 2 * thickness + 20 * X, `bar and bearers in one dark run (${column} px)`);
  t.ok(darkRun(dark, 0, 0, height) === column, 'the uprights span the same rows as the bars with their bearers');
});

t.test('should draw top and bottom bearers without uprights, and nothing with none', async (t) => {
  const tb = renderSync(request('top_bottom', 'svg'));
  const none = renderSync(request('none', 'svg'));
  if (!tb.success || !none.success) throw new Error('did not render');
  const a = raster(tb.svg!);
  const b = raster(none.svg!);
  t.equal(a.width, b.width, 'no uprights: as wide as without bearers');
  t.equal(a.height - b.height, 2 * 5 * X, 'two 5X bearers more in height');
  const top = Array.from({ length: a.height }, (_, y) => y).find((y) => a.dark(5 * X, y))!;
  t.equal(darkRun(a.dark, 5 * X, top, a.height), 5 * X, 'bearer 5X thick, over the quiet zone');
  t.notOk(a.dark(0, top + 10 * X), 'no upright');
  t.notOk(
    Array.from({ length: b.height }, (_, y) => y).some((y) => b.dark(5 * X, y)),
    'none: the quiet zone stays blank',
  );
});

t.test('should keep the quiet zones inside a frame whatever margin says, and put margin outside it', async (t) => {
  const framed = (margin: number) => {
    const r = renderSync({ ...request('frame', 'svg'), options: { module_width: X, margin } });
    if (!r.success) throw new Error(r.error.message);
    return raster(r.svg!);
  };
  const tight = framed(0);
  const loose = framed(3);
  t.equal(loose.width - tight.width, 2 * 3 * X);
  t.notOk(loose.dark(X, 4 * X), 'margin is blank outside the frame');
  t.ok(loose.dark(3 * X, 3 * X), 'the frame starts after it');
  t.notOk(tight.dark(5 * X, 15 * X), 'margin 0 still leaves the 10X quiet zone inside');
});

t.test('should refuse an unknown bearer naming the choices, and other types should ignore it', async (t) => {
  const bad = renderSync({ barcode_type: 'itf14', data: GTIN, options: { bearer: 'round' as never } });
  t.match(bad, {
    success: false,
    error: {
      code: 'INVALID_REQUEST',
      message: /options\.bearer must be one of "frame", "top_bottom", "none"; got "round"/,
    },
  });
  const qr = renderSync({ barcode_type: 'qr', data: 'x', options: { bearer: 'frame' } });
  const plain = renderSync({ barcode_type: 'qr', data: 'x' });
  t.equal(qr.success && qr.svg, plain.success && plain.svg, 'QR is drawn the same');
  const itf = renderSync({ barcode_type: 'itf', data: '123456', options: { bearer: 'frame' } });
  const itfPlain = renderSync({ barcode_type: 'itf', data: '123456' });
  t.equal(itf.success && itf.svg, itfPlain.success && itfPlain.svg, 'plain ITF is drawn the same');
  const upper = renderSync({ barcode_type: 'itf14', data: GTIN, options: { bearer: 'TOP_BOTTOM' as never } });
  const lower = renderSync({ barcode_type: 'itf14', data: GTIN, options: { bearer: 'top_bottom' } });
  t.equal(upper.success && upper.svg, lower.success && lower.svg, 'any case');
  const byDefault = renderSync({ barcode_type: 'itf14', data: GTIN });
  const frame = renderSync({ barcode_type: 'itf14', data: GTIN, options: { bearer: 'frame' } });
  t.equal(byDefault.success && byDefault.svg, frame.success && frame.svg, 'a frame by default');
});
