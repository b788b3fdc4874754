/**
 * `renderBatchJson`: a batch answered as the JSON bytes of a `BatchResponse`
 * with PNGs as base64, the HTTP shape. The native threads write each
 * result's JSON while they render, so a server sends the bytes as they are
 * instead of building objects and stringifying ~2 KB per code on its event
 * loop.
 */
import { splitSignal, withSignal, type BatchCallOptions } from './abort.js';
import { native, type NativeJsonBatch } from './native.js';
import { invalidResult, prepare, summarise, type Prepared } from './prepare.js';
import type { BarcodeRequest } from './schema.js';

const COMMA = Buffer.from(',');
const NONE: NativeJsonBatch = { json: Buffer.alloc(0), ends: [], successful: 0, cached: 0 };

/** The ids of the items that reach the native side, as JSON strings. */
function nativeIds(p: Prepared): string[] {
  return p.slots.flatMap((slot, i) => (typeof slot === 'number' ? [JSON.stringify(p.ids[i])] : []));
}

function assembleJson(p: Prepared, out: NativeJsonBatch): Buffer {
  const total = p.slots.length;
  const parts: Buffer[] = [];
  if (out.ends.length === total) {
    parts.push(out.json);
  } else {
    // Items that failed validation never reached the native side: splice their results in.
    p.slots.forEach((slot, i) => {
      if (i > 0) parts.push(COMMA);
      if (typeof slot === 'string') {
        parts.push(Buffer.from(JSON.stringify(invalidResult(p.ids[i] ?? String(i), slot))));
      } else {
        parts.push(out.json.subarray(slot === 0 ? 0 : (out.ends[slot - 1] ?? 0) + 1, out.ends[slot]));
      }
    });
  }
  const summary = summarise(p, total, out.successful, out.cached);
  const head = `{"success":${out.successful === total},"results":[`;
  const tail = `],"summary":${JSON.stringify(summary)}}`;
  return Buffer.concat([Buffer.from(head), ...parts, Buffer.from(tail)]);
}

/**
 * As `renderBatch`, resolving with the response as UTF-8 JSON bytes; PNGs
 * are base64 text in `png`, as the HTTP API sends them. `signal` as for `renderBatch`.
 */
export async function renderBatchJson(items: BarcodeRequest[], options?: BatchCallOptions): Promise<Buffer> {
  const { options: batch, signal } = splitSignal(options);
  const p = prepare(items, batch);
  const ids = nativeIds(p);
  return withSignal(signal, async (token) =>
    assembleJson(
      p,
      p.nativeCount
        ? await native.renderBatchJsonAsync(p.itemsJson, ids, p.maxConcurrent, p.includeMetadata, token)
        : NONE,
    ),
  );
}

/** The synchronous twin of `renderBatchJson`; an aborted `signal` throws before it starts. */
export function renderBatchJsonSync(items: BarcodeRequest[], options?: BatchCallOptions): Buffer {
  const { options: batch, signal } = splitSignal(options);
  signal?.throwIfAborted();
  const p = prepare(items, batch);
  const ids = nativeIds(p);
  return assembleJson(
    p,
    p.nativeCount ? native.renderBatchJsonSync(p.itemsJson, ids, p.maxConcurrent, p.includeMetadata) : NONE,
  );
}
