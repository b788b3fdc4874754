import t from 'tap';
import { auth, gateway } from '../helpers/gateway.js';

t.test('should answer /health and /ready', async (t) => {
  const app = await gateway(t);
  const health = await app.inject({ url: '/health' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), {
    status: 'ok',
    checks: {
      renderer: { status: 'ok' },
      database: { status: 'ok' },
      redis: { status: 'disabled' },
      workers: { status: 'ok', live: 1 },
    },
  });
});

t.test('should publish the OpenAPI document with the shared schemas', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\./);
  const batch = doc.paths['/api/barcodes/batch'].post;
  t.ok(batch.requestBody.content['application/json'].schema.properties.barcodes);
  for (const code of ['200', '400', '401', '429', '503']) t.ok(batch.responses[code], `batch documents ${code}`);
  t.ok(doc.paths['/api/barcodes/{type}'].get.responses['304']);
  t.ok(doc.components.securitySchemes.apiKey);
});

t.test('should give every answer a request id, echoing a plain one', async (t) => {
  const app = await gateway(t);
  const mine = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
  t.equal(mine.headers['x-request-id'], 'abc-123');
  const weird = await app.inject({ url: '/health', headers: { 'x-request-id': 'has spaces\nand lines' } });
  t.match(weird.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});

t.test('should never answer a stack or 500 for bad input', async (t) => {
  const app = await gateway(t);
  const bodies = ['null', '[]', '"text"', '{"barcodes": null}'];
  for (const payload of bodies) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/barcodes/batch',
      headers: { ...auth, 'content-type': 'application/json' },
      payload,
    });
    t.equal(res.statusCode, 400, payload);
    t.same(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode']);
  }
  // A bad item is that item's failure, as in the Node API.
  const items = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"barcodes": [null, []]}',
  });
  t.equal(items.statusCode, 200);
  t.same(
    items.json().results.map((r: { error: { message: string } }) => r.error.message),
    ['item must be an object; got null', 'item must be an object; got an array'],
  );
  const big = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: `{"barcodes": [{"barcode_type": "qr", "data": "${'x'.repeat(5 * 1024 * 1024)}"}]}`,
  });
  t.equal(big.statusCode, 413);
  t.equal(big.json().statusCode, 413);
});

t.test('should finish in-flight requests when closing', async (t) => {
  const app = await gateway(t);
  let handling: () => void = () => {};
  const started = new Promise<void>((resolve) => (handling = resolve));
  app.addHook('preHandler', async () => handling());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const barcodes = Array.from({ length: 100 }, (_, i) => ({
    barcode_type: 'qr',
    data: `closing ${Date.now()} ${i}`,
    format: 'png',
    options: { width: 800 },
  }));
  const inFlight = fetch(`http://127.0.0.1:${port}/api/barcodes/batch`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ barcodes }),
  });
  await started;
  const closing = Date.now();
  await app.close();
  t.ok(Date.now() - closing < 5000, `closed in ${Date.now() - closing} ms, not after the keep-alive timeout`);
  const res = await inFlight;
  t.equal(res.status, 200);
  t.equal(res.headers.get('connection'), 'close');
  t.equal(((await res.json()) as { summary: { successful: number } }).summary.successful, 100);
});
