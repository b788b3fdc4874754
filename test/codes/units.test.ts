/**
 * The dynamic-code domain's parts on their own: visitor classification,
 * slugs, destinations, stats ranges, migrations and the scan recorder (over
 * a real SQLite file; a store that fails is the real one with its write
 * refused).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import t, { type Test } from 'tap';
import { CodeInputError } from '../../src/codes/errors.js';
import { openDatabase } from '../../src/codes/db/connect.js';
import { migrate, MIGRATION_TABLE } from '../../src/codes/db/migrations.js';
import type { ScansTable } from '../../src/codes/db/tables.js';
import { ScanRecorder, type Scan } from '../../src/codes/scans.js';
import { checkAlias, randomSlug, RANDOM_SLUG_LENGTH } from '../../src/codes/slug.js';
import { DAY_MS, HOUR_MS, statsRange } from '../../src/codes/stats.js';
import { CodeStore } from '../../src/codes/store.js';
import { destinationProblem } from '../../src/codes/url.js';
import { classify, referrerHost, visitorHash } from '../../src/codes/visitors.js';
import { UA } from '../helpers/codes/harness.js';

t.test('should classify real user agents by device, OS, browser and bot', async (t) => {
  const table: [string, string | undefined, { device: string; os: string; browser: string; bot: boolean }][] = [
    ['iPhone Safari', UA.iphoneSafari, { device: 'ios', os: 'iOS', browser: 'Safari', bot: false }],
    ['iPhone Chrome', UA.iphoneChrome, { device: 'ios', os: 'iOS', browser: 'Chrome', bot: false }],
    ['iPad', UA.ipad, { device: 'ios', os: 'iOS', browser: 'Safari', bot: false }],
    ['iPad as a Mac', UA.ipadDesktopMode, { device: 'ios', os: 'macOS', browser: 'Safari', bot: false }],
    ['Android Chrome', UA.androidChrome, { device: 'android', os: 'Android', browser: 'Chrome', bot: false }],
    ['Samsung Internet', UA.samsung, { device: 'android', os: 'Android', browser: 'Samsung Internet', bot: false }],
    ['Windows Edge', UA.windowsEdge, { device: 'desktop', os: 'Windows', browser: 'Edge', bot: false }],
    ['Windows Chrome', UA.windowsChrome, { device: 'desktop', os: 'Windows', browser: 'Chrome', bot: false }],
    ['Windows Firefox', UA.windowsFirefox, { device: 'desktop', os: 'Windows', browser: 'Firefox', bot: false }],
    ['macOS Safari', UA.macSafari, { device: 'desktop', os: 'macOS', browser: 'Safari', bot: false }],
    ['Linux Firefox', UA.linuxFirefox, { device: 'desktop', os: 'Linux', browser: 'Firefox', bot: false }],
    [
      'a CUBOT phone (a maker, not a crawler)',
      'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      { device: 'android', os: 'Android', browser: 'Chrome', bot: false },
    ],
    ['PlayStation', UA.playstation, { device: 'other', os: 'Other', browser: 'Other', bot: false }],
    ['Googlebot', UA.googlebot, { device: 'other', os: 'Other', browser: 'Other', bot: true }],
    [
      'Googlebot smartphone',
      UA.googlebotSmartphone,
      { device: 'android', os: 'Android', browser: 'Chrome', bot: true },
    ],
    ['facebookexternalhit', UA.facebook, { device: 'other', os: 'Other', browser: 'Other', bot: true }],
    ['WhatsApp preview', UA.whatsapp, { device: 'other', os: 'Other', browser: 'Other', bot: true }],
    ['curl', UA.curl, { device: 'other', os: 'Other', browser: 'Other', bot: true }],
    ['empty', '', { device: 'other', os: 'Other', browser: 'Other', bot: true }],
    ['none', undefined, { device: 'other', os: 'Other', browser: 'Other', bot: true }],
  ];
  for (const [name, ua, expected] of table) {
    t.same(classify(ua), expected, name);
    t.same(classify(ua), expected, `${name}, from the cache`);
  }
  const long = `${UA.iphoneSafari}${' padding'.repeat(200)} Googlebot/2.1`;
  t.equal(classify(long).bot, false, 'only the first 512 characters are read');
});

t.test("should keep only the referrer's host, lower-case", async (t) => {
  for (const [referer, host] of [
    ['https://News.Example.org/article?id=1#top', 'news.example.org'],
    ['http://user:secret@host.example:8080/x', 'host.example'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['http://[::1]:3000/', '[::1]'],
    ['https://bücher.example/', 'xn--bcher-kva.example'],
    ['not a url', ''],
    ['/relative', ''],
    ['', ''],
    [undefined, ''],
    [`https://example.com/${'a'.repeat(2100)}`, ''],
  ] as const) {
    t.equal(referrerHost(referer), host, String(referer).slice(0, 60));
  }
});

t.test("should hash a visitor per day's salt, without the address in it", async (t) => {
  const a = visitorHash('salt-1', '203.0.113.7', UA.iphoneSafari);
  t.match(a, /^[0-9a-f]{16}$/);
  t.equal(visitorHash('salt-1', '203.0.113.7', UA.iphoneSafari), a, 'the same visitor on the same day');
  t.not(visitorHash('salt-2', '203.0.113.7', UA.iphoneSafari), a, 'another day, another hash');
  t.not(visitorHash('salt-1', '203.0.113.8', UA.iphoneSafari), a, 'another address');
  t.not(visitorHash('salt-1', '203.0.113.7', UA.androidChrome), a, 'another device');
  t.not(visitorHash('salt-1203.0.113.7', '', UA.iphoneSafari), visitorHash('salt-1', '203.0.113.7', UA.iphoneSafari));
});

t.test('should draw random slugs of 8 characters from the whole alphabet, evenly', async (t) => {
  t.equal(RANDOM_SLUG_LENGTH, 8);
  const n = 10_000;
  const slugs = new Set<string>();
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const slug = randomSlug();
    if (!/^[A-Za-z0-9]{8}$/.test(slug)) t.fail(`bad slug ${slug}`);
    slugs.add(slug);
    for (const c of slug) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  t.equal(slugs.size, n, 'no slug twice in 10,000');
  t.equal(counts.size, 62, 'every letter and digit appears');
  // 80,000 characters over 62: about 1,290 each, with a standard deviation near 35.
  const expected = (n * 8) / 62;
  for (const [c, k] of counts)
    if (Math.abs(k - expected) > 300) t.fail(`"${c}" drawn ${k} times, expected ~${expected}`);
  t.equal(randomSlug(12).length, 12);
});

t.test('should refuse reserved aliases whatever their case', async (t) => {
  for (const word of ['api', 'API', 'Docs', 'health', 'robots.txt', 'favicon.ico']) {
    t.throws(() => checkAlias(word, 'alias'), CodeInputError, word);
  }
  t.equal(checkAlias('spring-sale', 'alias'), 'spring-sale');
  t.equal(checkAlias('apis', 'alias'), 'apis');
});

t.test('should accept absolute http(s) destinations only', async (t) => {
  for (const url of [
    'https://example.com',
    'http://example.com/path?q=1#frag',
    'https://例え.jp/メニュー',
    'https://127.0.0.1:8080/',
    'http://[2001:db8::1]/',
    'HTTPS://EXAMPLE.COM/UPPER',
    `https://example.com/${'a'.repeat(2048 - 20)}`,
  ]) {
    t.equal(destinationProblem(url), undefined, url.slice(0, 60));
  }
  for (const [url, problem] of [
    ['javascript:alert(1)', /"javascript:" is refused/],
    ['data:text/html,hi', /"data:" is refused/],
    ['ftp://example.com/', /"ftp:" is refused/],
    ['file:///etc/passwd', /"file:" is refused/],
    ['/relative', /absolute http\(s\) URL/],
    ['//example.com/', /absolute http\(s\) URL/],
    ['example.com', /absolute http\(s\) URL/],
    ['http://', /absolute http\(s\) URL/],
    ['https://example.com:99999/', /absolute http\(s\) URL/],
    ['https://user:pw@example.com/', /credentials/],
    ['https://user@example.com/', /credentials/],
    ['https://example.com/a b', /spaces or control characters/],
    ['https://example.com/\u0000', /spaces or control characters/],
    ['https://example.com/\u007f', /spaces or control characters/],
    [`https://example.com/${'a'.repeat(2049 - 20)}`, /is 2049 characters; at most 2048/],
    ['', /absolute http\(s\) URL/],
  ] as const) {
    t.match(destinationProblem(url), problem, url.slice(0, 60));
  }
});

t.test('should read stats ranges as dates or RFC 3339 times, the last day included', async (t) => {
  const now = Date.parse('2026-11-20T15:30:00Z');
  const iso = (r: { from: number; to: number }) => [new Date(r.from).toISOString(), new Date(r.to).toISOString()];

  const day = statsRange({ from: '2026-11-01', to: '2026-11-01' }, now);
  t.same(iso(day), ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'], 'a date as to is the whole day');
  t.match(day, { interval: 'day', bucketMs: DAY_MS });
  t.same(
    iso(statsRange({ from: '2026-11-01T12:00:00+02:00', to: '2026-11-01T18:30:15.250Z', interval: 'hour' }, now)),
    ['2026-11-01T10:00:00.000Z', '2026-11-01T18:30:15.250Z'],
    'times with their offsets',
  );
  // Without to, the range ends just after now: a scan of this very millisecond is in it.
  t.match(statsRange({ interval: 'hour' }, now), { from: now + 1 - 48 * HOUR_MS, to: now + 1, bucketMs: HOUR_MS });
  t.match(statsRange({}, now), { from: now + 1 - 30 * DAY_MS, to: now + 1, interval: 'day' });
  t.same(iso(statsRange({ from: '2026-11-19' }, now)), ['2026-11-19T00:00:00.000Z', '2026-11-20T15:30:00.001Z']);
  t.same(iso(statsRange({ from: '2024-02-29', to: '2024-02-29' }, now))[0], '2024-02-29T00:00:00.000Z', 'a leap day');
  t.ok(statsRange({ from: '2025-01-01', to: '2026-01-01' }, now), '366 days with the last one included');
  t.ok(statsRange({ from: '2026-01-01', to: '2026-01-31', interval: 'hour' }, now), '31 days by the hour');

  for (const [query, field, message] of [
    [{ from: 'yesterday' }, 'from', /must be a date/],
    [{ from: '2026-11-1' }, 'from', /must be a date/],
    [{ from: '2026/11/01' }, 'from', /must be a date/],
    [{ from: '01-11-2026' }, 'from', /must be a date/],
    [{ from: '2026-02-29' }, 'from', /must be a date/],
    [{ from: '2026-02-30' }, 'from', /must be a date/],
    [{ from: '2026-04-31' }, 'from', /must be a date/],
    [{ from: '2026-13-01' }, 'from', /must be a date/],
    [{ to: '2026-02-30T10:00:00Z' }, 'to', /must be a date/],
    [{ to: '2026-11-01T24:30:00Z' }, 'to', /must be a date/],
    [{ to: '2026-11-01T12:00:00' }, 'to', /must be a date/],
    [{ to: '2026-11-01T12:00:00+25:00' }, 'to', /must be a date/],
    [{ to: '1763000000000' }, 'to', /must be a date/],
    [{ to: '' }, 'to', /must be a date/],
    [{ from: '2026-11-02', to: '2026-11-01' }, 'from', /before to/],
    [{ from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'from', /before to/],
    [{ from: '2025-01-01', to: '2026-01-02' }, 'to', /at most 366 days/],
    [{ from: '2026-01-01', to: '2026-02-01', interval: 'hour' }, 'to', /at most 744 hours/],
  ] as const) {
    const label = JSON.stringify(query);
    try {
      statsRange(query, now);
      t.fail(`${label} was taken`);
    } catch (err) {
      t.type(err, CodeInputError, label);
      t.equal((err as CodeInputError).field, field, label);
      t.match((err as Error).message, message, label);
    }
  }
});

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'batchcode-units-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('should migrate a database once, and refuse one migrated by a newer release', async (t) => {
  const sqlitePath = join(tempDir(t), 'batchcode.db');
  const first = await openDatabase({ sqlitePath });
  await first.db
    .insertInto('codes')
    .values({
      id: 'c1',
      owner: 'o',
      slug: 'kept',
      destination_url: 'https://example.com/',
      title: '',
      tags: '[]',
      enabled: 1,
      expires_at: null,
      max_scans: null,
      rules: null,
      job_id: null,
      created_at: 1,
      updated_at: 1,
    })
    .execute();
  await first.close();

  const raw = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(sqlitePath) }) });
  t.same(await migrate(raw), [], 'a second run has nothing to do');
  await raw.destroy();
  const second = await openDatabase({ sqlitePath });
  t.equal((await second.db.selectFrom('codes').select('slug').executeTakeFirst())?.slug, 'kept', 'data kept');
  await second.close();

  const file = new SQLite(sqlitePath);
  const applied = file.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[];
  t.same(
    applied.map((r) => r.name),
    ['0001_codes_and_scans'],
    'each migration recorded once',
  );
  file.prepare(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`).run('9999_from_the_future', 'now');
  file.close();
  await t.rejects(
    openDatabase({ sqlitePath }),
    /database: .*9999_from_the_future/,
    'an unknown migration stops the start',
  );
});

const SCAN_DEFAULTS = { flushMs: 60_000, flushRows: 100_000, maxPending: 100_000 };

async function scanStore(t: Test, failures = 0) {
  const database = await openDatabase({ sqlitePath: join(tempDir(t), 'batchcode.db') });
  /** The real store, whose scan writes fail `failures` times first (a database that is down). */
  class FlakyStore extends CodeStore {
    failures = failures;
    override async addScans(scans: ScansTable[], counts: Map<string, number>): Promise<void> {
      if (this.failures > 0) {
        this.failures--;
        throw new Error('connection refused');
      }
      return super.addScans(scans, counts);
    }
  }
  const store = new FlakyStore(database);
  t.teardown(() => store.close());
  const now = Date.now();
  await store.insert([
    {
      id: 'code-1',
      owner: 'o',
      slug: 'scanned',
      destination_url: 'https://example.com/',
      title: '',
      tags: '[]',
      enabled: 1,
      expires_at: null,
      max_scans: null,
      rules: null,
      job_id: null,
      created_at: now,
      updated_at: now,
    },
  ]);
  const written = async () => (await store.scanTotals('code-1', 0, Date.now() + 1, DAY_MS)).total;
  const counted = async () => Number((await store.get('o', 'code-1'))!.scans);
  return { store, database, written, counted };
}

