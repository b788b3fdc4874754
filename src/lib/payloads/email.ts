/**
 * E-mail: a `mailto:` URI (RFC 6068), which every camera app opens in the
 * mail client; the older MATMSG format is read by fewer. The subject and
 * body are percent-encoded UTF-8, each line break as `%0D%0A` (RFC 6068 §5).
 */
import { Type, type Static } from '@sinclair/typebox';
import { emailAddress, line, lines, pctEncode } from './common.js';

export const EmailPayload = Type.Object(
  {
    to: emailAddress('The recipient.'),
    cc: Type.Optional(emailAddress('A copy to.')),
    bcc: Type.Optional(emailAddress('A blind copy to.')),
    subject: Type.Optional(line(500, 'The subject.')),
    body: Type.Optional(lines(2000, 'The message; may span lines.')),
  },
  { additionalProperties: false, description: 'An e-mail to write (mailto:).' },
);
export type EmailPayload = Static<typeof EmailPayload>;

/**
 * An address in a mailto: URI: the characters RFC 6068 allows there as they
 * are (unreserved, `!$'()*+,;:@`), the others an address may hold
 * (`#%&/=?^\`{|}`) percent-encoded.
 */
const address = (a: string): string =>
  a.replace(/[^A-Za-z0-9\-._~!$'()*+,;:@]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

export function encodeEmail(p: EmailPayload): string {
  const fields: string[] = [];
  if (p.cc) fields.push(`cc=${address(p.cc)}`);
  if (p.bcc) fields.push(`bcc=${address(p.bcc)}`);
  if (p.subject) fields.push(`subject=${pctEncode(p.subject)}`);
  if (p.body) fields.push(`body=${pctEncode(p.body.replace(/\r\n|\r|\n/g, '\r\n'))}`);
  return `mailto:${address(p.to)}${fields.length ? `?${fields.join('&')}` : ''}`;
}
