/**
 * The Node API: render barcodes in-process with the native renderer.
 * `renderBatch` and `render` run on native threads and leave the event loop
 * free; `renderSync` blocks and suits scripts.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { envInt } from './env.js';
import { native, type NativeRequest, type NativeResult } from './native.js';
import { BarcodeRequest, MAX_CONCURRENT, type BarcodeResult, type BatchOptions, type BatchResponse } from './schema.js';

export * from './schema.js';

const checkRequest = TypeCompiler.Compile(BarcodeRequest);

const settings = {
  batchMaxItems: envInt('BATCH_MAX_ITEMS', 100, 1, 10_000),
};

native.configureCache({
  max_entries: envInt('CACHE_MAX_SIZE', 1000, 0, 10_000_000),
  ttl_seconds: envInt('CACHE_DEFAULT_TTL', 3600, 0, 31_536_000),
  max_bytes: envInt('CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
});

export interface Settings {
  /** Items accepted by one `renderBatch` call. Default `BATCH_MAX_ITEMS` or 100. */
  batch_max_items?: number;
  /** Cached renders kept at most; 0 turns the cache off. Default `CACHE_MAX_SIZE` or 1000. */
  cache_max_entries?: number;
  /** Bytes of cached output kept at most. Default `CACHE_MAX_BYTES` or 64 MiB. */
  cache_max_bytes?: number;
  /** Seconds a cached render stays valid. Default `CACHE_DEFAULT_TTL` or 3600. */
  cache_ttl_seconds?: number;
}

/** Changes limits and cache bounds for this process. */
export function configure(s: Settings): void {
  if (s.batch_max_items !== undefined) {
    if (!Number.isInteger(s.batch_max_items) || s.batch_max_items < 1) {
      throw new RangeError(`batch_max_items must be a whole number >= 1, got ${s.batch_max_items}`);
    }
    settings.batchMaxItems = s.batch_max_items;
  }
  native.configureCache({
    max_entries: s.cache_max_entries,
    max_bytes: s.cache_max_bytes,
    ttl_seconds: s.cache_ttl_seconds,
  });
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export function cacheStats(): CacheStats {
  return native.cacheStats();
}

export function clearCache(): void {
  native.clearCache();
}

/** An item that failed schema validation: the message names the field. */
function schemaError(item: unknown): string | undefined {
  if (checkRequest.Check(item)) {
    // UTF-8 cannot carry an unpaired surrogate; converting it would change the data silently.
    const data = (item as BarcodeRequest).data;
    return data.isWellFormed() ? undefined : 'data: contains an unpaired UTF-16 surrogate';
  }
  const first = checkRequest.Errors(item).First();
  if (!first) return 'invalid request';
  const field = first.path ? first.path.slice(1).replaceAll('/', '.') : 'item';
  return `${field}: ${first.message}`;
}

interface Prepared {
  ids: string[];
  /** Position in `toNative` of each item, or its validation error. */
  slots: (number | string)[];
  toNative: NativeRequest[];
}

function prepare(items: unknown, maxItems: number): Prepared {
  if (!Array.isArray(items)) throw new TypeError('items must be an array of barcode requests');
  if (items.length > maxItems) {
    throw new TypeError(`a batch holds at most ${maxItems} items, got ${items.length}`);
  }
  const seen = new Set<string>();
  const prepared: Prepared = { ids: [], slots: [], toNative: [] };
  items.forEach((item: unknown, index) => {
    const given = (item as { id?: unknown } | null)?.id;
    const id = typeof given === 'string' && given.length > 0 ? given : String(index);
    if (typeof given === 'string') {
      if (seen.has(given)) throw new TypeError(`items[${index}].id "${given}" is used twice; ids must be unique`);
      seen.add(given);
    }
    prepared.ids.push(id);
    const error = schemaError(item);
    if (error) {
      prepared.slots.push(error);
      return;
    }
    const req = item as BarcodeRequest;
    prepared.slots.push(prepared.toNative.length);
    prepared.toNative.push({
      barcode_type: req.barcode_type,
      data: req.data,
      format: req.format,
      options: req.options,
    });
  });
  return prepared;
}

function toResult(id: string, r: NativeResult): BarcodeResult {
  if (r.error_code !== undefined && r.error_code !== null) {
    return { id, success: false, error: { code: r.error_code, message: r.error_message ?? r.error_code } };
  }
  const out: BarcodeResult = {
    id,
    success: true,
    format: r.format === 'png' ? 'png' : 'svg',
    cached: r.cached,
    generation_time_ms: r.generation_time_ms,
  };
  if (r.svg !== undefined && r.svg !== null) out.svg = r.svg;
  if (r.png !== undefined && r.png !== null) out.png = r.png;
  if (r.metadata) out.metadata = r.metadata as BarcodeResult extends { metadata?: infer M } ? M : never;
  return out;
}

function assemble(p: Prepared, native: NativeResult[], started: number): BatchResponse {
  const results = p.slots.map((slot, i): BarcodeResult => {
    const id = p.ids[i] ?? String(i);
    if (typeof slot === 'string') return { id, success: false, error: { code: 'INVALID_REQUEST', message: slot } };
    const r = native[slot];
    return r ? toResult(id, r) : { id, success: false, error: { code: 'INTERNAL', message: 'no result' } };
  });
  const successful = results.filter((r) => r.success).length;
  const total_time_ms = performance.now() - started;
  return {
    success: successful === results.length,
    results,
    summary: {
      total: results.length,
      successful,
      failed: results.length - successful,
      cached: results.filter((r) => r.success && r.cached).length,
      total_time_ms,
      average_time_ms: results.length ? total_time_ms / results.length : 0,
    },
  };
}

function checkBatchOptions(options: BatchOptions | undefined): void {
  const mc = options?.max_concurrent;
  if (mc !== undefined && (!Number.isInteger(mc) || mc < 1 || mc > MAX_CONCURRENT)) {
    throw new TypeError(`max_concurrent must be a whole number from 1 to ${MAX_CONCURRENT}, got ${mc}`);
  }
}

/**
 * Renders up to `batch_max_items` items concurrently on native threads.
 * A bad item fails only its own result; a malformed call throws a TypeError.
 */
export async function renderBatch(items: BarcodeRequest[], options?: BatchOptions): Promise<BatchResponse> {
  const started = performance.now();
  checkBatchOptions(options);
  const p = prepare(items, settings.batchMaxItems);
  const out = p.toNative.length
    ? await native.renderBatchAsync(p.toNative, options?.max_concurrent, options?.include_metadata)
    : [];
  return assemble(p, out, started);
}

/** The synchronous twin of `renderBatch`: same results, on the calling thread. */
export function renderBatchSync(items: BarcodeRequest[], options?: BatchOptions): BatchResponse {
  const started = performance.now();
  checkBatchOptions(options);
  const p = prepare(items, settings.batchMaxItems);
  const out = p.toNative.length
    ? native.renderBatchSync(p.toNative, options?.max_concurrent, options?.include_metadata)
    : [];
  return assemble(p, out, started);
}

/** Renders one item off the event loop; metadata is always included. */
export async function render(item: BarcodeRequest): Promise<BarcodeResult> {
  const res = await renderBatch([item], { max_concurrent: 1, include_metadata: true });
  return res.results[0] as BarcodeResult;
}

/** Renders one item on the calling thread; metadata is always included. */
export function renderSync(item: BarcodeRequest): BarcodeResult {
  const res = renderBatchSync([item], { max_concurrent: 1, include_metadata: true });
  return res.results[0] as BarcodeResult;
}
