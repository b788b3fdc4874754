/**
 * Payload helpers in the Node API: each case is rendered as a QR code and
 * read back by ZXing, and must give exactly the standard string written
 * here by hand from the format's specification (WIFI: as ZXing defines it,
 * vCard 3.0 RFC 2426, mailto: RFC 6068, SMSTO:, tel: RFC 3966, geo: RFC 5870,
 * iCalendar RFC 5545). Bad payloads fail their own item, naming the field.
 */
import t from 'tap';
import { renderBatch, renderSync, type BarcodeRequest, type PayloadData } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const CRLF = '\r\n';
const lines = (...l: string[]) => l.map((x) => x + CRLF).join('');

const cases: [name: string, data: PayloadData, expected: string][] = [
  // WIFI: T (security), S (SSID), P (password), H (hidden); `\ ; , " :` escaped with a backslash.
  [
    'wifi WPA',
    { wifi: { ssid: 'Home', password: 'correct horse', security: 'WPA' } },
    'WIFI:T:WPA;S:Home;P:correct horse;;',
  ],
  [
    'wifi with every character the format escapes',
    { wifi: { ssid: 'a;b:c"d,e\\f', password: 'p;w:"s3cret",\\' } },
    'WIFI:T:WPA;S:a\\;b\\:c\\"d\\,e\\\\f;P:p\\;w\\:\\"s3cret\\"\\,\\\\;;',
  ],
  [
    'wifi SAE hidden',
    { wifi: { ssid: 'Lab', password: '0123456789abcdef', security: 'SAE', hidden: true } },
    'WIFI:T:SAE;S:Lab;P:0123456789abcdef;H:true;;',
  ],
  ['wifi open network', { wifi: { ssid: 'Guest' } }, 'WIFI:T:nopass;S:Guest;;'],
  ['wifi hidden false', { wifi: { ssid: 'Guest', hidden: false } }, 'WIFI:T:nopass;S:Guest;;'],
  [
    'wifi WEP hex key',
    { wifi: { ssid: 'Old', password: '0A1B2C3D4E', security: 'WEP' } },
    'WIFI:T:WEP;S:Old;P:0A1B2C3D4E;;',
  ],
  [
    'wifi 64 hex digit key and non-ASCII SSID',
    { wifi: { ssid: 'Café Ωmega 🛜', password: 'ab'.repeat(32) } },
    `WIFI:T:WPA;S:Café Ωmega 🛜;P:${'ab'.repeat(32)};;`,
  ],
  // vCard 3.0: CRLF lines; `\`, `,`, `;` and line breaks escaped in text values.
  [
    'vcard with commas, semicolons, a backslash, line breaks and non-ASCII names',
    {
      vcard: {
        given_name: 'Zoë',
        family_name: "O'Brien, Jr.",
        org: 'Smith; Sons',
        job_title: 'Head, R&D',
        phone: '+1 555 010 0100',
        mobile: '+44 7700 900123',
        email: 'zoe@example.com',
        url: 'https://example.com/zoe?a=1&b=2',
        street: '1 Main St',
        city: 'Zürich',
        postal_code: '8001',
        country: 'Switzerland',
        note: 'Line one\nLine two, with comma; and \\ backslash\r\nthird',
      },
    },
    lines(
      'BEGIN:VCARD',
      'VERSION:3.0',
      "N:O'Brien\\, Jr.;Zoë;;;",
      "FN:Zoë O'Brien\\, Jr.",
      'ORG:Smith\\; Sons',
      'TITLE:Head\\, R&D',
      'TEL;TYPE=VOICE:+15550100100',
      'TEL;TYPE=CELL:+447700900123',
      'EMAIL;TYPE=INTERNET:zoe@example.com',
      'URL:https://example.com/zoe?a=1&b=2',
      'ADR:;;1 Main St;Zürich;;8001;Switzerland',
      'NOTE:Line one\\nLine two\\, with comma\\; and \\\\ backslash\\nthird',
      'END:VCARD',
    ),
  ],
  [
    'vcard of an organisation',
    { vcard: { org: 'ACME', work_phone: '(555) 010-0199', fax: '555.010.0198' } },
    lines(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:;;;;',
      'FN:ACME',
      'ORG:ACME',
      'TEL;TYPE=WORK,VOICE:(555)010-0199',
      'TEL;TYPE=FAX:555.010.0198',
      'END:VCARD',
    ),
  ],
  [
    'vcard with CJK names and a region',
    { vcard: { given_name: '太郎', family_name: '山田', region: '東京都' } },
    lines('BEGIN:VCARD', 'VERSION:3.0', 'N:山田;太郎;;;', 'FN:太郎 山田', 'ADR:;;;;東京都;;', 'END:VCARD'),
  ],
  // mailto: subject and body percent-encoded UTF-8, line breaks as %0D%0A.
  ['email address alone', { email: { to: 'info@example.com' } }, 'mailto:info@example.com'],
  [
    'email with cc, subject and a two-line body',
    {
      email: {
        to: 'a.b+tag@example.com',
        cc: 'c@example.org',
        subject: 'Hello, world & more?',
        body: 'Line 1\nLine 2: café = 5€',
      },
    },
    'mailto:a.b+tag@example.com?cc=c@example.org&subject=Hello%2C%20world%20%26%20more%3F&body=Line%201%0D%0ALine%202%3A%20caf%C3%A9%20%3D%205%E2%82%AC',
  ],
  [
    'email address with characters a URI must encode',
    { email: { to: 'odd#name%x@example.com', bcc: 'x=y@example.com' } },
    'mailto:odd%23name%25x@example.com?bcc=x%3Dy@example.com',
  ],
  // SMSTO:number:message; the message is everything after the second colon.
  [
    'sms with colons and quotes in the message',
    { sms: { number: '+1 555 0100', message: 'Meet at 10:30; bring "snacks"' } },
    'SMSTO:+15550100:Meet at 10:30; bring "snacks"',
  ],
  ['sms without a message', { sms: { number: '5550100' } }, 'SMSTO:5550100'],
  ['tel with separators', { tel: { number: '+1 (555) 010-0100' } }, 'tel:+1(555)010-0100'],
  ['geo', { geo: { latitude: 48.8584, longitude: 2.2945 } }, 'geo:48.8584,2.2945'],
  ['geo south and east', { geo: { latitude: -33.8568, longitude: 151.2153 } }, 'geo:-33.8568,151.2153'],
  ['geo small numbers in plain decimals', { geo: { latitude: 1e-7, longitude: -180 } }, 'geo:0.0000001,-180'],
  ['geo rounded to 7 decimals', { geo: { latitude: 90, longitude: -1e-9 } }, 'geo:90,0'],
  // VEVENT: times in UTC, text escaped like vCard.
  [
    'event with offsets, escaping and a two-line description',
    {
      event: {
        summary: 'Launch, party; drinks',
        start: '2025-03-01T09:00:00+01:00',
        end: '2025-03-01T10:30:00+01:00',
        location: 'Room 4, HQ',
        description: 'Bring:\nlaptop',
      },
    },
    lines(
      'BEGIN:VEVENT',
      'SUMMARY:Launch\\, party\\; drinks',
      'DTSTART:20250301T080000Z',
      'DTEND:20250301T093000Z',
      'LOCATION:Room 4\\, HQ',
      'DESCRIPTION:Bring:\\nlaptop',
      'END:VEVENT',
    ),
  ],
  [
    'event across time zones and a year boundary',
    { event: { summary: 'Réunion 会議', start: '2025-12-31T20:30:00-05:00', end: '2026-01-01T09:45:00+05:45' } },
    lines('BEGIN:VEVENT', 'SUMMARY:Réunion 会議', 'DTSTART:20260101T013000Z', 'DTEND:20260101T040000Z', 'END:VEVENT'),
  ],
  [
    'event with fractional seconds and lower-case separators',
    { event: { summary: 'x', start: '2024-02-29t23:59:59.999z' } },
    lines('BEGIN:VEVENT', 'SUMMARY:x', 'DTSTART:20240229T235959Z', 'END:VEVENT'),
  ],
  [
    'all-day event',
    { event: { summary: 'Holiday', start: '2025-07-14', end: '2025-07-15' } },
    lines('BEGIN:VEVENT', 'SUMMARY:Holiday', 'DTSTART;VALUE=DATE:20250714', 'DTEND;VALUE=DATE:20250715', 'END:VEVENT'),
  ],
];

