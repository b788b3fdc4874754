/**
 * Text message: `SMSTO:<number>:<message>`, the form ZXing defined and the
 * Android and iOS cameras open in the messages app (the `sms:` URI's body
 * parameter is read differently by iOS and Android). The message is taken
 * as it is: everything after the second colon, colons included.
 */
import { Type, type Static } from '@sinclair/typebox';
import { dialable, lines, phone } from './common.js';

export const SmsPayload = Type.Object(
  {
    number: phone('The recipient; spaces are dropped.'),
    message: Type.Optional(lines(1000, 'The text to send; may span lines.')),
  },
  { additionalProperties: false, description: 'A text message to send (SMSTO:).' },
);
export type SmsPayload = Static<typeof SmsPayload>;

export function encodeSms(p: SmsPayload): string {
  return p.message ? `SMSTO:${dialable(p.number)}:${p.message}` : `SMSTO:${dialable(p.number)}`;
}
