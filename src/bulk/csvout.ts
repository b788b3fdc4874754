/** Writing result CSV: RFC 4180 quoting and formula-injection neutralising. */

/** Cells that a spreadsheet would run as a formula get a leading apostrophe. */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: string): string {
  const v = neutralise(value);
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const csvLine = (cells: string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

export const ADDED_COLUMNS = ['row', 'filename', 'status', 'error'] as const;
/** Added after those for a dynamic job: the code made for the row and the link its image encodes. */
export const DYNAMIC_COLUMNS = ['code_id', 'short_url'] as const;

/** The results header: every input column, then row, filename, status, error (and code_id, short_url). */
export function resultHeader(columns: string[], dynamic = false): string[] {
  const names: string[] = [...ADDED_COLUMNS, ...(dynamic ? DYNAMIC_COLUMNS : [])];
  const added = new Set(names);
  return [...columns.map((c) => (added.has(c.toLowerCase()) ? `input_${c}` : c)), ...names];
}
