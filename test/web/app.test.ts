/// <reference lib="dom" />
/**
 * The web app in a real headless Chromium against the real gateway (in-process
 * jobs, the real addon), going through the flows as a person would: sign in,
 * design a code and read its preview back with ZXing, upload 500 rows and
 * follow them to the end through the SSE stream, cancel a running job, edit a
 * dynamic code's destination. Every page: no console errors, no serious or
 * critical axe-core violations, screenshots at 1280 and 390 px in
 * test-output/web.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { csvRows, harness, KEY, unzip, upload } from '../helpers/bulk.js';
import { audit, launch, shot, type Session } from '../helpers/browser.js';
import { decode } from '../helpers/decode.js';

const WIDTHS = [1280, 390] as const;

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('#api-key', KEY);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=Pages]');
}

/** The check every page gets: accessible, no console errors, screenshots at both widths. */
async function look(t: Test, s: Session, name: string): Promise<void> {
  const violations = await audit(s.page);
  t.same(violations, [], `${name}: no serious or critical axe-core violations`);
  for (const width of WIDTHS) {
    await s.page.setViewportSize({ width, height: 900 });
    await s.page.waitForTimeout(100);
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    t.ok(overflow <= 0, `${name} at ${width} px: nothing wider than the screen (${overflow} px over)`);
    await shot(s.page, `${name}-${width}`);
  }
  await s.page.setViewportSize({ width: 1280, height: 900 });
  t.same(s.problems, [], `${name}: no console errors`);
}

/** The preview as the browser drew it: the image drawn on a white canvas at four times its size, as PNG. */
async function previewPng(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=preview]')!;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth * 4;
    canvas.height = img.naturalHeight * 4;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(url.split(',')[1]!, 'base64');
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

t.test('should sign in, refusing a wrong key, and keep the key out of the URL', async (t) => {
  const h = await harness(t, 'in-process');
  const s = await launch(t, h.app);
  await s.page.goto(`${s.base}/`);
  await s.page.fill('#api-key', 'wrong-key-0000000000000000');
  await s.page.click('button[type=submit]');
  await s.page.waitForSelector('.error');
  t.match(await s.page.textContent('.error'), /not accepted/);
  // The one refusal this flow asks for is the browser's own log line of the 401.
  t.match(s.problems, [/401/]);
  s.problems.length = 0;
  await look(t, s, 'sign-in');

  await s.page.fill('#api-key', KEY);
  await s.page.click('button[type=submit]');
  await s.page.waitForSelector('nav[aria-label=Pages]');
  t.notMatch(s.page.url(), KEY, 'the key is not in the URL');
  t.equal(await s.page.evaluate(() => sessionStorage.getItem('batchcode.api-key')), KEY, 'kept for this tab');
  await s.page.reload();
  await s.page.waitForSelector('nav[aria-label=Pages]');
  t.pass('still signed in after a reload');
});

t.test('should preview what is typed, decodably, and show the API error for a wrong check digit', async (t) => {
  const h = await harness(t, 'in-process');
  const s = await launch(t, h.app);
  await signIn(s.page, s.base);
  const typed = 'Hello from the web app 42';
  await s.page.fill('#data', typed);
  await s.page.waitForFunction(
    (text) => document.querySelector('[data-testid=preview]')?.getAttribute('alt')?.includes(text),
    typed,
  );
  await s.page.waitForFunction(() => document.querySelector('.preview')?.getAttribute('aria-busy') === 'false');
  t.equal(await decode(await previewPng(s.page)), typed, 'the preview decodes to the typed text');
  await look(t, s, 'generate');

  const png = await downloaded(s.page, () => s.page.click('text=Download PNG'));
  t.equal(await decode(png), typed, 'the PNG download decodes too');
  const pdf = await downloaded(s.page, () => s.page.click('text=Download PDF'));
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'a PDF download');

  await s.page.selectOption('#barcode-type', 'ean13');
  await s.page.fill('#data', '4006381333931');
  await s.page.waitForFunction(() =>
    /EAN-13/.test(document.querySelector('[data-testid=preview-meta]')?.textContent ?? ''),
  );
  t.equal(await decode(await previewPng(s.page)), '4006381333931', 'the EAN-13 sample decodes');
  await s.page.fill('#data', '4006381333932');
  await s.page.waitForFunction(() => (document.querySelector('#data-error')?.textContent ?? '') !== '');
  t.match(await s.page.textContent('#data-error'), /check digit/i, 'the data field shows the API error');
  t.equal(await s.page.getAttribute('#data', 'aria-invalid'), 'true');
  await look(t, s, 'generate-error');

  await s.page.fill('#data', '4006381333931');
  await s.page.fill('#opt-width', '5000');
  await s.page.waitForFunction(() => (document.querySelector('#opt-width-error')?.textContent ?? '') !== '');
  t.match(await s.page.textContent('#opt-width-error'), /width/, 'an option error sits under its field');
});

