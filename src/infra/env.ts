/**
 * The one way a process reads its environment: a TypeBox schema of the
 * variables (names, types, ranges, defaults), loaded by env-schema (the loader
 * behind @fastify/env) with coercion. Numbers are strict: "0x20", "1e3" or
 * "1.5" for a whole number are refused before Ajv's coercion (which takes
 * anything `Number()` takes) can accept them. A bad value throws a
 * `ConfigError` whose message names the variable, what it accepts and what
 * it got.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { envSchema } from 'env-schema';

export type Env = Record<string, string | undefined>;

/** A bad setting at start: the entry points print its message alone, without a stack. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a variable's schema may carry beside JSON Schema: a phrase saying what it accepts. */
interface VarSchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: { const?: unknown }[];
  /** Overrides the generated "must be ..." phrase, e.g. 'a redis:// or rediss:// URL'. */
  accepts?: string;
}

const WHOLE = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** "must be ..." for one variable, from its schema. */
function accepts(schema: VarSchema): string {
  if (schema.accepts) return schema.accepts;
  const range = (what: string) =>
    schema.minimum !== undefined && schema.maximum !== undefined
      ? `${what} from ${schema.minimum} to ${schema.maximum}`
      : schema.minimum !== undefined
        ? `${what} >= ${schema.minimum}`
        : what;
  if (schema.type === 'integer') return range('a whole number');
  if (schema.type === 'number') return range('a number');
  if (schema.type === 'boolean') return `one of ${[...TRUE, ...FALSE].join(', ')}`;
  if (schema.anyOf?.every((s) => s.const !== undefined)) {
    return `one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}`;
  }
  return 'a valid value';
}

const problem = (name: string, schema: VarSchema, raw: string) =>
  new ConfigError(`${name} must be ${accepts(schema)}; got "${raw}"`);

/** Trimmed values; empty ones count as unset; numbers and booleans checked strictly. */
function strictRaw(schema: TObject, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, prop] of Object.entries(schema.properties as Record<string, TSchema & VarSchema>)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (prop.type === 'integer' && !WHOLE.test(raw)) throw problem(name, prop, raw);
    if (prop.type === 'number' && !DECIMAL.test(raw)) throw problem(name, prop, raw);
    if (prop.type === 'boolean') {
      const word = raw.toLowerCase();
      if (TRUE.includes(word)) out[name] = 'true';
      else if (FALSE.includes(word)) out[name] = 'false';
      else throw problem(name, prop, raw);
      continue;
    }
    out[name] = raw;
  }
  return out;
}

/** Reads the variables `schema` names from `env`, with its defaults; throws a `ConfigError` naming the first bad one. */
export function loadEnv<T extends TObject>(schema: T, env: Env): Static<T> {
  const data = strictRaw(schema, env);
  try {
    return envSchema<Static<T>>({
      // env-schema sets additionalProperties on the schema it is given: give it a copy.
      schema: structuredClone(schema) as never,
      data,
      env: false,
      dotenv: false,
      ajv: {
        customOptions: (ajv) => ajv.addKeyword({ keyword: 'accepts', schemaType: 'string' }),
      },
    });
  } catch (err) {
    const first = (err as { errors?: { instancePath: string; params: { missingProperty?: string } }[] }).errors?.[0];
    if (first?.params.missingProperty) throw new ConfigError(`${first.params.missingProperty} must be set`);
    const name = first?.instancePath.slice(1);
    const prop = name ? (schema.properties as Record<string, VarSchema>)[name] : undefined;
    if (!name || !prop) throw new ConfigError((err as Error).message);
    throw problem(name, prop, data[name] ?? '');
  }
}
