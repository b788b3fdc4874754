/**
 * GS1 Digital Link, and Data Matrix's rectangles (DMRE). Every URI we build
 * is read back from the image by ZXing and judged by GS1's own
 * digital-link.js (its grammar, check digits and qualifier order), which
 * shares no code with ours; every element sent must come back from the link.
 */
import { createRequire } from 'node:module';
import t from 'tap';
import { configure, renderBatch, renderSync, type BarcodeRequest, type BarcodeSuccess } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';
import { auth, gateway } from './helpers/gateway.js';

interface ParsedLink {
  isValid(): boolean;
  toJsonString(): string;
}
const { DigitalLink } = createRequire(import.meta.url)('digital-link.js') as {
  DigitalLink: (uri: string) => ParsedLink;
};

/** What GS1's library reads from a URI: every AI with its (percent-decoded) value, and the domain. */
function gs1Reads(uri: string): { valid: boolean; domain: string; elements: Record<string, string> } {
  let dl: ParsedLink;
  try {
    dl = DigitalLink(uri);
  } catch {
    return { valid: false, domain: '', elements: {} }; // it throws where there is no key at all
  }
  const json = JSON.parse(dl.toJsonString()) as {
    domain: string;
    identifier: Record<string, string>;
    keyQualifiers: Record<string, string>;
    attributes: Record<string, string>;
  };
  const all = { ...json.identifier, ...json.keyQualifiers, ...json.attributes };
  const elements = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, decodeURIComponent(v)]));
  return { valid: dl.isValid(), domain: json.domain, elements };
}

