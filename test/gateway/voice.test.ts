/**
 * Issue 17, "one voice for every error", over HTTP: the Node API's sentences
 * under `body.`, `querystring.` or `params.`; colour names and the `#` of a
 * query string; names in any case in bodies, query strings and paths; a
 * batch that fails per item; 405 with `Allow`.
 */
import t from 'tap';
import { renderBatchSync, type BarcodeRequest } from '../../src/lib/index.js';
import { decode } from '../helpers/decode.js';
import { auth, gateway } from '../helpers/gateway.js';

const FORMS = 'a colour: #RGB, #RRGGBB, #RRGGBBAA, a CSS name such as "red", or cmyk(c,m,y,k) in percent for print';
const IN_QUERY = ' (in a query string, write # as %23)';

t.test('should word query, body and path errors as the Node API does, under the part name', async (t) => {
  const app = await gateway(t);
  const cases: [string, string][] = [
    ['/api/barcodes/qr?data=a&format=jpg', 'querystring.format must be one of "svg", "png", "pdf", "eps"; got "jpg"'],
    ['/api/barcodes/qr?data=a&width=0.5', 'querystring.width must be a whole number from 1 to 4096; got "0.5"'],
    ['/api/barcodes/qr?data=a&width=0', 'querystring.width must be a whole number from 1 to 4096; got 0'],
    ['/api/barcodes/qr?data=a&margin=x', 'querystring.margin must be a whole number from 0 to 64; got "x"'],
    [
      '/api/barcodes/qr?data=a&width=1e3',
      'querystring.width must be a whole number from 1 to 4096; got "1e3" (plain decimal digits only)',
    ],
    ['/api/barcodes/qr', 'querystring.data is required'],
    ['/api/barcodes/qr?data=a&colour=red', 'querystring.colour is not an accepted field'],
    ['/api/jobs?limit=101', 'querystring.limit must be a whole number from 1 to 100; got 101'],
  ];
  for (const [url, message] of cases) {
    const res = await app.inject({ url, headers: auth });
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().message, message, url);
  }
  const path = await app.inject({ url: '/api/barcodes/qrcode?data=a', headers: auth });
  t.equal(path.statusCode, 400);
  t.match(
    path.json().message,
    /^params\.type must be one of "qr", "microqr", .*"codabar", "databar_omni", "databar_stacked", "databar_expanded", "databar_expanded_stacked", "databar_limited"; got "qrcode"$/,
  );

  // A body's item says what the Node API says, with `body.` in front.
  const items: [Record<string, unknown>, string][] = [
    [{ barcode_type: 'qr', data: 'a', format: 'jpg' }, 'format must be one of "svg", "png", "pdf", "eps"; got "jpg"'],
    [
      { barcode_type: 'qr', data: 'a', options: { width: 0.5 } },
      'options.width must be a whole number from 1 to 4096; got 0.5',
    ],
    [
      { barcode_type: 'qr', data: 'a', options: { margin: 'x' } },
      'options.margin must be a whole number from 0 to 64; got "x" (a string)',
    ],
    [
      { barcode_type: 'qr', data: 1 },
      'data must be a string of at most 8192 characters or an object with exactly one of wifi, vcard, email, sms, tel, geo, event; got 1 (a number)',
    ],
    [
      { barcode_type: 'qr', data: 'a', options: { foreground: 'reed' } },
      `options.foreground must be ${FORMS}; got "reed"`,
    ],
    [{ data: 'a' }, 'barcode_type is required'],
    [{ barcode_type: 'qr', data: 'a', colour: 'red' }, 'colour is not an accepted field'],
  ];
  for (const [payload, message] of items) {
    const res = await app.inject({ method: 'POST', url: '/api/barcodes', headers: auth, payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().message, `body.${message}`);
    const node = renderBatchSync([payload as unknown as BarcodeRequest]).results[0];
    t.match(node, { success: false, error: { code: 'INVALID_REQUEST', message } }, 'the Node API says the same');
  }
});

