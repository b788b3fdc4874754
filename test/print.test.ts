/**
 * PDF and EPS output: read by poppler and Ghostscript (see helpers/print.ts), never by
 * our own parser. Every symbology's rows decode in both formats in symbologies.test.ts;
 * here: page sizes, real text, merged paths, colours and the routes that serve them.
 */
import { inflateSync } from 'node:zlib';
import t from 'tap';
import { Resvg } from '@resvg/resvg-js';
import { renderSync, type BarcodeRequest, type BarcodeSuccess } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';
import { auth, gateway } from './helpers/gateway.js';
import { harness, get, poll, unzip, upload, csvRows } from './helpers/bulk.js';
import {
  pdfPageSize,
  printedPixels,
  printedText,
  raster,
  rasteriseEps,
  rasterisePdf,
  PRINT_DPI,
} from './helpers/print.js';

function rendered(req: BarcodeRequest): BarcodeSuccess {
  const r = renderSync(req);
  if (!r.success) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r;
}

/** The printed colour at a fraction of the page's width and height. */
function pixel(r: BarcodeSuccess, fx: number, fy: number): [number, number, number] {
  const img = printedPixels(r);
  return img.at(Math.floor(img.width * fx), Math.floor(img.height * fy));
}

t.test('should make a PDF page exactly the image size at 0.75 pt per pixel', async (t) => {
  for (const [barcode_type, data, options] of [
    ['qr', 'https://example.com/page', { width: 300 }],
    ['ean13', '400638133393', { module_width: 3 }],
    ['datamatrix', 'page size', { module_width: 5, margin: 2 }],
  ] as const) {
    const r = rendered({ barcode_type, data, format: 'pdf', options });
    t.equal(r.pdf!.subarray(0, 5).toString('latin1'), '%PDF-', `${barcode_type}: a PDF`);
    t.same(
      pdfPageSize(r.pdf!),
      { width: r.metadata!.width * 0.75, height: r.metadata!.height * 0.75 },
      `${barcode_type}: ${r.metadata!.width}x${r.metadata!.height} px`,
    );
    t.equal(printedPixels(r).width, Math.round((r.metadata!.width * PRINT_DPI) / 96), `${barcode_type}: raster width`);
  }
});

t.test('should give an EPS a bounding box of the image size', async (t) => {
  const r = rendered({ barcode_type: 'code128', data: 'EPS-BOX', format: 'eps', options: { module_width: 2 } });
  const eps = r.eps!.toString('latin1');
  t.match(eps, /^%!PS-Adobe-3\.0 EPSF-3\.0\n/);
  const box = /%%HiResBoundingBox: 0 0 ([\d.]+) ([\d.]+)/.exec(eps);
  t.same(box && [Number(box[1]), Number(box[2])], [r.metadata!.width * 0.75, r.metadata!.height * 0.75]);
  t.equal(
    printedPixels(r).width,
    Math.ceil(r.metadata!.width * 0.75 * (PRINT_DPI / 72)),
    'Ghostscript crops to the box',
  );
  t.equal(await decode(rasteriseEps(r.eps!), ['Code128']), 'EPS-BOX');
});

t.test('should write human-readable text as real text, not glyph shapes', async (t) => {
  for (const format of ['pdf', 'eps'] as const) {
    const ean = rendered({ barcode_type: 'ean13', data: '400638133393', format });
    t.equal(printedText(ean).replace(/ /g, ''), '4006381333931', `${format}: EAN-13 digits`);
    const c128 = rendered({ barcode_type: 'code128', data: 'A(b)\\c', format, options: { show_text: true } });
    t.equal(printedText(c128), 'A(b)\\c', `${format}: parentheses and backslash escaped`);
    const qr = rendered({ barcode_type: 'qr', data: 'no text', format });
    t.equal(printedText(qr), '', `${format}: a QR code has none`);
  }
});

t.test('should draw merged runs, far fewer shapes than dark modules', async (t) => {
  const r = rendered({ barcode_type: 'qr', data: 'https://example.com/merged', format: 'pdf', options: { margin: 0 } });
  const pdf = r.pdf!.toString('latin1');
  const at = pdf.indexOf('stream\n') + 'stream\n'.length;
  const content = inflateSync(r.pdf!.subarray(at, pdf.indexOf('\nendstream', at))).toString('latin1');
  const shapes = content.match(/ re\b/g)?.length ?? 0;
  // The same symbol at one pixel per module, rasterised by resvg: one pixel is one module.
  const svg = rendered({
    barcode_type: 'qr',
    data: 'https://example.com/merged',
    options: { margin: 0, module_width: 1 },
  });
  const img = new Resvg(svg.svg!).render();
  t.equal(img.width, r.metadata!.modules);
  const darkAt = (x: number, y: number) => x < img.width && img.pixels[(y * img.width + x) * 4]! < 128;
  let dark = 0;
  let runs = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      if (darkAt(x, y)) dark++;
      if (darkAt(x, y) && (x === 0 || !darkAt(x - 1, y))) runs++;
    }
  t.ok(shapes > 0 && shapes < runs, `${shapes} rectangles for ${runs} runs in rows`);
  t.ok(shapes * 2 < dark, `${shapes} rectangles for ${dark} dark modules`);
});

