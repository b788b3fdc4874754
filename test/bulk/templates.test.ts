/**
 * data_template and filename_template through the bulk API: each row's data
 * and image name from its columns, URL values percent-encoded, a template
 * naming a missing column refused (400), a row with an empty value invalid.
 */
import t from 'tap';
import { compileTemplate } from '../../src/bulk/template.js';
import { decode } from '../helpers/decode.js';
import { get, harness, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';

let h: Harness;
t.before(async () => {
  h = await harness(t, 'in-process');
});

t.test('should percent-encode values only where they land in a URL path, query or fragment', async (t) => {
  const fill = (template: string, value: string) => {
    const c = compileTemplate(template, 'data_template');
    return c.parts[0] + c.slots.map((s, k) => (s.encode ? encodeURIComponent(value) : value) + c.parts[k + 1]).join('');
  };
  t.equal(fill('https://x.example/p/{v}', 'a b/c'), 'https://x.example/p/a%20b%2Fc');
  t.equal(fill('https://x.example/?q={v}#{v}', 'a&b'), 'https://x.example/?q=a%26b#a%26b');
  t.equal(fill('https://{v}.example.com/', 'shop'), 'https://shop.example.com/', 'the host is put in as it is');
  t.equal(fill('mailto:{v}?subject={v}', 'a b'), 'mailto:a b?subject=a%20b');
  t.equal(fill('SKU {v} {{literal}}', 'a/b'), 'SKU a/b {literal}', 'plain text is not encoded');
  t.equal(compileTemplate('{x}', 'filename_template').slots[0]!.encode, false);
  for (const [bad, message] of [
    ['no braces', /names no column/],
    ['{open', /a \{ at position 1 that is not closed/],
    ['close}', /a \} at position 6 that closes nothing/],
    ['x{}', /an empty \{\} at position 2/],
  ] as const) {
    t.throws(() => compileTemplate(bad, 'data_template'), { message }, bad);
  }
});

t.test('should build each row’s data and file name from its columns', async (t) => {
  const csv = 'sku,campaign,title\nA 1,spring,First\nB/2,,Second\nC3,fall,\n';
  const res = await upload(h.app, csv, {
    data_template: 'https://shop.example.com/p/{sku}?utm_campaign={campaign}',
    filename_template: '{SKU}-{title}',
  });
  t.equal(res.statusCode, 202, res.body);
  t.same(res.json().invalid_rows, [
    { row: 2, reason: 'column campaign is empty, and options.data_template uses it' },
    { row: 3, reason: 'column title is empty, and options.filename_template uses it' },
  ]);
  const job = await poll(() => h.app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 1, failed: 2 });
  const zip = await unzip((await get(h.app, `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.same([...zip.keys()].sort(), ['A-1-First.png', 'results.csv']);
  t.equal(await decode(zip.get('A-1-First.png')!), 'https://shop.example.com/p/A%201?utm_campaign=spring');
  const rows = parseCsv(zip.get('results.csv')!.toString('utf8'));
  t.same(rows[1]!.slice(3, 6), ['1', 'A-1-First.png', 'success']);
});

t.test('should refuse a template naming a column the file does not have, naming it', async (t) => {
  const res = await upload(h.app, 'sku,title\nA,B\n', { data_template: 'https://x.example/{sku}/{colour}/{size}' });
  t.equal(res.statusCode, 400);
  t.equal(
    res.json().message,
    'options.data_template names the columns "colour", "size", which the input does not have; its columns are "sku", "title"',
  );
  const syntax = await upload(h.app, 'sku\nA\n', { filename_template: '{sku' });
  t.equal(syntax.statusCode, 400);
  t.match(syntax.json().message, 'options.filename_template has a { at position 1 that is not closed');
  const both = await upload(h.app, 'ssid\nA\n', { data_template: '{ssid}', payload: 'wifi' });
  t.equal(both.statusCode, 400);
  t.match(both.json().message, 'give one of them');
});

t.test('should take the template in direct jobs too, from the item fields', async (t) => {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/bulk/direct',
    headers: { 'x-api-key': 'test-key-0123456789abcdef' },
    payload: { qr_codes: [{ data: 'a b', title: 't' }], options: { data_template: 'https://x.example/{data}' } },
  });
  t.equal(res.statusCode, 202, res.body);
  const job = await poll(() => h.app, res.json().job_id);
  const zip = await unzip((await get(h.app, `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.equal(await decode(zip.get('t.png')!), 'https://x.example/a%20b');
});
