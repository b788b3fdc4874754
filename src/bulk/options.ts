/** The `options` of an upload: checked alike for CSV (a JSON text field) and direct JSON bodies. */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { canonicalCase } from '../lib/case.js';
import { typeboxMessage } from '../lib/messages.js';
import { BulkInputError } from './errors.js';
import type { Defaults } from './rows.js';
import { BulkOptions, DEFAULT_BATCH } from './schema.js';
import type { JobSpec } from './spec.js';
import { compileTemplate } from './template.js';
import { checkSheetLayout } from '../lib/sheet.js';

const check = TypeCompiler.Compile(BulkOptions);

const NOT_AN_OBJECT = 'options must be a JSON object, e.g. {"format":"png","batchSize":100}';

/** Parses and checks the multipart `options` field (JSON text, or already parsed). */
export function parseOptions(raw: unknown): BulkOptions {
  if (raw === undefined || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new BulkInputError('invalid', NOT_AN_OBJECT);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BulkInputError('invalid', NOT_AN_OBJECT);
  }
  value = canonicalCase(value, BulkOptions);
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    throw new BulkInputError('invalid', first ? typeboxMessage(first, 'options', 'options') : NOT_AN_OBJECT);
  }
  const options = value as BulkOptions;
  if (options.payload && options.type === 'dynamic') {
    throw new BulkInputError(
      'invalid',
      'options.payload: a dynamic job encodes short links; payload helpers are for static jobs',
    );
  }
  if (options.payload && options.data_template) {
    throw new BulkInputError(
      'invalid',
      'options.data_template and options.payload both build the data: give one of them',
    );
  }
  if (typeof options.sheet === 'object') {
    const { caption: _, ...layout } = options.sheet;
    const problem = checkSheetLayout(layout);
    if (problem) throw new BulkInputError('invalid', `options.sheet${problem.replace(/^layout/, '')}`);
  }
  // Compiled now, so that a bad template is refused before any file is read.
  defaults(options);
  return options;
}

export function defaults(o: BulkOptions): Defaults {
  const d: Defaults = { barcode_type: o.barcode_type ?? 'qr', format: o.format ?? 'png', design: o.design };
  if (o.payload) d.payload = o.payload;
  if (o.data_template) d.dataTemplate = compileTemplate(o.data_template, 'data_template');
  if (o.filename_template) d.filenameTemplate = compileTemplate(o.filename_template, 'filename_template');
  if (typeof o.sheet === 'object' && o.sheet.caption)
    d.captionTemplate = compileTemplate(o.sheet.caption, 'sheet.caption');
  return d;
}

export function specOf(o: BulkOptions): Pick<JobSpec, 'batch_size' | 'design' | 'dynamic' | 'labels'> {
  const spec: Pick<JobSpec, 'batch_size' | 'design' | 'dynamic' | 'labels'> = {
    batch_size: o.batchSize ?? DEFAULT_BATCH,
  };
  if (o.design) spec.design = o.design;
  if (o.type === 'dynamic') spec.dynamic = true;
  if (typeof o.sheet === 'object') spec.labels = o.sheet;
  return spec;
}
