/**
 * POST /api/bulk/check: an upload read and checked as /upload would, answered
 * with its first rows and every invalid row, and nothing kept: no job, no
 * dynamic code, no file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { csvRows, get, harness, KEY, multipart, type Part } from '../helpers/bulk.js';
import type { FastifyInstance } from 'fastify';

function check(app: FastifyInstance, file: string | Buffer, options?: unknown) {
  const parts: Part[] = [{ name: 'file', value: file, filename: 'rows.csv', contentType: 'text/csv' }];
  if (options !== undefined) parts.push({ name: 'options', value: JSON.stringify(options) });
  const { payload, headers } = multipart(parts);
  return app.inject({ method: 'POST', url: '/api/bulk/check', payload, headers: { ...headers, 'x-api-key': KEY } });
}

t.test('should answer the first rows and every invalid row, and queue nothing', async (t) => {
  const h = await harness(t, 'in-process');
  const rows = csvRows(40)
    .replace('https://example.com/item/2,', 'not a url,')
    .replace('https://example.com/item/30,', 'ftp://example.com/30,');
  const res = await check(h.app, rows, { format: 'png', barcode_type: 'qr' });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.equal(body.total_rows, 40);
  t.equal(body.input_format, 'csv');
  t.same(body.columns, ['destination_url', 'title']);
  t.same(
    body.invalid_rows.map((r: { row: number }) => r.row),
    [2, 30],
  );
  t.match(body.invalid_rows[0].reason, /destination_url/);
  t.equal(body.rows.length, 10, 'the first 10 rows');
  t.same(body.rows[0], {
    row: 1,
    cells: { destination_url: 'https://example.com/item/1', title: 'Item 1' },
    filename: body.rows[0].filename,
  });
  t.match(body.rows[0].filename, /\.png$/);
  t.ok(body.rows[1].error, 'an invalid row says why');
  t.equal((await get(h.app, '/api/jobs')).json().pagination.total, 0, 'no job');
  t.same(readdirSync(join(h.dataDir, 'tmp')), [], 'no file left');
});

t.test('should make no dynamic code when checking a dynamic upload', async (t) => {
  const h = await harness(t, 'in-process');
  const res = await check(h.app, csvRows(5), { type: 'dynamic' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().total_rows, 5);
  t.equal((await get(h.app, '/api/codes')).json().pagination.total, 0, 'no code made');
});

t.test('should refuse what an upload refuses, by name', async (t) => {
  const h = await harness(t, 'in-process');
  const noColumn = await check(h.app, 'title\nA\n');
  t.equal(noColumn.statusCode, 400);
  t.match(noColumn.json().message, /destination_url/);
  const badOption = await check(h.app, csvRows(2), { format: 'gif' });
  t.equal(badOption.statusCode, 400);
  t.match(badOption.json().message, /format/);
  const notMultipart = await h.app.inject({
    method: 'POST',
    url: '/api/bulk/check',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    payload: '{}',
  });
  t.equal(notMultipart.statusCode, 415);
  const noKey = await h.app.inject({ method: 'POST', url: '/api/bulk/check' });
  t.equal(noKey.statusCode, 401);
  t.same(readdirSync(join(h.dataDir, 'tmp')), [], 'no file left by a refusal');
});
