/**
 * Counting renders: each item the cache misses is one render started, so a
 * test can say "it stopped" as a count, never as a time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheStats, type BarcodeRequest } from '../../src/lib/index.js';

export const renders = (): number => cacheStats().misses;

/** Resolves once `n` more renders have started than at `from`. */
export async function rendersPast(from: number, n: number): Promise<void> {
  while (renders() - from < n) await sleep(1);
}

/** Waits until no render has started for 150 ms, and returns the count then. */
export async function settled(): Promise<number> {
  let last = renders();
  for (;;) {
    await sleep(150);
    const now = renders();
    if (now === last) return now;
    last = now;
  }
}

/** `n` QR codes that take a few milliseconds each, none of them cached. */
export function largeCodes(tag: string, n = 100): BarcodeRequest[] {
  const run = `${tag} ${process.hrtime.bigint()}`;
  return Array.from({ length: n }, (_, i) => ({
    barcode_type: 'qr',
    data: `${run} ${i} ${'z'.repeat(600)}`,
    format: 'png',
    options: { width: 2000 },
  }));
}
