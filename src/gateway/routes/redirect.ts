/**
 * GET /r/:slug, the short link a dynamic code encodes: no API key, a 302 to
 * the destination (per device when the code has rules) with
 * `Cache-Control: private, max-age=0`, so an edit takes effect at the next
 * scan; HEAD answers the same and is not counted. Unknown slugs are a 404
 * page, disabled, expired and used-up codes a 410 page that says which.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';

export const REDIRECT_CACHE_CONTROL = 'private, max-age=0';

const PAGES = {
  missing: [404, 'Link not found', 'This link does not exist. Check the address, or ask whoever shared it.'],
  disabled: [410, 'Link disabled', 'This link has been turned off by its owner.'],
  expired: [410, 'Link expired', 'This link has expired and no longer leads anywhere.'],
  'used-up': [410, 'Link used up', 'This link has reached its limit of scans and no longer leads anywhere.'],
} as const;

/** Fixed texts only: nothing of the request reaches the page. */
function page(reply: FastifyReply, which: keyof typeof PAGES) {
  const [status, title, text] = PAGES[which];
  return reply
    .code(status)
    .header('cache-control', REDIRECT_CACHE_CONTROL)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}</style>` +
        `</head><body><h1>${title}</h1><p>${text}</p></body></html>`,
    );
}

/** Any text: a slug that cannot exist is the 404 page, like one that does not. */
export const RedirectParams = Type.Object({ slug: Type.String() });

const redirect: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.codes;
  app.route({
    method: ['GET', 'HEAD'],
    url: '/r/:slug',
    // Every scan is recorded in the database; an access-log line each would double the cost of a redirect.
    logLevel: 'warn',
    schema: {
      tags: ['redirect'],
      summary: 'Follow a dynamic code: 302 to its destination (no API key).',
      params: RedirectParams,
      security: [],
      response: {
        302: { description: 'To the destination, in the Location header.', type: 'null' },
        404: { description: 'No such link: a short HTML page.', content: { 'text/html': { schema: Type.String() } } },
        410: {
          description: 'Disabled, expired or used up: a short HTML page that says which.',
          content: { 'text/html': { schema: Type.String() } },
        },
      },
    },
    handler: async (request, reply) => {
      const decision = await service.redirect(request.params.slug, {
        method: request.method,
        address: request.ip,
        userAgent: request.headers['user-agent'],
        referer: request.headers.referer,
      });
      if (decision.kind === 'missing') return page(reply, 'missing');
      if (decision.kind === 'gone') return page(reply, decision.reason);
      return reply
        .code(302)
        .header('location', decision.location)
        .header('cache-control', REDIRECT_CACHE_CONTROL)
        .send();
    },
  });
};

export default redirect;
