/** renderBatchJson: the same batch as renderBatch, as the bytes of the HTTP answer. */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import t from 'tap';
import {
  clearCache,
  JsonResults,
  renderBatch,
  renderBatchJson,
  renderBatchJsonSync,
  type BarcodeRequest,
  type BatchResponseJson,
} from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const checkBatch = TypeCompiler.Compile(JsonResults.batch);

const qr = (data: string, extra: Partial<BarcodeRequest> = {}): BarcodeRequest => ({
  barcode_type: 'qr',
  data,
  ...extra,
});

function parse(bytes: Buffer): BatchResponseJson {
  const body: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!checkBatch.Check(body)) throw new Error(`not the documented shape: ${checkBatch.Errors(body).First()?.message}`);
  return body;
}

const mixed = (run: string): BarcodeRequest[] => [
  qr(`https://example.com/json/${run}`, { id: 'svg' }),
  qr(`png ${run} héllo 世界`, { id: 'png', format: 'png', options: { width: 200 } }),
  { barcode_type: 'qr', data: 42 } as never,
  qr('', { id: 'empty' }),
  { barcode_type: 'ean13', data: '4006381333931', id: 'ean' },
  qr(`last ${run}`, { options: { colour: 'red' } as never }),
  { barcode_type: 'pdf417', data: `pdf417 ${run}`, id: 'pdf417', options: { error_correction: 'Q' } },
  { barcode_type: 'aztec', data: `aztec ${run}`, id: 'aztec', options: { aztec_ec_percent: 40 } },
];

t.test('should match renderBatch item for item, in the documented shape', async (t) => {
  clearCache();
  const items = mixed('same');
  const objects = await renderBatch(items, { include_metadata: true });
  const json = parse(await renderBatchJson(items, { include_metadata: true }));
  t.equal(json.success, false);
  t.match(json.summary, { total: 8, successful: 5, failed: 3 });
  t.same(
    { ...json.summary, total_time_ms: 0, average_time_ms: 0 },
    { ...objects.summary, cached: 5, total_time_ms: 0, average_time_ms: 0 },
    'the renders come from the cache the second time',
  );
  t.equal(json.results.length, items.length);
  for (const [i, r] of json.results.entries()) {
    const o = objects.results[i]!;
    if (!r.success || !o.success) {
      t.same(r, o, `result ${i} fails the same way`);
      continue;
    }
    const { png, cached, generation_time_ms, ...rest } = r;
    const { png: bytes, cached: _c, generation_time_ms: _g, ...expected } = o;
    t.same(rest, expected, `result ${i}`);
    t.same(png === undefined ? undefined : Buffer.from(png, 'base64'), bytes, `result ${i} PNG bytes`);
    t.equal(cached, true);
    t.type(generation_time_ms, 'number');
  }
  const [svg, png] = json.results;
  t.ok(svg?.success && png?.success);
  if (svg?.success) t.equal(await decode(svg.svg!, ['QRCode']), 'https://example.com/json/same');
  if (png?.success) t.equal(await decode(Buffer.from(png.png!, 'base64'), ['QRCode']), 'png same héllo 世界');
  t.equal(png?.success && png.metadata?.eci, 26, 'the ECI of UTF-8 text, in the JSON path too');
  const ean = json.results[4];
  t.match(ean, { id: 'ean', success: true, svg: String });
  if (ean?.success) t.equal(await decode(ean.svg!, ['EAN13']), '4006381333931');
  t.match(json.results[6], { metadata: { error_correction: 'Q', pdf417_ec_level: 4 } }, 'the levels used, in JSON too');
  t.match(json.results[7], { metadata: { aztec_ec_percent: 40 } });
});

t.test('should give back hostile ids exactly', async (t) => {
  const ids = ['a"b', 'back\\slash', '</script><svg onload=x>', '\u0000\u001f\n', '\ud800 lone', '💥', '\u2028 \u2029'];
  const items = ids.map((id, i) => qr(`id ${i}`, { id }));
  items.splice(3, 0, qr('', { id: 'x"bad', format: 'gif' as never }));
  const json = parse(renderBatchJsonSync(items));
  t.match(json.summary, { total: ids.length + 1, failed: 1 });
  t.same(
    json.results.map((r) => r.id),
    items.map((item) => item.id),
  );
  t.match(json.results[3], {
    success: false,
    error: { code: 'INVALID_REQUEST', message: 'format must be one of "svg", "png", "pdf", "eps"; got "gif"' },
  });
});

t.test('should splice items that fail validation in at their place', async (t) => {
  const bad = { barcode_type: 'nope', data: 'x' } as never;
  const layouts: (BarcodeRequest | null)[][] = [
    [null, qr('a'), qr('b')],
    [qr('a'), null, null, qr('b')],
    [qr('a'), qr('b'), null],
    [null, null],
  ];
  for (const layout of layouts) {
    const items = layout.map((item) => item ?? bad);
    const json = parse(await renderBatchJson(items));
    t.same(
      json.results.map((r) => [r.id, r.success]),
      layout.map((item, i) => [String(i), item !== null]),
      JSON.stringify(layout.map((item) => item?.data ?? 'bad')),
    );
    t.equal(json.summary.failed, layout.filter((item) => item === null).length);
  }
  t.same(parse(await renderBatchJson([])).results, []);
});

t.test('should give the same bytes sync and async, but for the times', async (t) => {
  const items = mixed('twins');
  const strip = (b: BatchResponseJson) => ({
    ...b,
    results: b.results.map((r) => (r.success ? { ...r, generation_time_ms: 0, cached: false } : r)),
    summary: { ...b.summary, total_time_ms: 0, average_time_ms: 0, cached: 0 },
  });
  const async = parse(await renderBatchJson(items));
  t.match(async.summary, { total: 8, successful: 5, failed: 3 });
  t.same(strip(async), strip(parse(renderBatchJsonSync(items))));
});

t.test('should throw a BatchcodeError for a malformed call, as renderBatch does', async (t) => {
  await t.rejects(renderBatchJson('nope' as never), { name: 'BatchcodeError', code: 'INVALID_ITEMS' });
  t.throws(() => renderBatchJsonSync([qr('a')], { max_concurrent: 0 }), { code: 'INVALID_BATCH_OPTION' });
});
