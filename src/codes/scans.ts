/**
 * Scans are written in batches, off the redirect's path: `record` only
 * appends to a buffer, which is written every `flushMs` or when it holds
 * `flushRows` scans, and once more on close. The visitor's address lives in
 * memory until its batch is written, as a salted hash (the salt is the UTC
 * day's, kept in the database so every gateway counts the same visitor once).
 * A database that fails keeps the batch for the next try, up to `maxPending`
 * scans; beyond that the oldest are dropped and the count is logged.
 */
import { randomBytes } from 'node:crypto';
import type { ScansTable } from './db/tables.js';
import type { CodeStore } from './store.js';
import { utcDay, visitorHash, type Agent } from './visitors.js';

export interface Scan {
  codeId: string;
  at: number;
  address: string;
  userAgent: string | undefined;
  agent: Agent;
  referrer: string;
}

export interface RecorderOptions {
  flushMs: number;
  flushRows: number;
  maxPending: number;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

export class ScanRecorder {
  private pending: Scan[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly salts = new Map<string, string>();
  /** People scans per code recorded and not yet written (the redirect cache adds them to what it reads). */
  private readonly unwrittenScans = new Map<string, number>();
  private dropped = 0;

  constructor(
    private readonly store: CodeStore,
    private readonly opts: RecorderOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), opts.flushMs);
    this.timer.unref();
  }

  record(scan: Scan): void {
    this.pending.push(scan);
    if (!scan.agent.bot) this.count(scan.codeId, 1);
    if (this.pending.length >= this.opts.flushRows && !this.flushing) void this.flush();
  }

  /** Scans recorded and not yet written. */
  get backlog(): number {
    return this.pending.length;
  }

  /** People scans of `codeId` recorded and not yet written. */
  unwritten(codeId: string): number {
    return this.unwrittenScans.get(codeId) ?? 0;
  }

  private count(codeId: string, n: number): void {
    const now = (this.unwrittenScans.get(codeId) ?? 0) + n;
    if (now > 0) this.unwrittenScans.set(codeId, now);
    else this.unwrittenScans.delete(codeId);
  }

  /** Writes what is buffered; one write at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** The salts of the batch's days (one, or two across midnight); earlier days' are forgotten. */
  private async saltsFor(days: Set<string>): Promise<Map<string, string>> {
    for (const day of days) {
      if (!this.salts.has(day)) this.salts.set(day, await this.store.salt(day, randomBytes(16).toString('hex')));
    }
    for (const day of this.salts.keys()) if (!days.has(day)) this.salts.delete(day);
    return this.salts;
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const rows: ScansTable[] = [];
        const counts = new Map<string, number>();
        const days = batch.map((s) => utcDay(s.at));
        const salts = await this.saltsFor(new Set(days));
        for (const [i, s] of batch.entries()) {
          rows.push({
            code_id: s.codeId,
            at: s.at,
            visitor: visitorHash(salts.get(days[i]!)!, s.address, s.userAgent),
            device: s.agent.device,
            os: s.agent.os,
            browser: s.agent.browser,
            referrer: s.referrer,
            bot: s.agent.bot ? 1 : 0,
          });
          if (!s.agent.bot) counts.set(s.codeId, (counts.get(s.codeId) ?? 0) + 1);
        }
        await this.store.addScans(rows, counts);
        for (const [id, n] of counts) this.count(id, -n);
      } catch (err) {
        // Keep the batch for the next tick, in front of what came meanwhile, within the bound.
        this.pending = [...batch, ...this.pending];
        const over = this.pending.length - this.opts.maxPending;
        if (over > 0) {
          for (const s of this.pending.splice(0, over)) if (!s.agent.bot) this.count(s.codeId, -1);
          this.dropped += over;
        }
        this.opts.log(
          'error',
          `could not write ${batch.length} scans; kept for the next try (${this.dropped} dropped so far)`,
          err,
        );
        return;
      }
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.length > 0) await this.flush();
  }
}
