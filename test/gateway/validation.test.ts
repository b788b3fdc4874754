import t from 'tap';
import { BarcodeQuery } from '../../src/gateway/routes/barcode.js';
import { LIMITS } from '../../src/lib/facts.js';
import { auth, gateway } from '../helpers/gateway.js';

/** The numbers GET /api/barcodes/:type takes, read from its schema so that a new one is tested too. */
const NUMERIC_OPTIONS = Object.entries(BarcodeQuery.properties)
  .filter(([, schema]) => ['integer', 'number'].includes((schema as { type?: string }).type ?? ''))
  .map(([name]) => name);
/** A long value is echoed cut short. */
const shown = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);
type NumberSchema = { type?: string; minimum?: number; maximum?: number; multipleOf?: number };
const querySchema = (name: string) => (BarcodeQuery.properties as Record<string, NumberSchema | undefined>)[name];
/** What each field accepts, as the messages say it: the query schema's bounds (millimetres are decimals). */
const RANGES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(LIMITS).map(([name, { min, max }]) => [name, `from ${min} to ${max}`])),
  ...Object.fromEntries(
    NUMERIC_OPTIONS.map((name) => [name, `from ${querySchema(name)?.minimum} to ${querySchema(name)?.maximum}`]),
  ),
  page: 'from 1 to 1000000',
  limit: 'from 1 to 100',
};
/** How each field's kind of number is worded: a multiple of 2 is "an even whole number", a decimal "a number". */
const kind = (field: string) =>
  querySchema(field)?.type === 'number'
    ? 'a number'
    : querySchema(field)?.multipleOf === 2
      ? 'an even whole number'
      : 'a whole number';
const NOT_DECIMAL = ['Infinity', '-Infinity', '1e400', '0x20', '1e1', ' 12', '+5', '1'.padEnd(400, '0')];

t.test('should answer 400 naming the field for a number that is not finite plain decimal', async (t) => {
  const lines: string[] = [];
  const app = await gateway(t, {}, { logger: { stream: { write: (line: string) => void lines.push(line) } } });
  const routes = [
    ...NUMERIC_OPTIONS.map((name) => (v: string) => `/api/barcodes/qr?data=a&${name}=${v}`),
    (v: string) => `/api/barcodes/code128?data=a&margin=${v}`,
    (v: string) => `/api/jobs?page=${v}`,
    (v: string) => `/api/jobs?limit=${v}`,
  ];
  t.same(
    NUMERIC_OPTIONS.sort(),
    [
      'aztec_ec_percent',
      'databar_segments',
      'dpi',
      'height',
      'margin',
      'module_width',
      'pdf417_ec_level',
      'size',
      'width',
      'x_dim',
    ],
    'every numeric render option',
  );
  for (const route of routes) {
    for (const value of NOT_DECIMAL) {
      const url = route(encodeURIComponent(value));
      const field = /[?&](\w+)=[^&]*$/.exec(url)?.[1];
      const res = await app.inject({ url, headers: auth });
      t.equal(res.statusCode, 400, url);
      t.equal(
        res.json().message,
        `querystring.${field} must be ${kind(field!)} ${RANGES[field!]}; got ${JSON.stringify(shown(value))} (plain decimal digits only)`,
        url,
      );
    }
    const nan = await app.inject({ url: route('NaN'), headers: auth });
    t.equal(nan.statusCode, 400, route('NaN'));
    t.match(
      nan.json().message,
      /^querystring\.\w+ must be (a whole number|an even whole number|a number) from [\d.]+ to \d+; got "NaN"$/,
    );
  }
  const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
  t.same(errors, [], 'no error-level log line');
});

t.test('should still take plain decimal numbers in the query', async (t) => {
  const app = await gateway(t);
  const image = await app.inject({ url: '/api/barcodes/qr?data=a&width=120&margin=0', headers: auth });
  t.equal(image.statusCode, 200);
  const jobs = await app.inject({ url: '/api/jobs?page=2&limit=5', headers: auth });
  t.equal(jobs.statusCode, 200);
  t.match(jobs.json().pagination, { page: 2, limit: 5 });
  const bounds = await app.inject({ url: '/api/jobs?limit=101', headers: auth });
  t.equal(bounds.statusCode, 400);
  t.equal(bounds.json().message, 'querystring.limit must be a whole number from 1 to 100; got 101');
});
