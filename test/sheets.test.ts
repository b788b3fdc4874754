/**
 * Label sheets, read as a printer would: poppler measures pages and finds each code where the
 * template (its published measurements, written out here) puts the label, and ZXing decodes
 * every label sampled.
 */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { renderSheetSync, BatchcodeError, type SheetLabel } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';
import { auth, gateway } from './helpers/gateway.js';

const PT_PER_MM = 72 / 25.4;
const DPI = 400;
const MM_PER_PX = 25.4 / DPI;

/** Avery's published L7160 measurements (mm): A4, 3 x 7 labels of 63.5 x 38.1. */
const L7160 = {
  page: [210, 297],
  columns: 3,
  rows: 7,
  w: 63.5,
  h: 38.1,
  left: 7.21,
  top: 15.15,
  pitchX: 66.04,
  pitchY: 38.1,
};

const run = (cmd: string, args: string[], input: Buffer) =>
  execFileSync(cmd, args, { input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'pipe'] });

function pdfInfo(pdf: Buffer): { pages: number; width: number; height: number } {
  const info = run('pdfinfo', ['-'], pdf).toString('utf8');
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  const pages = /Pages:\s+(\d+)/.exec(info);
  if (!size || !pages) throw new Error(info);
  return { pages: Number(pages[1]), width: Number(size[1]), height: Number(size[2]) };
}

/** A region of a page (mm from the top left) as a PNG, by poppler. */
function crop(pdf: Buffer, page: number, x: number, y: number, w: number, h: number, ppm = false): Buffer {
  const px = (mm: number) => String(Math.round(mm / MM_PER_PX));
  const args = [...(ppm ? [] : ['-png']), '-r', String(DPI), '-f', String(page), '-l', String(page), '-singlefile'];
  return run('pdftoppm', [...args, '-x', px(x), '-y', px(y), '-W', px(w), '-H', px(h), '-'], pdf);
}

/** The bounding box (mm, in the region) of the dark pixels of a PPM region. */
function darkBox(ppm: Buffer): { left: number; top: number; right: number; bottom: number } {
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 64))!;
  const [w, h, start] = [Number(m[1]), Number(m[2]), m[0].length];
  let [left, top, right, bottom] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = start + (y * w + x) * 3;
      if (ppm[i]! + ppm[i + 1]! + ppm[i + 2]! < 384) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return {
    left: left * MM_PER_PX,
    top: top * MM_PER_PX,
    right: (right + 1) * MM_PER_PX,
    bottom: (bottom + 1) * MM_PER_PX,
  };
}

const labelAt = (i: number) => {
  const col = i % L7160.columns;
  const row = Math.floor(i / L7160.columns) % L7160.rows;
  return { x: L7160.left + col * L7160.pitchX, y: L7160.top + row * L7160.pitchY };
};

const qr = (i: number, extra: Partial<SheetLabel> = {}): SheetLabel => ({
  barcode_type: 'qr',
  data: `https://example.com/item/${i}`,
  ...extra,
});

t.test('should place every L7160 label where the template says, within 0.1 mm, at its print size', async (t) => {
  const labels = Array.from({ length: 21 }, (_, i) => qr(i, { options: { unit: 'mm', x_dim: 0.5 } }));
  const sheet = renderSheetSync({ layout: { template: 'L7160' }, labels });
  const info = pdfInfo(sheet.pdf);
  t.equal(info.pages, 1);
  t.ok(Math.abs(info.width / PT_PER_MM - 210) < 0.1 && Math.abs(info.height / PT_PER_MM - 297) < 0.1, 'an A4 page');
  for (let i = 0; i < 21; i++) {
    const { x, y } = labelAt(i);
    t.same(sheet.labels[i], {
      id: String(i),
      success: true,
      page: 1,
      column: (i % 3) + 1,
      row: Math.floor(i / 3) + 1,
      scale: 1,
      warnings: [],
    });
    const box = darkBox(crop(sheet.pdf, 1, x, y, L7160.w, L7160.h, true));
    // Centred in its label: the box's centre is the label's.
    const cx = (box.left + box.right) / 2;
    const cy = (box.top + box.bottom) / 2;
    t.ok(
      Math.abs(cx - L7160.w / 2) < 0.1 && Math.abs(cy - L7160.h / 2) < 0.1,
      `label ${i}: centre off by ${(cx - L7160.w / 2).toFixed(3)}, ${(cy - L7160.h / 2).toFixed(3)} mm`,
    );
    if (i === 0) {
      // Version 2 is 25 modules across: 12.5 mm at 0.5 mm.
      const width = box.right - box.left;
      t.ok(Math.abs(width - 25 * 0.5) < 0.05, `printed ${width.toFixed(3)} mm wide, 12.5 expected`);
    }
    t.equal(
      await decode(crop(sheet.pdf, 1, x, y, L7160.w, L7160.h)),
      `https://example.com/item/${i}`,
      `label ${i} decodes`,
    );
  }
});