/** The elements of bracketed element strings, as sent. */
const elementsOf = (data: string) =>
  Object.fromEntries([...data.matchAll(/\((\d+)\)([^(]*)/g)].map((m) => [m[1]!, m[2]!]));

function render(req: BarcodeRequest): BarcodeSuccess {
  const r = renderSync(req);
  if (!r.success) throw new Error(`${req.data}: ${r.error.code} ${r.error.message}`);
  return r;
}

const built: { data: string; uri: string; resolver?: string }[] = [
  {
    data: '(01)09506000134352(10)ABC(17)270101',
    uri: 'https://id.gs1.org/01/09506000134352/10/ABC?17=270101',
  },
  {
    // Element strings in any order; the path takes the standard's (22, 10, 21), values percent-encoded.
    data: '(21)A/B%1(17)270101(10)L1(01)09506000134352',
    uri: 'https://id.gs1.org/01/09506000134352/10/L1/21/A%2FB%251?17=270101',
  },
  {
    data: '(01)09506000134352(3103)000195(15)261231',
    uri: 'https://id.gs1.org/01/09506000134352?3103=000195&15=261231',
    resolver: 'https://qr.example.com/p/',
  },
  { data: '(00)106141411234567897', uri: 'https://id.gs1.org/00/106141411234567897' },
  { data: '(414)9506000000008(254)A1', uri: 'https://id.gs1.org/414/9506000000008/254/A1' },
];

t.test('should build each link so that ZXing reads it from QR and Data Matrix and GS1 finds it valid', async (t) => {
  for (const row of built) {
    const want = row.resolver ? row.uri.replace('https://id.gs1.org', row.resolver.replace(/\/$/, '')) : row.uri;
    for (const symbol of ['qr', 'datamatrix'] as const) {
      for (const format of ['svg', 'png'] as const) {
        const r = render({
          barcode_type: 'gs1_digital_link',
          data: row.data,
          format,
          options: { symbol, module_width: 4, ...(row.resolver && { resolver: row.resolver }) },
        });
        const image = format === 'svg' ? r.svg! : r.png!;
        const read = await decode(image, [symbol === 'qr' ? 'QRCode' : 'DataMatrix']);
        t.equal(read, want, `${row.data} in ${symbol} ${format}`);
        t.equal(r.metadata!.text, want, 'metadata.text is the URI');
        t.equal(r.metadata!.symbology, 'GS1 Digital Link');
        t.equal(r.metadata!.symbol, symbol, 'metadata.symbol says which');
      }
    }
    const gs1 = gs1Reads(want);
    t.ok(gs1.valid, `GS1's digital-link.js finds ${want} valid`);
    t.same(gs1.elements, elementsOf(row.data), 'every element sent is in the link, and nothing else');
  }
});

t.test('should complete a check digit left out and write a GTIN-13 in a URI as 14 digits', async (t) => {
  const fromElements = render({ barcode_type: 'gs1_digital_link', data: '(01)0950600013435' });
  t.equal(fromElements.metadata!.text, 'https://id.gs1.org/01/09506000134352');
  const fromUri = render({
    barcode_type: 'gs1_digital_link',
    data: 'HTTPS://Example.COM/shop/01/9506000134352/21/a%2fb?linkType=gs1:pip',
  });
  const uri = 'https://example.com/shop/01/09506000134352/21/a%2Fb?linkType=gs1:pip';
  t.equal(fromUri.metadata!.text, uri, 'host lower-cased, path prefix kept, GTIN padded, escapes canonical');
  t.equal(await decode(fromUri.svg!, ['QRCode']), uri);
  t.ok(gs1Reads(uri).valid, 'GS1 agrees');
});

t.test('should refuse what the standard does not allow, as GS1 does, naming the reason', async (t) => {
  const refusals: [string, RegExp, boolean][] = [
    // [data, message, whether GS1's library has a URI to judge]
    ['(01)09506000134353', /\(01\) check digit should be 2, got 3/, false],
    ['(10)ABC(17)270101', /needs a primary key: one of \(01\) GTIN/, false],
    ['(01)09506000134352(00)106141411234567897', /one primary key/, false],
    ['(01)09506000134352(235)X(10)A', /not all of them together/, false],
    ['(00)106141411234567897(21)X', /\(21\) is a key qualifier of \(01\) or \(8006\), not of \(00\)/, false],
    ['(01)09506000134352(10)A(10)B', /\(10\) is given twice/, false],
    ['(01)09506000134352(10)A B', /a space at position 2/, false],
    ['https://id.gs1.org/01/09506000134352/21/X/10/A', /in the order 22\/10\/21 or 235, got \/21\/10/, true],
    ['https://id.gs1.org/01/09506000134353', /check digit should be 2/, true],
    ['https://id.gs1.org/01/0950600013435X', /takes only digits/, true],
    ['https://id.gs1.org/17/270101', /needs a primary key/, true],
    ['https://id.gs1.org/01/09506000134352/10/A%G1', /two hex digits/, false],
    ['https://id.gs1.org/01/09506000134352#frag', /no fragment/, false],
    ['https://id.gs1.org/01/09506000134352?00=106141411234567897', /one, in the path/, false],
    ['mailto:someone@example.com', /element strings like/, false],
    ['', /./, false],
  ];
  for (const [data, message, judged] of refusals) {
    const r = renderSync({ barcode_type: 'gs1_digital_link', data });
    t.notOk(r.success, data);
    if (r.success) continue;
    t.equal(r.error.code, data ? 'INVALID_DATA' : 'EMPTY_DATA', data);
    t.match(r.error.message, message, data);
    if (judged) t.notOk(gs1Reads(data).valid, `GS1's digital-link.js refuses ${data} too`);
  }
});

t.test('should refuse a bad resolver, symbol or error correction, naming the option', async (t) => {
  const option = (options: BarcodeRequest['options']) => {
    const r = renderSync({ barcode_type: 'gs1_digital_link', data: '(01)09506000134352', options });
    return r.success ? undefined : r.error;
  };
  for (const resolver of [
    'id.gs1.org',
    'javascript:alert(1)',
    'https://x.org/?q=1',
    'https://a b.org',
    'https://x.org/a#b',
  ]) {
    t.match(option({ resolver }), { code: 'INVALID_OPTION', message: /^options\.resolver/ }, resolver);
  }
  t.match(option({ symbol: 'aztec' as 'qr' }), { message: /^options\.symbol must be one of "qr", "datamatrix"/ });
  t.match(
    option({ symbol: 'datamatrix', error_correction: 'H' }),
    { code: 'INVALID_OPTION', message: /options\.error_correction.*Data Matrix's error correction is fixed/ },
    'Data Matrix has no level to choose',
  );
  const h = render({
    barcode_type: 'gs1_digital_link',
    data: '(01)09506000134352',
    options: { error_correction: 'H' },
  });
  t.equal(h.metadata!.error_correction, 'H', 'QR takes the level asked for');
  t.equal(
    render({ barcode_type: 'qr', data: 'x', options: { resolver: 'https://x.org', symbol: 'datamatrix' } }).metadata!
      .symbology,
    'QR Code',
    'other types ignore the Digital Link options',
  );
});

t.test('should draw Data Matrix rectangles and DMRE on request, each read by ZXing', async (t) => {
  const data = 'LOT 4711 EXP 2027-01-01';
  const sizes: Record<string, [number, number]> = {};
  for (const shape of ['square', 'rectangle', 'dmre'] as const) {
    for (const format of ['svg', 'png'] as const) {
      const r = render({
        barcode_type: 'datamatrix',
        data,
        format,
        options: { datamatrix_shape: shape, module_width: 5 },
      });
      t.equal(await decode(format === 'svg' ? r.svg! : r.png!, ['DataMatrix']), data, `${shape} ${format}`);
      sizes[shape] = [r.metadata!.rows, r.metadata!.columns];
      t.equal(r.metadata!.datamatrix_shape, shape, 'metadata.datamatrix_shape says which');
    }
  }
  const [[sr, sc], [rr, rc], [dr, dc]] = [sizes.square!, sizes.rectangle!, sizes.dmre!];
  t.equal(sr, sc, `square is square (${sr}x${sc})`);
  t.ok(rr < rc, `rectangle is wider than high (${rr}x${rc})`);
  t.ok(dr < dc && dr <= rr, `DMRE is a rectangle no higher than ISO's (${dr}x${dc})`);
  t.ok(dr * dc <= rr * rc, 'and no larger');
  // GS1 DataMatrix takes the shapes too, FNC1 and all.
  const gs1 = render({
    barcode_type: 'gs1_datamatrix',
    data: '(01)09506000134352(10)ABC',
    options: { datamatrix_shape: 'dmre', module_width: 5 },
  });
  t.ok(gs1.metadata!.rows < gs1.metadata!.columns, 'GS1 DataMatrix in a DMRE rectangle');
  t.equal(await decode(gs1.svg!, ['DataMatrix']), '(01)09506000134352(10)ABC');
});

t.test('should say how much fits when the data is too long for the shape', async (t) => {
  const r = renderSync({
    barcode_type: 'datamatrix',
    data: 'x'.repeat(60),
    options: { datamatrix_shape: 'rectangle' },
  });
  t.match(r, { success: false, error: { code: 'DATA_TOO_LONG', message: /16x48.*dmre or square/ } });
  const d = renderSync({ barcode_type: 'datamatrix', data: 'x'.repeat(60), options: { datamatrix_shape: 'dmre' } });
  t.ok(d.success, 'DMRE holds what ISO rectangles do not');
  const bad = renderSync({ barcode_type: 'datamatrix', data: 'x', options: { datamatrix_shape: 'round' as 'dmre' } });
  t.match(bad, {
    success: false,
    error: { message: /^options\.datamatrix_shape must be one of "square", "rectangle", "dmre"/ },
  });
});

t.test('should answer a Digital Link over HTTP, and 400 or 422 naming what is wrong', async (t) => {
  const app = await gateway(t);
  const ok = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: {
      barcode_type: 'gs1_digital_link',
      data: '(01)09506000134352(17)270101',
      options: { symbol: 'datamatrix' },
    },
  });
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(await decode(ok.body, ['DataMatrix']), 'https://id.gs1.org/01/09506000134352?17=270101');
  const tooLong = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: {
      barcode_type: 'gs1_digital_link',
      data: '(01)09506000134352',
      options: { resolver: `https://${'a'.repeat(130)}.org` },
    },
  });
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.json(), { message: /options\/resolver|options\.resolver/ }, 'names the field');
  const badCheck = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'gs1_digital_link', data: '(01)09506000134353' },
  });
  t.equal(badCheck.statusCode, 422, 'data that cannot be encoded is 422, as for every type');
  t.match(badCheck.body, /check digit should be 2/);
});

