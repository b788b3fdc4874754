/**
 * `checkBatch`: whether each item would render, without rendering it. The
 * core runs every step of a render but drawing (options, data, encoding,
 * the image's size), uncached, so an item that fails here fails its render
 * with the same code and message, and one that passes renders.
 */
import { native, type NativeCheck } from './native.js';
import { invalidResult, prepare, type Prepared } from './prepare.js';
import type { BarcodeFailure, BarcodeRequest, BatchOptions } from './schema.js';

/** An item that would render, or the failure its render would give. */
export type CheckResult = { id: string; success: true } | BarcodeFailure;

export type CheckOptions = Pick<BatchOptions, 'max_concurrent'>;

function assemble(p: Prepared, checks: (NativeCheck | null)[]): CheckResult[] {
  return p.slots.map((slot, i): CheckResult => {
    const id = p.ids[i] ?? String(i);
    if (typeof slot === 'string') return invalidResult(id, slot);
    const failure = checks[slot];
    if (failure === undefined) return { id, success: false, error: { code: 'INTERNAL', message: 'no result' } };
    return failure
      ? { id, success: false, error: { code: failure.code, message: failure.message } }
      : { id, success: true };
  });
}

/**
 * Checks up to `batch_max_items` items on native threads, validated as
 * `renderBatch` validates them (a schema failure is that item's
 * `INVALID_REQUEST`); a malformed call throws a `BatchcodeError`.
 */
export async function checkBatch(items: BarcodeRequest[], options?: CheckOptions): Promise<CheckResult[]> {
  const p = prepare(items, options);
  return assemble(p, p.nativeCount ? await native.checkBatchAsync(p.itemsJson, p.maxConcurrent) : []);
}

/** The synchronous twin of `checkBatch`. */
export function checkBatchSync(items: BarcodeRequest[], options?: CheckOptions): CheckResult[] {
  const p = prepare(items, options);
  return assemble(p, p.nativeCount ? native.checkBatchSync(p.itemsJson, p.maxConcurrent) : []);
}
