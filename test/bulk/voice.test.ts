/**
 * Issue 17, "one voice for every error", in bulk jobs: the upload's options
 * worded as every other field is, names in any case, CSS colour names, and
 * row errors that say `design.` where the upload wrote `design`.
 */
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { get, harness, KEY, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';

let h: Harness;
const app = () => h.app;
const FORMS = 'a colour: #RGB, #RRGGBB, #RRGGBBAA, a CSS name such as "red", or cmyk(c,m,y,k) in percent for print';

t.before(async () => {
  h = await harness(t, 'in-process');
});

t.test('should word bad upload options as every other field: field, accepted values, value received', async (t) => {
  const csv = 'data\nhello\n';
  const cases: [unknown, string][] = [
    [{ format: 'jpg' }, 'options.format must be one of "svg", "png", "pdf", "eps"; got "jpg"'],
    [{ batchSize: 5 }, 'options.batchSize must be a whole number from 10 to 500; got 5'],
    [{ batchSize: 'x' }, 'options.batchSize must be a whole number from 10 to 500; got "x" (a string)'],
    [{ type: 'live' }, 'options.type must be one of "static", "dynamic"; got "live"'],
    [{ design: { width: 0.5 } }, 'options.design.width must be a whole number from 1 to 4096; got 0.5'],
    [{ design: { foreground: 'reed' } }, `options.design.foreground must be ${FORMS}; got "reed"`],
    [
      { design: { foreground: '112233' } },
      `options.design.foreground must be ${FORMS}; got "112233" (hex colours start with #: "#112233")`,
    ],
    [{ design: { colour: 'red' } }, 'options.design.colour is not an accepted field'],
    [{ colour: 'red' }, 'options.colour is not an accepted field'],
  ];
  for (const [options, message] of cases) {
    const res = await upload(app(), csv, options);
    t.equal(res.statusCode, 400, JSON.stringify(options));
    t.equal(res.json().message, message);
  }
  // A direct request's options are checked by the route's schema first: the same sentence under `body.`.
  const direct = await app().inject({
    method: 'POST',
    url: '/api/bulk/direct',
    headers: { 'x-api-key': KEY },
    payload: { qr_codes: [{ data: 'x' }], options: { format: 'jpg' } },
  });
  t.equal(direct.statusCode, 400);
  t.equal(direct.json().message, 'body.options.format must be one of "svg", "png", "pdf", "eps"; got "jpg"');
});

t.test('should take names in any case and CSS colour names in the options, and render them', async (t) => {
  const csv = 'data,barcode_type,format\nupper,QR,PNG\ndefaulted,,\n';
  const res = await upload(app(), csv, {
    barcode_type: 'QR',
    format: 'Png',
    design: { error_correction: 'h', foreground: 'DarkBlue', background: 'white' },
  });
  t.equal(res.statusCode, 202, res.body);
  t.same(res.json().invalid_rows, []);
  const job = await poll(app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 2, failed: 0 });
  const zip = await unzip((await get(app(), `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.equal(await decode(zip.get('row-1.png')!, ['QRCode']), 'upper');
  t.equal(await decode(zip.get('row-2.png')!, ['QRCode']), 'defaulted');

  const direct = await app().inject({
    method: 'POST',
    url: '/api/bulk/direct',
    headers: { 'x-api-key': KEY },
    payload: {
      qr_codes: [{ data: 'direct', barcode_type: 'Code128' }],
      options: { format: 'SVG', design: { foreground: 'maroon' } },
    },
  });
  t.equal(direct.statusCode, 202, direct.body);
  const done = await poll(app, direct.json().job_id);
  t.match(done, { status: 'completed', successful: 1 });
  const svgs = await unzip((await get(app(), `/api/jobs/${done.job_id}/results?format=zip`)).rawPayload);
  const svg = svgs.get('row-1.svg')!.toString('utf8');
  t.match(svg, /#800000/, 'maroon drawn as #800000');
  t.equal(await decode(svg, ['Code128']), 'direct');
});

t.test('should say design.width, not options.width, for a design that cannot render', async (t) => {
  // A Micro QR row fits 20 pixels, so the job is taken; a job none of whose rows fits is refused whole.
  const res = await upload(app(), 'data,barcode_type\nhello,\n1,microqr\n', { design: { width: 20 } });
  t.equal(res.statusCode, 202, res.body);
  const reason =
    'design.width: 20x20 pixels is too small: this symbol is 29x29 modules with its quiet zone, so it needs at least 29x29 pixels';
  t.same(res.json().invalid_rows, [{ row: 1, reason }]);
  const job = await poll(app, res.json().job_id);
  const rows = parseCsv((await get(app(), `/api/jobs/${job.job_id}/results`)).body);
  t.ok(rows[1]?.includes(reason), 'the results CSV gives the same reason');

  const long = await upload(app(), `data,barcode_type\n${'a'.repeat(250)},code128\nshort,code128\n`, {
    design: { module_width: 2 },
  });
  t.equal(long.statusCode, 202, long.body);
  t.same(long.json().invalid_rows, [
    {
      row: 1,
      reason:
        'design.module_width: the image would be 5610x58 pixels and the limit is 4096x4096; ' +
        'at most 1 fits this symbol (2,805 modules wide with its quiet zones)',
    },
  ]);
});