t.test('should point links that name no resolver at the configured digital_link_resolver', async (t) => {
  configure({ digital_link_resolver: 'https://qr.example.com/dl/' });
  t.teardown(() => configure({ digital_link_resolver: 'https://id.gs1.org' }));
  const data = '(01)09506000134352(10)ABC';
  const res = await renderBatch([
    { barcode_type: 'gs1_digital_link', data },
    { barcode_type: 'gs1_digital_link', data, options: { resolver: 'https://other.example' } },
    { barcode_type: 'gs1_digital_link', data: 'https://id.gs1.org/01/09506000134352' },
    // Other types ignore the setting (and would refuse a resolver given to them).
    { barcode_type: 'qr', data },
  ]);
  const svgs = res.results.map((r) => (r.success ? r.svg! : ''));
  t.equal(await decode(svgs[0]!, ['QRCode']), 'https://qr.example.com/dl/01/09506000134352/10/ABC', 'the setting');
  t.equal(await decode(svgs[1]!, ['QRCode']), 'https://other.example/01/09506000134352/10/ABC', "the item's own");
  t.equal(await decode(svgs[2]!, ['QRCode']), 'https://id.gs1.org/01/09506000134352', 'a URI keeps its host');
  t.equal(await decode(svgs[3]!, ['QRCode']), data, 'a QR code is untouched');
  t.ok(gs1Reads('https://qr.example.com/dl/01/09506000134352/10/ABC').valid, 'GS1 agrees');
});

t.test('should use DIGITAL_LINK_RESOLVER in the gateway', async (t) => {
  const app = await gateway(t, { DIGITAL_LINK_RESOLVER: 'https://codes.example.org' });
  t.teardown(() => configure({ digital_link_resolver: 'https://id.gs1.org' }));
  const res = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: { barcodes: [{ barcode_type: 'gs1_digital_link', data: '(01)09506000134352', options: { width: 200 } }] },
  });
  t.equal(res.statusCode, 200);
  const svg = (res.json() as { results: { svg: string }[] }).results[0]!.svg;
  t.equal(await decode(svg, ['QRCode']), 'https://codes.example.org/01/09506000134352');
});
