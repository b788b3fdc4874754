/** The stats of one code over a range: the range read from the query, the counts shaped for the API. */
import { CodeInputError } from './errors.js';
import { MAX_STATS_DAYS, MAX_STATS_HOURS, type CodeStats, type Interval, type StatsQuery } from './schema.js';
import type { CodeStore } from './store.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Without `from`: the last 30 days, or the last 48 hours by the hour. */
const DEFAULT_SPAN: Record<Interval, number> = { day: 30 * DAY_MS, hour: 48 * HOUR_MS };
const MAX_SPAN: Record<Interval, number> = { day: MAX_STATS_DAYS * DAY_MS, hour: MAX_STATS_HOURS * HOUR_MS };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** True when the text's YYYY-MM-DD is a day of the calendar (Date.parse takes 2026-02-30 as March 2). */
function realDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** A date is its UTC midnight; as `to`, the midnight after it (the day is included). */
function instant(text: string, field: 'from' | 'to'): number {
  const ms = DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) : INSTANT.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms) || !realDay(text)) {
    throw new CodeInputError(
      field,
      `must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T12:00:00Z); got "${text.slice(0, 40)}"`,
    );
  }
  return DATE.test(text) && field === 'to' ? ms + DAY_MS : ms;
}

export interface StatsRange {
  from: number;
  to: number;
  interval: Interval;
  bucketMs: number;
}

export function statsRange(query: StatsQuery, now: number): StatsRange {
  const interval = query.interval ?? 'day';
  const bucketMs = interval === 'day' ? DAY_MS : HOUR_MS;
  // The range ends after this millisecond: a scan made just now is in it.
  const to = query.to !== undefined ? instant(query.to, 'to') : now + 1;
  const from = query.from !== undefined ? instant(query.from, 'from') : to - DEFAULT_SPAN[interval];
  if (from >= to) throw new CodeInputError('from', 'must be before to');
  if (to - from > MAX_SPAN[interval]) {
    const most = interval === 'day' ? `${MAX_STATS_DAYS} days` : `${MAX_STATS_HOURS} hours`;
    throw new CodeInputError('to', `the range is at most ${most} with interval=${interval}`);
  }
  return { from, to, interval, bucketMs };
}

const ranked = (counts: Record<string, number>, blank = '') =>
  Object.entries(counts)
    .map(([name, scans]) => ({ name: name || blank, scans }))
    .sort((a, b) => b.scans - a.scans || a.name.localeCompare(b.name));

export async function codeStats(store: CodeStore, codeId: string, range: StatsRange): Promise<CodeStats> {
  const t = await store.scanTotals(codeId, range.from, range.to, range.bucketMs);
  const byBucket = new Map(t.series.map((b) => [b.bucket, b]));
  const series: CodeStats['series'] = [];
  // Every bucket of the range, empty ones included, so that a chart needs no gap filling.
  for (let b = Math.floor(range.from / range.bucketMs); b * range.bucketMs < range.to; b++) {
    const found = byBucket.get(b);
    series.push({
      start: new Date(b * range.bucketMs).toISOString(),
      scans: found?.scans ?? 0,
      unique: found?.unique ?? 0,
    });
  }
  return {
    code_id: codeId,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    interval: range.interval,
    total: t.total,
    unique: t.unique,
    bots: t.bots,
    series,
    devices: {
      ios: t.devices.ios ?? 0,
      android: t.devices.android ?? 0,
      desktop: t.devices.desktop ?? 0,
      other: t.devices.other ?? 0,
    },
    os: ranked(t.os),
    browsers: ranked(t.browsers),
    referrers: ranked(t.referrers, '(direct)'),
  };
}
