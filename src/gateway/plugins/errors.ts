/**
 * Every error leaves as JSON `{ statusCode, error, message }`: schema
 * violations are 400 in the library's words (lib/messages.ts) under the
 * part's name (`body.`, `querystring.`, `params.`), misuse of the Node API
 * (`BatchcodeError`) a 400 with its stable code, unknown paths 404, a known
 * path asked with a method it lacks 405 with `Allow`, and any
 * other fault, a TypeError or RangeError included, a 500 without its details
 * (those go to the log): a bug must not pass for the client's mistake.
 */
import type { FastifyError, FastifyPluginAsync, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay from 'find-my-way';
import { BatchcodeError } from '../../lib/index.js';
import { childPath, fieldPath, isRequired, mustBe, notAccepted, type FieldSchema } from '../../lib/messages.js';
import { errorBody, HttpError } from '../errors.js';
import type { VerboseError } from '../validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a 415 on the route tells the client to send instead. */
    mediaTypeHint?: string;
  }
}

const UNION = ['anyOf', 'oneOf'];

const allConsts = (schema: unknown) => {
  const branches = (schema as FieldSchema | undefined)?.anyOf;
  return !!branches?.length && branches.every((b) => b.const !== undefined);
};

/**
 * The error to speak of. Ajv reports a union's branches before the union:
 * speak of the union (a list of names), or of the branch the value most
 * likely meant: the one it went deepest into, else one whose type it has.
 */
function pick(errors: VerboseError[]): VerboseError {
  const first = errors[0]!;
  const union = errors.find(
    (e) =>
      UNION.includes(e.keyword) &&
      first.instancePath.startsWith(e.instancePath) &&
      first.schemaPath.startsWith(`${e.schemaPath}/`),
  );
  if (!union || allConsts(union.parentSchema)) return union ?? first;
  const branches = errors.filter((e) => e.schemaPath.startsWith(`${union.schemaPath}/`));
  const deeper = branches.find((e) => e.instancePath.length > union.instancePath.length);
  return deeper ?? branches.find((e) => e.keyword !== 'type') ?? union;
}

/** One sentence for the first schema violation: the field's path, what it accepts, what it got. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  if (!errors[0]) return new Error(`${dataVar} is invalid`);
  const error = pick(errors as VerboseError[]);
  const path = fieldPath(dataVar, error.instancePath);
  const params = error.params as Record<string, unknown>;
  // Text from a URL has no type of its own, and a # there must be written %23.
  const url = dataVar !== 'body';
  switch (error.keyword) {
    case 'additionalProperties':
      return new Error(notAccepted(childPath(path, String(params.additionalProperty))));
    case 'required':
      return new Error(isRequired(childPath(path, String(params.missingProperty))));
    case 'finiteDecimal':
      return new Error(
        mustBe(path, (error.parentSchema ?? {}) as FieldSchema, error.data, { url, note: 'plain decimal digits only' }),
      );
    default:
      return new Error(
        error.parentSchema === undefined
          ? `${path} ${error.message ?? 'is invalid'}`
          : mustBe(path, error.parentSchema as FieldSchema, error.data, { url }),
      );
  }
}

/** The methods other than `method` that `path` has a route for (HEAD and OPTIONS alone do not count). */
function otherMethods(
  router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>,
  methods: Set<string>,
  method: string,
  path: string,
) {
  const allowed = [...methods].filter((m) => m !== method && router.find(m as FindMyWay.HTTPMethod, path) !== null);
  return allowed.some((m) => m !== 'HEAD' && m !== 'OPTIONS') ? allowed.sort() : [];
}

const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError | HttpError | BatchcodeError, request, reply) => {
    if (error instanceof BatchcodeError) return reply.code(400).send(errorBody(400, `${error.code}: ${error.message}`));
    let status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 400 || status > 599) status = 500;
    if (error instanceof HttpError) reply.headers(error.headers);
    if (status >= 500 && !(error instanceof HttpError)) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send(errorBody(500, 'Internal Server Error'));
    }
    if (status >= 500) request.log.warn({ statusCode: status, reason: error.message }, 'request refused');
    if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // A route that reads something else than JSON says what, in its config.
      const given = JSON.stringify(String(request.headers['content-type'] ?? 'none').slice(0, 60));
      const hint = request.routeOptions.config?.mediaTypeHint;
      const message = hint ?? 'this route reads JSON: send Content-Type: application/json';
      return reply.code(415).send(errorBody(415, `${message}; got Content-Type ${given}`));
    }
    return reply.code(status).send(errorBody(status, error.message));
  });

  // Every route's path and method, to tell a path without the method asked (405) from no path at all (404).
  const router = FindMyWay();
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      methods.add(method);
      try {
        router.on(method as FindMyWay.HTTPMethod, route.url, () => {});
      } catch {
        // The same method and path twice (as Fastify's own HEAD routes may be): one is enough.
      }
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = otherMethods(router, methods, request.method, path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody(405, `${request.method} is not allowed on ${path}; it answers ${allowed.join(', ')}`));
    }
    return reply.code(404).send(errorBody(404, `${request.method} ${path} is not a route`));
  });
};

export default fp(errors, { name: 'errors', fastify: '5.x' });
