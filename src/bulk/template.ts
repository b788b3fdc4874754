/**
 * Row templates: `data_template` ("https://shop.example.com/p/{sku}?c={campaign}")
 * and `filename_template` ("{sku}-{title}") fill each row's data and file name
 * from its columns. `{{` and `}}` are literal braces. A value that lands in a
 * URL's path, query or fragment is percent-encoded, so "a b/c" in a path
 * stays one segment; elsewhere values are put in as they are.
 */
import { BulkInputError } from './errors.js';

export type TemplateField = 'data_template' | 'filename_template' | 'sheet.caption';

interface Slot {
  /** The column as the template spells it. */
  column: string;
  /** Percent-encode the value: it lands after a URL's authority, or in a query or fragment. */
  encode: boolean;
}

export interface Template {
  field: TemplateField;
  /** Literal text and slots, alternating: parts[0], slots[0], parts[1], … */
  parts: string[];
  slots: Slot[];
}

/** A column name in a placeholder: what a header cell may hold, bounded. */
const MAX_COLUMN_NAME = 128;

const invalid = (message: string) => new BulkInputError('invalid', message);

/**
 * Whether text after `prefix` sits in a URL's path, query or fragment:
 * `scheme://host/…` past the authority, or any `scheme:…` past a `?` or `#`.
 */
function inUrlTail(prefix: string): boolean {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(prefix);
  if (!scheme) return false;
  const rest = prefix.slice(scheme[0].length);
  if (rest.startsWith('//')) return /[/?#]/.test(rest.slice(2));
  return /[?#]/.test(rest);
}

export function compileTemplate(source: string, field: TemplateField): Template {
  const parts: string[] = [];
  const slots: Slot[] = [];
  let literal = '';
  let sofar = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '}') {
      if (source[i + 1] !== '}') {
        throw invalid(
          `options.${field} has a } at position ${i + 1} that closes nothing: write }} for a literal brace`,
        );
      }
      literal += '}';
      sofar += '}';
      i++;
    } else if (ch === '{') {
      if (source[i + 1] === '{') {
        literal += '{';
        sofar += '{';
        i++;
        continue;
      }
      const end = source.indexOf('}', i + 1);
      const column = end < 0 ? '' : source.slice(i + 1, end).trim();
      if (end < 0 || source.slice(i + 1, end).includes('{')) {
        throw invalid(`options.${field} has a { at position ${i + 1} that is not closed: write {{ for a literal brace`);
      }
      if (!column) throw invalid(`options.${field} has an empty {} at position ${i + 1}: name a column, e.g. {sku}`);
      if (column.length > MAX_COLUMN_NAME) {
        throw invalid(`options.${field} names a column of ${column.length} characters; at most ${MAX_COLUMN_NAME}`);
      }
      parts.push(literal);
      slots.push({ column, encode: field === 'data_template' && inUrlTail(sofar) });
      literal = '';
      // What the value will be is unknown: a stand-in keeps the URL shape checks right for later slots.
      sofar += 'x';
      i = end;
    } else {
      literal += ch;
      sofar += ch;
    }
  }
  parts.push(literal);
  if (slots.length === 0) {
    throw invalid(`options.${field} names no column: put column names in braces, e.g. "{sku}"`);
  }
  return { field, parts, slots };
}

/** Column positions of a template's slots in `header` (case-insensitive), or a refusal naming the missing ones. */
export function bindTemplate(template: Template, header: string[]): number[] {
  const lower = header.map((h) => h.trim().toLowerCase());
  const at = template.slots.map((s) => lower.indexOf(s.column.toLowerCase()));
  const missing = [...new Set(template.slots.filter((_, k) => at[k]! < 0).map((s) => s.column))];
  if (missing.length > 0) {
    const names = missing.map((m) => `"${m.slice(0, 40)}"`).join(', ');
    const shown = header.slice(0, 20).map((n) => JSON.stringify(n.trim().slice(0, 40)));
    if (header.length > 20) shown.push(`… (${header.length} columns)`);
    throw invalid(
      `options.${template.field} names the column${missing.length > 1 ? 's' : ''} ${names}, which the input does not have; ` +
        `its columns are ${shown.join(', ')}`,
    );
  }
  return at;
}

/** A row's text from the template, or why the row cannot have one (an empty value). */
export function fillTemplate(
  template: Template,
  positions: number[],
  header: string[],
  cells: string[],
): { text: string } | { error: string } {
  let text = template.parts[0]!;
  for (let k = 0; k < template.slots.length; k++) {
    const value = (cells[positions[k]!] ?? '').trim();
    if (value === '') {
      return { error: `column ${header[positions[k]!]!.trim()} is empty, and options.${template.field} uses it` };
    }
    text += (template.slots[k]!.encode ? encodeURIComponent(value) : value) + template.parts[k + 1]!;
  }
  return { text };
}
