/**
 * What an upload really holds, told before a job is made (issue 17): the
 * delimiter and encoding Excel writes, spreadsheets under a .csv name,
 * duplicate columns, extra cells, form fields, and jobs no row of which can
 * render. In-process gateway; the Redis mode shares this code.
 */
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { get, harness, KEY, multipart, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';

let h: Harness;
const app = () => h.app;

t.before(async () => {
  h = await harness(t, 'in-process');
});

async function results(id: string): Promise<{ csv: string[][]; files: Map<string, Buffer> }> {
  const job = await poll(app, id);
  if (job.status !== 'completed') throw new Error(`job ${id} ${job.status}`);
  const zip = await get(app(), `/api/jobs/${id}/results?format=zip`);
  const files = await unzip(zip.rawPayload);
  const csv = parseCsv(files.get('results.csv')!.toString('utf8'));
  return { csv, files };
}

t.test('should read semicolon- and tab-delimited files, saying which delimiter it used', async (t) => {
  for (const [delimiter, name] of [
    [';', ';'],
    ['\t', '\t'],
    ['|', '|'],
  ]) {
    const csv = `data${delimiter}title\nhello${delimiter}Greeting\n"a${delimiter}b"${delimiter}Quoted\n`;
    const res = await upload(app(), csv);
    t.equal(res.statusCode, 202, res.body);
    t.match(res.json(), { total_rows: 2, invalid_rows: [], encoding: 'utf-8', delimiter: name });
    const { csv: rows, files } = await results(res.json().job_id);
    t.equal(rows.length, 3, 'a header and two rows');
    const images = [...files.keys()].filter((f) => f.endsWith('.png')).sort();
    t.same(images, ['Greeting.png', 'Quoted.png']);
    t.equal(await decode(files.get('Quoted.png')!), `a${delimiter}b`, 'a quoted delimiter stays in the cell');
  }
});

t.test('should take the delimiter given in the options over the one it would guess', async (t) => {
  const res = await upload(app(), 'data;title\nx;y\n', { delimiter: ',' });
  t.equal(res.statusCode, 400);
  t.equal(
    res.json().message,
    'missing column: the header must name a destination_url (or data) column; the header found is "data;title" ' +
      '(read as utf-8, delimiter ","); the header is one column: if the file uses another delimiter, give it as options.delimiter',
  );
});

t.test('should echo the header and suggest the rename when the link column has another name', async (t) => {
  const res = await upload(app(), 'url;title\nhttps://example.com;A\n');
  t.equal(res.statusCode, 400);
  t.equal(
    res.json().message,
    'missing column: the header must name a destination_url (or data) column; the header found is "url", "title" ' +
      '(read as utf-8, delimiter ";"); rename "url" to destination_url',
  );
});

t.test('should read a Windows-1252 file as Windows-1252, so Café stays Café', async (t) => {
  // What Excel's "CSV (Comma delimited)" writes on Windows: é is the single byte 0xE9.
  const csv = Buffer.from('data,title\nCaf\xe9 cr\xe8me,Men\xfc\n', 'latin1');
  const res = await upload(app(), csv);
  t.equal(res.statusCode, 202, res.body);
  t.match(res.json(), { encoding: 'windows-1252', delimiter: ',' });
  const { csv: rows, files } = await results(res.json().job_id);
  const [header, row] = rows;
  t.equal(row?.[header!.indexOf('data')], 'Café crème', 'results.csv holds the text as written');
  t.equal(await decode(files.get('Menu.png')!), 'Café crème', 'the code encodes the right text');

  const utf8 = await upload(app(), Buffer.from('\ufeffdata\nCafé\n', 'utf8'));
  t.match(utf8.json(), { encoding: 'utf-8' }, 'UTF-8 with a BOM stays UTF-8');
  const utf16 = await upload(app(), Buffer.from('\ufeffdata\ttitle\nCafé\tx\n', 'utf16le'));
  t.equal(utf16.statusCode, 202, utf16.body);
  t.match(utf16.json(), { encoding: 'utf-16le', delimiter: '\t' }, 'Excel\'s "Unicode text" is UTF-16LE with tabs');
  const { files: u16 } = await results(utf16.json().job_id);
  t.equal(await decode(u16.get('x.png')!), 'Café');

  const forced = await upload(app(), Buffer.from('data\nCafé\n', 'utf8'), { encoding: 'WINDOWS-1252' });
  t.equal(forced.statusCode, 202, 'the encoding option is read in any case');
  t.match(forced.json(), { encoding: 'windows-1252' });
  const bad = await upload(app(), 'data\nx\n', { encoding: 'ebcdic' });
  t.equal(bad.statusCode, 400);
  t.equal(
    bad.json().message,
    'options.encoding must be one of "utf-8", "windows-1252", "iso-8859-1", "utf-16le"; got "ebcdic"',
  );
});

t.test('should refuse a file of a kind it cannot read, whatever its name, saying what it is', async (t) => {
  const cases: [string, Buffer, string][] = [
    [
      'ods',
      Buffer.from('PK\x03\x04\x14\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet', 'latin1'),
      'an OpenDocument spreadsheet (.ods)',
    ],
    ['xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'a legacy Excel workbook (.xls)'],
    ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'a gzip archive'],
    ['pdf', Buffer.from('%PDF-1.7\n'), 'a PDF document'],
  ];
  for (const [name, bytes, what] of cases) {
    const res = await upload(app(), bytes);
    t.equal(res.statusCode, 400, name);
    t.match(res.json().message, `the file is ${what}`, name);
    t.match(res.json().message, 'send CSV, an Excel workbook (.xlsx), a JSON array of objects or NDJSON', name);
  }
});

t.test('should refuse a header that names a column twice', async (t) => {
  const res = await upload(app(), 'data,title,Title\nx,a,b\n');
  t.equal(res.statusCode, 400);
  t.equal(
    res.json().message,
    'duplicate column: "Title" is column 2 and column 3 of the header; name each column once',
  );
});

t.test(
  'should make a row with more cells than the header an invalid row, unless the extra cells are empty',
  async (t) => {
    const res = await upload(app(), 'data,title\nx,a\ny,b,stray\nz,c,,\n');
    t.equal(res.statusCode, 202, res.body);
    t.same(res.json().invalid_rows, [
      {
        row: 2,
        reason:
          'row 2 has 3 cells but the header has 2 columns: quote cells that hold the delimiter, or add the missing column names',
      },
    ]);
  },
);

t.test('should refuse a job none of whose rows can render, and make none', async (t) => {
  const before = (await get(app(), '/api/jobs')).json().pagination.total;
  const small = await upload(app(), 'data\nhttps://example.com/1\nhttps://example.com/2\n', { design: { width: 20 } });
  t.equal(small.statusCode, 400);
  t.equal(
    small.json().message,
    'no row can be rendered, so no job was made: 2 rows, from row 1: design.width: 20x20 pixels is too small: ' +
      'this symbol is 33x33 modules with its quiet zone, so it needs at least 33x33 pixels',
  );
  const ean = await upload(app(), 'data\nhttps://example.com/1\n', { barcode_type: 'ean13' });
  t.equal(ean.statusCode, 400);
  t.match(ean.json().message, /^no row can be rendered, so no job was made: row 1: EAN-13 can encode only digits/);
  t.equal((await get(app(), '/api/jobs')).json().pagination.total, before, 'no job was made');
  const partly = await upload(app(), 'data\n4006381333931\nnot digits\n', { barcode_type: 'ean13' });
  t.equal(partly.statusCode, 202, 'a job with one good row is taken');
  t.equal(partly.json().invalid_rows.length, 1);
});

t.test('should take the options as a JSON file part, and refuse unknown form fields', async (t) => {
  const send = (parts: Parameters<typeof multipart>[0]) => {
    const { payload, headers } = multipart(parts);
    return app().inject({
      method: 'POST',
      url: '/api/bulk/upload',
      payload,
      headers: { ...headers, 'x-api-key': KEY },
    });
  };
  const file = { name: 'file', value: 'data\nx\n', filename: 'rows.csv', contentType: 'text/csv' };
  const asFile = await send([
    file,
    { name: 'options', value: '{"format":"svg"}', filename: 'opts.json', contentType: 'application/json' },
  ]);
  t.equal(asFile.statusCode, 202, asFile.body);
  const { files } = await results(asFile.json().job_id);
  t.ok(
    [...files.keys()].some((f) => f.endsWith('.svg')),
    'the options in the file were used',
  );

  const unknown = await send([file, { name: 'format', value: 'svg' }]);
  t.equal(unknown.statusCode, 400);
  t.equal(
    unknown.json().message,
    'unknown form field "format": the fields are "file" (the CSV) and "options" (JSON); ' +
      `settings go inside options, e.g. -F 'options={"format":"svg"}'`,
  );
  const two = await send([file, file]);
  t.equal(two.statusCode, 400);
  t.equal(two.json().message, 'send one CSV per upload, as "file"');
});

t.test('should say what to send on a 415', async (t) => {
  const res = await app().inject({
    method: 'POST',
    url: '/api/bulk/upload',
    payload: 'data\nx\n',
    headers: { 'content-type': 'text/csv', 'x-api-key': KEY },
  });
  t.equal(res.statusCode, 415);
  t.match(res.json().message, /^send multipart\/form-data with the CSV as "file".*curl .*-F file=@rows\.csv/);
});

t.test('should refuse an unknown field of a direct item, naming it', async (t) => {
  const res = await app().inject({
    method: 'POST',
    url: '/api/bulk/direct',
    payload: { qr_codes: [{ url: 'https://example.com' }] },
    headers: { 'x-api-key': KEY },
  });
  t.equal(res.statusCode, 400);
  t.equal(res.json().message, 'body.qr_codes[0].url is not an accepted field');
});
