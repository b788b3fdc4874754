/**
 * `batchcode bulk` as a user runs it: the real executable on CSV, JSON,
 * NDJSON, Excel and standard input, into a ZIP and a directory; every image decoded
 * with ZXing, and results.csv the same, byte for byte, as the bulk API's for
 * the same file. Exit codes and messages for the ways a run goes wrong.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import t, { type Test } from 'tap';
import { decode } from '../helpers/decode.js';
import { get, harness, parseCsv, poll, unzip, upload } from '../helpers/bulk.js';
import { cli, tempDir } from '../helpers/cli.js';

const CSV =
  'destination_url,title,sku\n' +
  'https://example.com/p/1,Café One,A-1\n' +
  'https://example.com/p/2,Two,B-2\n' +
  ',Empty link,C-3\n' +
  'https://example.com/p/4,"Quoted, title",D-4\n' +
  'ftp://example.com/5,Not http,E-5\n';

/** Decodes every image of `images` and checks it against the data its results.csv line names. */
async function checkImages(t: Test, images: Map<string, Buffer>, report: string[][]): Promise<void> {
  const header = report[0]!;
  const name = header.indexOf('filename');
  const status = header.indexOf('status');
  const url = header.indexOf('destination_url');
  const ok = report.slice(1).filter((r) => r[status] === 'success');
  t.equal(images.size, ok.length, 'one image per rendered row');
  for (const row of ok) {
    const bytes = images.get(row[name]!);
    t.ok(bytes, `${row[name]} is there`);
    const data = row[url] ?? '';
    t.equal(await decode(row[name]!.endsWith('.svg') ? bytes!.toString('utf8') : bytes!), data, `${row[name]} decodes`);
  }
}

t.test('should render a CSV into a ZIP whose results.csv is the bulk API’s, byte for byte', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rows.csv'), CSV);
  const run = await cli(['bulk', join(dir, 'rows.csv'), '-o', join(dir, 'out.zip')]);
  t.equal(run.code, 1, 'some rows failed: exit 1');
  t.match(run.out, /3 of 5 rows rendered, 2 failed/);
  t.match(run.out, /row 3: destination_url is empty/);
  t.match(run.out, /row 5: destination_url is not a valid http\(s\) URL/);
  const zip = await unzip(readFileSync(join(dir, 'out.zip')));
  const report = zip.get('results.csv')!.toString('utf8');
  zip.delete('results.csv');
  const rows = parseCsv(report);
  t.same(rows[0], ['destination_url', 'title', 'sku', 'row', 'filename', 'status', 'error']);
  t.same(
    rows.slice(1).map((r) => [r[3], r[4], r[5]]),
    [
      ['1', 'Cafe-One.png', 'success'],
      ['2', 'Two.png', 'success'],
      ['3', '', 'failed'],
      ['4', 'Quoted-title.png', 'success'],
      ['5', '', 'failed'],
    ],
  );
  await checkImages(t, zip, rows);

  const h = await harness(t, 'in-process');
  const res = await upload(h.app, CSV);
  t.equal(res.statusCode, 202, res.body);
  await poll(() => h.app, res.json().job_id);
  const api = await get(h.app, `/api/jobs/${res.json().job_id}/results`);
  t.equal(report, api.body, 'the same report as the API');
});

