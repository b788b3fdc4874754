/**
 * A cell as Excel shows it: numbers through their number format (decimals,
 * thousands, percent, dates and times), long numbers such as GTINs in full,
 * a formula's last result, TRUE/FALSE, rich text as its text.
 */

/** Excel's day 0 (1899-12-30, so that its phantom 1900-02-29 cancels out) in Unix milliseconds. */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A format's sections are separated by unquoted semicolons; the first is for positive numbers. */
function firstSection(format: string): string {
  let quoted = false;
  for (let i = 0; i < format.length; i++) {
    if (format[i] === '"') quoted = !quoted;
    else if (format[i] === ';' && !quoted) return format.slice(0, i);
  }
  return format;
}

/** The format without colours, conditions, quoted text markers and escapes, for reading its shape. */
const shapeOf = (format: string) =>
  firstSection(format)
    .replace(/\[[^\]]*\]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/_./g, '');

export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[dmyhs]/i.test(shapeOf(format).replace(/General/gi, ''));
}

/** Numbers as Excel's General shows them: integers in full, others to 15 significant digits. */
function general(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(Number(n.toPrecision(15)));
}

const withThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A number through a decimal, thousands or percent format; General for anything else. */
function numberText(n: number, format: string | undefined): string {
  if (!format || /^general$/i.test(format.trim())) return general(n);
  const shape = shapeOf(format);
  const body = /[#0?][#0?,.]*%?/.exec(shape)?.[0];
  if (!body) return general(n);
  const percent = shape.includes('%');
  const value = percent ? n * 100 : n;
  const decimals = /\.([0#?]*)/.exec(body)?.[1]?.length ?? 0;
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, frac] = fixed.split('.');
  const int = body.includes(',') ? withThousands(whole!) : whole!;
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  const text = `${sign}${int}${frac !== undefined ? `.${frac}` : ''}${percent ? '%' : ''}`;
  // Literal text around the number ("€ 0.00", "0 \"kg\"") is kept as written.
  const quoted =
    firstSection(format)
      .match(/"([^"]*)"/g)
      ?.map((q) => q.slice(1, -1)) ?? [];
  const at = firstSection(format).search(/[#0?]/);
  const before = quoted.length && firstSection(format).indexOf('"') < at ? quoted[0]! : '';
  const after = quoted.length && firstSection(format).lastIndexOf('"') > at ? quoted.at(-1)! : '';
  return `${before}${text}${after}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date through its date/time format; ISO when the format has parts this does not know. */
function dateText(date: Date, format: string | undefined): string {
  const iso = () => {
    const day = date.toISOString().slice(0, 10);
    const time = date.toISOString().slice(11, 19);
    return time === '00:00:00' ? day : `${day} ${time}`;
  };
  if (!format || !isDateFormat(format)) return iso();
  const shape = firstSection(format).replace(/\[[^\]]*\]/g, '');
  const ampm = /AM\/PM|A\/P/i.test(shape);
  const hours = date.getUTCHours();
  const tokens = shape.match(/yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|AM\/PM|A\/P|"[^"]*"|\\.|./gi) ?? [];
  let out = '';
  let hourSeen = false;
  tokens.forEach((raw, k) => {
    const tok = raw.toLowerCase();
    // "m" after an hour or before seconds is minutes.
    const minutes =
      (tok === 'm' || tok === 'mm') &&
      (hourSeen || /^s/i.test(tokens.slice(k + 1).find((x) => /[a-z]/i.test(x)) ?? ''));
    if (tok === 'yyyy') out += date.getUTCFullYear();
    else if (tok === 'yy') out += pad(date.getUTCFullYear() % 100);
    else if (minutes) out += tok === 'mm' ? pad(date.getUTCMinutes()) : date.getUTCMinutes();
    else if (tok === 'mmmmm') out += MONTHS[date.getUTCMonth()]![0];
    else if (tok === 'mmmm') out += MONTHS[date.getUTCMonth()];
    else if (tok === 'mmm') out += MONTHS[date.getUTCMonth()]!.slice(0, 3);
    else if (tok === 'mm') out += pad(date.getUTCMonth() + 1);
    else if (tok === 'm') out += date.getUTCMonth() + 1;
    else if (tok === 'dddd') out += date.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
    else if (tok === 'ddd') out += date.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
    else if (tok === 'dd') out += pad(date.getUTCDate());
    else if (tok === 'd') out += date.getUTCDate();
    else if (tok === 'hh' || tok === 'h') {
      hourSeen = true;
      const h = ampm ? hours % 12 || 12 : hours;
      out += tok === 'hh' ? pad(h) : h;
    } else if (tok === 'ss') out += pad(date.getUTCSeconds());
    else if (tok === 's') out += date.getUTCSeconds();
    else if (tok === 'am/pm') out += hours < 12 ? 'AM' : 'PM';
    else if (tok === 'a/p') out += hours < 12 ? 'A' : 'P';
    else if (raw.startsWith('"')) out += raw.slice(1, -1);
    else if (raw.startsWith('\\')) out += raw.slice(1);
    else if (/[a-z]/i.test(raw)) return void (out = '\u0000');
    else out += raw;
  });
  return out.includes('\u0000') ? iso() : out;
}

/** A serial day number as a date (the 1904 system when the workbook says so). */
export function serialDate(serial: number, date1904 = false): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : EPOCH_1900;
  return new Date(epoch + Math.round(serial * DAY_MS));
}

/** The text of a cell's value, as exceljs's streaming reader gives it, in its number format. */
export function cellText(value: unknown, format: string | undefined, date1904 = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return isDateFormat(format) ? dateText(serialDate(value, date1904), format) : numberText(value, format);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : dateText(value, format);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) return cellText(v.result, format, date1904);
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: string }) => r.text ?? '').join('');
    if ('error' in v) return String(v.error);
    if ('text' in v) return cellText(v.text, format, date1904);
  }
  return String(value);
}
