/**
 * One code as an image: POST /api/barcodes with one item's JSON, or
 * GET /api/barcodes/:type?data=...&format=png&width=... (every render option
 * is a query parameter too). Caching and conditional requests: image-reply.ts.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../errors.js';
import { Image, NotModified, queryItem, sendImage } from '../image-reply.js';
import { BarcodeRequest, BarcodeType, Format, MAX_DATA_LENGTH, RenderOptions } from '../../lib/index.js';

export const BarcodeQuery = Type.Object(
  {
    data: Type.String({ maxLength: MAX_DATA_LENGTH, description: 'The text to encode (URL-encoded).' }),
    format: Type.Optional(Format),
    ...RenderOptions.properties,
  },
  { additionalProperties: false },
);

export const BarcodeParams = Type.Object({ type: BarcodeType }, { additionalProperties: false });

export interface ImageRouteOptions {
  /** Mixed into every ETag so that a new renderer invalidates old tags. */
  version: string;
}

const image: FastifyPluginAsyncTypebox<ImageRouteOptions> = async (app, opts) => {
  app.post(
    '/barcodes',
    {
      schema: {
        tags: ['barcodes'],
        summary: 'Render one code and answer the image.',
        body: BarcodeRequest,
        response: { 200: Image, ...errorResponses(400, 401, 412, 413, 415, 422, 429, 500) },
      },
    },
    async (request, reply) => {
      const { id: _id, ...item } = request.body;
      return sendImage(request, reply, item, opts.version);
    },
  );

  app.get(
    '/barcodes/:type',
    {
      schema: {
        tags: ['barcodes'],
        summary: 'Render one code from query parameters and answer the image.',
        params: BarcodeParams,
        querystring: BarcodeQuery,
        response: { 200: Image, 304: NotModified, ...errorResponses(400, 401, 422, 429, 500) },
      },
    },
    async (request, reply) => {
      const { data, ...rest } = request.query;
      return sendImage(request, reply, queryItem(request.params.type, data, rest), opts.version);
    },
  );
};

export default image;
