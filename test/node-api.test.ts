/** The Node API's contract: shapes, ids, summary, cache, errors, threading. */
import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import {
  cacheStats,
  clearCache,
  configure,
  render,
  renderBatch,
  renderBatchSync,
  renderSync,
  type BarcodeRequest,
} from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const qr = (data: string, extra: Partial<BarcodeRequest> = {}): BarcodeRequest => ({
  barcode_type: 'qr',
  data,
  ...extra,
});

t.test('should return one result per item, in order, with a summary', async (t) => {
  const res = await renderBatch([qr('a', { id: 'first' }), qr('', { id: 'empty' }), qr('c', { format: 'png' })], {
    include_metadata: true,
  });
  t.equal(res.success, false, 'not every item succeeded');
  t.same(
    res.results.map((r) => [r.id, r.success]),
    [
      ['first', true],
      ['empty', false],
      ['2', true],
    ],
  );
  const [first, empty, third] = res.results;
  t.match(first, { success: true, format: 'svg', cached: false, metadata: { type: 'qr', version: 1 } });
  t.match(empty, { success: false, error: { code: 'EMPTY_DATA', message: 'data is empty' } });
  t.ok(third?.success && Buffer.isBuffer(third.png) && third.format === 'png');
  t.match(res.summary, { total: 3, successful: 2, failed: 1, cached: 0 });
  t.ok(res.summary.total_time_ms > 0 && res.summary.average_time_ms > 0);
  for (const r of res.results) if (r.success) t.type(r.generation_time_ms, 'number');
});

t.test('should leave metadata out unless asked', async (t) => {
  const res = await renderBatch([qr('m')]);
  t.notOk(res.results[0]?.success && res.results[0].metadata);
});

t.test('should decode every code of a mixed batch', async (t) => {
  const items = Array.from({ length: 40 }, (_, i) =>
    qr(`https://example.com/item/${i}`, { format: i % 2 ? 'png' : 'svg', id: `item-${i}` }),
  );
  const res = await renderBatch(items, { max_concurrent: 4 });
  t.equal(res.summary.successful, 40);
  for (const [i, r] of res.results.entries()) {
    if (!r.success) continue;
    t.equal(await decode((r.svg ?? r.png)!, ['QRCode']), `https://example.com/item/${i}`);
  }
});

t.test('should serve repeats from the cache and count hits', async (t) => {
  clearCache();
  const item = qr('cached payload', { format: 'png', options: { width: 200 } });
  const first = await render(item);
  const again = await render({ ...item, options: { width: 200, error_correction: 'M' } });
  t.match(first, { success: true, cached: false });
  t.match(again, { success: true, cached: true }, 'same request after normalisation');
  if (first.success && again.success) t.same(first.png, again.png);
  t.match(cacheStats(), { entries: 1, hits: 1, misses: 1 });
  t.ok(cacheStats().bytes > 0);
  const batch = await renderBatch([item, item]);
  t.equal(batch.summary.cached, 2);
  clearCache();
  t.match(cacheStats(), { entries: 0, hits: 0, misses: 0, bytes: 0 });
});

t.test('should respect cache bounds set from code', async (t) => {
  clearCache();
  configure({ cache_max_entries: 3 });
  for (let i = 0; i < 10; i++) renderSync(qr(`bounded ${i}`));
  t.equal(cacheStats().entries, 3);
  configure({ cache_max_entries: 0 });
  t.equal(renderSync(qr('off')).success && renderSync(qr('off')).cached, false, 'disabled cache never hits');
  configure({ cache_max_entries: 1000 });
  clearCache();
});

t.test('should throw a TypeError for a malformed call', async (t) => {
  await t.rejects(renderBatch('nope' as never), new TypeError('items must be an array of barcode requests'));
  t.throws(() => renderBatchSync({} as never), TypeError);
  const many = Array.from({ length: 101 }, (_, i) => qr(String(i)));
  await t.rejects(renderBatch(many), { name: 'TypeError', message: 'a batch holds at most 100 items, got 101' });
  await t.rejects(renderBatch([qr('a', { id: 'x' }), qr('b', { id: 'x' })]), {
    name: 'TypeError',
    message: /items\[1\]\.id "x" is used twice/,
  });
  for (const max_concurrent of [0, 21, 1.5]) {
    await t.rejects(renderBatch([qr('a')], { max_concurrent }), { name: 'TypeError', message: /max_concurrent/ });
  }
  const empty = await renderBatch([]);
  t.match(empty, { success: true, results: [], summary: { total: 0 } });
});

t.test('should fail only the item that breaks the schema, naming the field', async (t) => {
  const res = renderBatchSync([
    qr('ok'),
    { barcode_type: 'qr', data: 42 } as never,
    qr('x', { options: { width: 0 } }),
    qr('x', { options: { colour: 'red' } as never }),
    qr('x', { format: 'gif' as never }),
    { barcode_type: 'nope', data: 'x' } as never,
    null as never,
    qr('\ud800 lone surrogate'),
  ]);
  const errors = res.results.map((r) => (r.success ? 'ok' : r.error.message));
  t.equal(errors[0], 'ok');
  t.match(errors[1], /^data: /);
  t.match(errors[2], /^options\.width: /);
  t.match(errors[3], /^options(\.colour)?: /);
  t.match(errors[4], /^format: /);
  t.match(errors[5], /^barcode_type: /);
  t.match(errors[6], /^item: /);
  t.equal(errors[7], 'data: contains an unpaired UTF-16 surrogate');
  for (const r of res.results.slice(1)) t.match(r, { success: false, error: { code: 'INVALID_REQUEST' } });
});

t.test('should keep the event loop free while a batch renders', async (t) => {
  const items = Array.from({ length: 100 }, (_, i) =>
    qr(`https://example.com/big/${i}`, { format: 'png', options: { width: 1200 } }),
  );
  let settled = false;
  let ticks = 0;
  const pending = renderBatch(items, { max_concurrent: 2 }).finally(() => (settled = true));
  while (!settled) {
    await tick();
    ticks++;
  }
  t.equal((await pending).summary.successful, 100);
  t.ok(ticks > 1, `event loop turned ${ticks} times while the batch rendered`);
});

t.test('should give the same results sync and async', async (t) => {
  const items = [qr('same', { format: 'svg' }), qr('same too', { format: 'png' })];
  const a = await renderBatch(items);
  const b = renderBatchSync(items);
  t.same(
    a.results.map((r) => (r.success ? (r.svg ?? r.png) : r.error)),
    b.results.map((r) => (r.success ? (r.svg ?? r.png) : r.error)),
  );
  const one = await render(items[0]!);
  const two = renderSync(items[0]!);
  t.ok(one.success && two.success && one.svg === two.svg, 'render and renderSync agree');
});