t.test('should check a 500-row CSV, follow the job live over SSE and download a ZIP of 500 codes', async (t) => {
  const h = await harness(t, 'in-process');
  const s = await launch(t, h.app);
  const requests: string[] = [];
  s.page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await signIn(s.page, s.base);
  await s.page.click('text=Bulk');
  await s.page.waitForSelector('#bulk-file', { state: 'attached' });
  const rows = csvRows(500).replace('https://example.com/item/3,', 'ftp://bad,');
  await s.page.setInputFiles('#bulk-file', { name: 'rows.csv', mimeType: 'text/csv', buffer: Buffer.from(rows) });
  await s.page.selectOption('#bulk-format', 'png');
  await s.page.waitForSelector('[data-testid=invalid-rows]');
  t.match(await s.page.textContent('[data-testid=check-summary]'), /500 rows read as csv.*1 invalid/);
  t.match(await s.page.textContent('[data-testid=invalid-rows]'), /Row 3/);
  await look(t, s, 'bulk');
  t.equal(
    (await h.app.inject({ method: 'GET', url: '/api/jobs', headers: { 'x-api-key': KEY } })).json().pagination.total,
    0,
    'the check queued nothing',
  );

  await s.page.click('button[type=submit]');
  await s.page.waitForURL(/#\/jobs\//);
  await s.page.waitForFunction(
    () => document.querySelector('[data-testid=status]')?.textContent === 'completed',
    null,
    { timeout: 60_000 },
  );
  t.equal(await s.page.textContent('[data-testid=job-progress]'), '100%');
  t.match(await s.page.textContent('[data-testid=job-processed]'), /500 of 500/);
  const id = new URL(s.page.url()).hash.split('/')[2]!;
  t.ok(requests.includes(`/api/jobs/${id}/events`), 'progress came from the event stream');
  t.notOk(requests.includes(`/api/jobs/${id}`), 'and not from polling the job');
  await look(t, s, 'job');

  const zip = await unzip(await downloaded(s.page, () => s.page.click('text=Download ZIP')));
  const images = [...zip.keys()].filter((n) => n.endsWith('.png'));
  t.equal(images.length, 499, '499 images (row 3 was invalid) and the report');
  t.ok(zip.has('results.csv'));
  let decoded = 0;
  for (const name of images) if ((await decode(zip.get(name)!))?.startsWith('https://example.com/item/')) decoded++;
  t.equal(decoded, 499, 'every image decodes');
  const csv = (await downloaded(s.page, () => s.page.click('text=Download CSV report'))).toString();
  t.equal(csv.trim().split(/\r?\n/).length, 501, 'the report has a line per row');

  await s.page.click('text=Jobs');
  await s.page.waitForSelector('.tiles .tile');
  await s.page.waitForSelector(`a[href="#/jobs/${id}"]`);
  await look(t, s, 'jobs');
  await s.page.click(`a[href="#/jobs/${id}"]`);
  await s.page.click('text=Delete job');
  await s.page.click('text=Confirm: delete job and files');
  await s.page.waitForSelector('text=Job deleted');
  t.equal(
    (await h.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: { 'x-api-key': KEY } })).statusCode,
    404,
  );
});

