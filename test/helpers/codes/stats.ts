/** Scan statistics: per day and hour, device, OS, browser and referrer, bots apart. */
import type { Test } from 'tap';
import { api, create, type Stats, type StoreHarness, UA, utcDay, visit } from './harness.js';

export function statsContract(t: Test, h: StoreHarness): void {
  t.test('should count scans per day, device, OS, browser and referrer, with bots apart', async (t) => {
    const app = await h.gateway(t);
    const code = await create(app, { destination_url: 'https://example.com/stats' });
    const other = await create(app, { destination_url: 'https://example.com/not-this-one' });
    const hourOf = () => new Date().toISOString().slice(0, 13);
    const [dayBefore, hourBefore] = [utcDay(), hourOf()];
    const people: [string, string?][] = [
      [UA.iphoneSafari, 'https://news.example.org/article?id=1'],
      [UA.iphoneSafari],
      [UA.androidChrome, 'https://social.example.net/'],
      [UA.windowsChrome, 'https://NEWS.example.org/other'],
      [UA.playstation],
    ];
    for (const [ua, referer] of people) {
      t.equal((await visit(app, code.slug, ua, referer ? { referer } : {})).statusCode, 302);
    }
    for (const ua of [UA.googlebot, UA.facebook, UA.curl, UA.whatsapp]) {
      t.equal((await visit(app, code.slug, ua)).statusCode, 302, 'bots are redirected too');
    }
    for (let i = 0; i < 3; i++) await visit(app, code.slug, UA.iphoneSafari, { method: 'HEAD' });
    await visit(app, other.slug, UA.iphoneSafari);
    const [dayAfter, hourAfter] = [utcDay(), hourOf()];
    // The scans took milliseconds; should they straddle midnight or an hour, the bucket checks are skipped.

    const res = await api(app, 'GET', `/api/codes/${code.id}/stats`);
    t.equal(res.statusCode, 200, res.body);
    const s = res.json() as Stats;
    t.equal(s.code_id, code.id);
    t.equal(s.interval, 'day');
    t.equal(s.total, 5, 'people only, GETs only');
    t.equal(s.unique, 4, 'the same phone twice is one visitor');
    t.equal(s.bots, 4);
    t.same(s.devices, { ios: 2, android: 1, desktop: 1, other: 1 });
    t.same(s.os, [
      { name: 'iOS', scans: 2 },
      { name: 'Android', scans: 1 },
      { name: 'Other', scans: 1 },
      { name: 'Windows', scans: 1 },
    ]);
    t.same(s.browsers, [
      { name: 'Chrome', scans: 2 },
      { name: 'Safari', scans: 2 },
      { name: 'Other', scans: 1 },
    ]);
    t.same(s.referrers, [
      { name: '(direct)', scans: 2 },
      { name: 'news.example.org', scans: 2 },
      { name: 'social.example.net', scans: 1 },
    ]);
    t.ok(s.series.length >= 30 && s.series.length <= 31, `30 days by default (${s.series.length} buckets)`);
    t.equal(
      s.series.reduce((n, b) => n + b.scans, 0),
      5,
      'every scan in one bucket of the series',
    );
    for (const b of s.series) t.match(b.start, /T00:00:00\.000Z$/);
    if (dayBefore === dayAfter) {
      const today = s.series.find((b) => b.start.startsWith(dayAfter));
      t.same(today, { start: `${dayAfter}T00:00:00.000Z`, scans: 5, unique: 4 }, "today's bucket");
      t.equal(s.series.at(-1), today, 'the last bucket is today');
    }
    t.equal((await api(app, 'GET', `/api/codes/${code.id}`)).json().scans, 5, "the code's scans: people only");
    t.equal((await api(app, 'GET', `/api/codes/${other.id}/stats`)).json().total, 1, 'each code its own');

    const hourly = (await api(app, 'GET', `/api/codes/${code.id}/stats?interval=hour`)).json() as Stats;
    t.equal(hourly.interval, 'hour');
    t.equal(hourly.total, 5);
    t.ok(hourly.series.length >= 48 && hourly.series.length <= 49, `48 hours (${hourly.series.length})`);
    for (const b of hourly.series) t.match(b.start, /:00:00\.000Z$/);
    t.equal(
      hourly.series.reduce((n, b) => n + b.scans, 0),
      5,
    );
    if (hourBefore === hourAfter) {
      t.same(hourly.series.at(-1), { start: `${hourAfter}:00:00.000Z`, scans: 5, unique: 4 }, "this hour's bucket");
    }

    const day = (await api(app, 'GET', `/api/codes/${code.id}/stats?from=${dayAfter}&to=${dayAfter}`)).json() as Stats;
    t.equal(day.series.length, 1, 'to is a whole day, included');
    t.equal(day.from, `${dayAfter}T00:00:00.000Z`);
    if (dayBefore === dayAfter) t.equal(day.total, 5);
    const tomorrow = utcDay(Date.now() + 86_400_000);
    const none = (await api(app, 'GET', `/api/codes/${code.id}/stats?from=${tomorrow}`)).json();
    t.equal(none.statusCode, 400, 'from after now without to');
    const later = (await api(app, 'GET', `/api/codes/${code.id}/stats?from=${tomorrow}&to=${tomorrow}`)).json();
    t.match(later, { total: 0, unique: 0, bots: 0, devices: { ios: 0, android: 0, desktop: 0, other: 0 } });
    const instant = (
      await api(
        app,
        'GET',
        `/api/codes/${code.id}/stats?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&interval=hour`,
      )
    ).json() as Stats;
    t.equal(instant.total, 5, 'RFC 3339 from and to');

    for (const [query, field] of [
      ['from=yesterday', /^from must be a date/],
      ['to=2026-13-01', /^to must be a date/],
      ['from=2026-02-30', /^from must be a date/],
      ['from=2026-01-01T25:00:00Z', /^from must be a date/],
      ['from=01%2F02%2F2026', /^from must be a date/],
      ['from=2026-05-01&to=2026-04-01', /^from must be before to/],
      ['from=2026-05-01&to=2026-05-01T00:00:00Z', /^from must be before to/],
      ['from=2020-01-01&to=2021-06-01', /^to the range is at most 366 days with interval=day/],
      ['from=2026-01-01&to=2026-03-01&interval=hour', /^to the range is at most 744 hours with interval=hour/],
      ['interval=week', /^querystring\.interval /],
    ] as const) {
      const bad = await api(app, 'GET', `/api/codes/${code.id}/stats?${query}`);
      t.equal(bad.statusCode, 400, query);
      t.match(bad.json().message, field, `${query}: ${bad.json().message}`);
    }
    const year = await api(app, 'GET', `/api/codes/${code.id}/stats?from=2025-01-01&to=2025-12-31`);
    t.equal(year.statusCode, 200, 'a whole year is within the range');
    t.equal(year.json().series.length, 365);
  });
}