t.test('should fill labels in row order from start_at, page after page, with captions', async (t) => {
  const labels = Array.from({ length: 30 }, (_, i) => qr(i, { caption: `Item ${i} – €${i}.00` }));
  const sheet = renderSheetSync({ layout: { template: 'L7160', start_at: 5 }, labels });
  t.equal(sheet.pages, 2);
  t.equal(pdfInfo(sheet.pdf).pages, 2);
  t.match(sheet.labels[0], { page: 1, column: 2, row: 2 }, 'the first label is the fifth place');
  t.match(sheet.labels[16], { page: 1, column: 3, row: 7 });
  t.match(sheet.labels[17], { page: 2, column: 1, row: 1 });
  const text = run('pdftotext', ['-layout', '-', '-'], sheet.pdf).toString('utf8');
  t.match(text, /Item 0 – €0\.00/, 'captions are real text, in Windows-1252');
  t.match(text, /Item 29 – €29\.00/);
  for (const [i, slot] of [
    [0, 4],
    [17, 21],
  ] as const) {
    const { x, y } = labelAt(slot);
    t.equal(
      await decode(crop(sheet.pdf, Math.floor(slot / 21) + 1, x, y, L7160.w, L7160.h)),
      `https://example.com/item/${i}`,
    );
  }
});

t.test('should lay out every built-in template on its page size', async (t) => {
  for (const [template, page, perPage] of [
    ['L7160', [210, 297], 21],
    ['L7163', [210, 297], 14],
    ['L7651', [210, 297], 65],
    ['5160', [215.9, 279.4], 30],
    ['5163', [215.9, 279.4], 10],
    ['22805', [215.9, 279.4], 24],
  ] as const) {
    const labels = Array.from({ length: perPage + 1 }, (_, i) => qr(i, { caption: `#${i}` }));
    const sheet = renderSheetSync({ layout: { template }, labels });
    const info = pdfInfo(sheet.pdf);
    t.equal(info.pages, 2, `${template}: ${perPage} a page`);
    t.ok(
      Math.abs(info.width / PT_PER_MM - page[0]) < 0.1 && Math.abs(info.height / PT_PER_MM - page[1]) < 0.1,
      `${template}: page size`,
    );
    t.ok(
      sheet.labels.every((l) => l.success),
      `${template}: every label placed`,
    );
  }
});

t.test('should scale a code down to fit its label, with a warning', async (t) => {
  const sheet = renderSheetSync({
    layout: { template: 'L7651' },
    labels: [{ barcode_type: 'ean13', data: '590123412345', options: { unit: 'mm', x_dim: 0.33 } }],
  });
  const l = sheet.labels[0]!;
  t.ok(l.success && l.scale < 1 && l.scale > 0.5, `scale ${l.success && l.scale}`);
  t.match(
    l.success && l.warnings[0],
    /^the code is 37\.3 x [\d.]+ mm and the label leaves 35\.1 x [\d.]+ mm for it, so it is scaled to \d+%$/,
  );
});