t.test('should say how to write a colour in a query string', async (t) => {
  const app = await gateway(t);
  const cases: [string, string][] = [
    // `foreground=#112233` unescaped: the # starts the fragment, which the client never sends.
    ['foreground=', `got "" (empty: an unescaped # starts the URL's fragment, which is never sent)`],
    ['foreground=112233', 'got "112233" (hex colours start with #: %23112233 in a query string)'],
    ['foreground=red%20', 'got "red "'],
  ];
  for (const [query, got] of cases) {
    const res = await app.inject({ url: `/api/barcodes/qr?data=a&${query}`, headers: auth });
    t.equal(res.statusCode, 400, query);
    t.equal(res.json().message, `querystring.foreground must be ${FORMS}${IN_QUERY}; ${got}`, query);
  }
  const background = await app.inject({ url: '/api/barcodes/qr?data=a&background=clear', headers: auth });
  t.equal(
    background.json().message,
    `querystring.background must be ${FORMS}, or "transparent"${IN_QUERY}; got "clear"`,
  );
  const hex = await app.inject({ url: '/api/barcodes/qr?data=hex&foreground=%23112233&format=png', headers: auth });
  t.equal(hex.statusCode, 200);
  t.equal(await decode(hex.rawPayload, ['QRCode']), 'hex');
});

t.test('should take CSS colour names in queries and bodies', async (t) => {
  const app = await gateway(t);
  const get = await app.inject({
    url: '/api/barcodes/qr?data=named&foreground=DarkGreen&background=ivory',
    headers: auth,
  });
  t.equal(get.statusCode, 200, get.body.slice(0, 200));
  t.match(get.body, /#006400/, 'darkgreen drawn as #006400');
  t.notMatch(get.body, /darkgreen/i);
  t.equal(await decode(get.body, ['QRCode']), 'named');
  const post = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: {
      barcode_type: 'qr',
      data: 'posted',
      format: 'png',
      options: { foreground: 'red', background: 'transparent' },
    },
  });
  t.equal(post.statusCode, 200);
  t.equal(await decode(post.rawPayload, ['QRCode']), 'posted');
});

t.test('should take barcode_type, format and error_correction in any case, in paths, queries and bodies', async (t) => {
  const app = await gateway(t);
  const get = await app.inject({ url: '/api/barcodes/QR?data=shout&format=PNG&error_correction=h', headers: auth });
  t.equal(get.statusCode, 200, get.body.slice(0, 200));
  t.equal(get.headers['content-type'], 'image/png');
  t.equal(await decode(get.rawPayload, ['QRCode']), 'shout');
  const lower = await app.inject({ url: '/api/barcodes/qr?data=shout&format=png&error_correction=H', headers: auth });
  t.equal(lower.headers.etag, get.headers.etag, 'one code, one tag, whatever the case');

  const post = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'Code128', data: 'CASE-1', format: 'Svg' },
  });
  t.equal(post.statusCode, 200, post.body.slice(0, 200));
  t.equal(await decode(post.body, ['Code128']), 'CASE-1');

  const batch = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: {
      barcodes: [{ barcode_type: 'QR', data: 'in a batch', format: 'PNG', options: { error_correction: 'q' } }],
      options: { include_metadata: true },
    },
  });
  t.equal(batch.statusCode, 200);
  const [result] = batch.json().results;
  t.match(result, { success: true, format: 'png', metadata: { type: 'qr', error_correction: 'Q' } });
  t.equal(await decode(Buffer.from(result.png, 'base64'), ['QRCode']), 'in a batch');
});

t.test('should blame the data of a Code 128 too long for any image', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url: `/api/barcodes/code128?data=${'a'.repeat(3000)}`, headers: auth });
  t.equal(res.statusCode, 422);
  t.equal(
    res.json().message,
    'DATA_TOO_LONG: data is too long for one image: its symbol is 33,055 modules wide with its quiet zones, ' +
      'and an image is at most 4096x4096 pixels even at 1 pixel per module; send less data',
  );
});

