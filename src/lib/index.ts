/**
 * The Node API: render barcodes in-process with the native renderer.
 * `renderBatch` and `render` run on native threads and leave the event loop
 * free; `renderSync` blocks and suits scripts.
 */
import { splitSignal, withSignal, type BatchCallOptions, type CallOptions } from './abort.js';
import { native } from './native.js';
import { unpack } from './packed.js';
import { invalidResult, prepare, summarise, type Prepared } from './prepare.js';
import type { BarcodeRequest, BarcodeResult, BatchResponse } from './schema.js';

export * from './schema.js';
export * from './payloads/index.js';
export {
  batchMaxItems,
  checkResolver,
  configure,
  cacheStats,
  clearCache,
  type CacheStats,
  type Settings,
} from './settings.js';
export { BatchcodeError, MISUSE_CODES, type MisuseCode } from './errors.js';
export { renderBatchJson, renderBatchJsonSync } from './batch-json.js';
export { CSS_COLOURS } from './colours.js';
export { MEDIA_TYPES, binaryFormat, compressedFile, formatOfFile, resultBytes, type FormatName } from './formats.js';
export type { BatchCallOptions, CallOptions } from './abort.js';
export { checkBatch, checkBatchSync, type CheckOptions, type CheckResult } from './check.js';
export {
  renderSheet,
  renderSheetSync,
  SheetLabel,
  SheetLabelResult,
  SheetLayout,
  SheetRequest,
  type SheetResult,
} from './sheet.js';

/** The response for `p`, its native items' results packed in `packed`. */
function assemble(p: Prepared, packed: Buffer | undefined): BatchResponse {
  const nativeIds: string[] = [];
  p.slots.forEach((slot, i) => {
    if (typeof slot === 'number') nativeIds[slot] = p.ids[i] ?? String(i);
  });
  const native = packed ? unpack(packed, p.nativeCount, (slot) => nativeIds[slot] ?? String(slot)) : [];
  const results = p.slots.map((slot, i): BarcodeResult => {
    const id = p.ids[i] ?? String(i);
    if (typeof slot === 'string') return invalidResult(id, slot);
    return native[slot] ?? { id, success: false, error: { code: 'INTERNAL', message: 'no result' } };
  });
  const successful = results.filter((r) => r.success).length;
  const cached = results.filter((r) => r.success && r.cached).length;
  return {
    success: successful === results.length,
    results,
    summary: summarise(p, results.length, successful, cached),
  };
}

/**
 * Renders up to `batch_max_items` items concurrently on native threads.
 * A bad item fails only its own result; a malformed call throws a `BatchcodeError`.
 * With `signal`, an abort stops the items not started and rejects with `signal.reason`.
 */
export async function renderBatch(items: BarcodeRequest[], options?: BatchCallOptions): Promise<BatchResponse> {
  const { options: batch, signal } = splitSignal(options);
  const p = prepare(items, batch);
  return withSignal(signal, async (token) =>
    assemble(
      p,
      p.nativeCount ? await native.renderBatchAsync(p.itemsJson, p.maxConcurrent, p.includeMetadata, token) : undefined,
    ),
  );
}

/** The synchronous twin of `renderBatch`: same results, on the calling thread; an aborted `signal` throws before it starts. */
export function renderBatchSync(items: BarcodeRequest[], options?: BatchCallOptions): BatchResponse {
  const { options: batch, signal } = splitSignal(options);
  signal?.throwIfAborted();
  const p = prepare(items, batch);
  return assemble(
    p,
    p.nativeCount ? native.renderBatchSync(p.itemsJson, p.maxConcurrent, p.includeMetadata) : undefined,
  );
}

/** Renders one item off the event loop; metadata is always included. An aborted `signal` rejects with its reason. */
export async function render(item: BarcodeRequest, options?: CallOptions): Promise<BarcodeResult> {
  const { signal } = splitSignal(options);
  const res = await renderBatch([item], { max_concurrent: 1, include_metadata: true, signal });
  return res.results[0] as BarcodeResult;
}

/** Renders one item on the calling thread; metadata is always included. */
export function renderSync(item: BarcodeRequest): BarcodeResult {
  const res = renderBatchSync([item], { max_concurrent: 1, include_metadata: true });
  return res.results[0] as BarcodeResult;
}