t.test('should encode every payload helper to its standard string, read back by ZXing', async (t) => {
  const items: BarcodeRequest[] = cases.map(([name, data], i) => ({
    id: name,
    barcode_type: 'qr',
    data,
    format: i % 2 ? 'png' : 'svg',
  }));
  const res = await renderBatch(items, { include_metadata: true });
  t.equal(res.summary.successful, cases.length, 'every item renders');
  for (const [i, [name, , expected]] of cases.entries()) {
    const r = res.results[i]!;
    if (!r.success) {
      t.fail(`${name}: ${r.error.message}`);
      continue;
    }
    t.equal(await decode((r.svg ?? r.png)!, ['QRCode'], 'Plain'), expected, name);
  }
});

t.test('should render a payload in other 2D symbologies too', async (t) => {
  const data: PayloadData = { wifi: { ssid: 'Home', password: 'p;w:"s3cret"' } };
  const r = renderSync({ barcode_type: 'datamatrix', data, format: 'png' });
  t.ok(r.success);
  if (r.success) t.equal(await decode(r.png!, ['DataMatrix'], 'Plain'), 'WIFI:T:WPA;S:Home;P:p\\;w\\:\\"s3cret\\";;');
});

const invalid: [name: string, data: unknown, message: string][] = [
  [
    'an SSID over 32 bytes',
    { wifi: { ssid: 'é'.repeat(17) } },
    'data.wifi.ssid must be 1 to 32 bytes of UTF-8; got 34 bytes',
  ],
  ['an empty SSID', { wifi: { ssid: '' } }, 'data.wifi.ssid must be the network name: 1 to 32 bytes of UTF-8; got ""'],
  ['no SSID', { wifi: { password: 'secret123' } }, 'data.wifi.ssid is required'],
  [
    'a WPA password too short',
    { wifi: { ssid: 'Home', password: 'p;w', security: 'WPA' } },
    'data.wifi.password must be 8 to 63 characters, or 64 hex digits, for WPA; got 3 characters',
  ],
  [
    'a non-ASCII WPA password',
    { wifi: { ssid: 'Home', password: 'motdepassé' } },
    'data.wifi.password must be printable ASCII characters for WPA',
  ],
  [
    'a bad WEP key',
    { wifi: { ssid: 'Old', password: 'abcdef', security: 'WEP' } },
    'data.wifi.password must be 5 or 13 ASCII characters, or 10 or 26 hex digits, for WEP; got 6 characters',
  ],
  [
    'a password for an open network',
    { wifi: { ssid: 'Guest', password: 'secret123', security: 'nopass' } },
    'data.wifi.password must be left out when security is "nopass"',
  ],
  [
    'WPA without a password',
    { wifi: { ssid: 'Home', security: 'WPA' } },
    'data.wifi.password is required when security is "WPA"',
  ],
  [
    'an unknown security',
    { wifi: { ssid: 'Home', password: 'secret123', security: 'wpa2' } },
    'data.wifi.security must be one of "WPA", "WEP", "SAE", "nopass"; got "wpa2"',
  ],
  ['hidden as text', { wifi: { ssid: 'Home', hidden: 'yes' } }, 'data.wifi.hidden must be true or false; got "yes"'],
  [
    'an unknown wifi field',
    { wifi: { ssid: 'Home', pass: 'secret123' } },
    'data.wifi.pass is not a field of wifi; its fields are ssid, password, security, hidden',
  ],
  [
    'a helper that is not an object',
    { wifi: 'Home' },
    'data.wifi must be an object with the fields ssid, password, security, hidden; got "Home"',
  ],
  ['no helper', {}, 'data must hold exactly one of wifi, vcard, email, sms, tel, geo, event; got none'],
  [
    'two helpers',
    { tel: { number: '1' }, sms: { number: '1' } },
    'data must hold exactly one of wifi, vcard, email, sms, tel, geo, event; got tel and sms',
  ],
  [
    'an unknown helper',
    { url: 'https://x' },
    'data.url is not a payload kind; use one of wifi, vcard, email, sms, tel, geo, event',
  ],
  [
    'a card without a name',
    { vcard: { email: 'a@example.com' } },
    'data.vcard.given_name or family_name or org is required: a card needs a name',
  ],
  [
    'a card with a bad e-mail address',
    { vcard: { org: 'ACME', email: 'not an address' } },
    'data.vcard.email must be an e-mail address such as name@example.com (ASCII); got "not an address"',
  ],
  [
    'a name on two lines',
    { vcard: { given_name: 'Zoë\nSmith' } },
    'data.vcard.given_name must be one line of text (no control characters); got "Zoë\\nSmith"',
  ],
  [
    'a lone surrogate',
    { vcard: { given_name: 'Zo\uD800' } },
    'data.vcard.given_name contains an unpaired UTF-16 surrogate',
  ],
  [
    'a web site that is no http(s) URL',
    { vcard: { org: 'ACME', url: 'javascript:alert(1)' } },
    'data.vcard.url must be an http(s) URL such as https://example.com, without spaces; got "javascript:alert(1)"',
  ],
  ['no recipient', { email: { subject: 'Hi' } }, 'data.email.to is required'],
  [
    'a phone number in words',
    { sms: { number: 'call me' } },
    'data.sms.number must be a phone number: digits, an optional leading "+", spaces, "-", ".", "(" and ")"; got "call me"',
  ],
  [
    'a latitude out of range',
    { geo: { latitude: 91, longitude: 0 } },
    'data.geo.latitude must be a number from -90 to 90; got 91',
  ],
  [
    'a longitude as text',
    { geo: { latitude: 0, longitude: '2.3' } },
    'data.geo.longitude must be a number from -180 to 180; got "2.3"',
  ],
  [
    'a time without its offset',
    { event: { summary: 'x', start: '2025-03-01T09:00:00' } },
    'data.event.start must be an RFC 3339 time with its offset, such as 2025-03-01T09:00:00+01:00 or 2025-03-01T08:00:00Z, or a date such as 2025-03-01 for an all-day event; got "2025-03-01T09:00:00"',
  ],
  [
    'a day that does not exist',
    { event: { summary: 'x', start: '2025-02-29T09:00:00Z' } },
    'data.event.start must be a real date and time (the day from 01 to 28 in that month); got "2025-02-29T09:00:00Z"',
  ],
  [
    'an hour out of range',
    { event: { summary: 'x', start: '2025-03-01T24:00:00Z' } },
    'data.event.start must be a real date and time (the time from 00:00:00 to 23:59:59); got "2025-03-01T24:00:00Z"',
  ],
  [
    'an end before the start',
    { event: { summary: 'x', start: '2025-03-01T09:00:00+01:00', end: '2025-03-01T07:59:59Z' } },
    'data.event.end must be after start (2025-03-01T09:00:00+01:00); got "2025-03-01T07:59:59Z"',
  ],
  [
    'an end equal to the start',
    { event: { summary: 'x', start: '2025-03-01T09:00:00+01:00', end: '2025-03-01T08:00:00Z' } },
    'data.event.end must be after start (2025-03-01T09:00:00+01:00); got "2025-03-01T08:00:00Z"',
  ],
  [
    'a date end for a timed start',
    { event: { summary: 'x', start: '2025-03-01T09:00:00Z', end: '2025-03-02' } },
    'data.event.end must be a time with its offset, as start is; got "2025-03-02"',
  ],
  ['no summary', { event: { start: '2025-03-01' } }, 'data.event.summary is required'],
];

