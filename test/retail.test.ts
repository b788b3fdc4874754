/**
 * EAN/UPC as printed on retail packaging: guard bars reaching down into the
 * text (GS1 General Specifications 5.2.3.4: 5X), the digits placed as on
 * packs (EAN-13's first digit left of the left guard), and EAN-2/EAN-5
 * add-ons. Each image is read back by ZXing with its add-on required, and
 * the same data rendered by bwip-js is read the same way: both must agree.
 * SVG is measured on resvg's raster.
 */
import t from 'tap';
import bwipjs from 'bwip-js';
import { Resvg } from '@resvg/resvg-js';
import { renderSync, type BarcodeRequest } from '../src/lib/index.js';
import { decode, decodeAddOn, pngSize } from './helpers/decode.js';
import { gateway, auth } from './helpers/gateway.js';

const X = 3; // pixels per module

interface Row {
  type: 'ean13' | 'upca' | 'upce';
  /** The data as sent; the add-on after a space, or in `addon`. */
  data: string;
  addon?: string;
  /** What ZXing reads for the main symbol (UPC-A as EAN-13). */
  text: string;
  addOn: string;
  bcid: string;
}

const rows: Row[] = [
  { type: 'ean13', data: '9781234567897 51299', text: '9781234567897', addOn: '51299', bcid: 'ean13' },
  { type: 'ean13', data: '978123456789+90000', text: '9781234567897', addOn: '90000', bcid: 'ean13' },
  { type: 'ean13', data: '5901234123457', addon: '12', text: '5901234123457', addOn: '12', bcid: 'ean13' },
  { type: 'ean13', data: '9771234567003 07', text: '9771234567003', addOn: '07', bcid: 'ean13' },
  { type: 'upca', data: '012345678905 12345', text: '0012345678905', addOn: '12345', bcid: 'upca' },
  { type: 'upca', data: '03600029145', addon: '99', text: '0036000291452', addOn: '99', bcid: 'upca' },
  { type: 'upce', data: '01234565 12', text: '0012345000065', addOn: '12', bcid: 'upce' },
  { type: 'upce', data: '01234565', addon: '52495', text: '0012345000065', addOn: '52495', bcid: 'upce' },
];

const request = (row: Row, format: 'svg' | 'png'): BarcodeRequest => ({
  barcode_type: row.type,
  data: row.data,
  format,
  options: { module_width: X, ...(row.addon && { addon: row.addon }) },
});

t.test('should encode every add-on so that ZXing reads it, as it reads bwip-js for the same data', async (t) => {
  for (const row of rows) {
    const [main, extra] = row.data.split(/[ +]/);
    const options = {
      bcid: row.bcid,
      text: `${main} ${extra ?? row.addon}`,
      includetext: true,
      scale: X,
      // bwip-js's default 12X gap is past what ZXing looks for; 9X is ours.
      addongap: 9,
      paddingwidth: 12,
      paddingheight: 4,
      backgroundcolor: 'FFFFFF',
    };
    const bwip = await bwipjs.toBuffer(options as Parameters<typeof bwipjs.toBuffer>[0]);
    t.same(await decodeAddOn(bwip), { text: row.text, addOn: row.addOn }, `bwip-js ${row.data}`);
    for (const format of ['svg', 'png'] as const) {
      const r = renderSync(request(row, format));
      if (!r.success) throw new Error(`${row.data}: ${r.error.message}`);
      const image = format === 'svg' ? r.svg! : r.png!;
      t.same(await decodeAddOn(image), { text: row.text, addOn: row.addOn }, `${row.data} ${format}`);
      t.match(r.metadata!.text, new RegExp(` ${row.addOn}$`), 'metadata.text carries the add-on after a space');
      if (format === 'png') t.same(pngSize(r.png!), { width: r.metadata!.width, height: r.metadata!.height });
    }
  }
});

/** resvg's raster of an SVG as dark-or-light per pixel. */
function raster(svg: string) {
  const img = new Resvg(svg).render();
  const dark = (x: number, y: number) => (img.pixels[(y * img.width + x) * 4] ?? 255) < 128;
  return { width: img.width, height: img.height, dark };
}

/** The lowest dark pixel of column `x` in the run that starts at `y`. */
function bottom(dark: (x: number, y: number) => boolean, x: number, y: number): number {
  while (dark(x, y + 1)) y++;
  return y;
}

t.test('should draw guard bars 5X below the others and the first digit outside the left guard', async (t) => {
  const r = renderSync({ barcode_type: 'ean13', data: '5901234123457', options: { module_width: X } });
  if (!r.success) throw new Error(r.error.message);
  const { height, dark } = raster(r.svg!);
  const x0 = 11 * X; // EAN-13's left quiet zone is 11X
  const top = 2 * X; // and 2X above the bars
  t.ok(dark(x0, top) && !dark(x0 + X, top) && dark(x0 + 2 * X, top), 'left guard 101 at the quiet zone');
  const guard = bottom(dark, x0 + X / 2, top);
  // Module 3 starts the first character (L patterns start light); its first bar is found by scanning.
  let bar = x0 + 3 * X;
  while (!dark(bar, top)) bar++;
  const plain = bottom(dark, bar + 1, top);
  t.equal(guard - plain, 5 * X, 'guard bars reach 5X below the symbol characters');
  t.ok(guard < height - 2 * X, 'within the image, above the bottom quiet zone');
  // The first digit is drawn in the quiet zone: ink left of the guard, under the bars' bottom.
  const inkLeft = [...Array(x0).keys()].some((x) => [...Array(7 * X).keys()].some((dy) => dark(x, plain + 2 * X + dy)));
  t.ok(inkLeft, 'the first digit sits left of the left guard');
  // Without text the guards are as long as the other bars.
  const plainOnly = renderSync({
    barcode_type: 'ean13',
    data: '5901234123457',
    options: { module_width: X, show_text: false },
  });
  if (!plainOnly.success) throw new Error(plainOnly.error.message);
  const bare = raster(plainOnly.svg!);
  t.equal(bottom(bare.dark, x0 + X / 2, top), bottom(bare.dark, bar + 1, top), 'no extension without text');
  t.equal(await decode(plainOnly.svg!, ['EAN13']), '5901234123457');
});

