import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import t from 'tap';
import { configure, JsonResults } from '../../src/lib/index.js';
import { decode } from '../helpers/decode.js';
import { auth, gateway } from '../helpers/gateway.js';
import { largeCodes, renders, rendersPast, settled } from '../helpers/renders.js';

const url = '/api/barcodes/batch';

t.test('should render a batch whose codes decode independently', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: {
      barcodes: [
        { id: 'svg-1', barcode_type: 'qr', data: 'https://example.com/a', format: 'svg' },
        { id: 'png-1', barcode_type: 'qr', data: 'héllo 世界', format: 'png', options: { width: 240 } },
        { barcode_type: 'qr', data: '0123456789', options: { error_correction: 'H' } },
      ],
      options: { max_concurrent: 4, include_metadata: true },
    },
  });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  const body = res.json();
  t.ok(TypeCompiler.Compile(JsonResults.batch).Check(body), 'the answer has the documented shape');
  t.equal(body.success, true);
  t.match(body.summary, { total: 3, successful: 3, failed: 0 });
  const [svg, png, third] = body.results;
  t.equal(svg.id, 'svg-1');
  t.equal(await decode(svg.svg), 'https://example.com/a');
  t.equal(png.format, 'png');
  t.equal(await decode(Buffer.from(png.png, 'base64')), 'héllo 世界');
  t.equal(third.id, '2');
  t.equal(await decode(third.svg), '0123456789');
  t.equal(third.metadata.type, 'qr');
});

t.test('should fail only the bad item', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: {
      barcodes: [
        { id: 'ok', barcode_type: 'qr', data: 'fine' },
        { id: 'long', barcode_type: 'qr', data: 'x'.repeat(5000) },
      ],
    },
  });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.success, false);
  t.match(body.summary, { total: 2, successful: 1, failed: 1 });
  t.equal(body.results[0].success, true);
  t.match(body.results[1], { id: 'long', success: false, error: { code: 'DATA_TOO_LONG' } });
});

t.test('should answer 400 naming the field for a bad envelope, and fail a bad item alone', async (t) => {
  const app = await gateway(t, { BATCH_MAX_ITEMS: '5' });
  const item = { barcode_type: 'qr', data: 'a' };
  const cases: [unknown, RegExp][] = [
    [
      { barcodes: [item], options: { max_concurrent: 21 } },
      /^body\.options\.max_concurrent must be a whole number from 1 to 20; got 21$/,
    ],
    [
      { barcodes: [item], options: { max_concurrent: 0 } },
      /^body\.options\.max_concurrent must be a whole number from 1 to 20; got 0$/,
    ],
    [{ barcodes: Array(6).fill(item) }, /^body\.barcodes must be an array of 1 to 5 items; got 6 items$/],
    [{ barcodes: [] }, /^body\.barcodes must be an array of 1 to 5 items; got 0 items$/],
    [{ barcodes: [item], extra: true }, /^body\.extra is not an accepted field$/],
    [{}, /^body\.barcodes is required$/],
    [
      { barcodes: [{ ...item, id: 'same' }, item, { ...item, id: 'same' }] },
      /^DUPLICATE_ID: items\[2\]\.id "same" is already used by items\[0\]; ids must be unique/,
    ],
  ];
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url, headers: auth, payload: payload as object });
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
    t.equal(res.json().error, 'Bad Request');
    t.match(res.json().message, message);
  }
  const items: [unknown, string][] = [
    [{ ...item, colour: 'red' }, 'colour is not an accepted field'],
    [
      { ...item, options: { width: '100' } },
      'options.width must be a whole number from 1 to 4096; got "100" (a string)',
    ],
    [{ ...item, options: { width: 99999 } }, 'options.width must be a whole number from 1 to 4096; got 99999'],
    [{ data: 'a' }, 'barcode_type is required'],
  ];
  const res = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: { barcodes: [item, ...items.map(([i]) => i)] },
  });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body.summary, { total: 5, successful: 1, failed: 4 });
  t.same(
    body.results.slice(1).map((r: { error: { code: string; message: string } }) => r.error),
    items.map(([, message]) => ({ code: 'INVALID_REQUEST', message })),
  );
});

