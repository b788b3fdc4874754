/**
 * Liveness (/health) and readiness (/ready: the native renderer and the codes'
 * database answer, Redis too when configured), with the bulk workers counted.
 * /ready is open, so a failed check says a stable code and a sentence; the
 * driver's or library's own message (hosts, users, paths) goes to the log.
 */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { noWorkerWarning, WORKER_STALE_MS, workerPresence } from '../../bulk/workers.js';
import { renderSync } from '../../lib/index.js';

const Check = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail'), Type.Literal('disabled')]),
  code: Type.Optional(
    Type.Union([
      Type.Literal('RENDERER_FAILED'),
      Type.Literal('DATABASE_UNAVAILABLE'),
      Type.Literal('REDIS_UNAVAILABLE'),
    ]),
  ),
  message: Type.Optional(Type.String()),
});
type CheckResult = Static<typeof Check>;
/** Informative: no live worker leaves the gateway ready (it takes jobs; they wait), so it never fails /ready. */
const Workers = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('warn'), Type.Literal('unknown')]),
  live: Type.Optional(
    Type.Integer({
      description: `Worker processes seen in the last ${WORKER_STALE_MS / 1000} s; 1 without Redis (the gateway runs jobs).`,
    }),
  ),
  code: Type.Optional(Type.Union([Type.Literal('NO_WORKERS'), Type.Literal('REDIS_UNAVAILABLE')])),
  message: Type.Optional(Type.String()),
});
type WorkersResult = Static<typeof Workers>;
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Object({ renderer: Check, database: Check, redis: Check, workers: Workers }),
});

const REDIS_DOWN = 'Redis does not answer PING: bulk jobs and shared rate limits are unavailable';

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  async function countWorkers(): Promise<WorkersResult> {
    try {
      const presence = await withTimeout(workerPresence(app.redis!), 1000, 'redis');
      if (presence.live > 0) return { status: 'ok', live: presence.live };
      return { status: 'warn', live: 0, code: 'NO_WORKERS', message: noWorkerWarning(presence) };
    } catch (err) {
      app.log.warn({ err }, 'workers not counted');
      return { status: 'unknown', code: 'REDIS_UNAVAILABLE', message: 'workers cannot be counted while Redis is away' };
    }
  }

  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers.',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { description: 'The process answers.' }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Readiness: the native renderer renders, the database answers, and Redis (when configured) answers PING; also the live bulk workers (informative: none is a warning, not a failure).',
        security: [],
        response: {
          200: { ...Ready, description: 'Ready: every check passes (a missing worker only warns).' },
          503: { ...Ready, description: 'Not ready: a check failed; its code and message say which.' },
        },
      },
    },
    async (_request, reply) => {
      const checks: { renderer: CheckResult; database: CheckResult; redis: CheckResult; workers: WorkersResult } = {
        renderer: { status: 'ok' },
        database: { status: 'ok' },
        redis: { status: 'disabled' },
        workers: { status: 'ok', live: 1 },
      };
      const rendererFailed = (err: unknown): CheckResult => {
        app.log.error({ err }, 'renderer not ready');
        return { status: 'fail', code: 'RENDERER_FAILED', message: 'the native renderer failed to render a test code' };
      };
      try {
        const r = renderSync({ barcode_type: 'qr', data: 'ready', format: 'svg' });
        if (!r.success) checks.renderer = rendererFailed(r.error);
      } catch (err) {
        checks.renderer = rendererFailed(err);
      }
      try {
        await withTimeout(app.codes.ping(), 1000, 'the database');
      } catch (err) {
        app.log.warn({ err }, 'database not ready');
        checks.database = {
          status: 'fail',
          code: 'DATABASE_UNAVAILABLE',
          message: `the ${app.codes.dialect} database does not answer: dynamic codes and short links are unavailable`,
        };
      }
      if (app.redis) {
        try {
          const pong = await withTimeout(app.redis.ping(), 1000, 'redis');
          if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
          checks.redis = { status: 'ok' };
        } catch (err) {
          app.log.warn({ err }, 'redis not ready');
          checks.redis = { status: 'fail', code: 'REDIS_UNAVAILABLE', message: REDIS_DOWN };
        }
        checks.workers =
          checks.redis.status === 'ok'
            ? await countWorkers()
            : {
                status: 'unknown',
                code: 'REDIS_UNAVAILABLE',
                message: 'workers cannot be counted while Redis is away',
              };
      }
      const ok = [checks.renderer, checks.database, checks.redis].every((c) => c.status !== 'fail');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
};

export default health;
