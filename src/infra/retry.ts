/**
 * The one retry loop: a bulk batch (runner) and a whole in-process job
 * (InProcessQueue) both retry with exponential backoff through it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Tries in all, the first included (1 = no retry). */
  attempts: number;
  /** Wait before the second try; it doubles before each later one. */
  backoffMs: number;
  /** Asked before each wait and each retry: true gives up at once with the last error. */
  shouldStop?: () => boolean;
  /** Told of each failed try, the last one included. */
  onError?: (err: unknown, attempt: number) => void;
}

/** The delay before try `attempt + 1`. */
export const backoffDelay = (backoffMs: number, attempt: number): number => backoffMs * 2 ** (attempt - 1);

/** Runs `fn` until it resolves, or rethrows its last error once the tries are spent or `shouldStop()` holds. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      opts.onError?.(err, attempt);
      if (attempt >= opts.attempts || opts.shouldStop?.()) throw err;
      await sleep(backoffDelay(opts.backoffMs, attempt));
      if (opts.shouldStop?.()) throw err;
    }
  }
}
