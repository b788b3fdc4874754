/**
 * Calendar event: an iCalendar VEVENT (RFC 5545) on CRLF lines, as QR
 * generators and readers (ZXing, the iOS and Android cameras) exchange it:
 * the VEVENT alone, without the VCALENDAR around it. Times are given in
 * RFC 3339 with their offset and written in UTC (`DTSTART:20250301T080000Z`),
 * so the event is at the same instant whatever the reader's time zone;
 * fractions of a second are dropped. A date alone (`2025-03-01`) makes an
 * all-day event (`DTSTART;VALUE=DATE:20250301`; its end is the day after the
 * last one, as in RFC 5545). Text escapes `\`, `,`, `;` and line breaks.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ACCEPTS, crlfLines, escapeText, line, lines, PayloadError } from './common.js';

const WHEN = '^\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:[Zz]|[+\\-]\\d{2}:\\d{2}))?$';

const when = (description: string) =>
  Type.String({
    pattern: WHEN,
    [ACCEPTS]:
      'an RFC 3339 time with its offset, such as 2025-03-01T09:00:00+01:00 or 2025-03-01T08:00:00Z, or a date such as 2025-03-01 for an all-day event',
    description,
  });

export const EventPayload = Type.Object(
  {
    summary: line(500, 'The title.', 1),
    start: when('When it starts: an RFC 3339 time with offset, or a date for an all-day event.'),
    end: Type.Optional(when('When it ends, after start; a date (the day after the last day) if start is a date.')),
    location: Type.Optional(line(500, 'Where.')),
    description: Type.Optional(lines(2000, 'Details; may span lines.')),
  },
  { additionalProperties: false, description: 'A calendar event (iCalendar VEVENT).' },
);
export type EventPayload = Static<typeof EventPayload>;

interface Instant {
  /** Milliseconds since the epoch (the date at 00:00 UTC for a date alone). */
  ms: number;
  dateOnly: boolean;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Parses what the pattern accepted, checking that the date exists and each part is in range. */
function parse(field: 'start' | 'end', text: string): Instant {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|([+-])(\d{2}):(\d{2})))?$/.exec(
    text,
  );
  const bad = (why: string) =>
    new PayloadError(field, `must be a real date and time (${why}); got ${JSON.stringify(text)}`);
  if (!m) throw bad('RFC 3339');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900) throw bad('the year from 1900');
  if (month < 1 || month > 12) throw bad('the month from 01 to 12');
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) throw bad(`the day from 01 to ${daysInMonth} in that month`);
  if (m[4] === undefined) return { ms: Date.UTC(year, month - 1, day), dateOnly: true };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 59) throw bad('the time from 00:00:00 to 23:59:59');
  let offset = 0;
  if (m[8] !== undefined) {
    const [oh, om] = [Number(m[9]), Number(m[10])];
    if (oh > 23 || om > 59) throw bad('the offset from -23:59 to +23:59');
    offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { ms: Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000, dateOnly: false };
}

function dateText(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

function format(field: 'start' | 'end', t: Instant): string {
  const d = new Date(t.ms);
  if (d.getUTCFullYear() > 9999) throw new PayloadError(field, 'must be before the year 10000 in UTC');
  const name = field === 'start' ? 'DTSTART' : 'DTEND';
  if (t.dateOnly) return `${name};VALUE=DATE:${dateText(t.ms)}`;
  return `${name}:${dateText(t.ms)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

export function encodeEvent(p: EventPayload): string {
  const start = parse('start', p.start);
  const out = ['BEGIN:VEVENT', `SUMMARY:${escapeText(p.summary)}`, format('start', start)];
  if (p.end !== undefined) {
    const end = parse('end', p.end);
    if (end.dateOnly !== start.dateOnly) {
      throw new PayloadError(
        'end',
        `must be ${start.dateOnly ? 'a date, as start is' : 'a time with its offset, as start is'}; got ${JSON.stringify(p.end)}`,
      );
    }
    if (end.ms <= start.ms) {
      throw new PayloadError('end', `must be after start (${p.start}); got ${JSON.stringify(p.end)}`);
    }
    out.push(format('end', end));
  }
  if (p.location) out.push(`LOCATION:${escapeText(p.location)}`);
  if (p.description) out.push(`DESCRIPTION:${escapeText(p.description)}`);
  out.push('END:VEVENT');
  return crlfLines(out);
}