const scan = (ua: string, address = '203.0.113.7'): Scan => ({
  codeId: 'code-1',
  at: Date.now(),
  address,
  userAgent: ua,
  agent: classify(ua),
  referrer: '',
});

t.test('should write buffered scans on close, and no raw address', async (t) => {
  const { database, store, written, counted } = await scanStore(t);
  const recorder = new ScanRecorder(store, { ...SCAN_DEFAULTS, log: () => undefined });
  recorder.record(scan(UA.iphoneSafari));
  recorder.record(scan(UA.androidChrome, '198.51.100.23'));
  recorder.record(scan(UA.googlebot));
  t.equal(recorder.backlog, 3);
  t.equal(recorder.unwritten('code-1'), 2, 'people scans not yet written');
  t.equal(await written(), 0, 'nothing written before a flush');
  await recorder.close();
  t.equal(recorder.backlog, 0);
  t.equal(recorder.unwritten('code-1'), 0);
  t.equal(await written(), 2, 'people scans');
  t.equal(await counted(), 2, "the code's counter leaves the bot out");
  const rows = await database.db.selectFrom('scans').selectAll().execute();
  t.equal(rows.length, 3, 'the bot is stored apart');
  const text = JSON.stringify(rows);
  t.notOk(text.includes('203.0.113.7') || text.includes('198.51.100.23'), 'no address is stored');
  for (const r of rows) t.match(r.visitor, /^[0-9a-f]{16}$/);
});

