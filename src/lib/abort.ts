/**
 * `signal` in a batch call's options, as `fetch` takes one: an aborted
 * signal stops the native batch (items not started are not rendered) and
 * the call rejects with the signal's reason, an `AbortError` unless the
 * caller gave another. `signal` is not part of the `BatchOptions` schema,
 * which the HTTP API shares: it is split off before the options are checked.
 */
import { BatchcodeError } from './errors.js';
import { native, type CancelToken } from './native.js';
import type { BatchOptions } from './schema.js';

/** What a call takes beside the batch options. */
export interface CallOptions {
  /** Stops the call: it rejects with `signal.reason`. Sync twins only check it before they start. */
  signal?: AbortSignal;
}

export type BatchCallOptions = BatchOptions & CallOptions;

/** The batch options without `signal`, and the signal checked; anything else is left for `prepare` to judge. */
export function splitSignal(options: BatchCallOptions | undefined): {
  options: BatchOptions | undefined;
  signal: AbortSignal | undefined;
} {
  if (options === null || typeof options !== 'object' || !('signal' in options)) {
    return { options, signal: undefined };
  }
  const { signal, ...rest } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new BatchcodeError('INVALID_BATCH_OPTION', 'options.signal must be an AbortSignal');
  }
  return { options: rest, signal };
}

/**
 * Runs `work` with a native cancel token that `signal` cancels. Once the
 * signal has fired, the call rejects with its reason at once, whether the
 * native batch has seen the flag yet or not: its threads stop at their next item.
 */
export async function withSignal<T>(
  signal: AbortSignal | undefined,
  work: (token: CancelToken | undefined) => Promise<T>,
): Promise<T> {
  if (!signal) return work(undefined);
  signal.throwIfAborted();
  const token = new native.CancelToken();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      token.cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const running = work(token);
  // The native side rejects with CANCELLED after the abort; that late rejection is expected.
  running.catch(() => {});
  try {
    return await Promise.race([running, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
