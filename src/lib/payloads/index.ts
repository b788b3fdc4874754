/**
 * Payload helpers: structured `data` (`{ wifi: { ssid, password } }`)
 * encoded to the standard string a phone's camera understands. One file per
 * helper holds its schema and its encoder; this table is the one list of
 * them, and `encodePayload` the one way in, for the Node API, the HTTP
 * routes (through it) and bulk columns.
 */
import type { Static, TObject, TOptional, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { LIMITS } from '../facts.js';
import { ACCEPTS, PayloadError, shown } from './common.js';
import { EmailPayload, encodeEmail } from './email.js';
import { encodeEvent, EventPayload } from './event.js';
import { encodeGeo, GeoPayload } from './geo.js';
import { encodeSms, SmsPayload } from './sms.js';
import { encodeTel, TelPayload } from './tel.js';
import { encodeVcard, VcardPayload } from './vcard.js';
import { encodeWifi, WifiPayload } from './wifi.js';

export { EmailPayload, EventPayload, GeoPayload, SmsPayload, TelPayload, VcardPayload, WifiPayload };
export { WIFI_SECURITY } from './wifi.js';

interface Helper<S extends TObject> {
  schema: S;
  encode: (payload: Static<S>) => string;
}
const helper = <S extends TObject>(schema: S, encode: (payload: Static<S>) => string): Helper<S> => ({
  schema,
  encode,
});

/** The dispatch table: each kind's schema and encoder. */
export const PAYLOADS = {
  wifi: helper(WifiPayload, encodeWifi),
  vcard: helper(VcardPayload, encodeVcard),
  email: helper(EmailPayload, encodeEmail),
  sms: helper(SmsPayload, encodeSms),
  tel: helper(TelPayload, encodeTel),
  geo: helper(GeoPayload, encodeGeo),
  event: helper(EventPayload, encodeEvent),
};

export type PayloadKind = keyof typeof PAYLOADS;
export const PAYLOAD_KINDS = Object.keys(PAYLOADS) as PayloadKind[];

const isKind = (key: string): key is PayloadKind => Object.hasOwn(PAYLOADS, key);

/** `{ wifi: … }`, `{ vcard: … }`…: exactly one helper's object. */
export type PayloadData = { [K in PayloadKind]: { [P in K]: Static<(typeof PAYLOADS)[K]['schema']> } }[PayloadKind];

/** The payload object's properties: each helper's schema, optional (exactly one is given). */
export const payloadProperties = Object.fromEntries(
  PAYLOAD_KINDS.map((k) => [k, Type.Optional(PAYLOADS[k].schema)]),
) as { [K in PayloadKind]: TOptional<(typeof PAYLOADS)[K]['schema']> };

const checks = {} as Record<PayloadKind, TypeCheck<TObject>>;
for (const kind of PAYLOAD_KINDS) checks[kind] = TypeCompiler.Compile<TObject>(PAYLOADS[kind].schema);

/** What a field accepts, in words, from its schema. */
function accepts(schema: TSchema): string {
  const words = (schema as { [ACCEPTS]?: unknown })[ACCEPTS];
  if (typeof words === 'string') return words;
  if (Array.isArray(schema.anyOf)) {
    return `one of ${(schema.anyOf as TSchema[]).map((s) => JSON.stringify(s.const)).join(', ')}`;
  }
  switch (schema.type) {
    case 'string': {
      const { minLength = 0, maxLength } = schema as { minLength?: number; maxLength?: number };
      return maxLength === undefined
        ? 'text'
        : minLength > 0
          ? `text of ${minLength} to ${maxLength} characters`
          : `text of at most ${maxLength} characters`;
    }
    case 'number':
      return `a number from ${schema.minimum as number} to ${schema.maximum as number}`;
    case 'boolean':
      return 'true or false';
    default:
      return `a ${String(schema.type)}`;
  }
}

/** One sentence for a schema error: what the field accepts and what came. */
function schemaProblem(kind: PayloadKind, e: ValueError): PayloadError {
  const parts = e.path.split('/').slice(1);
  const field = parts.join('.');
  const allowed = Object.keys(PAYLOADS[kind].schema.properties).join(', ');
  if (e.type === ValueErrorType.ObjectRequiredProperty) return new PayloadError(field, 'is required');
  if (e.type === ValueErrorType.ObjectAdditionalProperties) {
    return new PayloadError(field, `is not a field of ${kind}; its fields are ${allowed}`);
  }
  if (!field) return new PayloadError('', `must be an object with the fields ${allowed}; got ${shown(e.value)}`);
  // A schema's own pattern or length message is replaced by what the field accepts.
  const shownValue =
    e.type === ValueErrorType.StringMaxLength ? `${(e.value as string).length} characters` : shown(e.value);
  return new PayloadError(field, `must be ${accepts(e.schema)}; got ${shownValue}`);
}

/** Every string of a checked payload must be well-formed UTF-16: UTF-8 cannot carry a lone surrogate. */
function lonelySurrogate(payload: Record<string, unknown>): PayloadError | undefined {
  for (const [field, value] of Object.entries(payload)) {
    if (typeof value === 'string' && !value.isWellFormed()) {
      return new PayloadError(field, 'contains an unpaired UTF-16 surrogate');
    }
  }
  return undefined;
}

/** A payload that cannot be encoded: which kind, which field, and the sentence about it. */
export interface PayloadProblem {
  /** The helper's key when it is known. */
  kind?: PayloadKind;
  /** The field inside the helper's object (`ssid`); '' for the object itself. */
  field: string;
  /** The rest of the sentence: `must be …; got …`, `is required`. */
  problem: string;
}

export type Encoded = { ok: true; kind: PayloadKind; data: string } | ({ ok: false } & PayloadProblem);

const KINDS_TEXT = PAYLOAD_KINDS.join(', ');

/** One helper's fields (already an object) to its standard string, or the problem with them. */
export function encodeKind(kind: PayloadKind, payload: unknown): Encoded {
  const check = checks[kind];
  if (!check.Check(payload)) {
    const first = check.Errors(payload).First();
    const e = first ? schemaProblem(kind, first) : new PayloadError('', 'is invalid');
    return { ok: false, kind, field: e.field, problem: e.problem };
  }
  try {
    const surrogate = lonelySurrogate(payload as Record<string, unknown>);
    if (surrogate) throw surrogate;
    const data = (PAYLOADS[kind].encode as (p: unknown) => string)(payload);
    const max = LIMITS.data_length.max;
    if (data.length > max) {
      throw new PayloadError('', `encodes to ${data.length} characters; at most ${max}: shorten its fields`);
    }
    return { ok: true, kind, data };
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    return { ok: false, kind, field: err.field, problem: err.problem };
  }
}

/**
 * `data` given as an object: exactly one helper's key, whose fields are
 * checked and encoded. Answers the standard string, or the problem.
 */
export function encodePayload(data: object): Encoded {
  const keys = Object.keys(data);
  const unknown = keys.find((k) => !isKind(k));
  if (unknown !== undefined) {
    return { ok: false, field: unknown, problem: `is not a payload kind; use one of ${KINDS_TEXT}` };
  }
  if (keys.length !== 1) {
    const got = keys.length ? keys.join(' and ') : 'none';
    return { ok: false, field: '', problem: `must hold exactly one of ${KINDS_TEXT}; got ${got}` };
  }
  const kind = keys[0] as PayloadKind;
  return encodeKind(kind, (data as Record<string, unknown>)[kind]);
}

/** A problem as a sentence about `data`: `data.wifi.ssid must be …`. */
export function describeProblem(p: PayloadProblem, root = 'data'): string {
  const path = [root, p.kind, p.field].filter(Boolean).join('.');
  return `${path} ${p.problem}`;
}

/**
 * The fields of one helper built from text (CSV cells by column name):
 * numbers and booleans are read from their usual spellings, empty cells are
 * left out. A cell that does not read as its type is kept as text, so that
 * the check names it with what was received.
 */
export function payloadFromText(kind: PayloadKind, cells: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = PAYLOADS[kind].schema.properties as Record<string, TSchema>;
  for (const [field, text] of Object.entries(cells)) {
    if (text === '') continue;
    const type = props[field]?.type;
    const word = text.trim();
    if (type === 'number' && /^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(word)) out[field] = Number(word);
    else if (type === 'boolean' && /^(?:true|yes|1)$/i.test(word)) out[field] = true;
    else if (type === 'boolean' && /^(?:false|no|0)$/i.test(word)) out[field] = false;
    else out[field] = text;
  }
  return out;
}

/** A helper's field names, and those it requires. */
export function payloadFields(kind: PayloadKind): { fields: string[]; required: string[] } {
  const schema = PAYLOADS[kind].schema;
  return { fields: Object.keys(schema.properties), required: [...(schema.required ?? [])] };
}
