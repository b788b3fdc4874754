import t from 'tap';
import { decode, pngSize } from '../helpers/decode.js';
import { auth, gateway } from '../helpers/gateway.js';

t.test('should answer an SVG for GET with cache headers', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({ url: '/api/barcodes/qr?data=hello%20world', headers: auth });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
  t.equal(res.headers['cache-control'], 'private, max-age=31536000, immutable');
  t.equal(res.headers.vary, 'x-api-key, authorization');
  t.match(res.headers.etag, /^"[\w-]{32}"$/);
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(await decode(res.body), 'hello world');
});

t.test('should answer a PNG for GET with query options', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    url: '/api/barcodes/qr?data=png%20please&format=png&width=300&margin=2&error_correction=Q&foreground=%23112233',
    headers: auth,
  });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'image/png');
  t.equal(pngSize(res.rawPayload).width, 300);
  t.equal(await decode(res.rawPayload), 'png please');
});

t.test('should answer an image for POST /api/barcodes', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { id: 'ignored', barcode_type: 'qr', data: 'posted', format: 'png', options: { width: 200 } },
  });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'image/png');
  t.equal(await decode(res.rawPayload), 'posted');
  t.match(res.headers.etag, /^"[\w-]{32}"$/);
  const get = await app.inject({ url: '/api/barcodes/qr?data=posted&format=png&width=200', headers: auth });
  t.equal(get.headers.etag, res.headers.etag, 'the same request has the same tag by either route');
});

t.test('should answer 304 on GET and HEAD when If-None-Match matches', async (t) => {
  const app = await gateway(t);
  const url = '/api/barcodes/qr?data=etag&width=120';
  const first = await app.inject({ url, headers: auth });
  t.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  t.match(etag, /^"[\w-]{32}"$/);
  for (const method of ['GET', 'HEAD'] as const) {
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await app.inject({ method, url, headers: { ...auth, 'if-none-match': ifNoneMatch } });
      t.equal(res.statusCode, 304, `${method} ${ifNoneMatch}`);
      t.equal(res.body, '');
      t.equal(res.headers.etag, etag);
      t.equal(res.headers['cache-control'], 'private, max-age=31536000, immutable');
      t.equal(res.headers.vary, 'x-api-key, authorization');
    }
  }
  const changed = await app.inject({ url: `${url}0`, headers: { ...auth, 'if-none-match': etag } });
  t.equal(changed.statusCode, 200, 'another request has another tag');
  t.not(changed.headers.etag, etag);
  t.ok(changed.body.startsWith('<svg'), 'and its image');
});

t.test('should answer the 4xx of a failing request whatever If-None-Match says', async (t) => {
  const app = await gateway(t);
  // 4006381333931 is a valid EAN-13; ...932 has a wrong check digit.
  const bad = { barcode_type: 'ean13', data: '4006381333932' };
  for (const ifNoneMatch of ['*', '"anything"']) {
    const headers = { ...auth, 'if-none-match': ifNoneMatch };
    const get = await app.inject({ url: `/api/barcodes/ean13?data=${bad.data}`, headers });
    t.equal(get.statusCode, 422, `GET ${ifNoneMatch}`);
    t.match(get.json().message, /check digit/i);
    t.notOk(get.headers.etag, 'no tag for an image that does not exist');
    const post = await app.inject({ method: 'POST', url: '/api/barcodes', headers, payload: bad });
    t.equal(post.statusCode, 422, `POST ${ifNoneMatch}`);
    const invalid = await app.inject({ url: '/api/barcodes/ean13?data=4006381333931&width=0', headers });
    t.equal(invalid.statusCode, 400, `GET with a bad width and ${ifNoneMatch}`);
  }
  const good = await app.inject({
    url: '/api/barcodes/ean13?data=4006381333931',
    headers: { ...auth, 'if-none-match': '*' },
  });
  t.equal(good.statusCode, 304, 'the valid code exists, so * matches');
});

t.test('should answer 412 to a POST whose If-None-Match matches', async (t) => {
  const app = await gateway(t);
  const payload = { barcode_type: 'qr', data: 'post etag', format: 'png' };
  const first = await app.inject({ method: 'POST', url: '/api/barcodes', headers: auth, payload });
  t.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  t.match(etag, /^"[\w-]{32}"$/);
  for (const ifNoneMatch of [etag, `W/${etag}`, '*']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/barcodes',
      headers: { ...auth, 'if-none-match': ifNoneMatch },
      payload,
    });
    t.equal(res.statusCode, 412, ifNoneMatch);
    t.match(res.json(), { statusCode: 412, error: 'Precondition Failed', message: /^If-None-Match matches/ });
    t.notOk(res.headers['cache-control'], 'an error is not cached');
  }
  const other = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: { ...auth, 'if-none-match': '"other"' },
    payload,
  });
  t.equal(other.statusCode, 200, 'a tag that does not match renders');
  t.equal(await decode(other.rawPayload), 'post etag');
  t.equal(other.headers['cache-control'], 'private, max-age=31536000, immutable');
  t.equal(other.headers.vary, 'x-api-key, authorization');
});

