/**
 * Sizes on paper (`unit: "mm"`, `x_dim`, `size`, `height`, `dpi`) and CMYK colours, measured
 * in what poppler, Ghostscript and resvg print, and decoded by ZXing.
 */
import t from 'tap';
import { Resvg } from '@resvg/resvg-js';
import { renderSync, type BarcodeRequest, type BarcodeSuccess } from '../src/lib/index.js';
import { decode, rasterise } from './helpers/decode.js';
import { auth, gateway } from './helpers/gateway.js';
import { pdfPageSize, printedPixels, raster, rasteriseEps, rasterisePdf, type Pixels } from './helpers/print.js';

const MM_PER_PT = 25.4 / 72;

function rendered(req: BarcodeRequest): BarcodeSuccess {
  const r = renderSync(req);
  if (!r.success) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r;
}

function refused(req: BarcodeRequest): { code: string; message: string } {
  const r = renderSync(req);
  if (r.success) throw new Error(`expected ${JSON.stringify(req.options)} to be refused`);
  return r.error;
}

/** The first and last dark pixel of row `y`. */
function darkSpan(img: Pixels, y: number): [number, number] {
  let first = -1;
  let last = -1;
  for (let x = 0; x < img.width; x++) {
    const [r, g, b] = img.at(x, y);
    if (r + g + b < 3 * 128) {
      if (first < 0) first = x;
      last = x;
    }
  }
  return [first, last];
}

/** A PNG's pHYs chunk: pixels per unit on x and y, and the unit (1: metre). */
function phys(png: Buffer): { x: number; y: number; unit: number } | undefined {
  for (let at = 8; at + 8 <= png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'pHYs') {
      const d = at + 8;
      return { x: png.readUInt32BE(d), y: png.readUInt32BE(d + 4), unit: png[d + 8]! };
    }
    at += 12 + len;
  }
  return undefined;
}

const EAN = { barcode_type: 'ean13', data: '590123412345' } as const;
const DPI = 600;

t.test('should print an EAN-13 at x_dim 0.33 mm exactly 95 modules x 0.33 mm wide in PDF and EPS', async (t) => {
  for (const format of ['pdf', 'eps'] as const) {
    const r = rendered({ ...EAN, format, options: { unit: 'mm', x_dim: 0.33, height: 22.85 } });
    const m = r.metadata!;
    t.equal(m.x_dim_mm, 0.33, `${format}: x_dim_mm`);
    t.equal(m.magnification, 1, `${format}: 100%`);
    // 95 modules plus the 11 and 7 of the quiet zones.
    t.ok(Math.abs(m.width_mm! - 113 * 0.33) < 0.001, `${format}: width_mm ${m.width_mm}`);
    if (format === 'pdf') {
      const page = pdfPageSize(r.pdf!);
      t.ok(Math.abs(page.width * MM_PER_PT - 113 * 0.33) < 0.1, `page ${page.width * MM_PER_PT} mm`);
    } else {
      const box = /%%HiResBoundingBox: 0 0 ([\d.]+) ([\d.]+)/.exec(r.eps!.toString('latin1'));
      t.ok(box && Math.abs(Number(box[1]) * MM_PER_PT - 113 * 0.33) < 0.1, `bounding box ${box?.[1]} pt`);
    }
    // Ghostscript paints every pixel a shape touches, so EPS is read finer to keep that under 0.05 mm.
    const dpi = format === 'eps' ? 2 * DPI : DPI;
    const img = printedPixels(r, dpi);
    const [first, last] = darkSpan(img, Math.floor(img.height * 0.3));
    const printed = ((last - first + 1) * 25.4) / dpi;
    t.ok(Math.abs(printed - 95 * 0.33) < 0.05, `${format}: bars printed ${printed.toFixed(3)} mm wide, 31.35 expected`);
    const fine = format === 'pdf' ? rasterisePdf(r.pdf!, DPI) : rasteriseEps(r.eps!, DPI);
    t.equal(await decode(fine), '5901234123457', `${format}: decodes`);
  }
});

