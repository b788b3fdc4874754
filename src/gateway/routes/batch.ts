/**
 * POST /api/barcodes/batch: up to BATCH_MAX_ITEMS codes in one call, as JSON
 * (PNG as base64). Like the Node API's `renderBatchJson`, which it calls with
 * the body as it came: a bad item fails alone in its result, with the Node
 * API's message, while a bad envelope (`barcodes` not an array of 1 to
 * BATCH_MAX_ITEMS, unknown fields, bad `options`) is a 400.
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { errorResponses, HttpError } from '../errors.js';
import { bodyValidator } from '../validation.js';
import { BarcodeRequest, BatchOptions, JsonResults, renderBatchJson, type BatchResponseJson } from '../../lib/index.js';

const body = <T extends TSchema>(maxItems: number, item: T) =>
  Type.Object(
    {
      barcodes: Type.Array(item, {
        minItems: 1,
        maxItems,
        description: `1 to ${maxItems} codes (BATCH_MAX_ITEMS); ids unique within the batch. An item that breaks its schema fails alone, in its result (INVALID_REQUEST).`,
      }),
      options: Type.Optional(BatchOptions),
    },
    { additionalProperties: false },
  );

/** The body as documented (OpenAPI): each item a `BarcodeRequest`. */
export const BatchBody = (maxItems: number) => body(maxItems, BarcodeRequest);

/** The body as the route checks it: each item is the library's to check. */
export const BatchEnvelope = (maxItems: number) => body(maxItems, Type.Unknown());

export interface BatchRouteOptions {
  batchMaxItems: number;
  batchTimeoutMs: number;
}

class BatchTimeout extends Error {}
class ClientGone extends Error {}

const batch: FastifyPluginAsyncTypebox<BatchRouteOptions> = async (app, opts) => {
  const envelope = bodyValidator(BatchEnvelope(opts.batchMaxItems));
  app.post(
    '/barcodes/batch',
    {
      schema: {
        tags: ['barcodes'],
        summary: 'Render a batch of codes; a bad item fails only its own result.',
        body: BatchBody(opts.batchMaxItems),
        response: { 200: JsonResults.batch, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
      validatorCompiler: ({ httpPart }) => {
        if (httpPart !== 'body') throw new Error(`POST /barcodes/batch validates no ${httpPart}`);
        return envelope;
      },
    },
    async (request, reply) => {
      const { barcodes, options } = request.body;
      // Stops the native threads when the answer is no longer wanted: past the timeout,
      // or when the client went away, the items not started are not rendered.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new BatchTimeout()), opts.batchTimeoutMs);
      const gone = () => {
        if (!reply.raw.writableEnded) abort.abort(new ClientGone());
      };
      reply.raw.once('close', gone);
      try {
        // The native threads write the answer's JSON (the schema above documents it), so it
        // goes out as bytes without a serializer pass on the event loop.
        const json = await renderBatchJson(barcodes, { ...options, signal: abort.signal });
        // A Buffer is sent as it is; the cast names what its bytes hold.
        return reply.type('application/json; charset=utf-8').send(json as unknown as BatchResponseJson);
      } catch (err) {
        if (err instanceof BatchTimeout) {
          throw new HttpError(
            503,
            `the batch did not finish within ${opts.batchTimeoutMs} ms (BATCH_TIMEOUT_MS); send fewer or smaller codes, or retry later`,
            { 'retry-after': '1' },
          );
        }
        // Nobody is left to read an answer.
        if (err instanceof ClientGone) {
          request.log.info({ items: barcodes.length }, 'client closed the connection: batch cancelled');
          return reply.hijack();
        }
        throw err;
      } finally {
        clearTimeout(timer);
        reply.raw.off('close', gone);
      }
    },
  );
};

export default batch;
