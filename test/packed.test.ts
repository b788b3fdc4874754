/**
 * A batch's results cross napi packed in one Buffer (src/lib/packed.ts reads it): what comes out
 * must be exactly what rendering each item alone gives, successes and failures, SVG and PNG.
 */
import t from 'tap';
import { renderBatch, renderBatchSync, renderSync, type BarcodeRequest, type BarcodeResult } from '../src/lib/index.js';
import { PACKED_FIELDS, PACKED_KINDS } from '../src/lib/facts.js';
import { native } from '../src/lib/native.js';
import { unpack } from '../src/lib/packed.js';
import { decode } from './helpers/decode.js';

const items: BarcodeRequest[] = [
  { id: 'svg', barcode_type: 'qr', data: 'packed svg' },
  { id: 'png', barcode_type: 'qr', data: 'packed png', format: 'png', options: { width: 200 } },
  { id: 'empty', barcode_type: 'qr', data: '' },
  { id: 'ean-png', barcode_type: 'ean13', data: '4006381333931', format: 'png' },
  { id: 'bad-check', barcode_type: 'ean13', data: '4006381333932' },
  { id: 'invalid', barcode_type: 'nope' as never, data: 'x' },
  { id: 'long', barcode_type: 'qr', data: 'x'.repeat(3000), options: { error_correction: 'H' } },
  { id: 'text', barcode_type: 'code128', data: 'Packed <&>', options: { show_text: true } },
  { id: 'pdf417', barcode_type: 'pdf417', data: 'packed pdf417', format: 'png' },
  { id: 'aztec', barcode_type: 'aztec', data: 'packed aztec' },
  { id: 'lowercase', barcode_type: 'code39', data: 'ab c', format: 'png' },
  { barcode_type: 'datamatrix', data: 'packed datamatrix', format: 'png' },
];

/** A result without what differs between two renders of the same item. */
function comparable(r: BarcodeResult | undefined): unknown {
  if (!r || !r.success) return r;
  const { generation_time_ms: time, cached, ...rest } = r;
  return { ...rest, time: typeof time, cached: typeof cached };
}

t.test('should give, for every item of a mixed batch, what rendering it alone gives', async (t) => {
  const alone = items.map((item) => renderSync(item));
  for (const [name, res] of [
    ['renderBatch', await renderBatch(items, { include_metadata: true, max_concurrent: 2 })],
    ['renderBatchSync', renderBatchSync(items, { include_metadata: true, max_concurrent: 2 })],
  ] as const) {
    t.equal(res.results.length, items.length, name);
    res.results.forEach((r, i) => {
      const expected = { ...alone[i], id: items[i]?.id ?? String(i) } as BarcodeResult;
      t.same(comparable(r), comparable(expected), `${name}: item ${r.id}`);
      t.same(Object.keys(r), Object.keys(expected), `${name}: item ${r.id}'s keys, in order`);
    });
    t.same(
      res.results.map((r) => (r.success ? r.format : r.error.code)),
      [
        'svg',
        'png',
        'EMPTY_DATA',
        'png',
        'INVALID_DATA',
        'INVALID_REQUEST',
        'DATA_TOO_LONG',
        'svg',
        'png',
        'svg',
        'INVALID_DATA',
        'png',
      ],
      name,
    );
    t.equal(res.summary.successful, 7, name);
  }
  const res = renderBatchSync(items);
  const text = res.results.find((r) => r.id === 'text');
  t.ok(text?.success && text.svg?.includes('>Packed &lt;&amp;&gt;</text>'), 'the text, escaped, under the bars');
  t.notOk(
    res.results.some((r) => r.success && 'metadata' in r),
    'no metadata unless asked for',
  );
});

t.test('should give PNGs that decode, as views into the batch buffer', async (t) => {
  const res = await renderBatch(items, { max_concurrent: 2 });
  const pngs = res.results.filter((r) => r.success && r.png);
  t.equal(pngs.length, 4);
  const buffers = new Set(pngs.map((r) => (r.success ? r.png?.buffer : undefined)));
  t.equal(buffers.size, 1, 'one ArrayBuffer under every PNG of the batch');
  for (const r of pngs) {
    if (!r.success || !r.png) continue;
    const data = items.find((item, i) => (item.id ?? String(i)) === r.id)?.data;
    t.ok(Buffer.isBuffer(r.png), `${r.id} is a Buffer`);
    t.equal(await decode(r.png), data, `${r.id} decodes`);
  }
});

