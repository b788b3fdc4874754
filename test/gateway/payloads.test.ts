/**
 * Payload helpers over HTTP: the single and batch POST routes take the
 * same `data` objects as the Node API; a malformed payload is a 400 naming
 * the field, a well-formed one that cannot be encoded fails its item (422 on
 * the single route), never a 500.
 */
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { auth, gateway } from '../helpers/gateway.js';

const WIFI = { wifi: { ssid: 'Café;Bar', password: 'p;w:"s3cret",\\', security: 'WPA', hidden: true } };
const WIFI_TEXT = 'WIFI:T:WPA;S:Café\\;Bar;P:p\\;w\\:\\"s3cret\\"\\,\\\\;H:true;;';

t.test('should render a payload object posted to /api/barcodes', async (t) => {
  const app = await gateway(t);
  const svg = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'qr', data: WIFI },
  });
  t.equal(svg.statusCode, 200);
  t.equal(svg.headers['content-type'], 'image/svg+xml; charset=utf-8');
  t.equal(await decode(svg.body, ['QRCode'], 'Plain'), WIFI_TEXT);

  const png = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: {
      barcode_type: 'qr',
      format: 'png',
      data: { event: { summary: 'Stand-up', start: '2025-03-31T09:15:00+02:00', end: '2025-03-31T09:30:00+02:00' } },
    },
  });
  t.equal(png.statusCode, 200);
  t.equal(png.headers['content-type'], 'image/png');
  t.equal(
    await decode(png.rawPayload, ['QRCode'], 'Plain'),
    'BEGIN:VEVENT\r\nSUMMARY:Stand-up\r\nDTSTART:20250331T071500Z\r\nDTEND:20250331T073000Z\r\nEND:VEVENT\r\n',
  );
});

t.test('should render payload objects in a batch, failing only the item that cannot be encoded', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: {
      barcodes: [
        { id: 'wifi', barcode_type: 'qr', data: WIFI },
        { id: 'geo', barcode_type: 'qr', data: { geo: { latitude: -33.8568, longitude: 151.2153 } }, format: 'png' },
        { id: 'text', barcode_type: 'qr', data: 'plain text still works' },
        { id: 'short', barcode_type: 'qr', data: { wifi: { ssid: 'Home', password: 'p;w' } } },
      ],
    },
  });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body.summary, { total: 4, successful: 3, failed: 1 });
  const [wifi, geo, text, short] = body.results;
  t.equal(await decode(wifi.svg, ['QRCode'], 'Plain'), WIFI_TEXT);
  t.equal(await decode(Buffer.from(geo.png, 'base64'), ['QRCode']), 'geo:-33.8568,151.2153');
  t.equal(await decode(text.svg, ['QRCode']), 'plain text still works');
  t.same(short, {
    id: 'short',
    success: false,
    error: {
      code: 'INVALID_REQUEST',
      message: 'data.wifi.password must be 8 to 63 characters, or 64 hex digits, for WPA; got 3 characters',
    },
  });
});

const TEXT_OR_ONE =
  'a string of at most 8192 characters or an object with exactly one of wifi, vcard, email, sms, tel, geo, event';

t.test('should answer a malformed payload with a 400 naming the field', async (t) => {
  const app = await gateway(t);
  const cases: [unknown, RegExp | string][] = [
    [{ wifi: {} }, /^body\.data\.wifi\.ssid is required/],
    [{ wifi: { ssid: 5 } }, 'body.data.wifi.ssid must be a string of 1 to 32 characters; got 5 (a number)'],
    [
      { wifi: { ssid: 'Home', security: 'WPA2' } },
      /^body\.data\.wifi\.security must be one of "WPA", "WEP", "SAE", "nopass"/,
    ],
    [{ geo: { latitude: 100, longitude: 0 } }, 'body.data.geo.latitude must be a number from -90 to 90; got 100'],
    [{ qr: 'x' }, /^body\.data\.qr is not an accepted field/],
    [
      { tel: { number: '1' }, sms: { number: '1' } },
      `body.data must be ${TEXT_OR_ONE}; got an object with "tel", "sms"`,
    ],
    [{}, `body.data must be ${TEXT_OR_ONE}; got an empty object`],
    [42, `body.data must be ${TEXT_OR_ONE}; got 42 (a number)`],
  ];
  for (const [data, message] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/barcodes',
      headers: auth,
      payload: { barcode_type: 'qr', data },
    });
    t.equal(res.statusCode, 400, JSON.stringify(data));
    t.match(res.json(), { statusCode: 400, error: 'Bad Request', message }, JSON.stringify(data));
  }
});

t.test('should answer a payload that cannot be encoded with a 422 naming the field', async (t) => {
  const app = await gateway(t);
  const cases: [unknown, string][] = [
    [
      { wifi: { ssid: 'é'.repeat(17) } },
      'INVALID_REQUEST: data.wifi.ssid must be 1 to 32 bytes of UTF-8; got 34 bytes',
    ],
    [
      { event: { summary: 'x', start: '2025-03-01T10:00:00Z', end: '2025-03-01T09:00:00Z' } },
      'INVALID_REQUEST: data.event.end must be after start (2025-03-01T10:00:00Z); got "2025-03-01T09:00:00Z"',
    ],
    [
      { vcard: { note: 'no name' } },
      'INVALID_REQUEST: data.vcard.given_name or family_name or org is required: a card needs a name',
    ],
  ];
  for (const [data, message] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/barcodes',
      headers: auth,
      payload: { barcode_type: 'qr', data },
    });
    t.equal(res.statusCode, 422, JSON.stringify(data));
    t.same(res.json(), { statusCode: 422, error: 'Unprocessable Entity', message });
  }
});

t.test('should document the payload helpers in the OpenAPI document', async (t) => {
  const app = await gateway(t);
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const data = doc.paths['/api/barcodes'].post.requestBody.content['application/json'].schema.properties.data;
  t.same(Object.keys(data.properties), ['wifi', 'vcard', 'email', 'sms', 'tel', 'geo', 'event']);
  t.same(data.properties.wifi.required, ['ssid']);
  t.same(
    data.anyOf.map((s: { type: string }) => s.type),
    ['string', 'object'],
  );
});
