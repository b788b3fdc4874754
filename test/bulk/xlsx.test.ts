/**
 * Excel inputs: workbooks written by exceljs, read back as Excel displays
 * them; sheets by name and number; broken workbooks and zip bombs refused
 * with bounded memory; and an XLSX upload run as a job end to end.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { deflateRawSync, crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import t from 'tap';
import { openXlsx } from '../../src/bulk/sources/xlsx.js';
import { decode } from '../helpers/decode.js';
import { get, harness, multipart, poll, unzip, KEY, type Part } from '../helpers/bulk.js';
import { tempDir } from '../helpers/cli.js';

async function workbook(dir: string, name = 'book.xlsx'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Products');
  ws.addRow(['data', 'title', 'price', 'when', 'pct', 'gtin', 'twice', 'flag', 'stamp']);
  ws.addRow([
    'https://example.com/1',
    'Café ✓',
    3.1,
    new Date(Date.UTC(2025, 2, 1)),
    0.25,
    4006381333931,
    { formula: 'C2*2', result: 6.2 },
    true,
    new Date(Date.UTC(2025, 2, 1, 14, 5, 9)),
  ]);
  ws.getCell('C2').numFmt = '0.00';
  ws.getCell('D2').numFmt = 'yyyy-mm-dd';
  ws.getCell('E2').numFmt = '0%';
  ws.getCell('G2').numFmt = '0.00';
  ws.getCell('I2').numFmt = 'd-mmm-yy h:mm';
  ws.addRow([]);
  ws.addRow([
    'https://example.com/3',
    { richText: [{ text: 'Ri' }, { text: 'ch' }] },
    1234567.891,
    null,
    null,
    null,
    { formula: 'A4&"!"', result: 'x!' },
  ]);
  ws.getCell('C4').numFmt = '#,##0.00';
  ws.getCell('E4').value = 'gap before';
  const second = wb.addWorksheet('Second');
  second.addRow(['data']);
  second.addRow(['second sheet']);
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

async function read(path: string, sheet?: string | number, maxUnzippedBytes = 50e6) {
  const x = await openXlsx(path, { maxUnzippedBytes, ...(sheet !== undefined ? { sheet } : {}) });
  const rows: string[][] = [];
  for await (const r of x.records) rows.push(r);
  return { sheet: x.sheet, rows };
}

t.test('should read cells as Excel displays them', async (t) => {
  const dir = tempDir(t);
  const { sheet, rows } = await read(await workbook(dir));
  t.equal(sheet, 'Products');
  t.same(rows, [
    ['data', 'title', 'price', 'when', 'pct', 'gtin', 'twice', 'flag', 'stamp'],
    ['https://example.com/1', 'Café ✓', '3.10', '2025-03-01', '25%', '4006381333931', '6.20', 'TRUE', '1-Mar-25 14:05'],
    ['https://example.com/3', 'Rich', '1,234,567.89', '', 'gap before', '', 'x!'],
  ]);
});

t.test('should pick a sheet by name, in any case, or by number', async (t) => {
  const dir = tempDir(t);
  const path = await workbook(dir);
  for (const pick of ['Second', 'second', 2] as const) {
    t.same(await read(path, pick), { sheet: 'Second', rows: [['data'], ['second sheet']] }, String(pick));
  }
  await t.rejects(read(path, 'Prices'), {
    message: 'the workbook has no sheet "Prices"; its sheets are "Products", "Second"',
  });
  await t.rejects(read(path, 3), {
    message: 'sheet 3 does not exist: the workbook has 2 sheets ("Products", "Second")',
  });
});

t.test('should let go of every file it opens, whichever sheet it reads', async (t) => {
  const dir = tempDir(t);
  const path = await workbook(dir);
  const fds = () => readdirSync('/proc/self/fd').length;
  await read(path, 2);
  const before = fds();
  let refused = 0;
  for (let i = 0; i < 40; i++) {
    // exceljs parks the worksheets that precede the shared strings in temp files, one descriptor each.
    // A rare refusal of this valid file by exceljs (see the note in xlsx.ts) is counted, not a leak.
    await read(path, (i % 2) + 1).catch(() => refused++);
  }
  await setTimeout(200);
  t.ok(fds() - before < 10, `descriptors after 40 reads: ${fds() - before} more (${refused} refused)`);
});

t.test('should refuse an unknown sheet without a late error from the sheets it did not read', async (t) => {
  const dir = tempDir(t);
  const path = await workbook(dir);
  const late: unknown[] = [];
  const onLate = (err: unknown) => late.push(err);
  process.on('uncaughtException', onLate);
  t.teardown(() => process.off('uncaughtException', onLate));
  // The late error (an ENOENT on a temp file) came in about 1 of 60 refusals before it was fixed.
  // exceljs's own known miss in long runs (see sources/xlsx.ts) is answered as a malformed workbook:
  // counted apart, as it is not what this test is about, but every refusal must be one or the other.
  const answers = { refused: 0, missed: 0 };
  for (let i = 0; i < 120; i++) {
    const err = await read(path, 'Prices').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if (/no sheet "Prices"; its sheets are "Products", "Second"/.test(err?.message ?? '')) answers.refused++;
    else if (/^malformed workbook: /.test(err?.message ?? '')) answers.missed++;
    else t.fail(`refusal ${i}: ${String(err)}`);
  }
  t.ok(answers.refused >= 100, `${answers.refused} refused by name, ${answers.missed} missed by exceljs`);
  await setTimeout(300);
  t.same(late, [], 'no uncaught error once the refusals are answered');
});

/** A ZIP of one stored or deflated entry, whose central directory may lie about its size. */
function zipOf(entries: { name: string; data: Buffer; declare?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data, declare } of entries) {
    const packed = deflateRawSync(data, { level: 9 });
    const n = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(declare ?? data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(declare ?? data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(head, n, packed);
    central.push(c, n);
    offset += 30 + n.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

t.test('should refuse broken workbooks and zip bombs, with bounded memory', async (t) => {
  const dir = tempDir(t);
  const write = (name: string, data: Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const sheetXml = Buffer.alloc(60 * 1024 * 1024, 0x20); // 60 MB of spaces: ~60 KB deflated
  const before = process.memoryUsage().rss;
  const cases: [string, string, RegExp][] = [
    [
      'random bytes',
      write('random.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(500, 7)])),
      /malformed workbook: not a readable ZIP archive/,
    ],
    [
      'a ZIP of other files',
      write('other.xlsx', zipOf([{ name: 'readme.txt', data: Buffer.from('hi') }])),
      /no xl\/workbook\.xml/,
    ],
    [
      'declared bomb',
      write(
        'bomb.xlsx',
        zipOf([
          { name: 'xl/workbook.xml', data: Buffer.from('<x/>') },
          { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
        ]),
      ),
      /inflates to more than 5 MB/,
    ],
    [
      'lying bomb',
      write(
        'liar.xlsx',
        zipOf([
          { name: 'xl/workbook.xml', data: Buffer.from('<x/>') },
          { name: 'xl/worksheets/sheet1.xml', data: sheetXml, declare: 1024 },
        ]),
      ),
      /malformed workbook|inflates to more than/,
    ],
    [
      'far column',
      write(
        'far.xlsx',
        zipOf([
          { name: 'xl/workbook.xml', data: Buffer.from('<x/>') },
          {
            name: 'xl/worksheets/sheet1.xml',
            data: Buffer.from('<sheetData><row r="1"><c r="ZZZZZ1"><v>1</v></c></row></sheetData>'),
          },
        ]),
      ),
      /past column XFD/,
    ],
  ];
  for (const [name, path, message] of cases) await t.rejects(read(path, undefined, 5 * 1024 * 1024), { message }, name);
  const truncated = await workbook(dir, 'cut.xlsx');
  const whole = readFileSync(truncated);
  await t.rejects(
    read(write('cut2.xlsx', whole.subarray(0, whole.length - 200))),
    { message: /malformed workbook/ },
    'truncated',
  );
  t.ok(
    process.memoryUsage().rss - before < 150 * 1024 * 1024,
    `memory stayed bounded (+${Math.round((process.memoryUsage().rss - before) / 1e6)} MB)`,
  );
});

t.test('should stop reading when the consumer stops, and read the same file again', async (t) => {
  const dir = tempDir(t);
  const path = await workbook(dir);
  const x = await openXlsx(path, { maxUnzippedBytes: 50e6 });
  for await (const _ of x.records) break;
  t.same((await read(path)).rows.length, 3);
});

t.test('should run an XLSX upload as a job, and refuse a malformed one with a 400', async (t) => {
  const h = await harness(t, 'in-process');
  const dir = tempDir(t);
  const path = await workbook(dir);
  const send = (file: Buffer, options?: unknown) => {
    const parts: Part[] = [
      { name: 'file', value: file, filename: 'rows.xlsx', contentType: 'application/octet-stream' },
    ];
    if (options) parts.push({ name: 'options', value: JSON.stringify(options) });
    const { payload, headers } = multipart(parts);
    return h.app.inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload,
      headers: { ...headers, 'x-api-key': KEY },
    });
  };
  const res = await send(readFileSync(path), { sheet: 'products', filename_template: '{title}' });
  t.equal(res.statusCode, 202, res.body);
  t.match(res.json(), { input_format: 'xlsx', sheet: 'Products', total_rows: 2, invalid_rows: [] });
  const job = await poll(() => h.app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 2 });
  const zip = await unzip((await get(h.app, `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.equal(await decode(zip.get('Cafe.png')!), 'https://example.com/1');
  t.equal(await decode(zip.get('Rich.png')!), 'https://example.com/3');
  const bad = await send(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(300, 1)]));
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /^malformed workbook/);
  const noSheet = await send(readFileSync(path), { sheet: 9 });
  t.equal(noSheet.statusCode, 400);
  t.match(noSheet.json().message, 'sheet 9 does not exist');
});
