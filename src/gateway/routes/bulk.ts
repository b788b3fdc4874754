/**
 * The bulk and job endpoints under /api, behind the API key. Every job
 * endpoint answers 404 for a job of another key, as for one that does not exist.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses, HttpError } from '../errors.js';
import type { BulkConfig } from '../../bulk/config.js';
import { BulkInputError, ingestCsv, ingestItems } from '../../bulk/ingest.js';
import { defaults, parseOptions, refuseDynamic, specOf } from '../../bulk/options.js';
import { files, isJobId, jobDir } from '../../bulk/paths.js';
import { resultsCsv, resultsZip } from '../../bulk/results.js';
import {
  Accepted,
  DirectBody,
  JOB_STATUSES,
  JobList,
  JobParams,
  JobView,
  ListQuery,
  ResultsQuery,
  Stats,
  type BulkOptions,
  type JobStatus,
} from '../../bulk/schema.js';
import { createBulkService, type BulkService } from '../../bulk/service.js';
import { ACTIVE, view, type JobRecord } from '../../bulk/store.js';

export interface BulkRoutesOptions {
  config: BulkConfig & { redisUrl?: string };
}

export const TEMPLATE_CSV =
  'destination_url,title,filename\r\n' +
  'https://example.com/products/1,Product 1,product-1\r\n' +
  'https://example.com/products/2,Product 2,product-2\r\n';

const MULTIPART_SLACK = 64 * 1024;

function owner(request: FastifyRequest): string {
  const id = request.apiKey?.id;
  if (!id) throw new HttpError(401, 'missing API key');
  return id;
}

const tooLarge = (limit: number) =>
  new HttpError(413, `upload too large: at most ${limit} bytes per file (MAX_UPLOAD_BYTES)`);

const bulk: FastifyPluginAsyncTypebox<BulkRoutesOptions> = async (app, opts) => {
  const { config } = opts;
  const service: BulkService = await createBulkService(config, {
    redisUrl: config.redisUrl,
    log: (level, msg, err) => app.log[level]({ err }, msg),
  });
  app.addHook('onClose', () => service.close());
  // Redis away: 503 (the gateway's handler formats it); anything else goes on as is.
  app.setErrorHandler((err: Error) => {
    const redisDown =
      err.name === 'MaxRetriesPerRequestError' ||
      /Connection is closed|Command timed out|ECONNREFUSED|Stream isn't writeable/.test(err.message ?? '');
    if (redisDown) throw new HttpError(503, 'bulk jobs are unavailable: Redis cannot be reached; retry later');
    throw err;
  });
  await app.register(multipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 20 },
  });

  /** The caller's job, or 404 exactly as for a job that does not exist. */
  async function ownJob(request: FastifyRequest, id: string): Promise<JobRecord> {
    const who = owner(request);
    const rec = isJobId(id) ? await service.store.get(id) : undefined;
    if (!rec || rec.owner !== who) throw new HttpError(404, `job ${id.slice(0, 64)} not found`);
    return rec;
  }

  function refuseLargeBody(request: FastifyRequest, limit: number): void {
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > limit) throw tooLarge(config.maxUploadBytes);
  }

  async function accept(staging: Awaited<ReturnType<BulkService['stage']>>, run: () => Promise<unknown>) {
    try {
      return await run();
    } catch (err) {
      await staging.discard();
      if (err instanceof BulkInputError) throw new HttpError(err.statusCode, err.message);
      throw err;
    }
  }

  app.post(
    '/bulk/upload',
    {
      schema: {
        tags: ['bulk'],
        summary: 'Queue a job from a CSV file (multipart field "file", optional JSON field "options").',
        consumes: ['multipart/form-data'],
        response: { 202: Accepted, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
      onRequest: async (request) => refuseLargeBody(request, config.maxUploadBytes + MULTIPART_SLACK),
    },
    async (request, reply) => {
      const who = owner(request);
      if (!request.isMultipart()) {
        throw new HttpError(415, 'send multipart/form-data with the CSV as "file" and optional JSON "options"');
      }
      const staging = await service.stage();
      const accepted = await accept(staging, async () => {
        const upload = join(staging.dir, 'upload.csv');
        let rawOptions: unknown;
        let gotFile = false;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file') {
                part.file.resume();
                throw new HttpError(400, `unexpected file field "${part.fieldname}": send the CSV as "file"`);
              }
              gotFile = true;
              await pipeline(part.file, createWriteStream(upload));
              if (part.file.truncated) throw tooLarge(config.maxUploadBytes);
            } else if (part.fieldname === 'options') {
              if (part.valueTruncated) throw new HttpError(400, 'options is too long: at most 65536 bytes');
              rawOptions = part.value;
            }
          }
        } catch (err) {
          if (err instanceof HttpError) throw err;
          const code = (err as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(config.maxUploadBytes);
          if (code === 'FST_INVALID_JSON_FIELD_ERROR') throw new HttpError(400, 'options must be a JSON object');
          if (code === 'FST_FILES_LIMIT') throw new HttpError(400, 'send exactly one file, as "file"');
          throw new HttpError(400, `malformed or truncated multipart body: ${(err as Error).message}`);
        }
        if (!gotFile) throw new HttpError(400, 'missing file: send the CSV as the multipart field "file"');
        const options = parseOptions(rawOptions);
        const ingested = await ingestCsv(upload, join(staging.dir, files.input), defaults(options), config.maxRows);
        await rm(upload, { force: true });
        return service.commit(staging, who, specOf(options), ingested);
      });
      return reply.code(202).send(accepted as Static<typeof Accepted>);
    },
  );

  app.post(
    '/bulk/direct',
    {
      bodyLimit: config.maxUploadBytes,
      onRequest: async (request) => refuseLargeBody(request, config.maxUploadBytes),
      schema: {
        tags: ['bulk'],
        summary: 'Queue a job from a JSON array of codes.',
        body: DirectBody,
        response: { 202: Accepted, ...errorResponses(400, 401, 413, 415, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const who = owner(request);
      const options: BulkOptions = request.body.options ?? {};
      refuseDynamic(options);
      const staging = await service.stage();
      const accepted = await accept(staging, async () => {
        const out = join(staging.dir, files.input);
        const ingested = await ingestItems(request.body.qr_codes, out, defaults(options), config.maxRows);
        return service.commit(staging, who, specOf(options), ingested);
      });
      return reply.code(202).send(accepted as Static<typeof Accepted>);
    },
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
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="bulk-template.csv"')
        .send(TEMPLATE_CSV),
  );

  app.get(
    '/bulk/stats',
    {
      schema: {
        tags: ['bulk'],
        summary: "The caller's jobs by status, codes rendered, failures, average time per code, and queue depth.",
        response: { 200: Stats, ...errorResponses(401, 429, 500, 503) },
      },
    },
    async (request) => {
      const jobs = await service.store.list(owner(request));
      const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      let rendered = 0;
      let failures = 0;
      let ms = 0;
      for (const j of jobs) {
        byStatus[j.status]++;
        rendered += j.successful;
        failures += j.failed;
        ms += j.render_ms;
      }
      return {
        jobs: byStatus,
        total_jobs: jobs.length,
        codes_rendered: rendered,
        failures,
        average_ms_per_code: rendered + failures ? ms / (rendered + failures) : 0,
        queue_depth: await service.queue.depth(),
      };
    },
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
    async (request) => {
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 20;
      let jobs = await service.store.list(owner(request));
      if (request.query.status) jobs = jobs.filter((j) => j.status === request.query.status);
      return {
        jobs: jobs.slice((page - 1) * limit, page * limit).map(view),
        pagination: { page, limit, total: jobs.length, pages: Math.ceil(jobs.length / limit) },
      };
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: "A job's status and progress.",
        params: JobParams,
        response: { 200: JobView, ...errorResponses(401, 404, 429, 500, 503) },
      },
    },
    async (request) => view(await ownJob(request, request.params.id)),
  );

  app.get(
    '/jobs/:id/results',
    {
      schema: {
        tags: ['jobs'],
        summary: "A completed job's results: CSV (every input column plus row, filename, status, error) or ZIP.",
        params: JobParams,
        querystring: ResultsQuery,
        response: {
          200: {
            description: 'The results CSV, or a ZIP of the images and that CSV.',
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
      const rec = await ownJob(request, request.params.id);
      if (rec.status !== 'completed') {
        throw new HttpError(409, `job is ${rec.status}; results are available once it is completed`);
      }
      const dir = jobDir(config.dataDir, rec.job_id);
      const name = `job-${rec.job_id}`;
      if (request.query.format === 'zip') {
        const date = new Date(rec.finished_at ?? rec.created_at);
        return reply
          .type('application/zip')
          .header('content-disposition', `attachment; filename="${name}.zip"`)
          .send(resultsZip(dir, date) as never);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(resultsCsv(dir) as never);
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
    async (request) => {
      const rec = await ownJob(request, request.params.id);
      const patch = { status: 'cancelled' as const, finished_at: new Date().toISOString() };
      if (!(await service.store.transition(rec.job_id, ACTIVE, patch))) {
        const now = await service.store.get(rec.job_id);
        throw new HttpError(409, `job is already ${now?.status ?? 'gone'}`);
      }
      await service.queue.discard(rec.job_id);
      return view((await service.store.get(rec.job_id)) ?? { ...rec, ...patch });
    },
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a job, its record and its files (a running job is cancelled first).',
        params: JobParams,
        response: {
          200: Type.Object({ job_id: Type.String(), deleted: Type.Literal(true) }),
          ...errorResponses(401, 404, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const rec = await ownJob(request, request.params.id);
      await service.remove(rec.job_id);
      return { job_id: rec.job_id, deleted: true as const };
    },
  );
};

export default bulk;