t.test('should start the add-on 9X after the symbol, under its digits, and keep 5X quiet zone after it', async (t) => {
  const without = renderSync({ barcode_type: 'ean13', data: '5901234123457', options: { module_width: X } });
  const withAddOn = renderSync({ barcode_type: 'ean13', data: '5901234123457 12', options: { module_width: X } });
  if (!without.success || !withAddOn.success) throw new Error('did not render');
  // 95 modules + 9X gap + EAN-2's 20 modules; quiet zones 11X and 5X instead of 7X.
  t.equal(withAddOn.metadata!.modules, 95 + 9 + 20);
  t.equal(withAddOn.metadata!.width, (11 + 95 + 9 + 20 + 5) * X);
  t.equal(without.metadata!.width, (11 + 95 + 7) * X);
  t.equal(withAddOn.metadata!.height, without.metadata!.height, 'the add-on adds no height');
  const { width, dark } = raster(withAddOn.svg!);
  const start = (11 + 95 + 9) * X;
  const top = 2 * X;
  const column = (x: number) => [...Array(60 * X).keys()].findIndex((y) => dark(x, top + y));
  t.equal(column(start + 1), 9 * X, "the add-on's first bar starts below its digits (7X glyphs and 2X space)");
  for (let x = (11 + 95) * X; x < start; x++) t.notOk(dark(x, top + 20 * X), `gap column ${x} is light`);
  for (let x = width - 5 * X; x < width; x++) t.equal(column(x), -1, `quiet column ${x} after the add-on`);
});

t.test('should refuse an add-on that is not 2 or 5 digits, or given twice, naming where it came from', async (t) => {
  const cases: [BarcodeRequest, string, RegExp][] = [
    [{ barcode_type: 'ean13', data: '9781234567897 123' }, 'INVALID_DATA', /2 digits \(EAN-2\) or 5 digits/],
    [{ barcode_type: 'ean13', data: '9781234567897 ' }, 'INVALID_DATA', /got ""/],
    [{ barcode_type: 'upca', data: '012345678905 1a' }, 'INVALID_DATA', /got "1a"/],
    [
      { barcode_type: 'ean13', data: '9781234567897', options: { addon: '1234' } },
      'INVALID_OPTION',
      /^options\.addon:/,
    ],
    [{ barcode_type: 'ean13', data: '9781234567897', options: { addon: '<b>' } }, 'INVALID_OPTION', /^options\.addon:/],
    [
      { barcode_type: 'ean13', data: '9781234567897 51299', options: { addon: '12' } },
      'INVALID_DATA',
      /add-on 51299 but options\.addon is 12/,
    ],
    [{ barcode_type: 'ean8', data: '95012346 12' }, 'INVALID_DATA', /EAN-8 takes no add-on/],
    [{ barcode_type: 'ean13', data: '9781234567890 12' }, 'INVALID_DATA', /check digit should be 7/],
  ];
  for (const [req, code, message] of cases) {
    const r = renderSync(req);
    t.notOk(r.success, JSON.stringify(req));
    if (r.success) continue;
    t.equal(r.error.code, code, JSON.stringify(req));
    t.match(r.error.message, message, JSON.stringify(req));
  }
  // Types without add-ons ignore the option (one design for a job of mixed types), with identical bytes.
  const plain = renderSync({ barcode_type: 'ean8', data: '95012346' });
  const ignored = renderSync({ barcode_type: 'ean8', data: '95012346', options: { addon: '12' } });
  t.ok(plain.success && ignored.success && plain.svg === ignored.svg, 'ean8 ignores options.addon');
});

t.test('should answer 400 naming options.addon over HTTP, and render it when valid', async (t) => {
  const app = await gateway(t);
  const bad = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'ean13', data: '9781234567897', options: { addon: '123' } },
  });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { message: /options\.addon/ });
  const ok = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'ean13', data: '9781234567897', format: 'png', options: { addon: '51299' } },
  });
  t.equal(ok.statusCode, 200);
  t.same(await decodeAddOn(ok.rawPayload), { text: '9781234567897', addOn: '51299' });
  const get = await app.inject({ url: '/api/barcodes/upca?data=012345678905&addon=12&format=png', headers: auth });
  t.equal(get.statusCode, 200, 'GET takes it as a query parameter');
  t.same(await decodeAddOn(get.rawPayload), { text: '0012345678905', addOn: '12' });
  const space = await app.inject({ url: '/api/barcodes/ean13?data=9781234567897%2012', headers: auth });
  t.equal(space.statusCode, 200, 'or after a space in data');
  t.same(await decodeAddOn(space.body), { text: '9781234567897', addOn: '12' });
});