t.test('should answer 400 for a body that is not JSON', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"barcodes": [',
  });
  t.equal(res.statusCode, 400);
  t.equal(res.json().statusCode, 400);
  t.notOk(res.body.includes('    at '), 'no stack');
});

t.test('should answer 503 when the batch runs past BATCH_TIMEOUT_MS, and stop rendering it', async (t) => {
  const app = await gateway(t, { BATCH_TIMEOUT_MS: '1' });
  const before = renders();
  const res = await app.inject({ method: 'POST', url, headers: auth, payload: { barcodes: largeCodes('timeout') } });
  t.equal(res.statusCode, 503);
  t.equal(res.json().error, 'Service Unavailable');
  t.match(res.json().message, /did not finish within 1 ms \(BATCH_TIMEOUT_MS\)/);
  t.equal(res.headers['retry-after'], '1');
  const total = (await settled()) - before;
  t.ok(total < 100, `rendered ${total} of 100 after the timeout`);
});

t.test('should stop rendering a batch whose client went away', async (t) => {
  const lines: string[] = [];
  const app = await gateway(t, {}, { logger: { stream: { write: (line: string) => void lines.push(line) } } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const before = renders();
  const body = JSON.stringify({ barcodes: largeCodes('gone') });
  const req = request({
    port,
    method: 'POST',
    path: url,
    headers: { ...auth, 'content-type': 'application/json' },
  });
  req.on('error', () => {}); // the socket is destroyed on purpose
  req.end(body);
  await rendersPast(before, 3);
  req.destroy();
  const total = (await settled()) - before;
  t.ok(total < 100, `rendered ${total} of 100 after the client left`);
  const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
  t.same(errors, [], 'no error-level log line');
  // The gateway still answers the next batch in full.
  const next = await app.inject({ method: 'POST', url, headers: auth, payload: { barcodes: largeCodes('next', 3) } });
  t.equal(next.json().summary.successful, 3);
});

t.test('should answer 400 with its code when the Node API refuses the call', async (t) => {
  const app = await gateway(t, { BATCH_MAX_ITEMS: '5' });
  // The Node API now takes fewer items than the gateway lets through: its own check speaks.
  configure({ batch_max_items: 2 });
  t.teardown(() => configure({ batch_max_items: 5 }));
  const item = { barcode_type: 'qr', data: 'a' };
  const res = await app.inject({ method: 'POST', url, headers: auth, payload: { barcodes: [item, item, item] } });
  t.equal(res.statusCode, 400);
  t.match(res.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: /^TOO_MANY_ITEMS: a batch holds at most 2 items/,
  });
});

t.test('should answer 500 without its message when a built-in error escapes', async (t) => {
  const lines: string[] = [];
  const app = await gateway(t, {}, { logger: { stream: { write: (line: string) => void lines.push(line) } } });
  let Thrown: new (message: string) => Error = TypeError;
  // A bug inside the Node API: reading an option throws a built-in error.
  app.addHook('preHandler', async (request) => {
    const body = request.body as { options?: unknown };
    body.options = {
      get max_concurrent(): number {
        throw new Thrown(`internal detail of a ${Thrown.name}`);
      },
    };
  });
  for (const ErrorType of [TypeError, RangeError]) {
    Thrown = ErrorType;
    lines.length = 0;
    const res = await app.inject({
      method: 'POST',
      url,
      headers: auth,
      payload: { barcodes: [{ barcode_type: 'qr', data: 'a' }] },
    });
    t.equal(res.statusCode, 500, ErrorType.name);
    t.same(res.json(), { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    t.equal(logged.length, 1, 'one error line');
    t.equal(logged[0]?.err?.type, ErrorType.name);
    t.equal(logged[0]?.err?.message, `internal detail of a ${ErrorType.name}`, 'the details go to the log');
  }
});
