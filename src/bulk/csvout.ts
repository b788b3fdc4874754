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

/** The results header: every input column, then row, filename, status, error. */
export function resultHeader(columns: string[]): string[] {
  const added = new Set<string>(ADDED_COLUMNS);
  return [...columns.map((c) => (added.has(c.toLowerCase()) ? `input_${c}` : c)), ...ADDED_COLUMNS];
}