t.test('should read JSON, NDJSON and standard input, into a directory', async (t) => {
  const dir = tempDir(t);
  const items = [
    { data: 'hello', barcode_type: 'qr', filename: 'hello' },
    { data: '4006381333931', barcode_type: 'ean13', filename: 'ean' },
    { data: 'CODE-39', barcode_type: 'code39', filename: 'c39', format: 'svg' },
  ];
  writeFileSync(join(dir, 'rows.json'), JSON.stringify(items, null, 2));
  writeFileSync(join(dir, 'rows.ndjson'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  for (const [label, args, input] of [
    ['json', [join(dir, 'rows.json')], undefined],
    ['ndjson', [join(dir, 'rows.ndjson')], undefined],
    ['stdin', ['-'], readFileSync(join(dir, 'rows.ndjson'))],
  ] as const) {
    const out = join(dir, `${label}-out`) + '/';
    const run = await cli(['bulk', ...args, '-o', out, '--json'], input ? { input } : {});
    t.equal(run.code, 0, `${label}: ${run.stderr}`);
    const summary = JSON.parse(run.out) as Record<string, unknown>;
    t.match(summary, { total_rows: 3, successful: 3, failed: 0, input_format: label === 'json' ? 'json' : 'ndjson' });
    t.same(readdirSync(out).sort(), ['c39.svg', 'ean.png', 'hello.png', 'results.csv'], label);
    t.equal(await decode(readFileSync(join(out, 'hello.png'))), 'hello');
    t.equal(await decode(readFileSync(join(out, 'ean.png'))), '4006381333931');
    t.equal(await decode(readFileSync(join(out, 'c39.svg'), 'utf8')), 'CODE-39');
  }
});

t.test('should read an Excel workbook, by sheet name, as Excel displays it', async (t) => {
  const dir = tempDir(t);
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Notes').addRow(['not this sheet']);
  const ws = wb.addWorksheet('Labels');
  ws.addRow(['sku', 'price', 'gtin']);
  ws.addRow(['A-1', 3.5, 4006381333931]);
  ws.addRow(['B-2', 12, 5012345678900]);
  ws.getCell('B2').numFmt = '0.00';
  ws.getCell('B3').numFmt = '0.00';
  await wb.xlsx.writeFile(join(dir, 'book.xlsx'));
  const out = join(dir, 'out') + '/';
  const run = await cli([
    'bulk',
    join(dir, 'book.xlsx'),
    '--sheet',
    'labels',
    '--data-template',
    '{gtin}',
    '--type',
    'ean13',
    '--filename-template',
    '{sku}-{price}',
    '-o',
    out,
    '--json',
  ]);
  t.equal(run.code, 0, run.stderr);
  t.match(JSON.parse(run.out), { total_rows: 2, successful: 2, input_format: 'xlsx', sheet: 'Labels' });
  t.same(readdirSync(out).sort(), ['A-1-3.50.png', 'B-2-12.00.png', 'results.csv']);
  t.equal(await decode(readFileSync(join(out, 'A-1-3.50.png'))), '4006381333931');
  t.equal(await decode(readFileSync(join(out, 'B-2-12.00.png'))), '5012345678900');
  const report = parseCsv(readFileSync(join(out, 'results.csv'), 'utf8'));
  t.same(report[0]!.slice(0, 3), ['sku', 'price', 'gtin']);
  t.same(report[1]!.slice(0, 3), ['A-1', '3.50', '4006381333931'], 'cells as displayed, GTIN in full');

  const wrong = await cli(['bulk', join(dir, 'book.xlsx'), '--sheet', 'Prices', '-o', join(dir, 'x.zip')]);
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /Prices.*"Notes", "Labels"/);
});

t.test('should fill data and file names from templates, percent-encoding URL values', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rows.csv'), 'sku,campaign,title\nA 1/x,spring sale,First\nB2,,Second\nC3,winter,Third\n');
  const run = await cli([
    'bulk',
    join(dir, 'rows.csv'),
    '-o',
    join(dir, 'out.zip'),
    '--data-template',
    'https://shop.example.com/p/{sku}?utm_campaign={campaign}',
    '--filename-template',
    '{sku}-{title}',
    '--format',
    'svg',
  ]);
  t.equal(run.code, 1, run.stderr);
  t.match(run.out, /row 2: column campaign is empty, and options.data_template uses it/);
  const zip = await unzip(readFileSync(join(dir, 'out.zip')));
  t.same([...zip.keys()].sort(), ['A-1-x-First.svg', 'C3-Third.svg', 'results.csv']);
  t.equal(
    await decode(zip.get('A-1-x-First.svg')!.toString('utf8')),
    'https://shop.example.com/p/A%201%2Fx?utm_campaign=spring%20sale',
  );
  t.equal(await decode(zip.get('C3-Third.svg')!.toString('utf8')), 'https://shop.example.com/p/C3?utm_campaign=winter');

  const missing = await cli(['bulk', join(dir, 'rows.csv'), '-o', join(dir, 'm.zip'), '--data-template', '{nope}']);
  t.equal(missing.code, 2);
  t.match(
    missing.stderr,
    /--data-template names the column "nope", which the input does not have; its columns are "sku", "campaign", "title"/,
  );
});

t.test('should exit 2 with a message naming the problem, and leave no output', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'nolink.csv'), 'name,price\nx,1\n');
  writeFileSync(join(dir, 'broken.xlsx'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 1)]));
  writeFileSync(join(dir, 'ok.csv'), CSV);
  const cases: [string, string[], RegExp][] = [
    [
      'missing column',
      ['bulk', join(dir, 'nolink.csv'), '-o', join(dir, 'a.zip')],
      /missing column: the header must name a destination_url \(or data\) column; the header found is "name", "price"/,
    ],
    ['malformed workbook', ['bulk', join(dir, 'broken.xlsx'), '-o', join(dir, 'b.zip')], /workbook/],
    [
      'unknown option',
      ['bulk', join(dir, 'ok.csv'), '-o', join(dir, 'c.zip'), '--colour', 'red'],
      /unknown option '--colour'/,
    ],
    [
      'unreadable file',
      ['bulk', join(dir, 'missing.csv'), '-o', join(dir, 'd.zip')],
      /cannot read .*missing\.csv: no such file/,
    ],
    ['a directory', ['bulk', dir, '-o', join(dir, 'e.zip')], /is a directory/],
    [
      'bad design',
      ['bulk', join(dir, 'ok.csv'), '-o', join(dir, 'f.zip'), '--design', '{"width":0}'],
      /--design width must be a whole number from 1 to/,
    ],
    [
      'bad output',
      ['bulk', join(dir, 'ok.csv'), '-o', join(dir, 'out.tar')],
      /name a \.zip file, or a directory ending in \//,
    ],
    ['no output', ['bulk', join(dir, 'ok.csv')], /required option '-o, --output/],
    ['dynamic', ['bulk', join(dir, 'ok.csv'), '-o', join(dir, 'g.zip'), '--type', 'dynamic'], /use batchcode submit/],
  ];
  for (const [name, args, message] of cases) {
    const run = await cli(args);
    t.equal(run.code, 2, name);
    t.match(run.stderr, message, name);
  }
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.zip') || f.endsWith('.part')),
    [],
    'no archive, whole or half, is left behind',
  );
});

t.test('should print --help for every command, with examples', async (t) => {
  for (const command of ['render', 'bulk', 'submit', 'serve', 'worker']) {
    const run = await cli([command, '--help']);
    t.equal(run.code, 0, command);
    t.match(run.out, `Usage: batchcode ${command}`, command);
    if (!['serve', 'worker'].includes(command)) t.match(run.out, /Examples:/, command);
  }
  const top = await cli(['--help']);
  t.match(top.out, /render.*\n.*bulk|bulk/);
});
