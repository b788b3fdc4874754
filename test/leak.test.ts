/**
 * 100,000 renders in a loop must not grow resident memory by more than
 * 64 MiB once warm (the cache alone is bounded at its default 1000 entries).
 */
import t from 'tap';
import { cacheStats, configure, renderBatchSync, type BarcodeRequest } from '../src/lib/index.js';

const BOUND = 64 * 1024 * 1024;

t.test('should keep resident memory bounded over 100,000 renders', async (t) => {
  configure({ cache_max_entries: 1000 });
  const batch = (start: number): BarcodeRequest[] =>
    Array.from({ length: 100 }, (_, i) => ({
      barcode_type: 'qr',
      data: `https://example.com/leak/${start + i}`,
      format: i % 2 ? 'png' : 'svg',
      options: { width: 200 },
    }));
  let n = 0;
  const run = (count: number) => {
    for (let k = 0; k < count; k += 100) {
      const res = renderBatchSync(batch(n), { max_concurrent: 2 });
      if (res.summary.successful !== 100) throw new Error('render failed');
      n += 100;
    }
  };
  run(10_000);
  const warm = process.memoryUsage.rss();
  run(90_000);
  const after = process.memoryUsage.rss();
  t.equal(cacheStats().entries, 1000, 'the cache stays at its bound');
  t.ok(after - warm < BOUND, `RSS grew ${((after - warm) / 1048576).toFixed(1)} MiB (bound 64 MiB)`);
});
