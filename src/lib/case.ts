/**
 * Names whose case is ignored (`barcode_type`, `format`, `error_correction`):
 * their unions carry `x-case-insensitive`, and `canonicalCase` walks a value
 * with its schema and writes each such name as the schema spells it, before
 * anything validates it. The Node API, the bulk options and the gateway (for
 * bodies, query strings and path parameters alike) all call it, so `QR`,
 * `h` and `PNG` mean the same everywhere, and the schemas (and the OpenAPI
 * document) keep listing the canonical names.
 */
import { Type, type TSchema } from '@sinclair/typebox';

export const CASE_INSENSITIVE = 'x-case-insensitive';

const CASE_NOTE = 'Case is ignored.';

/** A union of the names `values`, whose case is ignored. */
export function names<T extends string>(values: readonly T[], description?: string) {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { [CASE_INSENSITIVE]: true, description: description ? `${description} ${CASE_NOTE}` : CASE_NOTE },
  );
}

interface Walked {
  anyOf?: Walked[];
  const?: unknown;
  properties?: Record<string, Walked>;
  items?: Walked;
  [CASE_INSENSITIVE]?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const spellings = new WeakMap<Walked, Map<string, string>>();

/** The schema's own spelling of `s`, or `s` when it spells no name like it. */
function canonical(schema: Walked, s: string): string {
  let names = spellings.get(schema);
  if (!names) {
    names = new Map();
    for (const branch of schema.anyOf ?? []) {
      if (typeof branch.const === 'string') names.set(branch.const.toLowerCase(), branch.const);
    }
    // Each spelling as itself too: most values come canonical, and need no lower-cased copy to find.
    for (const spelling of [...names.values()]) names.set(spelling, spelling);
    spellings.set(schema, names);
  }
  return names.get(s) ?? names.get(s.toLowerCase()) ?? s;
}

/**
 * `value` with every case-insensitive name in the canonical case; the value
 * itself when nothing changes, else a copy (the caller's objects are never
 * changed).
 */
export function canonicalCase<T>(value: T, schema: TSchema): T {
  return walk(value, schema as Walked) as T;
}

/** Per schema, the properties (its own and its union variants') that can hold a case-insensitive name. */
const plans = new WeakMap<Walked, [string, Walked][]>();

/** Whether `schema` can hold a case-insensitive name anywhere below it. */
function holdsNames(schema: Walked): boolean {
  if (schema[CASE_INSENSITIVE]) return true;
  if (schema.items && holdsNames(schema.items)) return true;
  const nested = [...Object.values(schema.properties ?? {}), ...(schema.anyOf ?? [])];
  return nested.some(holdsNames);
}

// Worked out once per schema: the hot path (every item of every batch) then visits only what can change.
function planOf(schema: Walked): [string, Walked][] {
  let plan = plans.get(schema);
  if (!plan) {
    const all = [schema.properties ?? {}, ...(schema.anyOf ?? []).map((b) => b.properties ?? {})];
    plan = all.flatMap((props) => Object.entries(props).filter(([, sub]) => holdsNames(sub)));
    plans.set(schema, plan);
  }
  return plan;
}

function walk(value: unknown, schema: Walked): unknown {
  if (typeof value === 'string') return schema[CASE_INSENSITIVE] ? canonical(schema, value) : value;
  if (Array.isArray(value)) {
    if (!schema.items) return value;
    const items = schema.items;
    const out = value.map((v) => walk(v, items));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (!isObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, sub] of planOf(schema)) {
    if (!Object.hasOwn(value, key)) continue;
    const before = (out ?? value)[key];
    const after = walk(before, sub);
    if (after !== before) (out ??= { ...value })[key] = after;
  }
  return out ?? value;
}
