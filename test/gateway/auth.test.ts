import t from 'tap';
import { gateway, KEY, OTHER_KEY } from '../helpers/gateway.js';

const url = '/api/barcodes/qr?data=hello';

t.test('should answer 401 JSON without a key', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url });
  t.equal(res.statusCode, 401);
  t.same(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode']);
  t.equal(res.json().error, 'Unauthorized');
  t.match(res.json().message, /missing API key/);
});

t.test('should answer 401 for a wrong key in either header', async (t) => {
  const app = await gateway(t);
  for (const headers of [
    { 'x-api-key': 'wrong' },
    { authorization: 'Bearer wrong' },
    { authorization: `Basic ${KEY}` },
  ]) {
    const res = await app.inject({ url, headers });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.equal(res.json().statusCode, 401);
  }
});

t.test('should accept x-api-key and Authorization: Bearer', async (t) => {
  const app = await gateway(t);
  t.equal((await app.inject({ url, headers: { 'x-api-key': KEY } })).statusCode, 200);
  t.equal((await app.inject({ url, headers: { authorization: `Bearer ${OTHER_KEY}` } })).statusCode, 200);
});

t.test('should name the key as request.apiKey.id', async (t) => {
  const app = await gateway(t);
  const ids: string[] = [];
  app.addHook('onResponse', async (request) => {
    if (request.apiKey) ids.push(request.apiKey.id);
  });
  await app.inject({ url, headers: { 'x-api-key': KEY } });
  await app.inject({ url, headers: { 'x-api-key': OTHER_KEY } });
  t.equal(ids.length, 2);
  t.not(ids[0], ids[1]);
  t.notOk(
    ids.some((id) => id.includes(KEY) || id.includes(OTHER_KEY)),
    'the id is not the key',
  );
});

t.test('should leave /health, /ready and /docs open', async (t) => {
  const app = await gateway(t);
  t.equal((await app.inject({ url: '/health' })).statusCode, 200);
  t.equal((await app.inject({ url: '/ready' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs' })).statusCode, 200);
});

t.test('should answer 404 JSON for an unknown route', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url: '/api/nothing', headers: { 'x-api-key': KEY } });
  t.equal(res.statusCode, 404);
  t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'GET /api/nothing is not a route' });
});

t.test('should never log the API key', async (t) => {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const app = await gateway(t, { LOG_LEVEL: 'trace' }, { logger: { stream } });
  await app.inject({ url, headers: { 'x-api-key': KEY } });
  await app.inject({ url, headers: { authorization: `Bearer ${OTHER_KEY}` } });
  await app.inject({ url, headers: { 'x-api-key': 'wrong-secret' } });
  app.log.info({ req: { headers: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY } } }, 'headers logged');
  t.ok(lines.length > 3, 'something was logged');
  const all = lines.join('');
  t.notOk(all.includes(KEY), 'no key in logs');
  t.notOk(all.includes(OTHER_KEY), 'no key in logs');
  t.notOk(all.includes('wrong-secret'), 'no presented key in logs');
  t.match(all, /"reqId"/, 'request ids are logged');
});
