/**
 * Payload helpers in bulk jobs: `options.payload` builds each row's data
 * from the columns named after the helper's fields. Rows are checked at
 * upload (invalid ones named by row and column), the images of the others
 * decode to the standard strings.
 */
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { get, harness, parseCsv, poll, unzip, upload, type Harness } from '../helpers/bulk.js';

let h: Harness;
const app = () => h.app;

t.before(async () => {
  h = await harness(t, 'in-process');
});

t.test('should build wifi codes from columns, naming the row and column of a bad cell', async (t) => {
  const csv =
    'filename,SSID,password,security,hidden\r\n' +
    'home,Home,correct horse,WPA,\r\n' +
    'tricky,"a;b:c""d,e\\f"," p;w:""s3cret"",\\ ",,yes\r\n' + // a leading and a trailing space count
    'guest,Guest Café,,nopass,false\r\n' +
    'short,Home,p;w,WPA,\r\n' + // too short for WPA
    'typo,Home,secret123,WPA2,\r\n' +
    'flag,Home,secret123,,maybe\r\n';
  const res = await upload(app(), csv, { payload: 'wifi', format: 'png' });
  t.equal(res.statusCode, 202, res.body);
  t.same(res.json().invalid_rows, [
    { row: 4, reason: 'column password must be 8 to 63 characters, or 64 hex digits, for WPA; got 3 characters' },
    { row: 5, reason: 'column security must be one of "WPA", "WEP", "SAE", "nopass"; got "WPA2"' },
    { row: 6, reason: 'column hidden must be true or false; got "maybe"' },
  ]);
  const job = await poll(app, res.json().job_id);
  t.match(job, { status: 'completed', successful: 3, failed: 3 });

  const zip = await unzip((await get(app(), `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  const expected: Record<string, string> = {
    'home.png': 'WIFI:T:WPA;S:Home;P:correct horse;;',
    'tricky.png': 'WIFI:T:WPA;S:a\\;b\\:c\\"d\\,e\\\\f;P: p\\;w\\:\\"s3cret\\"\\,\\\\ ;H:true;;',
    'guest.png': 'WIFI:T:nopass;S:Guest Café;;',
  };
  t.same([...zip.keys()].sort(), [...Object.keys(expected), 'results.csv'].sort());
  for (const [name, text] of Object.entries(expected)) {
    t.equal(await decode(zip.get(name)!, ['QRCode'], 'Plain'), text, name);
  }
  const rows = parseCsv(zip.get('results.csv')!.toString('utf8'));
  t.same(rows[0], ['input_filename', 'SSID', 'password', 'security', 'hidden', 'row', 'filename', 'status', 'error']);
  t.same(rows[4], [
    'short',
    'Home',
    'p;w',
    'WPA',
    '',
    '4',
    '',
    'failed',
    'column password must be 8 to 63 characters, or 64 hex digits, for WPA; got 3 characters',
  ]);
});

t.test('should build vCards and places from columns', async (t) => {
  const vcards =
    'given_name,family_name,org,mobile,email,note\n' +
    'Zoë,"O\'Brien, Jr.",Smith; Sons,+44 7700 900123,zoe@example.com,"two\nlines"\n' +
    ',,,+1 555,not-an-email,\n';
  const res = await upload(app(), vcards, { payload: 'vcard', format: 'svg' });
  t.equal(res.statusCode, 202, res.body);
  t.same(res.json().invalid_rows, [
    { row: 2, reason: 'column email must be an e-mail address such as name@example.com (ASCII); got "not-an-email"' },
  ]);
  const job = await poll(app, res.json().job_id);
  const zip = await unzip((await get(app(), `/api/jobs/${job.job_id}/results?format=zip`)).rawPayload);
  t.equal(
    await decode(zip.get('row-1.svg')!.toString('utf8'), ['QRCode'], 'Plain'),
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:O'Brien\\, Jr.;Zoë;;;\r\nFN:Zoë O'Brien\\, Jr.\r\nORG:Smith\\; Sons\r\n" +
      'TEL;TYPE=CELL:+447700900123\r\nEMAIL;TYPE=INTERNET:zoe@example.com\r\nNOTE:two\\nlines\r\nEND:VCARD\r\n',
  );

  const places = 'title,latitude,longitude\nTower, 48.8584 ,2.2945\nNowhere,91,0\nText,north,0\n';
  const geo = await upload(app(), places, { payload: 'geo' });
  t.equal(geo.statusCode, 202, geo.body);
  t.same(geo.json().invalid_rows, [
    { row: 2, reason: 'column latitude must be a number from -90 to 90; got 91' },
    { row: 3, reason: 'column latitude must be a number from -90 to 90; got "north"' },
  ]);
  const geoJob = await poll(app, geo.json().job_id);
  const geoZip = await unzip((await get(app(), `/api/jobs/${geoJob.job_id}/results?format=zip`)).rawPayload);
  t.equal(await decode(geoZip.get('Tower.png')!, ['QRCode']), 'geo:48.8584,2.2945');
});

t.test('should refuse at upload a CSV without the columns the payload needs', async (t) => {
  const res = await upload(app(), 'name,pw\nHome,secret123\n', { payload: 'wifi' });
  t.equal(res.statusCode, 400, res.body);
  t.equal(
    res.json().message,
    'missing column: options.payload "wifi" needs the column ssid (its columns: ssid, password, security, hidden); the header has "name", "pw"',
  );
  const event = await upload(app(), 'summary\nx\n', { payload: 'event' });
  t.equal(event.statusCode, 400, event.body);
  t.match(event.json().message, /^missing column: options\.payload "event" needs the column start /);
});

t.test('should refuse a payload option it cannot apply', async (t) => {
  const unknown = await upload(app(), 'ssid\nHome\n', { payload: 'url' });
  t.equal(unknown.statusCode, 400, unknown.body);
  t.match(unknown.json().message, /^options\.payload/);

  const dynamic = await upload(app(), 'ssid\nHome\n', { payload: 'wifi', type: 'dynamic' });
  t.equal(dynamic.statusCode, 400, dynamic.body);
  t.equal(
    dynamic.json().message,
    'options.payload: a dynamic job encodes short links; payload helpers are for static jobs',
  );

  const direct = await app().inject({
    method: 'POST',
    url: '/api/bulk/direct',
    headers: { 'x-api-key': h.env.API_KEYS!.split(',')[0]! },
    payload: { qr_codes: [{ data: 'x' }], options: { payload: 'wifi' } },
  });
  t.equal(direct.statusCode, 400, direct.body);
  t.equal(
    direct.json().message,
    'options.payload is for CSV uploads (one column per field); in /api/bulk/direct, give each code its data as text',
  );
});
