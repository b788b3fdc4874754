/** The Node API's contract: shapes, ids, summary, cache, errors, threading. */
import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import {
  BatchcodeError,
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
  if (first?.success) t.equal(await decode(first.svg!, ['QRCode']), 'a');
  if (third?.success) t.equal(await decode(third.png!, ['QRCode']), 'c');
  t.match(res.summary, { total: 3, successful: 2, failed: 1, cached: 0 });
  t.ok(res.summary.total_time_ms > 0 && res.summary.average_time_ms > 0);
  for (const r of res.results) if (r.success) t.type(r.generation_time_ms, 'number');
});

t.test('should leave metadata out unless asked', async (t) => {
  const [r] = (await renderBatch([qr('m')])).results;
  t.match(r, { success: true, svg: String });
  t.notOk(r && 'metadata' in r, 'no metadata key');
});

t.test('should decode every code of a mixed batch', async (t) => {
  const items = Array.from({ length: 40 }, (_, i) =>
    qr(`https://example.com/item/${i}`, { format: i % 2 ? 'png' : 'svg', id: `item-${i}` }),
  );
  const res = await renderBatch(items, { max_concurrent: 4 });
  t.equal(res.summary.successful, 40);
  t.equal(res.results.length, 40);
  for (const [i, r] of res.results.entries()) {
    if (!r.success) {
      t.fail(`item ${i}: ${r.error.message}`);
      continue;
    }
    t.equal(await decode((r.svg ?? r.png)!, ['QRCode']), `https://example.com/item/${i}`);
  }
});

t.test('should serve repeats from the cache and count hits', async (t) => {
  clearCache();
  const item = qr('cached payload', { format: 'png', options: { width: 200 } });
  const first = await render(item);
  const again = await render({ ...item, options: { width: 200, error_correction: 'M' } });
  t.match(first, { success: true, cached: false, png: Buffer });
  t.match(again, { success: true, cached: true, png: Buffer }, 'same request after normalisation');
  if (first.success && again.success) t.same(first.png, again.png);
  t.match(cacheStats(), { entries: 1, hits: 1, misses: 1 });
  t.ok(cacheStats().bytes > 0);
  const batch = await renderBatch([item, item]);
  t.equal(batch.summary.cached, 2);
  clearCache();
  t.match(cacheStats(), { entries: 0, hits: 0, misses: 0, bytes: 0 });
});

t.test('should respect cache bounds set from code', async (t) => {
  t.teardown(() => {
    configure({ cache_max_entries: 1000 });
    clearCache();
  });
  clearCache();
  configure({ cache_max_entries: 3 });
  for (let i = 0; i < 10; i++) t.match(renderSync(qr(`bounded ${i}`)), { success: true, cached: false });
  t.equal(cacheStats().entries, 3);
  configure({ cache_max_entries: 0 });
  for (const attempt of ['first', 'second']) {
    t.match(renderSync(qr('off')), { success: true, cached: false }, `${attempt} render: a disabled cache never hits`);
  }
  t.equal(cacheStats().entries, 0);
});

t.test('should throw a BatchcodeError with a stable code for a malformed call', async (t) => {
  await t.rejects(renderBatch('nope' as never), {
    name: 'BatchcodeError',
    code: 'INVALID_ITEMS',
    message: 'items must be an array of barcode requests',
  });
  t.throws(() => renderBatchSync({} as never), { name: 'BatchcodeError', code: 'INVALID_ITEMS' });
  const many = Array.from({ length: 101 }, (_, i) => qr(String(i)));
  await t.rejects(renderBatch(many), {
    code: 'TOO_MANY_ITEMS',
    message: 'a batch holds at most 100 items (batch_max_items); got 101',
  });
  await t.rejects(renderBatch([qr('a', { id: 'x' }), qr('b', { id: 'x' })]), {
    code: 'DUPLICATE_ID',
    message: /items\[1\]\.id "x" is already used by items\[0\]/,
  });
  for (const options of [{ max_concurrent: 0 }, { max_concurrent: 21 }, { max_concurrent: 1.5 }, { x: 1 }, 'all']) {
    const err = await renderBatch([qr('a')], options as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(err instanceof BatchcodeError, `${JSON.stringify(options)} throws a BatchcodeError`);
    t.match(err, { code: 'INVALID_BATCH_OPTION', message: /^options/ });
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
  t.equal(errors.length, 8);
  t.equal(errors[0], 'ok');
  t.equal(
    errors[1],
    'data must be a string of at most 8192 characters or an object with exactly one of wifi, vcard, email, sms, tel, geo, event; got 42 (a number)',
  );
  t.equal(errors[2], 'options.width must be a whole number from 1 to 4096; got 0');
  t.equal(errors[3], 'options.colour is not an accepted field');
  t.equal(errors[4], 'format must be one of "svg", "png", "pdf", "eps"; got "gif"');
  t.match(errors[5], /^barcode_type must be one of "qr", .*; got "nope"$/);
  t.equal(errors[6], 'item must be an object; got null');
  t.equal(errors[7], 'data must be well-formed Unicode; got an unpaired UTF-16 surrogate');
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
  t.equal(a.summary.successful, 2);
  t.same(
    a.results.map((r) => (r.success ? (r.svg ?? r.png) : r.error)),
    b.results.map((r) => (r.success ? (r.svg ?? r.png) : r.error)),
  );
  const one = await render(items[0]!);
  const two = renderSync(items[0]!);
  t.match(one, { success: true, svg: /^<svg / });
  t.ok(one.success && two.success && one.svg === two.svg, 'render and renderSync agree');
});
