/**
 * The dynamic-code service as `app.codes`: opened (and its database
 * migrated) at start, closed last, after the routes stopped taking requests,
 * so that the scans buffered until then are written.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { CodesConfig } from '../../codes/config.js';
import { createCodeService, type CodeService } from '../../codes/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    codes: CodeService;
  }
}

export interface CodesPluginOptions {
  config: CodesConfig;
  redisUrl?: string;
}

const codes: FastifyPluginAsync<CodesPluginOptions> = async (app, opts) => {
  const service = await createCodeService(opts.config, {
    ...(app.redis && opts.redisUrl ? { redis: { client: app.redis, url: opts.redisUrl } } : {}),
    log: (level, msg, err) => app.log[level]({ err }, msg),
  });
  app.log.info({ database: service.dialect, base: opts.config.publicBaseUrl }, 'dynamic codes ready');
  app.decorate('codes', service);
  app.addHook('onClose', () => service.close());
};

export default fp(codes, { name: 'codes', fastify: '5.x', dependencies: ['redis'] });
