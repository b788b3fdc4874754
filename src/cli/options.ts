/**
 * The flags the commands share. Render options come from the Node API's
 * `RenderOptions` schema, one flag per property (`module_width` is
 * `--module-width`), so a new option is a new flag without an edit here; the
 * job options become the bulk API's `options` object and are checked by the
 * same code the upload route uses, with the same messages.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BulkInputError } from '../bulk/errors.js';
import { parseOptions } from '../bulk/options.js';
import type { BulkOptions } from '../bulk/schema.js';
import { BARCODE_TYPES, RenderOptions } from '../lib/index.js';
import { CliError, inFlagWords } from './errors.js';

interface PropertySchema {
  type?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: { const?: string }[];
}

const kebab = (name: string) => name.replaceAll('_', '-');
const camel = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

const renderProperties = Object.entries(RenderOptions.properties as Record<string, PropertySchema>);

/** A whole number as the flag's text, or a usage error naming the flag. */
function integer(flag: string) {
  return (value: string) => {
    if (!/^[+-]?\d+$/.test(value.trim())) throw new CliError(`${flag} must be a whole number; got "${value}"`);
    return Number(value);
  };
}

/** A number (millimetres) as the flag's text, or a usage error naming the flag. */
function decimal(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag} must be a number; got "${value}"`);
    return n;
  };
}

/** Adds one flag per render option; their values are checked by the library, which names the option. */
export function addRenderFlags(cmd: Command): Command {
  for (const [name, schema] of renderProperties) {
    const flag = `--${kebab(name)}`;
    const range = schema.minimum !== undefined ? ` (${schema.minimum}-${schema.maximum})` : '';
    const description = `${schema.description ?? name}${range}`;
    if (schema.type === 'boolean') {
      cmd.addOption(new Option(flag, description));
      cmd.addOption(new Option(`--no-${kebab(name)}`, `turn ${flag} off`).hideHelp());
    } else if (schema.type === 'integer') {
      cmd.addOption(new Option(`${flag} <n>`, description).argParser(integer(flag)));
    } else if (schema.type === 'number') {
      cmd.addOption(new Option(`${flag} <n>`, description).argParser(decimal(flag)));
    } else {
      const choices = schema.anyOf?.map((s) => s.const).filter((c): c is string => typeof c === 'string');
      const values = choices?.length ? ` (${choices.join(', ')})` : '';
      cmd.addOption(new Option(`${flag} <value>`, `${schema.description ?? name}${values}`));
    }
  }
  return cmd;
}

/** A JSON object given inline or as @file. */
export function jsonArgument(flag: string, value: string): Record<string, unknown> {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (err) {
      throw new CliError(`${flag} ${value}: cannot read the file: ${(err as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(
      `${flag} must be a JSON object or @file.json, e.g. ${flag} '{"width":300}'; got ${value.slice(0, 40)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${flag} must be a JSON object, e.g. ${flag} '{"width":300}'`);
  }
  return parsed as Record<string, unknown>;
}

/** The render options the flags name, over those of --options (flags win). */
export function renderOptionsOf(
  opts: Record<string, unknown>,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [name] of renderProperties) {
    const value = opts[camel(name)];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Adds the flags of a bulk job's options (local or submitted). */
export function addJobFlags(cmd: Command): Command {
  return cmd
    .option('--format <format>', 'image format: png (default), svg, pdf or eps')
    .option(
      '--type <type>',
      `a barcode type (${BARCODE_TYPES.slice(0, 4).join(', ')}, …; the same as --barcode-type), or static/dynamic (submit only)`,
    )
    .option('--barcode-type <type>', 'the barcode type of rows without a barcode_type column (default qr)')
    .option('--design <json|@file>', 'render options for every row as JSON, e.g. \'{"width":300,"margin":2}\'')
    .option('--data-template <template>', "each row's data from its columns, e.g. 'https://example.com/p/{sku}'")
    .option('--filename-template <template>', "each image's file name from its columns, e.g. '{sku}-{title}'")
    .option('--payload <kind>', 'build the data with a payload helper (wifi, vcard, email, sms, tel, geo, event)')
    .option('--sheet <name|n>', 'Excel inputs: the sheet to read (name or number; default the first)')
    .option('--encoding <name>', 'CSV inputs: utf-8, windows-1252, iso-8859-1 or utf-16le (default: detected)')
    .option('--delimiter <char>', 'CSV inputs: , ; | or "tab" (default: detected)');
}

const STATIC_DYNAMIC = ['static', 'dynamic'];

/** The job options the flags name, checked as the bulk API checks its `options` field. */
export function jobOptionsOf(opts: Record<string, unknown>, extra: Record<string, unknown> = {}): BulkOptions {
  const raw: Record<string, unknown> = { ...extra };
  const type = opts.type as string | undefined;
  if (type !== undefined) {
    if (STATIC_DYNAMIC.includes(type.toLowerCase())) raw.type = type.toLowerCase();
    else raw.barcode_type = type;
  }
  if (opts.barcodeType !== undefined) raw.barcode_type = opts.barcodeType;
  if (opts.format !== undefined) raw.format = opts.format;
  if (opts.design !== undefined) raw.design = jsonArgument('--design', opts.design as string);
  if (opts.dataTemplate !== undefined) raw.data_template = opts.dataTemplate;
  if (opts.filenameTemplate !== undefined) raw.filename_template = opts.filenameTemplate;
  if (opts.payload !== undefined) raw.payload = opts.payload;
  if (opts.sheet !== undefined) {
    const s = opts.sheet as string;
    raw.sheet = /^\d+$/.test(s) ? Number(s) : s;
  }
  if (opts.encoding !== undefined) raw.encoding = opts.encoding;
  if (opts.delimiter !== undefined) raw.delimiter = opts.delimiter === 'tab' ? '\t' : opts.delimiter;
  try {
    return parseOptions(raw);
  } catch (err) {
    if (err instanceof BulkInputError) throw new CliError(inFlagWords(err.message));
    throw err;
  }
}