t.test('should size the image by size in mm, the modules following', async (t) => {
  const r = rendered({
    barcode_type: 'qr',
    data: 'twenty millimetres',
    format: 'pdf',
    options: { unit: 'mm', size: 20 },
  });
  const page = pdfPageSize(r.pdf!);
  t.ok(Math.abs(page.width * MM_PER_PT - 20) < 0.1 && Math.abs(page.height * MM_PER_PT - 20) < 0.1, 'a 20 mm page');
  const modules = r.metadata!.modules + 8;
  t.ok(Math.abs(r.metadata!.x_dim_mm! * modules - 20) < 0.01, `x_dim ${r.metadata!.x_dim_mm} x ${modules} modules`);
  t.equal(await decode(raster(r)), 'twenty millimetres');
});

t.test('should write SVG sizes in mm', async (t) => {
  const r = rendered({ ...EAN, format: 'svg', options: { unit: 'mm', x_dim: 0.33 } });
  t.match(r.svg!, /^<svg [^>]*width="37\.2900mm" height="[\d.]+mm"/);
  // resvg reads mm at 96 dpi: 37.29 mm is 140.9 px.
  t.equal(new Resvg(r.svg!).width, Math.round((37.29 / 25.4) * 96));
  t.equal(await decode(rasterise(r.svg!, 800)), '5901234123457');
});

t.test('should snap a PNG to whole dots at its dpi, record the dpi and report the real x_dim', async (t) => {
  for (const [dpi, dots] of [
    [300, 4],
    [600, 8],
    [203, 3],
  ] as const) {
    const r = rendered({ ...EAN, format: 'png', options: { unit: 'mm', x_dim: 0.33, dpi } });
    const m = r.metadata!;
    t.equal(m.dpi, dpi);
    t.equal(m.x_dim_mm, Math.round(((dots * 25.4) / dpi) * 1e4) / 1e4, `${dpi} dpi: ${dots} dots per module`);
    t.equal(m.width, 113 * dots, `${dpi} dpi: ${113 * dots} px wide`);
    t.equal(m.magnification, Math.round(((dots * 25.4) / dpi / 0.33) * 1000) / 1000);
    const p = phys(r.png!);
    t.same(p, { x: Math.round(dpi / 0.0254), y: Math.round(dpi / 0.0254), unit: 1 }, `${dpi} dpi: pHYs`);
    t.equal(await decode(r.png!), '5901234123457', `${dpi} dpi: decodes`);
  }
  const plain = rendered({ ...EAN, format: 'png', options: { dpi: 150, module_width: 2 } });
  t.same(phys(plain.png!), { x: 5906, y: 5906, unit: 1 }, 'dpi in pixels is recorded too');
  t.equal(plain.metadata!.x_dim_mm, Math.round(((2 * 25.4) / 150) * 1e4) / 1e4);
  t.equal(phys(rendered({ ...EAN, format: 'png' }).png!), undefined, 'no pHYs without a dpi');
});

t.test('should give linear codes their bar height in mm', async (t) => {
  const r = rendered({
    barcode_type: 'code128',
    data: 'HEIGHT-15',
    format: 'pdf',
    options: { unit: 'mm', height: 15 },
  });
  const img = printedPixels(r, DPI);
  const [x] = darkSpan(img, Math.floor(img.height / 2));
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < img.height; y++) {
    const [red] = img.at(x, y);
    if (red < 128) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  const printed = ((bottom - top + 1) * 25.4) / DPI;
  t.ok(Math.abs(printed - 15) < 0.1, `bars ${printed.toFixed(3)} mm high`);
  t.equal(await decode(raster(r)), 'HEIGHT-15');
});

