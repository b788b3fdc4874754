/**
 * The bulk and job endpoints under /api, behind the API key: HTTP in and out
 * of the bulk service (src/bulk/service.ts). Every job endpoint answers 404
 * for a job of another key, as for one that does not exist.
 * GET /api/jobs/:id/events streams a job's progress (Server-Sent Events,
 * framed by ../sse.ts, watched by src/bulk/events.ts).
 */
import type { Server } from 'node:http';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BulkConfig } from '../../bulk/config.js';
import {
  Accepted,
  Checked,
  UploadForm,
  DEFAULT_RESULT_FORMAT,
  DirectBody,
  JobDeleted,
  JobEvent,
  JobList,
  JobParams,
  JobView,
  ListQuery,
  ResultsQuery,
  Retried,
  Stats,
} from '../../bulk/schema.js';
import { createBulkService, type BulkService, type ReceiveCsv } from '../../bulk/service.js';
import { bulkHttpError } from '../bulk-errors.js';
import type { Config } from '../config.js';
import { errorResponses, HttpError } from '../errors.js';
import { ownerOf } from '../plugins/auth.js';
import { bodyCap, multipart, multipartOptions, receiveCsv, refuseDeclaredLength } from '../multipart.js';
import { SSE_HEADERS, sseStream } from '../sse.js';

/** What the upload route reads, for a client that sent something else (and for Fastify's own 415). */
const SEND_MULTIPART =
  'send multipart/form-data with the CSV as "file" and optional JSON "options", e.g. ' +
  `curl -H "x-api-key: $KEY" -F file=@rows.csv -F 'options={"format":"svg"}' …/api/bulk/upload`;

export interface BulkRoutesOptions {
  config: BulkConfig & Pick<Config, 'sseHeartbeatMs'>;
}

/** Each app's bulk service, by its HTTP server (shared by every plugin context of the app). */
const services = new WeakMap<Server, BulkService>();

/** The bulk service of `app`, for tests that check what it holds (live watches). */
export function bulkServiceOf(app: FastifyInstance): BulkService | undefined {
  return services.get(app.server);
}

export const TEMPLATE_CSV =
  'destination_url,title,filename\r\n' +
  'https://example.com/products/1,Product 1,product-1\r\n' +
  'https://example.com/products/2,Product 2,product-2\r\n';

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', zip: 'application/zip' } as const;

