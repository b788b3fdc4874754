/**
 * A job's label sheets: once every batch is done, the rows that were checked at upload are laid
 * out on the sheets of `options.sheet`, in row order, as labels.pdf beside results.csv. A row
 * whose code fails takes no label (results.csv says why); a job none of whose rows renders
 * has no labels.pdf.
 */
import { createReadStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BatchcodeError, renderSheet, type SheetLabel } from '../lib/index.js';
import { files } from './paths.js';
import type { InputRow } from './rows.js';
import type { JobSpec } from './spec.js';
import { bindTemplate, compileTemplate, type Template } from './template.js';

/** The caption of a row: the template with its columns' values, as they are (an empty one stays empty). */
function caption(t: Template, at: number[], cells: string[]): string {
  let text = t.parts[0]!;
  for (let k = 0; k < t.slots.length; k++) text += (cells[at[k]!] ?? '').trim() + t.parts[k + 1]!;
  return text;
}

/** Writes labels.pdf for a job with `spec.labels`; answers its page count, or 0 when no row could be drawn. */
export async function writeLabels(dir: string, spec: JobSpec): Promise<number> {
  if (!spec.labels) return 0;
  const { caption: source, ...layout } = spec.labels;
  const template = source ? compileTemplate(source, 'sheet.caption') : undefined;
  const at = template ? bindTemplate(template, spec.columns) : [];
  const labels: SheetLabel[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, files.input)), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const row = JSON.parse(line) as InputRow;
    if (row.e) continue;
    labels.push({
      barcode_type: row.t as SheetLabel['barcode_type'],
      data: row.d,
      ...(spec.design ? { options: spec.design } : {}),
      ...(template ? { caption: caption(template, at, row.c) } : {}),
    });
  }
  if (labels.length === 0) return 0;
  try {
    const sheet = await renderSheet({ layout, labels });
    const tmp = join(dir, `${files.labelsPdf}.${process.pid}.tmp`);
    await writeFile(tmp, sheet.pdf);
    await rename(tmp, join(dir, files.labelsPdf));
    return sheet.pages;
  } catch (e) {
    // The layout was checked at upload: what is left is a job none of whose codes renders.
    if (e instanceof BatchcodeError && e.code === 'INVALID_SHEET') return 0;
    throw e;
  }
}
