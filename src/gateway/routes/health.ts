/** Liveness (/health) and readiness (/ready: the native renderer and the codes' database answer, Redis too when configured). */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { renderSync } from '../../lib/index.js';

const Check = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail'), Type.Literal('disabled')]),
  message: Type.Optional(Type.String()),
});
type CheckResult = Static<typeof Check>;
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Object({ renderer: Check, database: Check, redis: Check }),
});

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
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers.',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
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
          'Readiness: the native renderer renders, the database answers, and Redis (when configured) answers PING.',
        security: [],
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const checks: { renderer: CheckResult; database: CheckResult; redis: CheckResult } = {
        renderer: { status: 'ok' },
        database: { status: 'ok' },
        redis: { status: 'disabled' },
      };
      try {
        const r = renderSync({ barcode_type: 'qr', data: 'ready', format: 'svg' });
        if (!r.success) checks.renderer = { status: 'fail', message: r.error.message };
      } catch (err) {
        checks.renderer = { status: 'fail', message: (err as Error).message };
      }
      try {
        await withTimeout(app.codes.ping(), 1000, 'the database');
      } catch (err) {
        // The driver's message may name hosts or users: the log gets it, the open route does not.
        app.log.warn({ err }, 'database not ready');
        checks.database = { status: 'fail', message: `${app.codes.dialect} does not answer` };
      }
      if (app.redis) {
        try {
          const pong = await withTimeout(app.redis.ping(), 1000, 'redis');
          checks.redis = pong === 'PONG' ? { status: 'ok' } : { status: 'fail', message: `PING answered ${pong}` };
        } catch (err) {
          checks.redis = { status: 'fail', message: (err as Error).message };
        }
      }
      const ok = Object.values(checks).every((c) => c.status !== 'fail');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
};

export default health;
