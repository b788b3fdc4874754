/**
 * Image file names inside the results ZIP, from a row's `filename` or
 * `title`: a safe ASCII charset, no path separators, dots-only names, control
 * characters or reserved device names, bounded length, unique per job.
 */
import { files } from './paths.js';

export const MAX_NAME = 80;
/**
 * Windows device names. Windows takes "NUL.png" or "com1.tar.gz" for the
 * device too, so the first dot-separated part counts, whatever follows.
 * Superscript digits and `$` cannot survive `sanitizeStem`'s charset; they
 * are listed so the rule holds whatever the charset becomes.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)(\.|$)/i;

/** The stem of a safe file name, or '' when nothing usable is left. */
export function sanitizeStem(raw: string, ext?: string): string {
  let s = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (ext && s.toLowerCase().endsWith(`.${ext}`)) s = s.slice(0, -ext.length - 1);
  s = s
    .replace(/[\\/]+/g, '-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/([_-])[_-]+/g, '$1')
    .replace(/^[._-]+|[._ -]+$/g, '');
  if (RESERVED.test(s)) s = `_${s}`;
  return s.slice(0, MAX_NAME).replace(/[._ -]+$/g, '');
}

/** Hands out unique names (case-insensitively) within one job. */
export class NameAllocator {
  // The ZIP's own entries: an image never takes their names.
  private readonly taken = new Set<string>([files.resultsCsv, files.labelsPdf]);
  private readonly next = new Map<string, number>();

  /** `fallback` (e.g. "row-12") is used when `raw` leaves nothing. */
  allocate(raw: string | undefined, fallback: string, ext: string): string {
    const stem = sanitizeStem(raw ?? '', ext) || sanitizeStem(fallback, ext) || 'code';
    const key = stem.toLowerCase();
    let name = `${stem}.${ext}`;
    let n = this.next.get(key) ?? 2;
    while (this.taken.has(name.toLowerCase())) name = `${stem}-${n++}.${ext}`;
    this.next.set(key, n);
    this.taken.add(name.toLowerCase());
    return name;
  }
}
