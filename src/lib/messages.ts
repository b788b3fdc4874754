/**
 * One voice for every refused value, whichever validator refused it (TypeBox
 * in the Node API and bulk options, Ajv in the gateway): the field's path,
 * what it accepts (read from its schema) and what was received, e.g.
 * `options.width must be a whole number from 1 to 4096; got 0.5`. The gateway
 * prefixes its paths with `body.`, `querystring.` or `params.`; the rest of the
 * sentence is the same.
 */
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { BACKGROUND, COLOUR, COLOUR_FORMS } from './colours.js';

/** Long enough to recognise a value, short enough that a long one stays out of the answer. */
export const ECHO_MAX = 40;

/** The JSON Schema keywords the sentences read. */
export interface FieldSchema {
  type?: string | string[];
  anyOf?: FieldSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, unknown>;
  maxProperties?: number;
}

/** Where a value came from: text in a URL (query string or path) has no type of its own. */
export interface Source {
  url?: boolean;
  /** Said after the received value, in brackets, when nothing more telling is. */
  note?: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `name` under `path`: `options.width`, `barcodes[0]`, `options["a b"]`; `path` may be ''. */
export function childPath(path: string, name: string | number): string {
  const key = String(name);
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** The JSON pointer `/barcodes/0/options` under `root`: `root.barcodes[0].options`. */
export function fieldPath(root: string, pointer: string): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) out = childPath(out, raw.replaceAll('~1', '/').replaceAll('~0', '~'));
  return out;
}

/** A string as messages echo it: quoted, cut at ECHO_MAX characters. */
export function echo(s: string): string {
  const chars = [...s];
  return JSON.stringify(chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX).join('')}…` : s);
}

const consts = (schema: FieldSchema): unknown[] | undefined => {
  if (schema.enum) return schema.enum;
  const branches = schema.anyOf;
  return branches?.length && branches.every((b) => b.const !== undefined) ? branches.map((b) => b.const) : undefined;
};

const between = (what: string, min: number | undefined, max: number | undefined, unit = '') =>
  min !== undefined && max !== undefined
    ? `${what} from ${min} to ${max}${unit}`
    : min !== undefined
      ? `${what} of at least ${min}${unit}`
      : max !== undefined
        ? `${what} of at most ${max}${unit}`
        : what;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

function sized(what: string, min: number | undefined, max: number | undefined, unit: string): string {
  if (min === undefined && max === undefined) return what;
  if (min !== undefined && max !== undefined) return `${what} of ${min} to ${count(max, unit)}`;
  return min !== undefined ? `${what} of at least ${count(min, unit)}` : `${what} of at most ${count(max!, unit)}`;
}

/** What `schema` accepts, as the end of "must be ...". */
export function accepts(schema: FieldSchema, source: Source = {}): string {
  const values = consts(schema);
  if (values) {
    const list = values.map((v) => JSON.stringify(v)).join(', ');
    return values.length === 1 ? list : `one of ${list}`;
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) {
    // Keywords beside anyOf (a payload object's properties) belong to its object branch.
    const { properties, maxProperties } = schema;
    const branches = schema.anyOf.map((b) =>
      b.type === 'object'
        ? { ...b, properties: { ...properties, ...b.properties }, maxProperties: b.maxProperties ?? maxProperties }
        : b,
    );
    return [...new Set(branches.map((b) => accepts(b, source)))].join(' or ');
  }
  if (schema.format === COLOUR || schema.format === BACKGROUND) {
    const transparent = schema.format === BACKGROUND ? ', or "transparent"' : '';
    return `a colour: ${COLOUR_FORMS}${transparent}${source.url ? ' (in a query string, write # as %23)' : ''}`;
  }
  switch (schema.type) {
    case 'integer':
      return between(
        schema.multipleOf === 2
          ? 'an even whole number'
          : schema.multipleOf
            ? `a multiple of ${schema.multipleOf}`
            : 'a whole number',
        schema.minimum,
        schema.maximum,
      );
    case 'number':
      return between('a number', schema.minimum, schema.maximum);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object': {
      // An object of one key among several (a payload helper) says which keys; any other is just an object.
      const keys = Object.keys(schema.properties ?? {});
      return schema.maxProperties === 1 && keys.length > 0
        ? `an object with exactly one of ${keys.join(', ')}`
        : 'an object';
    }
    case 'array':
      return sized('an array', schema.minItems, schema.maxItems, 'item');
    case 'string': {
      const text = sized('a string', schema.minLength, schema.maxLength, 'character');
      if (schema.pattern) return `${text} matching ${schema.pattern}`;
      return schema.format ? `${text} in ${schema.format} format` : text;
    }
    default:
      return 'valid';
  }
}

/** The JSON types a schema accepts, for saying when a value has another. */
function types(schema: FieldSchema): string[] {
  const values = consts(schema);
  if (values) return [...new Set(values.map((v) => (v === null ? 'null' : typeof v)))];
  if (schema.const !== undefined) return [typeof schema.const];
  if (schema.anyOf) return schema.anyOf.flatMap(types);
  const type = schema.type ?? (schema.format ? 'string' : undefined);
  const list = Array.isArray(type) ? type : type ? [type] : [];
  return list.map((t) => (t === 'integer' ? 'number' : t));
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const A: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
};

/** The received value as the end of "got ...". */
export function received(value: unknown, schema: FieldSchema, source: Source = {}): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const type = typeOf(value);
  const expected = types(schema);
  // Text from a URL is text whatever the field: its type says nothing.
  const other = !source.url && expected.length > 0 && !expected.includes(type) ? ` (${A[type] ?? type})` : '';
  if (typeof value === 'string') {
    const length = [...value].length;
    if (!other && schema.maxLength !== undefined && length > schema.maxLength) return count(length, 'character');
    return `${echo(value)}${other}`;
  }
  if (Array.isArray(value)) return expected.includes('array') ? count(value.length, 'item') : 'an array';
  if (type === 'object') {
    const keys = Object.keys(value as object).map((k) => echo(k));
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 5).join(', ')}`;
  }
  return `${String(value)}${other}`;
}

