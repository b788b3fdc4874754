/**
 * Every error leaves as JSON `{ statusCode, error, message }`: schema
 * violations are 400 naming the field's path, misuse of the Node API
 * (`BatchcodeError`) a 400 with its stable code, unknown routes 404, and any
 * other fault, a TypeError or RangeError included, a 500 without its details
 * (those go to the log): a bug must not pass for the client's mistake.
 */
import type { FastifyError, FastifyPluginAsync, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import { BatchcodeError } from '../../lib/index.js';
import { errorBody, HttpError } from '../errors.js';

/** `/barcodes/0/options` in `body` → `body.barcodes[0].options`. */
export function fieldPath(dataVar: string, instancePath: string): string {
  let out = dataVar;
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part)
      ? `[${part}]`
      : /^[A-Za-z_$][\w$]*$/.test(part)
        ? `.${part}`
        : `[${JSON.stringify(part)}]`;
  }
  return out;
}

function child(path: string, name: unknown): string {
  const key = String(name);
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** One clear sentence for the first schema violation, starting with the field's path. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`${dataVar} is invalid`);
  const path = fieldPath(dataVar, first.instancePath);
  const params = first.params as Record<string, unknown>;
  let message: string;
  switch (first.keyword) {
    case 'additionalProperties':
      message = `${child(path, params.additionalProperty)} is not an accepted field`;
      break;
    case 'required':
      message = `${child(path, params.missingProperty)} is required`;
      break;
    case 'const': {
      const allowed = errors
        .filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath)
        .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
      message = `${path} must be ${allowed.length > 1 ? 'one of ' : ''}${allowed.join(', ')}`;
      break;
    }
    default:
      message = `${path} ${first.message ?? 'is invalid'}`;
  }
  return new Error(message);
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
    return reply.code(status).send(errorBody(status, error.message));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.code(404).send(errorBody(404, `${request.method} ${path} is not a route`));
  });
};

export default fp(errors, { name: 'errors', fastify: '5.x' });