t.test('should refuse sizes outside the range, naming the option and the limit', async (t) => {
  const small = refused({ ...EAN, format: 'pdf', options: { unit: 'mm', x_dim: 0.25 } });
  t.equal(small.code, 'INVALID_OPTION');
  t.match(small.message, /^options\.x_dim: .*0\.250 mm \(76%\); GS1 allows 0\.264 mm to 0\.660 mm, 80% to 200%/);
  t.match(refused({ ...EAN, format: 'png', options: { unit: 'mm', x_dim: 0.7 } }).message, /^options\.x_dim: .*212%/);
  t.match(
    refused({ ...EAN, format: 'pdf', options: { unit: 'mm', size: 20 } }).message,
    /^options\.size: .*GS1 allows/,
  );
  t.match(
    refused({ barcode_type: 'itf14', data: '1540014128876', format: 'pdf', options: { unit: 'mm', x_dim: 0.33 } })
      .message,
    /^options\.x_dim: .*0\.495 mm to 1\.016 mm/,
  );
  t.match(
    refused({ barcode_type: 'qr', data: 'x', format: 'png', options: { unit: 'mm', size: 2 } }).message,
    /^options\.size: 2 mm is 24 dots at 300 dpi/,
  );
  for (const [options, field] of [
    [{ unit: 'mm', x_dim: 0.01 }, 'x_dim'],
    [{ unit: 'mm', size: 2000 }, 'size'],
    [{ unit: 'mm', width: 300 }, 'width'],
    [{ unit: 'mm', module_width: 3 }, 'module_width'],
    [{ unit: 'mm', x_dim: 0.5, size: 20 }, 'size'],
    [{ x_dim: 0.5 }, 'x_dim'],
    [{ unit: 'inch' }, 'unit'],
    [{ dpi: 300 }, 'dpi'],
    [{ unit: 'mm', height: 0.5 }, 'height'],
  ] as [object, string][]) {
    // `unit: "inch"` is the hostile case a type would not let through.
    const e = refused({ barcode_type: 'qr', data: 'x', format: 'pdf', options } as BarcodeRequest);
    // The schema's bounds (INVALID_REQUEST) or the core's rules (INVALID_OPTION).
    t.match(e.code, /^INVALID_(OPTION|REQUEST)$/);
    t.match(e.message, new RegExp(`^options\\.${field}[: ]`), JSON.stringify(options));
  }
});

t.test('should paint cmyk() colours as DeviceCMYK in PDF and EPS, and approximate them on screen', async (t) => {
  const options = { foreground: 'cmyk(100,0,0,0)', background: 'cmyk(0,0,0,0)', module_width: 4 } as const;
  const eps = rendered({ barcode_type: 'qr', data: 'cyan', format: 'eps', options });
  t.match(eps.eps!.toString('latin1'), /\n1 0 0 0 setcmykcolor\n/);
  for (const format of ['pdf', 'eps', 'svg', 'png'] as const) {
    const r = rendered({ barcode_type: 'qr', data: 'cyan', format, options });
    t.equal(await decode(raster(r)), 'cyan', `${format}: decodes`);
  }
  const pdf = printedPixels(rendered({ barcode_type: 'qr', data: 'cyan', format: 'pdf', options }));
  // The top-left finder's outer ring (29 modules across with the quiet zone); poppler converts DeviceCMYK to RGB its own way.
  const [r, g, b] = pdf.at(Math.floor((pdf.width * 4.5) / 29), Math.floor((pdf.height * 4.5) / 29));
  t.ok(r < 80 && g > 120 && b > 180, `cyan printed as rgb(${r}, ${g}, ${b})`);
  const svg = rendered({ barcode_type: 'qr', data: 'cyan', format: 'svg', options });
  t.match(svg.svg!, /(fill|stroke)="#00ffff"/, 'SVG: the sRGB of 100% cyan');
  for (const bad of ['cmyk(101,0,0,0)', 'cmyk(0,0,0)', 'cmyk(1.5,0,0,0)', 'cmyk(0,0,0,0,0)']) {
    t.match(
      refused({ barcode_type: 'qr', data: 'x', options: { foreground: bad } }).message,
      /^options\.foreground[: ]/,
      bad,
    );
  }
});

t.test('should serve print sizes through the routes, with a 400 naming the field', async (t) => {
  const app = await gateway(t);
  const ok = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { ...EAN, format: 'pdf', options: { unit: 'mm', x_dim: 0.33, foreground: 'cmyk(0,0,0,100)' } },
  });
  t.equal(ok.statusCode, 200, ok.body.slice(0, 200));
  t.equal(ok.headers['content-type'], 'application/pdf');
  const bad = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: { barcodes: [{ ...EAN, format: 'pdf', options: { unit: 'mm', x_dim: 0.2 } }] },
  });
  t.equal(bad.statusCode, 200);
  const item = bad.json().results[0];
  t.equal(item.error.code, 'INVALID_OPTION');
  t.match(item.error.message, /^options\.x_dim: .*61%/);
  const single = await app.inject({
    method: 'GET',
    url: '/api/barcodes/ean13?data=590123412345&format=png&unit=mm&x_dim=0.2',
    headers: auth,
  });
  t.equal(single.statusCode, 400);
  t.match(single.body, /options\.x_dim: .*61%/);
  const schema = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { ...EAN, options: { unit: 'mm', x_dim: 99 } },
  });
  t.equal(schema.statusCode, 400);
  t.match(schema.body, /x_dim/);
});
