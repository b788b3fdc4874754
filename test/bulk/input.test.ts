/**
 * Upload limits and shapes (in-process gateway; the Redis mode shares this
 * code): wide and ragged CSVs, unknown direct fields, chunked multipart bodies
 * without a declared length, and the runner's renderBatch chunk size.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { batchMaxItems, configure } from '../../src/lib/index.js';
import { MAX_COLUMNS } from '../../src/bulk/rows.js';
import { decode } from '../helpers/decode.js';
import { csvRows, get, harness, KEY, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';

let h: Harness;
const app = () => h.app;

t.before(async () => {
  h = await harness(t, 'in-process');
});

t.test('should refuse a header wider than MAX_COLUMNS at once', async (t) => {
  // 400,001 columns, 500 rows: 0.8 MB that used to become 16 s of work and a 385 MB results file.
  const csv = `destination_url${',c'.repeat(400_000)}\n${csvRows(500).split('\n').slice(1).join('\n')}`;
  const res = await upload(app(), csv);
  t.equal(res.statusCode, 400, res.body);
  t.equal(
    res.json().message,
    `too many columns: the header has 400001 columns; at most ${MAX_COLUMNS}`,
    'names the count and the limit',
  );

  const wideRow = `destination_url,title\nhttps://example.com/1,a\nhttps://example.com/2${',x'.repeat(MAX_COLUMNS)}\n`;
  const row = await upload(app(), wideRow);
  t.equal(row.statusCode, 400, row.body);
  t.equal(row.json().message, `too many columns: row 2 has ${MAX_COLUMNS + 1} cells; at most ${MAX_COLUMNS}`);

  const atLimit = `destination_url${Array.from({ length: MAX_COLUMNS - 1 }, (_, i) => `,c${i}`).join('')}\nhttps://example.com/1\n`;
  t.equal((await upload(app(), atLimit)).statusCode, 202, `${MAX_COLUMNS} columns are fine`);
});

t.test('should ask the core whether each row fits its symbology, listing the rows that do not', async (t) => {
  const csv =
    'data,barcode_type\n' +
    '4006381333931,ean13\n' + // a valid EAN-13
    '4006381333932,ean13\n' + // wrong check digit
    'lower case,code39\n' + // Code 39 has no lower case
    `${'9'.repeat(7090)},qr\n` + // one digit past a version 40-L QR code's numeric capacity at any level
    'HELLO,code39\n';
  const res = await upload(app(), csv, { design: { error_correction: 'L' } });
  t.equal(res.statusCode, 202, res.body);
  const invalid = res.json().invalid_rows as { row: number; reason: string }[];
  t.same(
    invalid.map((r) => r.row),
    [2, 3, 4],
  );
  t.match(invalid[0]!.reason, /check digit/);
  t.match(invalid[1]!.reason, /position 1|"l"/);
  t.match(invalid[2]!.reason, /7,090 digits; a QR code at level L holds at most 7,089/);
  const job = await poll(app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 2, failed: 3 });
});

t.test("should keep a ragged row's cells in the results, and fail a row with cells past the header", async (t) => {
  const csv =
    'destination_url,title,extra\n' +
    'https://example.com/short,Short\n' +
    'https://example.com/long,Long,e1,e2,e3\n' +
    'https://example.com/even,Even,e\n';
  const res = await upload(app(), csv);
  t.equal(res.statusCode, 202, res.body);
  const extra =
    'row 2 has 5 cells but the header has 3 columns: quote cells that hold the delimiter, or add the missing column names';
  t.same(res.json().invalid_rows, [{ row: 2, reason: extra }], 'cells past the header are reported, not dropped');
  const job = await poll(app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 2, failed: 1 });
  const rows = parseCsv((await get(app(), `/api/jobs/${job.job_id}/results`)).body);
  t.same(rows, [
    ['destination_url', 'title', 'extra', 'row', 'filename', 'status', 'error'],
    ['https://example.com/short', 'Short', '', '1', 'Short.png', 'success', ''],
    ['https://example.com/long', 'Long', 'e1', '2', '', 'failed', extra, 'e2', 'e3'],
    ['https://example.com/even', 'Even', 'e', '3', 'Even.png', 'success', ''],
  ]);
  const zip = await unzip((await get(app(), `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.equal(await decode(zip.get('Short.png')!), 'https://example.com/short');
  t.notOk(zip.has('Long.png'), 'the failed row has no image');
});

t.test('should refuse unknown fields in a direct request, naming them', async (t) => {
  const direct = (payload: object) =>
    app().inject({ method: 'POST', url: '/api/bulk/direct', headers: { 'x-api-key': KEY }, payload });
  const item = { destination_url: 'https://example.com/x' };
  for (const [payload, field] of [
    [{ qr_codes: [item], colour: 'red' }, 'body.colour'],
    [{ qr_codes: [item, { ...item, colour: 'red' }] }, 'body.qr_codes[1].colour'],
    [{ qr_codes: [{ ...item, 'bad key': 1 }] }, 'body.qr_codes[0]["bad key"]'],
  ] as const) {
    const res = await direct(payload);
    t.equal(res.statusCode, 400, res.body);
    t.equal(res.json().message, `${field} is not an accepted field`);
  }
  t.equal((await direct({ qr_codes: [item] })).statusCode, 202, 'known fields only: accepted');
});

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** POSTs `chunks` as a chunked body (no content-length), stopping early once answered. */
async function chunkedPost(port: number, url: string, type: string, chunks: Iterable<Buffer>): Promise<RawAnswer> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // the gateway may close while we still send
  await once(socket, 'connect');
  let raw = '';
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no complete answer in 20 s: ${raw.slice(0, 300)}`)), 20_000);
    const check = () => {
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = raw.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? NaN);
      const body = raw.slice(end + 4);
      if (body.length < length) return;
      clearTimeout(timer);
      resolve({ status: Number(headers.split(' ')[1]), headers, body });
    };
    socket.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
      check();
    });
  });
  let answered = false;
  void answer.then(() => (answered = true)).catch(() => undefined);
  socket.write(
    `POST ${url} HTTP/1.1\r\nHost: localhost\r\n` +
      `x-api-key: ${KEY}\r\ncontent-type: ${type}\r\ntransfer-encoding: chunked\r\n\r\n`,
  );
  for (const chunk of chunks) {
    if (answered || socket.destroyed) break;
    const more = socket.write(
      Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    );
    if (!more) await Promise.race([once(socket, 'drain'), answer, once(socket, 'close')]);
  }
  if (!answered && !socket.destroyed) socket.write('0\r\n\r\n');
  try {
    return await answer;
  } finally {
    socket.destroy();
  }
}

const chunkedUpload = (port: number, boundary: string, chunks: Iterable<Buffer>) =>
  chunkedPost(port, '/api/bulk/upload', `multipart/form-data; boundary=${boundary}`, chunks);

function* multipartBody(boundary: string, csv: string, preamble: number, epilogue = 0): Generator<Buffer> {
  const filler = Buffer.alloc(64 * 1024, 'x');
  for (let sent = 0; sent < preamble; sent += filler.length) yield filler;
  yield Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
  );
  for (let sent = 0; sent < epilogue; sent += filler.length) yield filler;
}

t.test('should cap a chunked multipart body at MAX_UPLOAD_BYTES plus slack', async (t) => {
  await app().listen({ host: '127.0.0.1', port: 0 });
  const { port } = app().server.address() as { port: number };
  const boundary = 'batchcodeChunked';
  const limit = Number(h.env.MAX_UPLOAD_BYTES);

  const small = await chunkedUpload(port, boundary, multipartBody(boundary, csvRows(7), 0));
  t.equal(small.status, 202, `a chunked upload within the limits is taken: ${small.body}`);

  for (const [name, preamble, epilogue] of [
    ['a 3 MiB preamble', 3 * 1024 * 1024, 0],
    ['a 3 MiB epilogue', 0, 3 * 1024 * 1024],
  ] as const) {
    const res = await chunkedUpload(port, boundary, multipartBody(boundary, csvRows(3), preamble, epilogue));
    t.equal(res.status, 413, `${name}: ${res.body}`);
    t.equal(
      JSON.parse(res.body).message,
      `upload too large: at most ${limit} bytes per file (MAX_UPLOAD_BYTES)`,
      `${name}: names the limit`,
    );
    t.match(res.headers, /connection: close/i, 'the rest of the body is not read');
  }
  const items = JSON.stringify({ qr_codes: [{ destination_url: `https://example.com/${'x'.repeat(limit)}` }] });
  const json = await chunkedPost(port, '/api/bulk/direct', 'application/json', [Buffer.from(items)]);
  t.equal(json.status, 413, `a chunked direct body over the limit: ${json.body}`);
  t.match(JSON.parse(json.body).message, /at most \d+ bytes per file \(MAX_UPLOAD_BYTES\)/, 'names the limit');

  const list = (await get(app(), '/api/jobs?limit=100')).json();
  t.equal(list.jobs.filter((j: { total_rows: number }) => j.total_rows === 7).length, 1, 'only the small one queued');
});

t.test("should render in chunks of the Node API's batch_max_items", async (t) => {
  const before = batchMaxItems();
  configure({ batch_max_items: 10 });
  t.teardown(() => configure({ batch_max_items: before }));
  const res = await upload(app(), csvRows(60), { batchSize: 25 });
  t.equal(res.statusCode, 202, res.body);
  const job = await poll(app, res.json().job_id);
  t.match(job, { status: 'completed', processed: 60, successful: 60, failed: 0 }, JSON.stringify(job));
});