const HEX_DIGITS = /^(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** What most likely went wrong, when the value says so. */
function hint(schema: FieldSchema, value: unknown, source: Source): string {
  if ((schema.format === COLOUR || schema.format === BACKGROUND) && typeof value === 'string') {
    if (value === '' && source.url) return " (empty: an unescaped # starts the URL's fragment, which is never sent)";
    if (HEX_DIGITS.test(value)) {
      return ` (hex colours start with #: ${source.url ? `%23${value} in a query string` : `"#${value}"`})`;
    }
  }
  return source.note ? ` (${source.note})` : '';
}

/** The sentence for a value its schema refuses: `format must be one of "svg", "png"; got "jpg"`. */
export function mustBe(path: string, schema: FieldSchema, value: unknown, source: Source = {}): string {
  return `${path} must be ${accepts(schema, source)}; got ${received(value, schema, source)}${hint(schema, value, source)}`;
}

export const isRequired = (path: string) => `${path} is required`;
export const notAccepted = (path: string) => `${path} is not an accepted field`;

/** The errors that say a value has another JSON type than the schema's. */
const KIND = new Set([
  ValueErrorType.Array,
  ValueErrorType.Boolean,
  ValueErrorType.Integer,
  ValueErrorType.Null,
  ValueErrorType.Number,
  ValueErrorType.Object,
  ValueErrorType.String,
]);

/**
 * An error of a union of objects and others: the variant the value most
 * likely meant, the one it went deepest into, else one whose type it has.
 */
function likeliest(error: ValueError): ValueError | undefined {
  let best: ValueError | undefined;
  let sameKind: ValueError | undefined;
  for (const variant of error.errors) {
    const first = variant.First();
    if (!first) continue;
    if (first.path.length > error.path.length && (!best || first.path.length > best.path.length)) best = first;
    if (!KIND.has(first.type)) sameKind ??= first;
  }
  return best ?? sameKind;
}

/**
 * A TypeBox error as one sentence, its path under `root` ('' for none), or
 * `whole` when the value itself is at fault.
 */
export function typeboxMessage(error: ValueError, root: string, whole: string): string {
  const path = fieldPath(root, error.path) || whole;
  const schema = error.schema as FieldSchema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return isRequired(path);
    case ValueErrorType.ObjectAdditionalProperties:
      return notAccepted(path);
    case ValueErrorType.Union: {
      const inner = consts(schema) ? undefined : likeliest(error);
      return inner ? typeboxMessage(inner, root, whole) : mustBe(path, schema, error.value);
    }
    default:
      return mustBe(path, schema, error.value);
  }
}