t.test('should write when the buffer holds flushRows scans', async (t) => {
  const { store, written } = await scanStore(t);
  const recorder = new ScanRecorder(store, { ...SCAN_DEFAULTS, flushRows: 3, log: () => undefined });
  t.teardown(() => recorder.close());
  recorder.record(scan(UA.iphoneSafari));
  recorder.record(scan(UA.iphoneSafari));
  t.equal(recorder.backlog, 2);
  recorder.record(scan(UA.iphoneSafari));
  await recorder.flush();
  t.equal(await written(), 3);
});

t.test('should keep a batch the database refused and write it on the next try', async (t) => {
  const { store, written, counted } = await scanStore(t, 2);
  const logged: string[] = [];
  const recorder = new ScanRecorder(store, { ...SCAN_DEFAULTS, log: (_level, msg) => logged.push(msg) });
  recorder.record(scan(UA.iphoneSafari));
  recorder.record(scan(UA.androidChrome));
  await recorder.flush();
  t.equal(recorder.backlog, 2, 'kept after the first failure');
  t.match(logged[0], /could not write 2 scans; kept for the next try/);
  recorder.record(scan(UA.windowsChrome));
  await recorder.flush();
  t.equal(recorder.backlog, 3, 'kept after the second, with the one that came meanwhile');
  t.equal(recorder.unwritten('code-1'), 3);
  t.equal(await written(), 0);
  await recorder.close();
  t.equal(recorder.backlog, 0);
  t.equal(await written(), 3, 'all written once the database is back');
  t.equal(await counted(), 3, 'and counted once');
});

t.test('should drop the oldest scans beyond maxPending while the database is down', async (t) => {
  const { store, written, database } = await scanStore(t, 1);
  const logged: string[] = [];
  const recorder = new ScanRecorder(store, { ...SCAN_DEFAULTS, maxPending: 3, log: (_l, msg) => logged.push(msg) });
  for (const ua of [UA.iphoneSafari, UA.androidChrome, UA.windowsChrome, UA.macSafari, UA.linuxFirefox]) {
    recorder.record(scan(ua));
  }
  await recorder.flush();
  t.equal(recorder.backlog, 3);
  t.equal(recorder.unwritten('code-1'), 3, 'the dropped ones no longer count');
  t.match(logged[0], /\(2 dropped so far\)/);
  await recorder.close();
  t.equal(await written(), 3);
  const os = (await database.db.selectFrom('scans').select('os').orderBy('os').execute()).map((r) => r.os);
  t.same(os, ['Linux', 'Windows', 'macOS'], 'the newest three');
});
