/**
 * A tiny benchmark harness: every contender renders the same inputs in the
 * same process, several rounds each, interleaved; we report medians.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Contender {
  name: string;
  /** Renders `inputs` once; returns how many codes it made. */
  run(inputs: string[]): Promise<number> | number;
}

export interface Row {
  name: string;
  perSecond: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** The shortest timed round, in seconds (`BENCH_MIN_ROUND_MS`, default 300). */
const MIN_ROUND_S = Number(process.env.BENCH_MIN_ROUND_MS ?? 300) / 1000;

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Starts each contender on a clean heap, so none pays for the garbage of the
 * one before: node-qrcode leaves zlib streams whose native memory is freed
 * asynchronously and triggers full collections for a while afterwards (the
 * scripts run node with --expose-gc).
 */
async function settle(): Promise<void> {
  gc?.();
  await sleep(200);
  gc?.();
}

export async function measure(contenders: Contender[], inputs: string[], rounds: number): Promise<Row[]> {
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) await c.run(inputs.slice(0, 20)); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      await settle();
      const start = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
      // A round runs its inputs again until it has lasted MIN_ROUND_S: this VM's
      // cores come back slowly from settle()'s sleep, which would otherwise
      // weigh on the fast contenders' short rounds only.
      let made = 0;
      do made += await c.run(inputs);
      while (elapsed() < MIN_ROUND_S);
      rates.get(c.name)?.push(made / elapsed());
    }
  }
  return contenders.map((c) => ({ name: c.name, perSecond: median(rates.get(c.name) ?? []) }));
}

export function printTable(title: string, rows: Row[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline)?.perSecond ?? NaN;
  console.log(`\n${title}`);
  console.log('| contender | codes/s (median) | vs ' + baseline + ' |');
  console.log('|---|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${(r.perSecond / base).toFixed(1)}x |`,
    );
  }
}

/** ~50-character URLs, all distinct, so no cache can help. */
export function urls(n: number, salt = ''): string[] {
  return Array.from(
    { length: n },
    (_, i) => `https://example.com/p/${salt}${String(i).padStart(8, '0')}?ref=batch&v=2`,
  );
}