t.test('should paint the requested colours, and PDF translucency', async (t) => {
  const options = { foreground: '#1a237e', background: '#ffeb3b', margin: 4 };
  for (const format of ['pdf', 'eps'] as const) {
    const r = rendered({ barcode_type: 'qr', data: 'colours', format, options });
    t.same(pixel(r, 0.02, 0.02), [0xff, 0xeb, 0x3b], `${format}: background in the quiet zone`);
    // The top-left finder pattern's outer ring starts right after the 4-module quiet zone.
    const ring = (4.5 / (r.metadata!.modules + 8)) as number;
    t.same(pixel(r, ring, ring), [0x1a, 0x23, 0x7e], `${format}: foreground`);
    t.equal(await decode(raster(r), ['QRCode']), 'colours', `${format}: still scans`);
  }
  const half = rendered({ barcode_type: 'qr', data: 'half', format: 'pdf', options: { foreground: '#00000080' } });
  t.match(half.pdf!.toString('latin1'), /\/ca 0\.50/, 'an ExtGState with the fill alpha');
  const [grey] = pixel(half, 4.5 / (half.metadata!.modules + 8), 4.5 / (half.metadata!.modules + 8));
  t.ok(grey > 100 && grey < 155, `half-opaque black over white is grey: ${grey}`);
});

t.test('should refuse translucent colours in EPS, naming the option', async (t) => {
  for (const [options, field] of [
    [{ foreground: '#00000080' }, 'options.foreground'],
    [{ background: '#ffffff80' }, 'options.background'],
  ] as const) {
    const r = renderSync({ barcode_type: 'qr', data: 'x', format: 'eps', options });
    t.match(r, { success: false, error: { code: 'INVALID_OPTION' } });
    if (!r.success) t.match(r.error.message, new RegExp(`^${field.replace('.', '\\.')}: EPS has no transparency`));
  }
  const clear = renderSync({
    barcode_type: 'qr',
    data: 'clear',
    format: 'eps',
    options: { background: 'transparent' },
  });
  t.ok(clear.success, 'a fully transparent background is simply not painted');
  if (clear.success) t.notMatch(clear.eps!.toString('latin1'), /0 0 \d+ \d+ r\n0 0 0 setrgbcolor/);
});

t.test('should render the same bytes every time (cache and ETag rely on it)', async (t) => {
  for (const format of ['pdf', 'eps'] as const) {
    const a = rendered({ barcode_type: 'ean8', data: '9638507', format });
    const b = rendered({ barcode_type: 'ean8', data: '9638507', format, options: { module_width: 3 } });
    const c = rendered({ barcode_type: 'ean8', data: '9638507', format });
    t.ok(a[format]!.equals(c[format]!), `${format}: same request, same bytes`);
    t.notOk(a[format]!.equals(b[format]!), `${format}: another request, other bytes`);
  }
});

t.test('should serve PDF and EPS from the image routes and the batch route', async (t) => {
  const app = await gateway(t);
  for (const [format, type] of [
    ['pdf', 'application/pdf'],
    ['eps', 'application/postscript'],
  ] as const) {
    const res = await app.inject({ url: `/api/barcodes/qr?data=served&format=${format}`, headers: auth });
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], type);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    const r = { format, [format]: res.rawPayload } as unknown as BarcodeSuccess;
    t.equal(await decode(raster(r), ['QRCode']), 'served', `${format} over GET`);
  }
  const batch = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: {
      barcodes: [
        { barcode_type: 'code39', data: 'PDF-1', format: 'pdf' },
        { barcode_type: 'upca', data: '03600029145', format: 'eps' },
      ],
    },
  });
  t.equal(batch.statusCode, 200, batch.body);
  const [pdf, eps] = batch.json().results as { format: 'pdf' | 'eps'; pdf?: string; eps?: string }[];
  const bytes = (r: { format: 'pdf' | 'eps'; pdf?: string; eps?: string }) =>
    ({ format: r.format, [r.format]: Buffer.from(r[r.format] ?? '', 'base64') }) as unknown as BarcodeSuccess;
  t.equal(await decode(raster(bytes(pdf!)), ['Code39']), 'PDF-1', 'pdf in base64');
  t.equal(await decode(raster(bytes(eps!)), ['UPCA']), '0036000291452', 'eps in base64');
  const spec = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  const listed = JSON.stringify(spec.paths);
  t.ok(
    listed.includes('"application/pdf"') && listed.includes('"application/postscript"'),
    'the OpenAPI document lists them',
  );
});

t.test('should name PDF files in a bulk job and store them in the ZIP', async (t) => {
  const h = await harness(t, 'in-process');
  const res = await upload(h.app, csvRows(5), { format: 'pdf' });
  t.equal(res.statusCode, 202, res.body);
  const id = res.json().job_id as string;
  t.match(await poll(() => h.app, id), { status: 'completed', successful: 5 });
  const zip = await unzip((await get(h.app, `/api/jobs/${id}/results?format=zip`)).rawPayload);
  const names = [...zip.keys()].filter((n) => n.endsWith('.pdf'));
  t.equal(names.length, 5, names.join(', '));
  const first = zip.get(names.sort()[0]!)!;
  t.equal(
    await decode(rasterisePdf(first), ['QRCode']),
    `https://example.com/item/${names.sort()[0]!.match(/(\d+)\.pdf$/)![1]}`,
  );
});

t.test('should print the types symbologies.test.ts has no rows for, and they scan', async (t) => {
  const uri = 'https://id.gs1.org/01/09506000134352/10/ABC?17=270101';
  for (const [barcode_type, data, formats, text] of [
    ['qr', 'https://example.com/print?q=1', ['QRCode'], 'https://example.com/print?q=1'],
    ['gs1_digital_link', '(01)09506000134352(10)ABC(17)270101', ['QRCode'], uri],
    ['databar_expanded_stacked', '(01)98898765432106(3202)012345(15)991231', ['DataBarExpStk'], undefined],
    ['databar_limited', '(01)15012345678907', ['DataBarLtd'], undefined],
  ] as const) {
    for (const format of ['pdf', 'eps'] as const) {
      const r = rendered({ barcode_type, data, format });
      t.equal(await decode(raster(r), [...formats]), text ?? data, `${barcode_type} ${format}`);
    }
  }
});
