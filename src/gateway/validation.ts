/**
 * Schema validators for every route. Bodies are JSON and never coerced.
 * Query strings, params and headers arrive as text, so numbers there are
 * coerced by Ajv; its coercion takes anything `+text` reads (`Infinity`,
 * `1e400`, `0x20`, ` 12`), and a coerced `Infinity` even skips `minimum` and
 * `maximum`. So each coerced number is checked against the text it came from:
 * plain decimal digits giving a finite number, else a 400 naming the field.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaValidationError } from 'fastify';

/**
 * Bodies are never coerced nor stripped: an unknown field or a wrong type is a 400.
 * `strictTypes` off: a barcode's `data` is "a string or an object" beside the payload
 * object's keywords (lib/schema.ts RequestData), which Ajv's advisory type lint would log.
 */
const BODY_AJV = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  allErrors: false,
  strictTypes: false,
} as const;
/** Query strings and params arrive as text: numbers are coerced, unknown fields still refused. */
const QUERY_AJV = { coerceTypes: 'array', removeAdditional: false, useDefaults: false, allErrors: false } as const;

/** What a number in a URL or header may look like: `12`, `-3`, `0.5`. */
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

interface Validate {
  (data: unknown, context?: unknown): boolean;
  errors?: FastifySchemaValidationError[] | null;
  schemaEnv?: unknown;
}
type Compile = (route: { schema: unknown; httpPart?: string }) => Validate;

function notDecimal(value: unknown, given: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  const text = Array.isArray(given) && given.length === 1 ? given[0] : given;
  // Numbers coerced from booleans or null are Ajv's own choices, not the client's text.
  if (typeof text !== 'string') return Number.isFinite(value) ? undefined : String(text);
  return DECIMAL.test(text) && Number.isFinite(value) ? undefined : text;
}

/** Long enough to recognise the value, short enough that a long one stays out of the answer. */
const ECHO_MAX = 40;

function badNumber(instancePath: string, text: string): FastifySchemaValidationError {
  const shown = text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text;
  return {
    keyword: 'finiteDecimal',
    instancePath,
    schemaPath: '#/finiteDecimal',
    params: { given: text },
    message: `must be a finite number in plain decimal digits, got ${JSON.stringify(shown)}`,
  };
}

/** Ajv's validator, then every number it coerced compared with the text it was given. */
function finiteNumbersOnly(validate: Validate): Validate {
  const checked: Validate = (data, context) => {
    const given = data !== null && typeof data === 'object' ? { ...(data as Record<string, unknown>) } : data;
    if (!validate(data, context)) {
      checked.errors = validate.errors;
      return false;
    }
    checked.errors = null;
    const root = notDecimal(data, given);
    if (root !== undefined) return fail(badNumber('', root));
    if (data === null || typeof data !== 'object') return true;
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      const was = (given as Record<string, unknown>)[key];
      const path = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const bad = notDecimal(value, was);
      if (bad !== undefined) return fail(badNumber(path, bad));
      if (Array.isArray(value) && Array.isArray(was)) {
        for (const [i, item] of value.entries()) {
          const badItem = notDecimal(item, was[i]);
          if (badItem !== undefined) return fail(badNumber(`${path}/${i}`, badItem));
        }
      }
    }
    return true;
  };
  function fail(error: FastifySchemaValidationError): false {
    checked.errors = [error];
    return false;
  }
  // Fastify hands Ajv's own functions the parent object, so that a coerced root is kept.
  if (validate.schemaEnv !== undefined) checked.schemaEnv = validate.schemaEnv;
  return checked;
}

const buildAjv = AjvCompiler();

/** Fastify's `schemaController.compilersFactory.buildValidator`. */
export const buildValidator = ((externalSchemas: Parameters<typeof buildAjv>[0]) => {
  const body = buildAjv(externalSchemas, { customOptions: BODY_AJV }) as unknown as Compile;
  const other = buildAjv(externalSchemas, { customOptions: QUERY_AJV }) as unknown as Compile;
  return (route: { schema: unknown; httpPart?: string }) =>
    route.httpPart === 'body' ? body(route) : finiteNumbersOnly(other(route));
}) as unknown as typeof buildAjv;