t.test('should read the header wherever the buffer starts, and refuse a malformed one', async (t) => {
  const native1 = items.filter((i) => i.id !== 'invalid');
  const json = JSON.stringify(
    native1.map(({ barcode_type, data, format, options }) => ({ barcode_type, data, format, options })),
  );
  const packed = native.renderBatchSync(json, 2, true);
  const ids = (i: number) => `#${i}`;
  const aligned = unpack(packed, native1.length, ids);
  for (const offset of [1, 3, 4, 8]) {
    const copy = Buffer.from(new ArrayBuffer(packed.length + offset), offset, packed.length);
    packed.copy(copy);
    t.equal(copy.byteOffset % 8, offset % 8);
    t.same(unpack(copy, native1.length, ids), aligned, `byteOffset ${offset}`);
  }
  t.same(
    aligned.map((r) => r.id),
    native1.map((_, i) => `#${i}`),
  );
  t.same(unpack(Buffer.alloc(0), 0, ids), [], 'an empty batch');
  t.throws(() => unpack(packed, native1.length + 1, ids), /packed batch/);
  t.throws(() => unpack(packed, native1.length - 1, ids), /packed batch/);
  t.throws(() => unpack(packed.subarray(0, packed.length - 1), native1.length, ids), /packed batch/);
  t.throws(() => unpack(Buffer.alloc(8), 1, ids), /packed batch/);
});

/** A packed buffer built by hand, field by field, from the names in the facts. */
function pack(rows: { kind: (typeof PACKED_KINDS)[number]; cached?: boolean; body: Buffer; meta?: string }[]): Buffer {
  const header = Buffer.alloc(rows.length * PACKED_FIELDS.length * 8);
  const data: Buffer[] = [];
  rows.forEach((row, i) => {
    const meta = Buffer.from(row.meta ?? '');
    const values = {
      kind: PACKED_KINDS.indexOf(row.kind),
      cached: row.cached ? 1 : 0,
      time_ms: 0.25,
      body_len: row.body.length,
      meta_len: meta.length,
    };
    PACKED_FIELDS.forEach((f, j) => header.writeDoubleLE(values[f], (i * PACKED_FIELDS.length + j) * 8));
    data.push(row.body, meta);
  });
  return Buffer.concat([header, ...data]);
}

t.test('should read every kind as the layout in the facts says', async (t) => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
  const buf = pack([
    { kind: 'svg', body: Buffer.from('<svg>é 世界</svg>'), meta: '{"type":"qr","text":"é"}' },
    { kind: 'svg_ascii', cached: true, body: Buffer.from('<svg/>') },
    { kind: 'png', body: png, meta: '{"width":1}' },
    { kind: 'error', body: Buffer.from('INVALID_DATA\nno é\nhere') },
    { kind: 'error', body: Buffer.from('INTERNAL') },
  ]);
  const out = unpack(buf, 5, (i) => `id${i}`);
  t.same(out, [
    {
      id: 'id0',
      success: true,
      format: 'svg',
      cached: false,
      generation_time_ms: 0.25,
      svg: '<svg>é 世界</svg>',
      metadata: { type: 'qr', text: 'é' },
    },
    { id: 'id1', success: true, format: 'svg', cached: true, generation_time_ms: 0.25, svg: '<svg/>' },
    { id: 'id2', success: true, format: 'png', cached: false, generation_time_ms: 0.25, png, metadata: { width: 1 } },
    { id: 'id3', success: false, error: { code: 'INVALID_DATA', message: 'no é\nhere' } },
    { id: 'id4', success: false, error: { code: 'INTERNAL', message: 'INTERNAL' } },
  ]);
  const view = out[2]?.success ? out[2].png : undefined;
  t.equal(view?.buffer, buf.buffer, 'the PNG is a view, not a copy');
  const bad = Buffer.from(buf);
  bad.writeDoubleLE(PACKED_KINDS.length, 0);
  t.throws(() => unpack(bad, 5, String), /unknown kind/);
});