t.test('should take a custom grid and refuse bad layouts naming the field', async (t) => {
  const sheet = renderSheetSync({
    layout: {
      page: { width: 100, height: 60 },
      columns: 2,
      rows: 1,
      label_width: 45,
      label_height: 50,
      gaps: { column: 4 },
      crop_marks: true,
      outline: true,
    },
    labels: [qr(1), qr(2)],
  });
  const info = pdfInfo(sheet.pdf);
  t.ok(Math.abs(info.width / PT_PER_MM - 100) < 0.1 && Math.abs(info.height / PT_PER_MM - 60) < 0.1);
  t.equal(
    await decode(crop(sheet.pdf, 1, 53, 5, 45, 50)),
    'https://example.com/item/2',
    'centred grid: second column at 3 + 45 + 4 mm',
  );
  // The outline's top edge at 5 mm, and a crop mark above it in the margin.
  const outline = darkBox(crop(sheet.pdf, 1, 10, 4.5, 5, 1, true));
  t.ok(outline.bottom > outline.top, 'the outline is drawn');
  const mark = darkBox(crop(sheet.pdf, 1, 2, 0, 2, 3.8, true));
  t.ok(
    Math.abs(mark.left + 2 - 3) < 0.2,
    `a crop mark in line with the first label's left edge (${(mark.left + 2).toFixed(2)} mm)`,
  );
  for (const [layout, field] of [
    [{ template: 'L9999' }, 'layout.template'],
    [{ page: 'A4', columns: 4, rows: 7, label_width: 63.5, label_height: 38.1 }, 'layout.columns'],
    [{ page: 'A4', columns: 3, rows: 8, label_width: 63.5, label_height: 38.1 }, 'layout.rows'],
    [{ page: 'A4', columns: 0, rows: 7, label_width: 63.5, label_height: 38.1 }, 'layout.columns'],
    [{ page: 'A3', columns: 3, rows: 7, label_width: 63.5, label_height: 38.1 }, 'layout.page'],
    [{ page: 'A4', columns: 3, rows: 7, label_width: 63.5 }, 'layout.label_height'],
    [{ template: 'L7160', columns: 2 }, 'layout.columns'],
    [{ template: 'L7160', start_at: 22 }, 'layout.start_at'],
    [{}, 'layout'],
  ] as const) {
    let error: unknown;
    try {
      renderSheetSync({ layout: layout as never, labels: [qr(1)] });
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof BatchcodeError && error.code === 'INVALID_SHEET', `${JSON.stringify(layout)}: refused`);
    t.match((error as Error).message, new RegExp(`^${field.replace('.', '\\.')}[: ]`), `names ${field}`);
  }
});

t.test('should report a label that cannot be drawn without giving it a place', async (t) => {
  const sheet = renderSheetSync({
    layout: { template: 'L7160' },
    labels: [
      qr(0),
      { barcode_type: 'ean13', data: '123' },
      qr(2),
      { barcode_type: 'qr', data: 'x', caption: 7 as never },
    ],
  });
  t.match(sheet.labels[1], { success: false, error: { code: 'INVALID_DATA' } });
  t.match(sheet.labels[2], { success: true, column: 2, row: 1 }, 'the next label takes the free place');
  t.match(sheet.labels[3], { success: false, error: { code: 'INVALID_REQUEST', message: /^caption / } });
});

t.test('should serve POST /api/sheets as a PDF, or JSON, and a 400 that lists the bad labels', async (t) => {
  const app = await gateway(t);
  const labels = Array.from({ length: 22 }, (_, i) => qr(i, { caption: `#${i}` }));
  const pdf = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    headers: auth,
    payload: { layout: { template: 'L7160' }, labels },
  });
  t.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.equal(pdf.headers['x-sheet-pages'], '2');
  t.equal(pdfInfo(pdf.rawPayload).pages, 2);
  const json = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    headers: { ...auth, accept: 'application/json' },
    payload: { layout: { template: '5160' }, labels },
  });
  t.equal(json.statusCode, 200);
  const body = json.json();
  t.equal(body.pages, 1);
  t.equal(pdfInfo(Buffer.from(body.pdf, 'base64')).pages, 1);
  t.match(body.labels[21], { id: '21', success: true, page: 1, column: 1, row: 8 });
  const bad = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    headers: auth,
    payload: { layout: { template: 'L7160' }, labels: [qr(0), { barcode_type: 'ean13', data: '5901234123450' }] },
  });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /^1 of 2 labels cannot be drawn, so no sheet was made: labels\[1\]: INVALID_DATA: /);
  const layout = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    headers: auth,
    payload: { layout: { template: 'nope' }, labels },
  });
  t.equal(layout.statusCode, 400);
  t.match(layout.body, /layout\.template/);
  const grid = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    headers: auth,
    payload: { layout: { page: 'Letter', columns: 3, rows: 12, label_width: 66.7, label_height: 25.4 }, labels },
  });
  t.equal(grid.statusCode, 400);
  t.match(grid.body, /layout\.rows: the labels do not fit the page/);
  const open = await app.inject({
    method: 'POST',
    url: '/api/sheets',
    payload: { layout: { template: 'L7160' }, labels },
  });
  t.equal(open.statusCode, 401);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  t.ok(doc.paths['/api/sheets']?.post, 'the OpenAPI document lists the route');
});
