/**
 * Bulk jobs with `options.sheet` as an object: labels.pdf, read by poppler and decoded by ZXing,
 * label by label where Avery's L7160 measurements put them.
 */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { csvRows, get, harness, poll, unzip, upload } from '../helpers/bulk.js';

const DPI = 300;
const px = (mm: number) => String(Math.round((mm * DPI) / 25.4));
const run = (cmd: string, args: string[], input: Buffer) =>
  execFileSync(cmd, args, { input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'pipe'] });

/** Label `slot` (0 = top left) of `page` of an L7160 sheet, as a PNG. */
function label(pdf: Buffer, page: number, slot: number): Buffer {
  const x = 7.21 + (slot % 3) * 66.04;
  const y = 15.15 + Math.floor(slot / 3) * 38.1;
  const args = ['-png', '-r', String(DPI), '-f', String(page), '-l', String(page), '-singlefile'];
  return run('pdftoppm', [...args, '-x', px(x), '-y', px(y), '-W', px(63.5), '-H', px(38.1), '-'], pdf);
}

t.test('should lay a 1,000-row job out on 48 L7160 pages, every sampled label its row', async (t) => {
  const h = await harness(t, 'in-process');
  const res = await upload(h.app, csvRows(1000), { format: 'svg', sheet: { template: 'L7160', caption: '{title}' } });
  t.equal(res.statusCode, 202, res.body);
  const id = res.json().job_id as string;
  t.match(await poll(() => h.app, id, undefined, 120_000), { status: 'completed', successful: 1000 });
  const pdf = await get(h.app, `/api/jobs/${id}/labels`);
  t.equal(pdf.statusCode, 200);
  t.equal(pdf.headers['content-type'], 'application/pdf');
  const info = run('pdfinfo', ['-'], pdf.rawPayload).toString('utf8');
  t.match(info, /Pages:\s+48\n/, '1,000 labels at 21 a page');
  const text = run('pdftotext', ['-f', '48', '-l', '48', '-', '-'], pdf.rawPayload).toString('utf8');
  t.match(text, /Item 1000/, 'the last caption on the last page');
  for (let page = 1; page <= 48; page++) {
    // A different place on each page: row (page - 1) * 21 + slot + 1.
    const slot = (page * 5) % (page === 48 ? 13 : 21);
    const row = (page - 1) * 21 + slot + 1;
    t.equal(
      await decode(label(pdf.rawPayload, page, slot)),
      `https://example.com/item/${row}`,
      `page ${page}, label ${slot + 1}: row ${row}`,
    );
  }
  const zip = await unzip((await get(h.app, `/api/jobs/${id}/results?format=zip`)).rawPayload);
  t.same(zip.get('labels.pdf'), pdf.rawPayload, 'labels.pdf is in the ZIP too');
  t.equal([...zip.keys()].filter((n) => n.endsWith('.svg')).length, 1000, 'beside every image');
});

t.test('should refuse a bad label sheet at upload, naming the field', async (t) => {
  const h = await harness(t, 'in-process');
  for (const [sheet, message] of [
    [{ template: 'L9999' }, /^options\.sheet\.template must be one of "L7160"/],
    [
      { page: 'A4', columns: 4, rows: 7, label_width: 63.5, label_height: 38.1 },
      /^options\.sheet\.columns: the labels do not fit the page/,
    ],
    [{ page: 'A4', columns: 0, rows: 7, label_width: 63.5, label_height: 38.1 }, /^options\.sheet\.columns/],
    [{ template: 'L7160', caption: '{colour}' }, /options\.sheet\.caption names the column "colour"/],
  ] as const) {
    const res = await upload(h.app, csvRows(3), { sheet });
    t.equal(res.statusCode, 400, JSON.stringify(sheet));
    t.match(res.json().message, message);
  }
  const plain = await upload(h.app, csvRows(3), {});
  const id = plain.json().job_id as string;
  await poll(() => h.app, id);
  const none = await get(h.app, `/api/jobs/${id}/labels`);
  t.equal(none.statusCode, 409);
  t.match(none.json().message, /no label sheets/);
  t.equal((await get(h.app, `/api/jobs/${id}/labels`, 'other-key-fedcba9876543210')).statusCode, 404, 'owner-scoped');
});
