/**
 * Form controls drawn from the library's JSON Schema (batchcode:schema), so
 * every option, choice and limit the API takes is offered with the API's own
 * bounds and words: a number input with min and max, a select of the
 * choices, a three-way select for a boolean (default, on, off), a text input.
 * Values are kept as the inputs hold them; `toOptions` turns them into the
 * request's options, leaving out what is left at the default.
 */
import type { JSX, TargetedEvent } from 'preact';

export interface JsonSchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  maxLength?: number;
  description?: string;
  anyOf?: JsonSchema[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
}

export type FormValues = Record<string, string>;

/** The literal choices of a union of constants, or undefined. */
export function choices(schema: JsonSchema): string[] | undefined {
  const values = schema.anyOf?.map((s) => s.const);
  return values?.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

export const label = (name: string): string => {
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The options a request sends: numbers as numbers, booleans as booleans, empty fields left out. */
export function toOptions(values: FormValues, properties: Record<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    const schema = properties[name];
    const value = raw.trim();
    if (!schema || value === '') continue;
    if (schema.type === 'integer' || schema.type === 'number') out[name] = Number(value);
    else if (schema.type === 'boolean') out[name] = value === 'true';
    else out[name] = value;
  }
  return out;
}

/** The option an API message is about ("options.width must be…", "x_dim 0.2 mm is below…"), if it names one. */
export function fieldOf(message: string, names: readonly string[]): string | undefined {
  const dotted = /\b(?:options|design)\.(\w+)/.exec(message)?.[1];
  if (dotted && names.includes(dotted)) return dotted;
  return names.find((n) => new RegExp(`(^|[\\s"'\`])${n}\\b`).test(message));
}

interface FieldProps {
  id: string;
  name: string;
  schema: JsonSchema;
  value: string;
  error?: string | undefined;
  onInput: (name: string, value: string) => void;
}

const bounds = (s: JsonSchema): string | undefined =>
  s.minimum !== undefined && s.maximum !== undefined ? `${s.minimum} to ${s.maximum}` : undefined;

export function Field({ id, name, schema, value, error, onInput }: FieldProps): JSX.Element {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? `${errorId} ${hintId}` : hintId;
  const set = (e: TargetedEvent<HTMLInputElement | HTMLSelectElement>) => onInput(name, e.currentTarget.value);
  const common = { id, name, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined };
  const options = choices(schema);
  let control: JSX.Element;
  if (options) {
    control = (
      <select {...common} value={value} onChange={set}>
        <option value="">Default</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    control = (
      <select {...common} value={value} onChange={set}>
        <option value="">Default</option>
        <option value="true">On</option>
        <option value="false">Off</option>
      </select>
    );
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = (
      <input
        {...common}
        type="number"
        inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
        min={schema.minimum}
        max={schema.maximum}
        step={schema.multipleOf ?? (schema.type === 'integer' ? 1 : 'any')}
        value={value}
        onInput={set}
      />
    );
  } else {
    control = <input {...common} type="text" maxLength={schema.maxLength} value={value} onInput={set} />;
  }
  const range = bounds(schema);
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>
        {label(name)}
        {range && <span class="range"> ({range})</span>}
      </label>
      {control}
      {error && (
        <p class="error" id={errorId}>
          {error}
        </p>
      )}
      <p class="hint" id={hintId}>
        {schema.description}
      </p>
    </div>
  );
}

interface FieldsProps {
  prefix: string;
  names: readonly string[];
  properties: Record<string, JsonSchema>;
  values: FormValues;
  errors?: Record<string, string>;
  onInput: (name: string, value: string) => void;
}

export function Fields({ prefix, names, properties, values, errors = {}, onInput }: FieldsProps): JSX.Element {
  return (
    <div class="fields">
      {names.map((name) => (
        <Field
          key={name}
          id={`${prefix}-${name}`}
          name={name}
          schema={properties[name]!}
          value={values[name] ?? ''}
          error={errors[name]}
          onInput={onInput}
        />
      ))}
    </div>
  );
}

interface ChoiceProps {
  id: string;
  label: string;
  value: string;
  values: readonly string[];
  onChange: (value: string) => void;
}

/** A labelled select of fixed choices (a barcode type, a format), none of them a default. */
export function Choice({ id, label, value, values, onChange }: ChoiceProps): JSX.Element {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </div>
  );
}
