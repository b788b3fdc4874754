/**
 * Contact card: vCard 3.0 (RFC 2426), the version every phone camera
 * reads. Lines end with CRLF; text values escape `\`, `,`, `;` and line
 * breaks. Lines are not folded: QR readers take long lines, and folding
 * would only add bytes. The fields are flat so that a CSV has one column
 * for each.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  crlfLines,
  dialable,
  emailAddress,
  escapeText,
  line,
  lines,
  PayloadError,
  phone,
  webAddress,
} from './common.js';

export const VcardPayload = Type.Object(
  {
    given_name: Type.Optional(line(100, 'First name.')),
    family_name: Type.Optional(line(100, 'Last name.')),
    org: Type.Optional(line(200, 'Organisation (company).')),
    job_title: Type.Optional(line(200, 'Job title.')),
    phone: Type.Optional(phone('Phone (TEL;TYPE=VOICE).')),
    mobile: Type.Optional(phone('Mobile phone (TEL;TYPE=CELL).')),
    work_phone: Type.Optional(phone('Work phone (TEL;TYPE=WORK,VOICE).')),
    fax: Type.Optional(phone('Fax (TEL;TYPE=FAX).')),
    email: Type.Optional(emailAddress('E-mail address.')),
    url: Type.Optional(webAddress('Web site.')),
    street: Type.Optional(line(200, 'Street address.')),
    city: Type.Optional(line(100, 'City.')),
    region: Type.Optional(line(100, 'State, province or region.')),
    postal_code: Type.Optional(line(20, 'Postal code.')),
    country: Type.Optional(line(100, 'Country.')),
    note: Type.Optional(lines(1000, 'A note; may span lines.')),
  },
  {
    additionalProperties: false,
    description: 'A contact card (vCard 3.0). At least one of given_name, family_name and org.',
  },
);
export type VcardPayload = Static<typeof VcardPayload>;

const TELS = [
  ['phone', 'VOICE'],
  ['mobile', 'CELL'],
  ['work_phone', 'WORK,VOICE'],
  ['fax', 'FAX'],
] as const;

export function encodeVcard(p: VcardPayload): string {
  const given = p.given_name?.trim() ?? '';
  const family = p.family_name?.trim() ?? '';
  const org = p.org?.trim() ?? '';
  // FN and N are required by RFC 2426; a card for a company has its name as FN.
  const fn = [given, family].filter(Boolean).join(' ') || org;
  if (!fn) throw new PayloadError('given_name', 'or family_name or org is required: a card needs a name');
  const out = ['BEGIN:VCARD', 'VERSION:3.0', `N:${escapeText(family)};${escapeText(given)};;;`, `FN:${escapeText(fn)}`];
  if (org) out.push(`ORG:${escapeText(org)}`);
  if (p.job_title) out.push(`TITLE:${escapeText(p.job_title)}`);
  for (const [field, type] of TELS) {
    const number = p[field];
    if (number) out.push(`TEL;TYPE=${type}:${dialable(number)}`);
  }
  if (p.email) out.push(`EMAIL;TYPE=INTERNET:${p.email}`);
  if (p.url) out.push(`URL:${p.url}`);
  const address = [p.street, p.city, p.region, p.postal_code, p.country];
  if (address.some(Boolean)) {
    // ADR: post office box; extended address; street; locality; region; postal code; country.
    out.push(`ADR:;;${address.map((a) => escapeText(a ?? '')).join(';')}`);
  }
  if (p.note) out.push(`NOTE:${escapeText(p.note)}`);
  out.push('END:VCARD');
  return crlfLines(out);
}
