/** File names, CSV output and clean-up, without a gateway. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Redis, ReplyError } from 'ioredis';
import { isRedisOutage } from '../../src/infra/redis.js';
import { cleanupOnce } from '../../src/bulk/cleanup.js';
import { csvCell, resultHeader } from '../../src/bulk/csvout.js';
import { MAX_NAME, NameAllocator, sanitizeStem } from '../../src/bulk/filenames.js';
import { FileJobStore, type JobRecord } from '../../src/bulk/store.js';

t.test('should sanitise file names', async (t) => {
  t.equal(sanitizeStem('../../etc/passwd'), 'etc-passwd');
  t.equal(sanitizeStem('..\\..\\windows\\system32'), 'windows-system32');
  t.equal(sanitizeStem('\u0000evil\u001f\u007fname\r\n'), 'evil-name');
  t.equal(sanitizeStem('Café crème'), 'Cafe-creme');
  t.equal(sanitizeStem('CON'), '_CON');
  t.equal(sanitizeStem('...'), '');
  t.equal(sanitizeStem('.hidden'), 'hidden');
  t.equal(sanitizeStem('photo.png', 'png'), 'photo');
  t.equal(sanitizeStem('<script>alert(1)</script>'), 'script-alert-1-script');
  t.ok(sanitizeStem('x'.repeat(500)).length <= MAX_NAME);
  for (const raw of ['a/b', 'a\\b', '../x', 'a\u0000b', 'naïve 漢字', ' spaced  out ']) {
    t.match(sanitizeStem(raw), /^[A-Za-z0-9_][A-Za-z0-9._-]*$|^$/, JSON.stringify(raw));
  }
});

t.test('should refuse Windows device names as the first part of a name, whatever follows', async (t) => {
  const cases: [raw: string, ext: string | undefined, stem: string][] = [
    ['CON', undefined, '_CON'],
    ['nul', 'png', '_nul'],
    ['NUL.png', 'png', '_NUL'],
    ['NUL.png', 'svg', '_NUL.png'],
    ['com1.txt', 'png', '_com1.txt'],
    ['Com9.tar.gz', 'png', '_Com9.tar.gz'],
    ['lpt9.tar', 'png', '_lpt9.tar'],
    ['aux.', 'png', '_aux'],
    ['AUX..x', 'png', '_AUX.x'],
    ['prn.whatever', undefined, '_prn.whatever'],
    ['com\u00b9.txt', 'png', '_com1.txt'],
    ['LPT\u00b3', 'png', '_LPT3'],
    ['conin$', 'png', 'conin'],
    ['CONOUT$.log', 'png', 'CONOUT-.log'],
    ['console.txt', 'png', 'console.txt'],
    ['com10.txt', 'png', 'com10.txt'],
    ['nul-file.png', 'png', 'nul-file'],
    ['my.nul.png', 'png', 'my.nul'],
    [`nul.${'x'.repeat(200)}`, 'png', `_nul.${'x'.repeat(MAX_NAME - 5)}`],
  ];
  const device = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\.|$)/i;
  for (const [raw, ext, stem] of cases) {
    const got = sanitizeStem(raw, ext);
    t.equal(got, stem, JSON.stringify(raw));
    t.notMatch(got, device, `${JSON.stringify(raw)} is no device`);
    t.ok(got.length <= MAX_NAME);
  }
  const names = new NameAllocator();
  t.equal(names.allocate('com1.txt', 'row-1', 'png'), '_com1.txt.png', 'the ZIP entry name');
  t.equal(names.allocate('NUL', 'row-2', 'png'), '_NUL.png');
});

t.test('should make names unique within a job', async (t) => {
  const names = new NameAllocator();
  t.equal(names.allocate('Item', 'row-1', 'png'), 'Item.png');
  t.equal(names.allocate('item', 'row-2', 'png'), 'item-2.png');
  t.equal(names.allocate('Item-2', 'row-3', 'png'), 'Item-2-2.png');
  t.equal(names.allocate('', 'row-4', 'svg'), 'row-4.svg');
  t.equal(names.allocate('../', 'row-5', 'png'), 'row-5.png');
  t.equal(names.allocate('Item', 'row-6', 'svg'), 'Item.svg');
  const many = new NameAllocator();
  const out = new Set(Array.from({ length: 10_000 }, (_, i) => many.allocate('same', `row-${i}`, 'png')));
  t.equal(out.size, 10_000);
});

t.test('should neutralise formula cells and quote CSV', async (t) => {
  for (const c of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx'])
    t.equal(csvCell(c).replace(/^"/, '')[0], "'", c);
  t.equal(csvCell('plain'), 'plain');
  t.equal(csvCell('a,"b"'), '"a,""b"""');
  t.same(resultHeader(['destination_url', 'filename', 'Status']), [
    'destination_url',
    'input_filename',
    'input_Status',
    'row',
    'filename',
    'status',
    'error',
  ]);
});

t.test('should remove finished jobs older than RESULT_TTL_DAYS and stale uploads', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-cleanup-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const store = await FileJobStore.open(dataDir);
  mkdirSync(join(dataDir, 'tmp'));
  const day = 86_400_000;
  const now = Date.now();
  const rec = (id: string, status: JobRecord['status'], ageDays: number): JobRecord => ({
    job_id: id,
    owner: 'k',
    status,
    total_rows: 1,
    processed: 1,
    successful: 1,
    failed: 0,
    render_ms: 1,
    created_at: new Date(now - ageDays * day).toISOString(),
    started_at: null,
    finished_at: new Date(now - ageDays * day).toISOString(),
  });
  const ids = [
    '11111111-1111-4111-8111-111111111111',
    '22222222-2222-4222-8222-222222222222',
    '33333333-3333-4333-8333-333333333333',
  ];
  const orphan = '44444444-4444-4444-8444-444444444444';
  for (const id of [...ids, orphan]) mkdirSync(join(dataDir, 'jobs', id));
  await store.create(rec(ids[0]!, 'completed', 8));
  await store.create(rec(ids[1]!, 'completed', 1));
  await store.create(rec(ids[2]!, 'processing', 30));
  writeFileSync(join(dataDir, 'tmp', 'stale'), 'x');
  const old = new Date(now - 2 * 3_600_000);
  utimesSync(join(dataDir, 'tmp', 'stale'), old, old);
  utimesSync(join(dataDir, 'jobs', orphan), old, old);
  t.equal(await cleanupOnce(store, dataDir, 7, now), 1);
  t.same(readdirSync(join(dataDir, 'jobs')).sort(), [ids[1], ids[2]]);
  t.same(readdirSync(join(dataDir, 'tmp')), []);
  t.equal(await store.get(ids[0]!), undefined);
});

t.test('should take a Redis still loading its data for an outage, and other error replies for faults', async (t) => {
  const client = new Redis({ lazyConnect: true });
  t.teardown(() => client.disconnect());
  const Reply = ReplyError as unknown as new (message: string) => Error;
  t.ok(isRedisOutage(new Reply('LOADING Redis is loading the dataset in memory'), client));
  t.ok(isRedisOutage(new Reply('MASTERDOWN Link with MASTER is down'), client));
  t.notOk(isRedisOutage(new Reply('WRONGTYPE Operation against a key holding the wrong kind of value'), client));
  t.notOk(isRedisOutage(new Reply('ERR unknown command'), client));
});
