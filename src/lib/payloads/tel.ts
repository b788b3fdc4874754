/** Phone call: a `tel:` URI (RFC 3966), spaces dropped and `-`, `.`, `(`, `)` kept as visual separators. */
import { Type, type Static } from '@sinclair/typebox';
import { dialable, phone } from './common.js';

export const TelPayload = Type.Object(
  { number: phone('The number to call, best in international form (+…); spaces are dropped.') },
  { additionalProperties: false, description: 'A phone number to call (tel:).' },
);
export type TelPayload = Static<typeof TelPayload>;

export function encodeTel(p: TelPayload): string {
  return `tel:${dialable(p.number)}`;
}
