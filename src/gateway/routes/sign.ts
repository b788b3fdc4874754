/**
 * POST /api/barcodes/sign: a signed URL of one code's image, for `<img src>`
 * and anything else that cannot send the API key (signing.ts). It takes the
 * item POST /api/barcodes takes, plus `expires_in`, checks that the code
 * would render, and answers `{ url, expires_at }`; the URL is answered
 * without a key until then, as if the signing key had asked.
 */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import type { SigningConfig } from '../embed-config.js';
import { errorResponses, HttpError, renderRefusal } from '../errors.js';
import { ownerOf } from '../plugins/auth.js';
import { BY, EXPIRES, EXPIRES_IN, MAX_SIGNED_URL_LENGTH, SIGNED_ROUTE } from '../signing.js';
import { BarcodeRequest, checkBatch } from '../../lib/index.js';

export const SignRequest = Type.Object(
  {
    ...BarcodeRequest.properties,
    expires_in: Type.Optional(
      Type.Integer({
        minimum: EXPIRES_IN.min,
        maximum: EXPIRES_IN.max,
        description: `Seconds the URL works, ${EXPIRES_IN.min} to ${EXPIRES_IN.max} (30 days); default ${EXPIRES_IN.default}.`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const SignResponse = Type.Object(
  {
    url: Type.String({ description: 'The absolute image URL, answered without an API key until expires_at.' }),
    expires_at: Type.String({ format: 'date-time' }),
    warning: Type.Optional(
      Type.String({ description: 'Set when the URL will stop working sooner: no URL_SIGNING_SECRET is configured.' }),
    ),
  },
  { description: 'The signed image URL and when it expires.' },
);

/** Said with every URL signed by a secret made at start. */
export const GENERATED_SECRET_WARNING =
  'URL_SIGNING_SECRET is not set, so this server made a secret at start: this URL works only on this gateway, and only until it restarts';

/** The image route's query parameters for `item`: data, format and each render option, as text. */
function imageParams(item: Static<typeof SignRequest>): Record<string, string> {
  const data: unknown = item.data;
  if (typeof data !== 'string') throw new HttpError(400, 'body.data must be text to go in a signed URL');
  if (!data.isWellFormed()) {
    throw new HttpError(400, 'body.data holds an unpaired UTF-16 surrogate, which a URL cannot carry');
  }
  const params: Record<string, string> = { data };
  if (item.format !== undefined) params.format = item.format;
  for (const [name, value] of Object.entries(item.options ?? {})) {
    if (value === undefined) continue;
    if (value === null || typeof value === 'object') {
      throw new HttpError(400, `body.options.${name} cannot be carried in a URL`);
    }
    params[name] = String(value);
  }
  return params;
}

export interface SignRouteOptions {
  signing: SigningConfig;
}

const sign: FastifyPluginAsyncTypebox<SignRouteOptions> = async (app, opts) => {
  app.post(
    '/barcodes/sign',
    {
      schema: {
        tags: ['barcodes'],
        summary: 'Sign an image URL that works without the API key (for <img src>) until it expires.',
        description:
          'The URL is GET /api/barcodes/{type} with the item as query parameters, plus expires (Unix seconds), ' +
          "by (the signing key's name) and sig (HMAC-SHA256 of the path and the other parameters, sorted). " +
          'It counts against the signing key, is refused (403) once changed, expired, or its key removed, ' +
          'and its image may be cached publicly until it expires.',
        body: SignRequest,
        response: { 200: SignResponse, ...errorResponses(400, 401, 413, 415, 422, 429, 500) },
      },
    },
    async (request) => {
      const by = ownerOf(request);
      const { id: _id, expires_in = EXPIRES_IN.default, ...item } = request.body;
      const params = imageParams(request.body);
      const [check] = await checkBatch([item]);
      if (check && !check.success) throw renderRefusal(check.error);

      const expires = Math.floor(Date.now() / 1000) + expires_in;
      const path = SIGNED_ROUTE.replace(':type', encodeURIComponent(item.barcode_type));
      const signed = app.urlSigner.sign(by, path, { ...params, [EXPIRES]: String(expires), [BY]: by });
      const base = opts.signing.publicApiUrl ?? `${request.protocol}://${request.host}`;
      const url = `${base}${signed}`;
      if (url.length > MAX_SIGNED_URL_LENGTH) {
        throw new HttpError(
          400,
          `the signed URL would be ${url.length} characters, over the ${MAX_SIGNED_URL_LENGTH} a URL can safely have: ` +
            'shorten data (a non-ASCII character takes 6 to 12 in a URL), or POST the item to /api/barcodes with the key',
        );
      }
      const answer: Static<typeof SignResponse> = { url, expires_at: new Date(expires * 1000).toISOString() };
      if (opts.signing.generated) answer.warning = GENERATED_SECRET_WARNING;
      return answer;
    },
  );
};

export default sign;
