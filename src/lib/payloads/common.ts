/**
 * What the payload helpers share: the field shapes (written once, so that
 * the same pattern and message serve every helper), the escaping of the
 * formats built from text lines (vCard, iCalendar), percent-encoding, and
 * the error an encoder raises for a value the schema cannot judge alone.
 */
import { Type, type TString } from '@sinclair/typebox';

/**
 * A problem with one field of a payload: `field` is its name inside the
 * helper's object (`ssid`), `problem` the rest of the sentence
 * (`must be 1 to 32 bytes of UTF-8; got 40 bytes`).
 */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'PayloadError';
  }
}

/** Long enough to recognise a value, short enough to keep a long one out of a message. */
const ECHO_MAX = 40;

/** A received value as it is shown after "got". */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value.length > ECHO_MAX ? `${value.slice(0, ECHO_MAX)}…` : value);
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * What a field accepts, in words, read by the error formatter (index.ts) so
 * that a message never shows a raw regular expression ("must be <accepts>").
 * A symbol: JSON validators and the OpenAPI document never see it.
 */
export const ACCEPTS = Symbol.for('batchcode.payload.accepts');

// The patterns are written with \u escapes so that TypeBox (no `u` flag) and Ajv (`u` flag) read them alike.
/** One line: no control characters but tab. */
const ONE_LINE = '^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$';
/** Several lines: tab, CR and LF allowed, no other control character. */
const LINES = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

/** A one-line text field of at most `max` characters (at least `min`, default 0). */
export const line = (max: number, description: string, min = 0): TString =>
  Type.String({
    minLength: min,
    maxLength: max,
    pattern: ONE_LINE,
    [ACCEPTS]: `one line of text (no control characters)`,
    description,
  });

/** A text field that may hold line breaks. */
export const lines = (max: number, description: string): TString =>
  Type.String({
    maxLength: max,
    pattern: LINES,
    [ACCEPTS]: 'text without control characters other than tab and line breaks',
    description,
  });

/**
 * A phone number as people write it: digits, an optional leading `+`, and
 * the separators space, `-`, `.`, `(`, `)`. Spaces are dropped when it is
 * encoded (a `tel:` URI has none); the other separators are kept, as RFC 3966
 * allows them.
 */
export const phone = (description: string): TString =>
  Type.String({
    minLength: 1,
    maxLength: 32,
    pattern: '^\\+?[0-9 ().\\-]*[0-9][0-9 ().\\-]*$',
    [ACCEPTS]: 'a phone number: digits, an optional leading "+", spaces, "-", ".", "(" and ")"',
    description,
  });

/** The number as it goes into a URI: without its spaces. */
export const dialable = (number: string): string => number.replaceAll(' ', '');

/**
 * An e-mail address: the HTML "valid e-mail address" (WHATWG), ASCII only,
 * at most 254 characters as SMTP allows.
 */
export const emailAddress = (description: string): TString =>
  Type.String({
    maxLength: 254,
    pattern:
      "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*$",
    [ACCEPTS]: 'an e-mail address such as name@example.com (ASCII)',
    description,
  });

/** An absolute http(s) URL, without spaces or control characters. */
export const webAddress = (description: string): TString =>
  Type.String({
    maxLength: 2048,
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\u0000-\\u0020\\u007F]+$',
    [ACCEPTS]: 'an http(s) URL such as https://example.com, without spaces',
    description,
  });

/**
 * Text as a vCard 3.0 (RFC 2426 §4) or iCalendar (RFC 5545 §3.3.11) value:
 * backslash, comma and semicolon escaped with a backslash, each line break
 * (CRLF, CR or LF) written `\n`.
 */
export const escapeText = (s: string): string => s.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');

/** Lines of a text format, each ended by CRLF, as vCard and iCalendar require. */
export const crlfLines = (lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

/**
 * Percent-encoding of UTF-8 text for a URI query value (RFC 3986 §2.1):
 * everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` and
 * `! ' ( ) *`, so `&`, `=`, `+`, `,` and `;` never read as syntax.
 */
export const pctEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** UTF-8 bytes of a string. */
export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A decimal without exponent, at most 7 decimals (about 1 cm on the ground), no trailing zeros. */
export function decimal(n: number): string {
  const fixed = n.toFixed(7).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}