t.test('should answer 400 naming the query or body field', async (t) => {
  const app = await gateway(t);
  const cases: [string, RegExp][] = [
    ['/api/barcodes/qr', /^querystring\.data is required$/],
    ['/api/barcodes/qr?data=a&width=wide', /^querystring\.width must be a whole number from 1 to 4096; got "wide"$/],
    ['/api/barcodes/qr?data=a&width=0', /^querystring\.width must be a whole number from 1 to 4096; got 0$/],
    [
      '/api/barcodes/qr?data=a&format=gif',
      /^querystring\.format must be one of "svg", "png", "pdf", "eps"; got "gif"$/,
    ],
    ['/api/barcodes/qr?data=a&colour=red', /^querystring\.colour is not an accepted field$/],
    ['/api/barcodes/nope?data=a', /^params\.type must be /],
  ];
  for (const [url, message] of cases) {
    const res = await app.inject({ url, headers: auth });
    t.equal(res.statusCode, 400, url);
    t.match(res.json().message, message, url);
  }
  const post = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'qr', data: 1 },
  });
  t.equal(post.statusCode, 400);
  t.equal(
    post.json().message,
    'body.data must be a string of at most 8192 characters or an object with exactly one of wifi, vcard, email, sms, tel, geo, event; got 1 (a number)',
  );
});

t.test('should answer 422 when the renderer refuses the data', async (t) => {
  const app = await gateway(t);
  const res = await app.inject({
    method: 'POST',
    url: '/api/barcodes',
    headers: auth,
    payload: { barcode_type: 'qr', data: 'x'.repeat(5000) },
  });
  t.equal(res.statusCode, 422);
  t.match(res.json(), { statusCode: 422, error: 'Unprocessable Entity', message: /^DATA_TOO_LONG: / });
  t.notOk(res.headers.etag, 'no cache headers on an error');
  t.notOk(res.headers['cache-control']);
});

t.test('should not let an attacker inject markup into the SVG', async (t) => {
  const app = await gateway(t);
  const evil = '"/><script>alert(1)</script><x y="';
  for (const field of ['foreground', 'background']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/barcodes',
      headers: auth,
      payload: { barcode_type: 'qr', data: 'x', options: { [field]: evil } },
    });
    t.equal(res.statusCode, 400, `${field} is refused`);
    t.match(res.json().message, new RegExp(`^body\\.options\\.${field} must be a colour: `));
  }
  const query = await app.inject({
    url: `/api/barcodes/qr?data=x&foreground=${encodeURIComponent('#000" onload="alert(1)')}`,
    headers: auth,
  });
  t.equal(query.statusCode, 400);

  const batch = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: {
      barcodes: [
        { id: evil, barcode_type: 'qr', data: '<script>alert(1)</script>' },
        { id: 'colour', barcode_type: 'qr', data: 'x', options: { foreground: evil } },
      ],
    },
  });
  t.equal(batch.statusCode, 200, 'a bad colour in a batch fails its item');
  t.match(batch.json().results[1], {
    id: 'colour',
    success: false,
    error: { code: 'INVALID_REQUEST', message: /^options\.foreground must be a colour: / },
  });
  t.notMatch(batch.json().results[0].svg, /<script>/, 'the good item renders, its data as modules');

  const ok = await app.inject({
    method: 'POST',
    url: '/api/barcodes/batch',
    headers: auth,
    payload: { barcodes: [{ id: evil, barcode_type: 'qr', data: '<script>alert(1)</script>"&' }] },
  });
  t.equal(ok.statusCode, 200);
  const result = ok.json().results[0];
  t.equal(result.id, evil, 'the id comes back as JSON data');
  t.notOk(result.svg.includes('<script'), 'no script element in the SVG');
  t.notOk(result.svg.includes(evil), 'the id is not in the SVG');
  t.notMatch(result.svg, /<(?!\/?(svg|rect|path)\b)/, 'only svg, rect and path elements');
  t.equal(await decode(result.svg), '<script>alert(1)</script>"&');

  const single = await app.inject({ url: '/api/barcodes/qr?data=%3Cscript%3Ealert(1)%3C%2Fscript%3E', headers: auth });
  t.equal(single.statusCode, 200);
  t.equal(await decode(single.body), '<script>alert(1)</script>');
  t.notOk(single.body.includes('<script'));
  t.match(single.headers['content-security-policy'], /default-src 'none'/);
});

t.test(
  'should take the error correction of PDF417 and Aztec, and answer 400 for a level Data Matrix cannot take',
  async (t) => {
    const app = await gateway(t);
    const pdf417 = await app.inject({ url: '/api/barcodes/pdf417?data=level%207&pdf417_ec_level=7', headers: auth });
    t.equal(pdf417.statusCode, 200);
    t.equal(await decode(pdf417.body, ['PDF417']), 'level 7');
    const aztec = await app.inject({ url: '/api/barcodes/aztec?data=fifty&aztec_ec_percent=50', headers: auth });
    t.equal(aztec.statusCode, 200);
    t.equal(await decode(aztec.body, ['Aztec']), 'fifty');

    for (const url of [
      '/api/barcodes/datamatrix?data=x&error_correction=H',
      '/api/barcodes/microqr?data=1&error_correction=H',
    ]) {
      const res = await app.inject({ url, headers: auth });
      t.equal(res.statusCode, 400, url);
      t.match(res.json(), { error: 'Bad Request', message: /^INVALID_OPTION: options\.error_correction: / });
    }
    const post = await app.inject({
      method: 'POST',
      url: '/api/barcodes',
      headers: auth,
      payload: { barcode_type: 'datamatrix', data: 'x', options: { error_correction: 'L' } },
    });
    t.equal(post.statusCode, 400);
    t.match(post.json().message, /Data Matrix's error correction is fixed by the standard/);
    const range = await app.inject({ url: '/api/barcodes/pdf417?data=x&pdf417_ec_level=9', headers: auth });
    t.equal(range.statusCode, 400);
    t.match(range.json().message, /pdf417_ec_level must be a whole number from 0 to 8; got 9/);
  },
);
