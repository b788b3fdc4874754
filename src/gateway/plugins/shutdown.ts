/**
 * Graceful close: once `app.close()` starts, answers still in flight go out
 * with `Connection: close` and their sockets are closed as soon as they are
 * idle, so shutdown waits for the requests, not for keep-alive timeouts.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const shutdown: FastifyPluginAsync = async (app) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async () => {
    if (closing) app.server.closeIdleConnections();
  });
};

export default fp(shutdown, { name: 'shutdown', fastify: '5.x' });
