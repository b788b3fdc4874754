/**
 * Schema validators for every route. Bodies are JSON and never coerced.
 * Query strings, params and headers arrive as text, so numbers there are
 * coerced by Ajv; its coercion takes anything `+text` reads (`Infinity`,
 * `1e400`, `0x20`, ` 12`), and a coerced `Infinity` even skips `minimum` and
 * `maximum`. So each coerced number is checked against the text it came from:
 * plain decimal digits giving a finite number, else a 400 naming the field.
 *
 * Before any check, names whose case is ignored are written in their
 * canonical case (the library's `canonicalCase`), and colours are checked by
 * the library's own functions, so the gateway accepts exactly what the Node
 * API accepts. Errors are verbose (they carry the failing schema and value),
 * which is what the messages are built from (plugins/errors.ts).
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { TSchema } from '@sinclair/typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { CASE_INSENSITIVE, canonicalCase } from '../lib/case.js';
import { BACKGROUND, COLOUR, isBackground, isColour } from '../lib/colours.js';

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
  verbose: true,
} as const;
/** Query strings and params arrive as text: numbers are coerced, unknown fields still refused. */
const QUERY_AJV = { ...BODY_AJV, coerceTypes: 'array' } as const;

interface Ajv {
  addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown;
  addKeyword(definition: { keyword: string; schemaType: string }): unknown;
}

/** The library's colour formats and its case marker, in every Ajv the gateway builds. */
function libraryVocabulary(ajv: Ajv): void {
  ajv.addFormat(COLOUR, { type: 'string', validate: isColour });
  ajv.addFormat(BACKGROUND, { type: 'string', validate: isBackground });
  ajv.addKeyword({ keyword: CASE_INSENSITIVE, schemaType: 'boolean' });
}

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

/** What the errors plugin reads of an error beside Fastify's fields (Ajv's `verbose` adds them). */
export interface VerboseError extends FastifySchemaValidationError {
  parentSchema?: unknown;
  data?: unknown;
}

function badNumber(instancePath: string, text: string, schema: unknown): VerboseError {
  return {
    keyword: 'finiteDecimal',
    instancePath,
    schemaPath: '#/finiteDecimal',
    params: { given: text },
    message: 'must be a finite number in plain decimal digits',
    parentSchema: schema,
    data: text,
  };
}

/** The schema of `key` in an object schema, if it names one. */
const propertySchema = (schema: unknown, key: string): unknown =>
  (schema as { properties?: Record<string, unknown> } | null)?.properties?.[key];

/** The first number Ajv coerced from text that is not plain decimal, as an error naming its field. */
function firstBadNumber(data: unknown, given: unknown, schema: unknown): VerboseError | undefined {
  const root = notDecimal(data, given);
  if (root !== undefined) return badNumber('', root, schema);
  if (data === null || typeof data !== 'object') return undefined;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const was = (given as Record<string, unknown>)[key];
    const path = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const field = propertySchema(schema, key);
    const bad = notDecimal(value, was);
    if (bad !== undefined) return badNumber(path, bad, field);
    if (Array.isArray(value) && Array.isArray(was)) {
      for (const [i, item] of value.entries()) {
        const badItem = notDecimal(item, was[i]);
        if (badItem !== undefined) {
          return badNumber(`${path}/${i}`, badItem, (field as { items?: unknown } | undefined)?.items);
        }
      }
    }
  }
  return undefined;
}

/**
 * Ajv's validator, then every number it coerced compared with the text it was given.
 * A text that is not plain decimal is named even when Ajv also refused its value
 * (`0x20` read as 32 is over a maximum of 8): the text is what the client must fix.
 */
function finiteNumbersOnly(validate: Validate, schema: unknown): Validate {
  const checked: Validate = (data, context) => {
    const given = data !== null && typeof data === 'object' ? { ...(data as Record<string, unknown>) } : data;
    const ok = validate(data, context);
    const bad = firstBadNumber(data, given, schema);
    checked.errors = bad ? [bad] : ok ? null : validate.errors;
    return ok && !bad;
  };
  // Fastify hands Ajv's own functions the parent object, so that a coerced root is kept.
  if (validate.schemaEnv !== undefined) checked.schemaEnv = validate.schemaEnv;
  return checked;
}

/** Names in their canonical case, in place (Fastify validates, and then hands on, the object it parsed). */
function canonicalFirst(validate: Validate, schema: unknown): Validate {
  const checked: Validate = (data, context) => {
    const canonical = canonicalCase(data, schema as TSchema);
    if (canonical !== data && typeof data === 'object' && data !== null) {
      // Only the fields the schema names can change; each is set as a plain property.
      const target = data as Record<string, unknown>;
      for (const [key, value] of Object.entries(canonical as Record<string, unknown>)) {
        if (target[key] !== value)
          Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
      }
    }
    const ok = validate(data, context);
    checked.errors = validate.errors;
    return ok;
  };
  if (validate.schemaEnv !== undefined) checked.schemaEnv = validate.schemaEnv;
  return checked;
}

const buildAjv = AjvCompiler();
const compilerOptions = (customOptions: typeof BODY_AJV | typeof QUERY_AJV) => ({
  customOptions,
  onCreate: libraryVocabulary,
});

/** Fastify's `schemaController.compilersFactory.buildValidator`. */
export const buildValidator = ((externalSchemas: Parameters<typeof buildAjv>[0]) => {
  const body = buildAjv(externalSchemas, compilerOptions(BODY_AJV) as never) as unknown as Compile;
  const other = buildAjv(externalSchemas, compilerOptions(QUERY_AJV) as never) as unknown as Compile;
  return (route: { schema: unknown; httpPart?: string }) =>
    route.httpPart === 'body'
      ? canonicalFirst(body(route), route.schema)
      : canonicalFirst(finiteNumbersOnly(other(route), route.schema), route.schema);
}) as unknown as typeof buildAjv;

/** A body validator for `schema` as every route gets one, for routes that validate less than they document. */
export function bodyValidator(schema: TSchema): Validate {
  const body = buildAjv({}, compilerOptions(BODY_AJV) as never) as unknown as Compile;
  return canonicalFirst(body({ schema, httpPart: 'body' }), schema);
}