const bulk: FastifyPluginAsyncTypebox<BulkRoutesOptions> = async (app, opts) => {
  const { config } = opts;
  const service = await createBulkService(config, {
    redis: app.redis ?? undefined,
    codes: app.codes,
    log: (level, msg, err) => app.log[level]({ err }, msg),
  });
  services.set(app.server, service);
  // Before the server closes, which waits for every open answer: event streams end, their clients reconnect elsewhere.
  app.addHook('preClose', async () => service.endWatches());
  app.addHook('onClose', () => service.close());
  // Domain errors become their HTTP statuses; the gateway's handler formats every answer.
  app.setErrorHandler((err: Error) => {
    throw bulkHttpError(err, service);
  });
  await app.register(multipart, multipartOptions(config.maxUploadBytes));

  /**
   * What the two routes that read an upload share: the form (documented by the body schema, checked by
   * the multipart reader as it streams), the size refused from the headers, the hint for a wrong media
   * type, and the reader itself, handed to the service.
   */
  const uploadRoute = {
    onRequest: async (request: FastifyRequest) =>
      refuseDeclaredLength(request, bodyCap(config.maxUploadBytes), config.maxUploadBytes),
    config: { mediaTypeHint: SEND_MULTIPART },
    validatorCompiler: () => () => true,
  };
  const receiveUpload = (request: FastifyRequest): ReceiveCsv => {
    if (!request.isMultipart()) throw new HttpError(415, SEND_MULTIPART);
    return (path) => receiveCsv(request, path, config.maxUploadBytes);
  };

  app.post(
    '/bulk/upload',
    {
      ...uploadRoute,
      schema: {
        tags: ['bulk'],
        summary: 'Queue a job from a CSV file (multipart field "file", optional JSON field "options").',
        consumes: ['multipart/form-data'],
        body: UploadForm,
        response: { 202: Accepted, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const who = ownerOf(request);
      return reply.code(202).send(await service.submitCsv(who, receiveUpload(request)));
    },
  );

  app.post(
    '/bulk/check',
    {
      ...uploadRoute,
      schema: {
        tags: ['bulk'],
        summary:
          'Read and check an upload as /bulk/upload would (same form and options) and answer its first rows and every invalid row; nothing is queued or kept.',
        consumes: ['multipart/form-data'],
        body: UploadForm,
        response: { 200: Checked, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
    },
    async (request) => {
      const who = ownerOf(request);
      return service.check(who, receiveUpload(request));
    },
  );

  app.post(
    '/bulk/direct',
    {
      bodyLimit: config.maxUploadBytes,
      onRequest: async (request) => refuseDeclaredLength(request, config.maxUploadBytes, config.maxUploadBytes),
      schema: {
        tags: ['bulk'],
        summary: 'Queue a job from a JSON array of codes.',
        body: DirectBody,
        response: { 202: Accepted, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
    },
    async (request, reply) => reply.code(202).send(await service.submitItems(ownerOf(request), request.body)),
  );

  app.get(
    '/bulk/template',
    {
      schema: {
        tags: ['bulk'],
        summary: 'A CSV template: the header and two example rows.',
        response: {
          200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } },
          ...errorResponses(401, 429),
        },
      },
    },
    async (_request, reply) =>
      reply
        .type(CONTENT_TYPE.csv)
        .header('content-disposition', 'attachment; filename="bulk-template.csv"')
        .send(TEMPLATE_CSV),
  );

  app.get(
    '/bulk/stats',
    {
      schema: {
        tags: ['bulk'],
        summary:
          "The caller's jobs by status, codes rendered, failures, average time per code, queue depth, and live workers.",
        response: { 200: Stats, ...errorResponses(401, 429, 500, 503) },
      },
    },
    async (request) => service.stats(ownerOf(request)),
  );

  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "The caller's jobs, newest first.",
        querystring: ListQuery,
        response: { 200: JobList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => service.list(ownerOf(request), request.query),
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary:
          "A job's status and progress; `warning` when no worker is live to run it, `partial` when it stopped early.",
        params: JobParams,
        response: { 200: JobView, ...errorResponses(401, 404, 429, 500, 503) },
      },
    },
    async (request) => service.get(ownerOf(request), request.params.id),
  );

  app.get(
    '/jobs/:id/results',
    {
      schema: {
        tags: ['jobs'],
        summary:
          "A finished job's results: CSV (every input column plus row, filename, status, error) or ZIP. A cancelled or failed job's are partial: the rows it rendered before it stopped.",
        params: JobParams,
        querystring: ResultsQuery,
        response: {
          200: {
            description:
              'The results CSV, or a ZIP of the images and that CSV. Partial results are named job-<id>-partial.<format> and carry `x-results-partial: true`.',
            content: {
              'text/csv': { schema: Type.String() },
              'application/zip': { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...errorResponses(400, 401, 404, 409, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const download = await service.results(
        ownerOf(request),
        request.params.id,
        request.query.format ?? DEFAULT_RESULT_FORMAT,
      );
      if (download.partial) reply.header('x-results-partial', 'true');
      return reply
        .type(CONTENT_TYPE[download.format])
        .header('content-disposition', `attachment; filename="${download.filename}"`)
        .send(download.stream as never); // a stream: the schema describes its bytes
    },
  );

  app.get(
    '/jobs/:id/labels',
    {
      schema: {
        tags: ['jobs'],
        summary: "A completed job's label sheets (options.sheet as an object): one PDF, labels in row order.",
        params: JobParams,
        response: {
          200: {
            description: 'labels.pdf',
            content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } },
          },
          ...errorResponses(401, 404, 409, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const pdf = await service.labels(ownerOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="job-${request.params.id}-labels.pdf"`)
        .send(pdf as never); // a stream: the schema describes its bytes
    },
  );

  app.post(
    '/jobs/:id/cancel',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued or running job; it stops before its next batch.',
        params: JobParams,
        response: { 200: JobView, ...errorResponses(401, 404, 409, 429, 500, 503) },
      },
    },
    async (request) => service.cancel(ownerOf(request), request.params.id),
  );

  app.post(
    '/jobs/:id/retry',
    {
      schema: {
        tags: ['jobs'],
        summary:
          "Queue a new job of a finished job's rows that did not render (failed, or never reached by a cancelled or failed job), with the same options; 409 when there is none.",
        params: JobParams,
        response: { 202: Retried, ...errorResponses(401, 404, 409, 429, 500, 503) },
      },
    },
    async (request, reply) => reply.code(202).send(await service.retry(ownerOf(request), request.params.id)),
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a job, its record and its files (a running job is cancelled first).',
        params: JobParams,
        response: { 200: JobDeleted, ...errorResponses(401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      await service.remove(ownerOf(request), request.params.id);
      return { job_id: request.params.id, deleted: true as const };
    },
  );

  app.get(
    '/jobs/:id/events',
    {
      schema: {
        tags: ['jobs'],
        summary:
          "A job's live progress as Server-Sent Events: its state now, each change, then its end (completed, failed, cancelled or deleted), and the stream ends. Needs the API key header: read it with fetch(), not EventSource.",
        params: JobParams,
        response: {
          200: {
            description:
              'text/event-stream: "event: <name>", "id: <n>" and "data: <JSON>" lines per event (the schema is the data), ": heartbeat" comments.',
            content: { 'text/event-stream': { schema: JobEvent } },
          },
          ...errorResponses(401, 404, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const sse = sseStream(config.sseHeartbeatMs);
      // Another key's job (404) or Redis away (503) is answered before the stream starts.
      const watch = await service
        .watch(ownerOf(request), request.params.id, { event: sse.event, end: sse.end })
        .catch((err: unknown) => {
          sse.stream.destroy();
          throw err;
        });
      // The client went away: the reply destroys the stream, and the request closes.
      sse.stream.once('close', watch.stop);
      request.raw.once('close', watch.stop);
      return reply.headers(SSE_HEADERS).send(sse.stream as never); // a stream: the schema describes its events' data
    },
  );
};

export default bulk;
