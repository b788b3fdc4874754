/**
 * A call's items checked one by one before they cross to the native side:
 * an item that fails validation fails alone, with the field named; a
 * malformed call throws a `BatchcodeError`.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { canonicalCase } from './case.js';
import { toHex } from './colours.js';
import { BatchcodeError } from './errors.js';
import { typeboxMessage } from './messages.js';
import type { NativeRequest } from './native.js';
import { describeProblem, encodePayload } from './payloads/index.js';
import { BarcodeRequest, BatchOptions, TextRequest, type BarcodeFailure, type RenderOptions } from './schema.js';
import { batchMaxItems, digitalLinkResolver } from './settings.js';

/** The item as given (data as text or a payload object), worded as the HTTP routes word it. */
const checkGiven = TypeCompiler.Compile(BarcodeRequest);
/** The item once its payload is text: what the native side receives. */
const checkRequest = TypeCompiler.Compile(TextRequest);

/**
 * An item whose `data` is a payload helper's object, with that object
 * encoded to its standard string; any other item as it is; or the payload's
 * problem, naming the field (`data.wifi.ssid must be …`).
 */
function withPayload(item: unknown): { item: unknown } | { problem: string } {
  const data = (item as { data?: unknown } | null)?.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { item };
  const encoded = encodePayload(data);
  return encoded.ok ? { item: { ...(item as object), data: encoded.data } } : { problem: describeProblem(encoded) };
}

/** An item that failed schema validation: the message names the field. */
function schemaError(item: unknown): string | undefined {
  if (checkRequest.Check(item)) {
    // UTF-8 cannot carry an unpaired surrogate; converting it would change the data silently.
    const data = (item as TextRequest).data;
    return data.isWellFormed() ? undefined : 'data must be well-formed Unicode; got an unpaired UTF-16 surrogate';
  }
  const first = checkRequest.Errors(item).First();
  return first ? typeboxMessage(first, '', 'item') : 'item is invalid';
}

/** Options as the core takes them: colour names as hex, and the configured resolver where a Digital Link names none. */
function nativeOptions(type: string, o: RenderOptions | undefined): RenderOptions | undefined {
  const resolver = type === 'gs1_digital_link' && o?.resolver === undefined ? digitalLinkResolver() : undefined;
  if (resolver !== undefined) o = { ...o, resolver };
  if (!o || (o.foreground === undefined && o.background === undefined)) return o;
  const out = { ...o };
  if (out.foreground !== undefined) out.foreground = toHex(out.foreground);
  if (out.background !== undefined) out.background = toHex(out.background);
  return out;
}

export interface Prepared {
  /** When the call began (`performance.now()`), for the summary's times. */
  started: number;
  ids: string[];
  /** Position among the native items of each item, or its validation error. */
  slots: (number | string)[];
  /** How many items go to the native side, and they as a JSON array. */
  nativeCount: number;
  itemsJson: string;
  maxConcurrent?: number;
  includeMetadata?: boolean;
}

export function invalidResult(id: string, message: string): BarcodeFailure {
  return { id, success: false, error: { code: 'INVALID_REQUEST', message } };
}

const checkOptions = TypeCompiler.Compile(BatchOptions);

/** The batch options: an object of known keys, each in range, or nothing. */
function checkBatchOptions(options: unknown): void {
  if (options === undefined || checkOptions.Check(options)) return;
  const first = checkOptions.Errors(options).First();
  throw new BatchcodeError(
    'INVALID_BATCH_OPTION',
    first ? typeboxMessage(first, 'options', 'options') : 'options must be an object',
  );
}

export function prepare(items: unknown, options: BatchOptions | undefined): Prepared {
  const started = performance.now();
  checkBatchOptions(options);
  if (!Array.isArray(items)) throw new BatchcodeError('INVALID_ITEMS', 'items must be an array of barcode requests');
  const maxItems = batchMaxItems();
  if (items.length > maxItems) {
    throw new BatchcodeError(
      'TOO_MANY_ITEMS',
      `a batch holds at most ${maxItems} items (batch_max_items); got ${items.length}`,
    );
  }
  const { ids, slots, toNative } = prepareItems(items);
  return {
    started,
    ids,
    slots,
    nativeCount: toNative.length,
    // One string crosses napi far cheaper than hundreds of object properties.
    itemsJson: JSON.stringify(toNative),
    maxConcurrent: options?.max_concurrent,
    includeMetadata: options?.include_metadata,
  };
}

/** Items as the native side takes them: each one's id, and its position among `toNative` or its validation error. */
export function prepareItems(items: unknown[]): {
  ids: string[];
  slots: (number | string)[];
  toNative: NativeRequest[];
} {
  const seen = new Map<string, number>();
  const ids: string[] = [];
  const slots: (number | string)[] = [];
  const toNative: NativeRequest[] = [];
  items.forEach((raw: unknown, index) => {
    const item = canonicalCase(raw, BarcodeRequest);
    const given = (item as { id?: unknown } | null)?.id;
    const id = typeof given === 'string' && given.length > 0 ? given : String(index);
    if (typeof given === 'string') {
      const before = seen.get(given);
      if (before !== undefined) {
        throw new BatchcodeError(
          'DUPLICATE_ID',
          `items[${index}].id ${JSON.stringify(given)} is already used by items[${before}]; ids must be unique within a batch`,
        );
      }
      seen.set(given, index);
    }
    ids.push(id);
    // Text data is checked once, below, as the native side takes it; a payload object is checked as given first.
    if (typeof (item as { data?: unknown } | null)?.data !== 'string' && !checkGiven.Check(item)) {
      const first = checkGiven.Errors(item).First();
      slots.push(first ? typeboxMessage(first, '', 'item') : 'item is invalid');
      return;
    }
    const resolved = withPayload(item);
    if ('problem' in resolved) {
      slots.push(resolved.problem);
      return;
    }
    const error = schemaError(resolved.item);
    if (error) {
      slots.push(error);
      return;
    }
    const req = resolved.item as TextRequest;
    slots.push(toNative.length);
    toNative.push({
      barcode_type: req.barcode_type,
      data: req.data,
      format: req.format,
      options: nativeOptions(req.barcode_type, req.options),
    });
  });
  return { ids, slots, toNative };
}

/** The summary of `total` results of the call `p`. */
export function summarise(p: Prepared, total: number, successful: number, cached: number) {
  const total_time_ms = performance.now() - p.started;
  return {
    total,
    successful,
    failed: total - successful,
    cached,
    total_time_ms,
    average_time_ms: total ? total_time_ms / total : 0,
  };
}
