/**
 * Dynamic codes under /api, behind the API key: HTTP in and out of the code
 * service (src/codes/service.ts). A code of another key answers 404, as one
 * that does not exist.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CodeBatch,
  CodeList,
  CodeParams,
  CodeStats,
  CreateBatch,
  CreateCode,
  DynamicCode,
  ListCodesQuery,
  PatchCode,
  StatsQuery,
} from '../../codes/schema.js';
import { BarcodeType, Format, RenderOptions } from '../../lib/index.js';
import { codesHttpError } from '../codes-errors.js';
import { errorResponses } from '../errors.js';
import { ownerOf } from '../plugins/auth.js';
import { Image, NotModified, queryItem, sendImage } from '../image-reply.js';

export interface CodesRoutesOptions {
  batchMaxItems: number;
  /** Mixed into image ETags, as for /api/barcodes. */
  version: string;
}

export const CodeImageQuery = Type.Object(
  {
    format: Type.Optional(Format),
    barcode_type: Type.Optional(BarcodeType),
    ...RenderOptions.properties,
  },
  { additionalProperties: false },
);

const codes: FastifyPluginAsyncTypebox<CodesRoutesOptions> = async (app, opts) => {
  const service = app.codes;
  app.setErrorHandler((err: Error) => {
    throw codesHttpError(err);
  });
  const tags = ['codes'];

  app.post(
    '/codes',
    {
      schema: {
        tags,
        summary: 'Create a dynamic code: a short link whose destination can change after printing.',
        body: CreateCode,
        response: { 201: DynamicCode, ...errorResponses(400, 401, 409, 429, 500) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(ownerOf(request), request.body)),
  );

  app.post(
    '/codes/batch',
    {
      schema: {
        tags,
        summary: `Create up to ${opts.batchMaxItems} dynamic codes at once, all or none.`,
        body: CreateBatch(opts.batchMaxItems),
        response: { 201: CodeBatch, ...errorResponses(400, 401, 409, 413, 429, 500) },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ codes: await service.createBatch(ownerOf(request), request.body.codes) }),
  );

  app.get(
    '/codes',
    {
      schema: {
        tags,
        summary: "List this key's codes, newest first; filter by text, tag or state.",
        querystring: ListCodesQuery,
        response: { 200: CodeList, ...errorResponses(400, 401, 429, 500) },
      },
    },
    async (request) => service.list(ownerOf(request), request.query),
  );

  app.get(
    '/codes/:id',
    {
      schema: {
        tags,
        summary: 'One code.',
        params: CodeParams,
        response: { 200: DynamicCode, ...errorResponses(400, 401, 404, 429, 500) },
      },
    },
    async (request) => service.get(ownerOf(request), request.params.id),
  );

  app.patch(
    '/codes/:id',
    {
      schema: {
        tags,
        summary: 'Change a code: its destination, title, tags, state, expiry, scan limit or rules.',
        params: CodeParams,
        body: PatchCode,
        response: { 200: DynamicCode, ...errorResponses(400, 401, 404, 429, 500) },
      },
    },
    async (request) => service.update(ownerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/codes/:id',
    {
      schema: {
        tags,
        summary: 'Delete a code and its scans; its short link answers 404 from then on.',
        params: CodeParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(400, 401, 404, 429, 500) },
      },
    },
    async (request, reply) => {
      await service.remove(ownerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/codes/:id/image',
    {
      schema: {
        tags,
        summary: "The code's image, encoding its short link (QR unless barcode_type says otherwise).",
        params: CodeParams,
        querystring: CodeImageQuery,
        response: { 200: Image, 304: NotModified, ...errorResponses(400, 401, 404, 422, 429, 500) },
      },
    },
    async (request, reply) => {
      const code = await service.get(ownerOf(request), request.params.id);
      const { barcode_type, ...rest } = request.query;
      return sendImage(request, reply, queryItem(barcode_type ?? 'qr', code.short_url, rest), opts.version);
    },
  );

  app.get(
    '/codes/:id/stats',
    {
      schema: {
        tags,
        summary: 'Scans of a code over a range: totals, unique visitors, per interval, device, OS, browser, referrer.',
        params: CodeParams,
        querystring: StatsQuery,
        response: { 200: CodeStats, ...errorResponses(400, 401, 404, 429, 500) },
      },
    },
    async (request) => service.stats(ownerOf(request), request.params.id, request.query),
  );
};

export default codes;