t.test('should cancel a running job from its page', async (t) => {
  const h = await harness(t, 'in-process');
  const s = await launch(t, h.app);
  await signIn(s.page, s.base);
  const up = await upload(h.app, csvRows(6000), { batchSize: 250, format: 'png', design: { width: 1200 } });
  t.equal(up.statusCode, 202, up.body);
  const id = up.json().job_id as string;
  await s.page.goto(`${s.base}/#/jobs/${id}`);
  await s.page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'processing');
  await s.page.click('text=Cancel job');
  await s.page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'cancelled');
  const job = (await h.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: { 'x-api-key': KEY } })).json();
  t.equal(job.status, 'cancelled');
  t.ok(job.processed < 6000, `stopped at ${job.processed} of 6000`);
  t.same(s.problems, []);
});

t.test('should list, edit, disable and chart a dynamic code', async (t) => {
  const h = await harness(t, 'in-process');
  const made = await h.app.inject({
    method: 'POST',
    url: '/api/codes',
    headers: { 'x-api-key': KEY },
    payload: { destination_url: 'https://example.com/before', title: 'Spring poster' },
  });
  t.equal(made.statusCode, 201, made.body);
  const code = made.json();
  for (let i = 0; i < 3; i++)
    await h.app.inject({ method: 'GET', url: `/r/${code.slug}`, headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } });

  const s = await launch(t, h.app);
  await signIn(s.page, s.base);
  await s.page.click('text=Dynamic codes');
  await s.page.fill('#code-search', 'spring');
  await s.page.waitForSelector('text=Spring poster');
  await look(t, s, 'codes');
  await s.page.click('text=Spring poster');
  await s.page.waitForSelector('#destination');
  await s.page.waitForSelector('.chart svg');
  t.match(await s.page.getAttribute('.chart svg', 'aria-label'), /Scans per day: 3 over 30 days/);
  await look(t, s, 'code');

  await s.page.fill('#destination', 'https://example.com/after');
  await s.page.click('text=Save destination');
  await s.page.waitForSelector('text=Destination saved');
  const scan = await h.app.inject({ method: 'GET', url: `/r/${code.slug}` });
  t.equal(scan.headers.location, 'https://example.com/after', 'the printed code now leads to the new destination');

  await s.page.fill('#destination', 'javascript:alert(1)');
  await s.page.click('text=Save destination');
  await s.page.waitForSelector('.field.invalid .error');
  t.match(await s.page.textContent('.field.invalid .error'), /destination_url/, 'a bad destination is refused by name');
  s.problems.length = 0; // the 400 just asked for

  await s.page.click('text=Disable code');
  await s.page.waitForFunction(() => document.querySelector('[data-testid=code-state]')?.textContent === 'disabled');
  t.equal((await h.app.inject({ method: 'GET', url: `/r/${code.slug}` })).statusCode, 410, 'disabled means 410');
});

t.test('should show the rate limit and when to retry', async (t) => {
  const h = await harness(t, 'in-process', { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '30s' });
  const s = await launch(t, h.app);
  await signIn(s.page, s.base);
  for (const text of ['a', 'ab', 'abc', 'abcd']) {
    await s.page.fill('#data', text);
    await s.page.waitForTimeout(400);
  }
  await s.page.waitForSelector('.banner.warn[role=alert]');
  t.match(await s.page.textContent('.banner.warn'), /Rate limit reached.*retry in \d+ s/i);
  // The page itself is outside the limit: a reload still loads the app.
  await s.page.reload();
  await s.page.waitForSelector('nav[aria-label=Pages]');
  t.pass('the app loads while its key is limited');
});
