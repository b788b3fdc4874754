/**
 * Wi-Fi network: the `WIFI:` format that ZXing defined and the Android and
 * iOS cameras read (`WIFI:T:WPA;S:<ssid>;P:<password>;H:true;;`), with `\`,
 * `;`, `,`, `"` and `:` escaped by a backslash in the SSID and password.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ACCEPTS, PayloadError, utf8Length } from './common.js';

export const WIFI_SECURITY = ['WPA', 'WEP', 'SAE', 'nopass'] as const;

export const WifiPayload = Type.Object(
  {
    ssid: Type.String({
      minLength: 1,
      maxLength: 32,
      [ACCEPTS]: 'the network name: 1 to 32 bytes of UTF-8',
      description: 'The network name: 1 to 32 bytes of UTF-8.',
    }),
    password: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'WPA/SAE: 8 to 63 printable ASCII characters or 64 hex digits; WEP: 5 or 13 characters, or 10 or 26 hex digits; none for nopass.',
      }),
    ),
    security: Type.Optional(
      Type.Union(
        WIFI_SECURITY.map((s) => Type.Literal(s)),
        {
          description:
            'WPA (WPA/WPA2/WPA3 personal), WEP, SAE (WPA3 only; Android 10+) or nopass (open). Default: WPA with a password, nopass without.',
        },
      ),
    ),
    hidden: Type.Optional(Type.Boolean({ description: 'The network does not broadcast its SSID.' })),
  },
  { additionalProperties: false, description: 'A Wi-Fi network to join.' },
);
export type WifiPayload = Static<typeof WifiPayload>;

/** The characters the format escapes with a backslash. */
const escape = (s: string): string => s.replace(/[\\;,":]/g, (c) => `\\${c}`);

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const HEX = /^[0-9A-Fa-f]*$/;

function checkPassword(security: string, password: string): void {
  const hex = HEX.test(password);
  if (security === 'nopass') {
    if (password) throw new PayloadError('password', 'must be left out when security is "nopass"');
    return;
  }
  if (!password) throw new PayloadError('password', `is required when security is "${security}"`);
  if (security === 'WEP') {
    const ok = [5, 13].includes(password.length) || (hex && [10, 26].includes(password.length));
    if (!ok || !PRINTABLE_ASCII.test(password)) {
      throw new PayloadError(
        'password',
        `must be 5 or 13 ASCII characters, or 10 or 26 hex digits, for WEP; got ${password.length} characters`,
      );
    }
    return;
  }
  // WPA and SAE: an 8..63 character passphrase (IEEE 802.11i), or the 256-bit key as 64 hex digits.
  if (!PRINTABLE_ASCII.test(password)) {
    throw new PayloadError('password', `must be printable ASCII characters for ${security}`);
  }
  if ((password.length < 8 || password.length > 63) && !(hex && password.length === 64)) {
    throw new PayloadError(
      'password',
      `must be 8 to 63 characters, or 64 hex digits, for ${security}; got ${password.length} characters`,
    );
  }
}

export function encodeWifi(p: WifiPayload): string {
  const bytes = utf8Length(p.ssid);
  if (bytes > 32) throw new PayloadError('ssid', `must be 1 to 32 bytes of UTF-8; got ${bytes} bytes`);
  const password = p.password ?? '';
  const security = p.security ?? (password ? 'WPA' : 'nopass');
  checkPassword(security, password);
  const fields = [`T:${security}`, `S:${escape(p.ssid)}`];
  if (password) fields.push(`P:${escape(password)}`);
  if (p.hidden) fields.push('H:true');
  return `WIFI:${fields.join(';')};;`;
}
