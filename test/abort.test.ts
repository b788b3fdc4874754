/** Cancellation: an AbortSignal stops a batch on the native threads (renders counted, see helpers/renders.ts). */
import t from 'tap';
import {
  BatchcodeError,
  render,
  renderBatch,
  renderBatchJson,
  renderBatchJsonSync,
  renderBatchSync,
  type BarcodeRequest,
} from '../src/lib/index.js';
import { native } from '../src/lib/native.js';
import { unpack } from '../src/lib/packed.js';
import { decode } from './helpers/decode.js';
import { largeCodes, renders, rendersPast, settled } from './helpers/renders.js';

t.test('should stop rendering a batch of 100 large codes when its signal aborts', async (t) => {
  const before = renders();
  const abort = new AbortController();
  const work = renderBatch(largeCodes('abort'), { signal: abort.signal });
  await rendersPast(before, 3);
  abort.abort();
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof DOMException && err.name === 'AbortError', 'rejects with an AbortError');
  const atReject = renders() - before;
  const total = (await settled()) - before;
  t.ok(total < 100, `rendered ${total} of 100`);
  // Items already on a thread finish; no new item starts after the rejection.
  t.ok(total <= atReject + 2, `${atReject} when it rejected, ${total} in the end`);

  // The threads are free: a batch after it renders in full, and its codes scan.
  const next = await renderBatch([{ barcode_type: 'qr', data: 'after the abort' }]);
  t.equal(next.summary.successful, 1);
  const after = next.results[0]!;
  t.equal(after.success && (await decode(after.svg!, ['QRCode'])), 'after the abort');
});

t.test('should reject with the reason the caller gave', async (t) => {
  const abort = new AbortController();
  const work = renderBatchJson(largeCodes('reason', 40), { signal: abort.signal });
  const reason = new Error('the user pressed stop');
  abort.abort(reason);
  await t.rejects(work, reason);
});

t.test('should render nothing when the signal has already aborted', async (t) => {
  const before = renders();
  const signal = AbortSignal.abort();
  const items = largeCodes('aborted', 10);
  await t.rejects(renderBatch(items, { signal }), { name: 'AbortError' });
  await t.rejects(renderBatchJson(items, { signal }), { name: 'AbortError' });
  await t.rejects(render(items[0]!, { signal }), { name: 'AbortError' });
  t.throws(() => renderBatchSync(items, { signal }), { name: 'AbortError' });
  t.throws(() => renderBatchJsonSync(items, { signal }), { name: 'AbortError' });
  t.equal(renders(), before, 'no render started');
});

t.test('should render in full with a signal that does not fire, and keep the other options', async (t) => {
  const abort = new AbortController();
  const items = largeCodes('kept', 4);
  const res = await renderBatch(items, { signal: abort.signal, include_metadata: true, max_concurrent: 1 });
  t.equal(res.summary.successful, 4);
  t.ok(
    res.results.every((r) => r.success && r.metadata),
    'metadata included',
  );
  const last = res.results[3]!;
  t.equal(last.success && (await decode(last.png!, ['QRCode'])), items[3]!.data);
  const json = JSON.parse((await renderBatchJson(items, { signal: abort.signal })).toString());
  t.equal(json.summary.cached, 4, 'the same codes, now from the cache');
  t.equal(renderBatchSync(items, { signal: abort.signal }).summary.successful, 4);
});

t.test('should refuse a signal that is not an AbortSignal, and options that were never an object', async (t) => {
  const items: BarcodeRequest[] = [{ barcode_type: 'qr', data: 'a' }];
  for (const signal of [{ aborted: true }, 'stop', 1, null]) {
    const call = () => renderBatchSync(items, { signal } as never);
    t.throws(call, new BatchcodeError('INVALID_BATCH_OPTION', 'options.signal must be an AbortSignal'));
    await t.rejects(renderBatch(items, { signal } as never), { code: 'INVALID_BATCH_OPTION' });
  }
  t.throws(() => renderBatchSync(items, 5 as never), { code: 'INVALID_BATCH_OPTION', message: /options/ });
});

t.test('should reject with CANCELLED from the binding, and refuse a token that is not one', async (t) => {
  const items = JSON.stringify(largeCodes('binding', 20).map(({ barcode_type, data }) => ({ barcode_type, data })));
  const ids = Array.from({ length: 20 }, (_, i) => JSON.stringify(String(i)));
  const token = new native.CancelToken();
  t.equal(token.cancelled, false);
  token.cancel();
  t.equal(token.cancelled, true);
  await t.rejects(native.renderBatchAsync(items, 2, false, token), { message: /^CANCELLED: / });
  await t.rejects(native.renderBatchJsonAsync(items, ids, 2, false, token), { message: /^CANCELLED: / });
  for (const wrong of [{}, 'stop', 1]) {
    t.throws(() => native.renderBatchAsync(items, 2, false, wrong as never), { message: /CancelToken/ });
  }
  const res = await native.renderBatchAsync(items, 2, false, new native.CancelToken());
  t.equal(unpack(res, 20, String).length, 20, 'a fresh token lets the batch run');
});
