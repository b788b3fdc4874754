/**
 * Fuzz-style: random data per symbology from a seeded PRNG, a few hundred
 * items in bounded time. The process never crashes; each item either
 * decodes back exactly or fails alone with a clear per-item error.
 */
import t from 'tap';
import { renderBatch, type BarcodeType, type TextRequest } from '../src/lib/index.js';
import { decode } from './helpers/decode.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const PER_TYPE = Number(process.env.FUZZ_PER_TYPE ?? 24);

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (chars: string, n: number) => {
  const cs = Array.from(chars); // code points, never lone surrogates
  return Array.from({ length: n }, () => cs[int(0, cs.length - 1)]).join('');
};

const DIGITS = '0123456789';
const C39 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const LATIN1 = PRINTABLE + 'àéîõüçÀÉÎÕÜÇ±×÷';
const GS1X = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./_';
/** Characters no symbology here accepts everywhere: to provoke clean errors. */
const HOSTILE = 'A1é日\u{1F600}<>&"';

function gs1(): string {
  const parts = [`(01)${pick(DIGITS, 13)}`];
  if (rand() < 0.5) parts.push(`(17)${pick(DIGITS, 2)}${pad(int(1, 12))}${pad(int(1, 28))}`);
  if (rand() < 0.7) parts.push(`(10)${pick(GS1X, int(1, 12))}`);
  if (rand() < 0.5) parts.push(`(21)${pick(GS1X, int(1, 8))}`);
  if (rand() < 0.3) parts.push(`(310${int(0, 5)})${pick(DIGITS, 6)}`);
  for (let i = parts.length - 1; i > 0; i--) {
    const j = int(0, i);
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return parts.join('');
}
const pad = (n: number) => String(n).padStart(2, '0');
/** A GTIN for DataBar: 13 digits, 14 with the check digit, or those after (01). */
function gtin(): string {
  const body = pick(DIGITS, 13);
  const full = body + gs1Check(body);
  return [body, full, `(01)${body}`, `(01)${full}`][int(0, 3)]!;
}
/** A GTIN for DataBar Limited, whose indicator digit is 0 or 1; one in ten is another, to be refused. */
function limitedGtin(): string {
  const g = gtin();
  const at = g.startsWith('(') ? 4 : 0;
  const indicator = rand() < 0.9 ? pick('01', 1) : pick('23456789', 1);
  const body = g.slice(0, at) + indicator + g.slice(at + 1, at + 13);
  return g.length - at === 14 ? body + gs1Check(body.slice(at)) : body;
}

const generators: Record<Exclude<BarcodeType, 'qr'>, () => string> = {
  ean13: () => pick(DIGITS, int(12, 13)),
  ean8: () => pick(DIGITS, int(7, 8)),
  upca: () => pick(DIGITS, int(11, 12)),
  upce: () => (rand() < 0.5 ? pick('01', 1) + pick(DIGITS, 6) : pick('01', 1) + pick(DIGITS, 10)),
  code128: () => pick(PRINTABLE, int(1, 40)),
  gs1_128: gs1,
  code39: () => pick(C39, int(1, 30)),
  code93: () => pick(C39 + 'abcxyz', int(1, 30)),
  itf: () => pick(DIGITS, 2 * int(3, 20)),
  itf14: () => pick(DIGITS, int(13, 14)),
  codabar: () => pick('ABCD', 1) + pick('0123456789-$:/.+', int(2, 20)) + pick('ABCD', 1),
  datamatrix: () => pick(LATIN1, int(1, 200)),
  gs1_datamatrix: gs1,
  gs1_digital_link: gs1,
  pdf417: () => pick(PRINTABLE, int(1, 200)),
  aztec: () => pick(LATIN1, int(1, 200)),
  databar_omni: gtin,
  databar_stacked: gtin,
  databar_expanded: gs1,
  databar_expanded_stacked: gs1,
  databar_limited: limitedGtin,
  microqr: () => (rand() < 0.5 ? pick(DIGITS, int(1, 30)) : pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ', int(1, 16))),
};

const zxingFormat: Record<string, string> = {
  ean13: 'EAN13',
  ean8: 'EAN8',
  upca: 'UPCA',
  upce: 'UPCE',
  code128: 'Code128',
  gs1_128: 'Code128',
  code39: 'Code39Std',
  code93: 'Code93',
  itf: 'ITF',
  itf14: 'ITF',
  codabar: 'Codabar',
  datamatrix: 'DataMatrix',
  gs1_datamatrix: 'DataMatrix',
  gs1_digital_link: 'QRCode',
  pdf417: 'PDF417',
  aztec: 'Aztec',
  microqr: 'MicroQRCode',
  databar_omni: 'DataBar',
  databar_stacked: 'DataBar',
  databar_expanded: 'DataBarExpanded',
  databar_expanded_stacked: 'DataBarExpStk',
  databar_limited: 'DataBarLtd',
};
const ERROR_CODES = new Set(['INVALID_DATA', 'DATA_TOO_LONG', 'EMPTY_DATA']);

/** The GS1 mod-10 check digit of `digits`, computed here rather than taken from the renderer. */
function gs1Check(digits: string): string {
  let sum = 0;
  for (const [i, d] of Array.from(digits).reverse().entries()) sum += Number(d) * (i % 2 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}

/** Full length of the check-digit symbologies; one digit shorter means "compute the check digit". */
const checkedLength: Record<string, number> = { ean13: 13, ean8: 8, upca: 12, itf14: 14 };

/**
 * The text a symbol of `data` must carry, worked out from the input alone; undefined where this test
 * does not model the rules (UPC-E compression), so the renderer's `metadata.text` stands, and ZXing
 * still checks its check digit.
 */
function independentText(type: string, data: string): string | undefined {
  const full = checkedLength[type];
  if (full !== undefined) return data.length === full - 1 ? data + gs1Check(data) : data;
  // UPC-E compression and Digital Link URIs are checked by their own tests (retail, digital-link).
  if (type === 'upce' || type === 'gs1_digital_link') return undefined;
  if (type === 'databar_omni' || type === 'databar_stacked' || type === 'databar_limited') {
    const digits = data.replace(/^\(01\)/, '');
    return `(01)${digits.length === 13 ? digits + gs1Check(digits) : digits}`;
  }
  if (type.startsWith('gs1') || type.startsWith('databar_expanded'))
    return data.replace(/\(01\)(\d{13})(?=\(|$)/, (_, gtin: string) => `(01)${gtin}${gs1Check(gtin)}`);
  return data;
}

/** Readers show UPC-A and UPC-E as the 13-digit EAN of the full UPC-A number. */
function expected(type: string, text: string): string {
  if (type === 'upca') return '0' + text;
  if (type === 'upce') {
    const [ns, d1, d2, d3, d4, d5, d6] = text.split('');
    const body =
      {
        '0': `${d1}${d2}00000${d3}${d4}${d5}`,
        '1': `${d1}${d2}10000${d3}${d4}${d5}`,
        '2': `${d1}${d2}20000${d3}${d4}${d5}`,
        '3': `${d1}${d2}${d3}00000${d4}${d5}`,
        '4': `${d1}${d2}${d3}${d4}00000${d5}`,
      }[d6!] ?? `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
    return `0${ns}${body}${text.at(-1)}`;
  }
  return text;
}

t.test('should never crash and should decode or fail cleanly for random data', async (t) => {
  const started = Date.now();
  const items: TextRequest[] = [];
  for (const [type, gen] of Object.entries(generators)) {
    for (let i = 0; i < PER_TYPE; i++) {
      const hostile = i % 8 === 7;
      const data = hostile ? pick(HOSTILE, int(1, 6)) : gen();
      items.push({ barcode_type: type as BarcodeType, data, format: i % 2 ? 'png' : 'svg' });
    }
  }
  let decoded = 0;
  let failed = 0;
  const decodedByType = new Map<string, number>();
  for (let i = 0; i < items.length; i += 100) {
    const batch = items.slice(i, i + 100);
    const res = await renderBatch(batch, { include_metadata: true });
    for (const [j, r] of res.results.entries()) {
      const item = batch[j]!;
      const label = `${item.barcode_type} ${JSON.stringify(item.data)}`;
      if (!r.success) {
        failed++;
        t.ok(ERROR_CODES.has(r.error.code), `${label}: ${r.error.code}`);
        t.ok(r.error.message.length > 10, `${label}: ${r.error.message}`);
        continue;
      }
      const own = independentText(item.barcode_type, item.data);
      if (own !== undefined && r.metadata?.text !== undefined && r.metadata.text !== own) {
        t.equal(r.metadata.text, own, `${label}: metadata.text`);
      }
      const text = own ?? r.metadata?.text;
      if (text === undefined) {
        t.fail(`${label}: no metadata.text for UPC-E`);
        continue;
      }
      const got = await decode(r.svg ?? r.png!, [zxingFormat[item.barcode_type]!] as Parameters<typeof decode>[1]);
      const want = expected(item.barcode_type, text);
      if (got !== want) t.equal(got, want, label);
      else {
        decoded++;
        decodedByType.set(item.barcode_type, (decodedByType.get(item.barcode_type) ?? 0) + 1);
      }
    }
  }
  t.ok(decoded > items.length / 2, `${decoded} of ${items.length} decoded, ${failed} failed cleanly`);
  for (const type of Object.keys(generators)) t.ok(decodedByType.get(type), `some ${type} items decode`);
  t.ok(Date.now() - started < 110_000, 'bounded time');
});