t.test('should fail a bad batch item alone, with the Node API message', async (t) => {
  const app = await gateway(t, { BATCH_MAX_ITEMS: '5' });
  const barcodes = [
    { id: 'ok', barcode_type: 'qr', data: 'fine' },
    { id: 'colour', barcode_type: 'qr', data: 'x', options: { foreground: 'reed' } },
    { id: 'field', barcode_type: 'qr', data: 'x', colour: 'red' },
    { id: 'type', barcode_type: 'qrcode', data: 'x' },
    'not an item',
  ];
  const res = await app.inject({ method: 'POST', url: '/api/barcodes/batch', headers: auth, payload: { barcodes } });
  t.equal(res.statusCode, 200, res.body.slice(0, 300));
  const body = res.json();
  t.match(body.summary, { total: 5, successful: 1, failed: 4 });
  t.equal(await decode(body.results[0].svg, ['QRCode']), 'fine');
  const node = renderBatchSync(barcodes as never);
  t.same(body.results.slice(1), node.results.slice(1), 'the same failures, ids and messages as the Node API');
  t.same(body.results[1].error, {
    code: 'INVALID_REQUEST',
    message: `options.foreground must be ${FORMS}; got "reed"`,
  });
  t.equal(body.results[4].error.message, 'item must be an object; got "not an item" (a string)');

  // The envelope is still the route's: a 400.
  const envelope: [unknown, string][] = [
    [{ barcodes: 'x' }, 'body.barcodes must be an array of 1 to 5 items; got "x" (a string)'],
    [{ barcodes: Array(6).fill(barcodes[0]) }, 'body.barcodes must be an array of 1 to 5 items; got 6 items'],
    [{ barcodes: [] }, 'body.barcodes must be an array of 1 to 5 items; got 0 items'],
    [{ barcodes: [barcodes[0]], extra: true }, 'body.extra is not an accepted field'],
    [{}, 'body.barcodes is required'],
    [
      { barcodes: [barcodes[0]], options: { max_concurrent: 21 } },
      'body.options.max_concurrent must be a whole number from 1 to 20; got 21',
    ],
    [
      { barcodes: [barcodes[0], barcodes[0]] },
      'DUPLICATE_ID: items[1].id "ok" is already used by items[0]; ids must be unique within a batch',
    ],
  ];
  for (const [payload, message] of envelope) {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/barcodes/batch',
      headers: auth,
      payload: payload as never,
    });
    t.equal(bad.statusCode, 400, message);
    t.equal(bad.json().message, message);
  }
});

t.test('should document the batch item schema and that case is ignored', async (t) => {
  const app = await gateway(t);
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const body = doc.paths['/api/barcodes/batch'].post.requestBody.content['application/json'].schema;
  const item = body.properties.barcodes.items;
  t.same(item.required, ['barcode_type', 'data'], 'each item is a BarcodeRequest');
  t.same(
    item.properties.format.anyOf.map((b: { enum?: string[]; const?: string }) => b.const ?? b.enum?.[0]),
    ['svg', 'png', 'pdf', 'eps'],
    'canonical names',
  );
  t.match(item.properties.barcode_type.description, /Case is ignored/);
  t.match(item.properties.options.properties.foreground, { format: 'colour', description: /CSS name/ });
  const query = doc.paths['/api/barcodes/{type}'].get.parameters;
  t.match(
    query.find((p: { name: string }) => p.name === 'error_correction'),
    { in: 'query', description: /Case is ignored/ },
  );
});

t.test('should answer 405 with Allow for a known path asked with another method', async (t) => {
  const app = await gateway(t);
  const cases: [string, string, string][] = [
    ['PUT', '/api/barcodes', 'POST'],
    ['GET', '/api/barcodes', 'POST'],
    ['DELETE', '/api/barcodes/qr', 'GET, HEAD'],
    ['POST', '/api/jobs', 'GET, HEAD'],
    ['PUT', '/api/jobs/abc', 'DELETE, GET, HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await app.inject({ method: method as 'PUT', url, headers: auth });
    t.equal(res.statusCode, 405, `${method} ${url}`);
    t.equal(res.headers.allow, allow);
    t.same(res.json(), {
      statusCode: 405,
      error: 'Method Not Allowed',
      message: `${method} is not allowed on ${url}; it answers ${allow}`,
    });
  }
  const unknown = await app.inject({ method: 'PUT', url: '/api/nothing', headers: auth });
  t.equal(unknown.statusCode, 404);
  t.notOk(unknown.headers.allow);
  t.equal(unknown.json().message, 'PUT /api/nothing is not a route');
});