t.test('should fail only the item whose payload is invalid, naming the field', async (t) => {
  const items = [
    { id: 'good', barcode_type: 'qr', data: { tel: { number: '+1 555 0100' } } },
    ...invalid.map(([name, data]) => ({ id: name, barcode_type: 'qr', data })),
  ] as BarcodeRequest[];
  const res = await renderBatch(items);
  t.equal(res.results[0]!.success, true, 'the valid item renders');
  t.match(res.summary, { total: invalid.length + 1, successful: 1, failed: invalid.length });
  invalid.forEach(([name, , message], i) => {
    t.same(res.results[i + 1], { id: name, success: false, error: { code: 'INVALID_REQUEST', message } }, name);
  });
});

t.test('should still refuse data that is neither text nor an object', async (t) => {
  for (const data of [5, null, ['a'], true]) {
    const r = renderSync({ barcode_type: 'qr', data } as unknown as BarcodeRequest);
    t.match(r, { success: false, error: { code: 'INVALID_REQUEST', message: /^data/ } }, JSON.stringify(data));
  }
});

t.test('should state the capacity when a payload is too long for the symbol', async (t) => {
  const r = renderSync({
    barcode_type: 'qr',
    data: { event: { summary: 'x', start: '2025-03-01', description: 'y'.repeat(2000) } },
    options: { error_correction: 'H' },
  });
  t.match(r, { success: false, error: { code: 'DATA_TOO_LONG', message: /holds at most 1,273$/ } });
});
