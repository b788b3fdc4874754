/**
 * Signed image URLs, for `<img src>` and other callers that cannot send a
 * header: `GET /api/barcodes/:type?data=…&expires=<unix s>&by=<key name>&sig=…`
 * is answered without an API key while its signature holds and it has not
 * expired (auth.ts checks it; routes/sign.ts makes them).
 *
 * The signature is HMAC-SHA256 over the canonical form of the URL: its path,
 * then every query parameter but `sig` as the router parsed it, each name
 * and value percent-encoded, sorted. So any change to the path, to a
 * parameter (data, a colour, a size, `expires`, `by`), or an added or
 * repeated one breaks it. The HMAC key is derived from the server secret and
 * the signing API key's hash: a URL names its key (`by`, the key's name,
 * never the key), counts against that key's rate limit, and stops working
 * when the key is removed or given a new value.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry } from './config.js';

/** The one route whose URLs can be signed. */
export const SIGNED_ROUTE = '/api/barcodes/:type';
export const SIG = 'sig';
export const EXPIRES = 'expires';
export const BY = 'by';
/** The parameters a signed URL adds to the image's own; taken off the query once checked. */
export const SIGNED_PARAMS = [SIG, EXPIRES, BY] as const;

/** How long a signed URL may live, in seconds: a minute to 30 days, a day unless asked. */
export const EXPIRES_IN = { min: 60, max: 30 * 86_400, default: 86_400 } as const;
/** Longer URLs are refused at signing: proxies, CDNs and Node's own header limit (16 KiB) stop somewhere above. */
export const MAX_SIGNED_URL_LENGTH = 8192;
/**
 * The longest a cache may keep a signed image: up to its expiry, but no more
 * than a day, so that a removed key's images leave shared caches within a day
 * (the gateway refuses its URLs at once).
 */
export const SIGNED_MAX_AGE = 86_400;

/** A label so that the derived keys serve this purpose only. */
const PURPOSE = 'batchcode signed image URL v1\n';

export type Query = Record<string, unknown>;

const enc = (s: string) => encodeURIComponent(s);

/** The signed text: `path?name=value&…`, every parameter but sig, percent-encoded and sorted. */
export function canonical(path: string, query: Query): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (name === SIG) continue;
    for (const v of Array.isArray(value) ? value : [value]) pairs.push(`${enc(name)}=${enc(String(v))}`);
  }
  pairs.sort();
  return `${path}?${pairs.join('&')}`;
}

export type Verdict = { ok: true; by: string; expires: number } | { ok: false; message: string };

export interface UrlSigner {
  /** `path?…&sig=…` for `params` (expires and by included) signed with the key named `by`. */
  sign(by: string, path: string, params: Record<string, string>): string;
  /** Checks a request's path and parsed query, at `nowMs`. */
  verify(path: string, query: Query, nowMs: number): Verdict;
}

/** A signature given as 64 hex digits or 43 base64url characters; anything else is no signature. */
function decodeSig(sig: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(sig)) return Buffer.from(sig, 'hex');
  if (/^[A-Za-z0-9_-]{43}$/.test(sig)) return Buffer.from(sig, 'base64url');
  return undefined;
}

export function urlSigner(secret: Buffer, keys: ApiKeyEntry[]): UrlSigner {
  const keyOf = new Map(
    keys.map((k) => [
      k.id,
      createHmac('sha256', secret)
        .update(PURPOSE + k.hash)
        .digest(),
    ]),
  );
  const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

  return {
    sign(by, path, params) {
      const key = keyOf.get(by);
      if (!key) throw new Error(`no API key named ${by}`);
      const text = canonical(path, params);
      return `${text}&${SIG}=${mac(key, text).toString('base64url')}`;
    },

    verify(path, query, nowMs) {
      const { [SIG]: sig, [EXPIRES]: expires, [BY]: by } = query;
      if (typeof sig !== 'string' || typeof expires !== 'string' || typeof by !== 'string') {
        return {
          ok: false,
          message: `signed URL refused: it needs sig, expires and by, each once; make signed URLs with POST /api/barcodes/sign`,
        };
      }
      const key = keyOf.get(by);
      if (!key) {
        return {
          ok: false,
          message:
            `signed URL refused: it was signed by the API key ${JSON.stringify(by.slice(0, 128))} (by), which this server does not have: ` +
            'a removed key takes the URLs it signed with it',
        };
      }
      const given = decodeSig(sig);
      const expected = mac(key, canonical(path, query));
      // Constant time: how much of a guess matched must not show in the answer's timing.
      if (!given || !timingSafeEqual(given, expected)) {
        return {
          ok: false,
          message:
            'signed URL refused: the signature does not match. The path or a parameter (data, format, a colour or size, expires, by) ' +
            'was changed after signing, or the URL was signed with another URL_SIGNING_SECRET (or by a gateway that made its own at start)',
        };
      }
      const at = /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
      if (!(at * 1000 > nowMs)) {
        const when = Number.isFinite(at) ? new Date(at * 1000).toISOString() : expires;
        return {
          ok: false,
          message: `signed URL expired at ${when} (expires=${expires}); ask its signer for a new one`,
        };
      }
      return { ok: true, by, expires: at };
    },
  };
}

/** Cache-Control of a signed image: public (the URL is its own credential), fresh until expiry, a day at most. */
export function signedCacheControl(expires: number, nowMs: number): string {
  const left = Math.floor((expires * 1000 - nowMs) / 1000);
  return `public, max-age=${Math.max(0, Math.min(SIGNED_MAX_AGE, left))}`;
}
