/** Database rows as the API shows them, and API values as the rows store them. */
import type { CodeRow } from './store.js';
import type { DynamicCode, Rules } from './schema.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function codeView(row: CodeRow, shortUrl: string): DynamicCode {
  return {
    id: row.id,
    slug: row.slug,
    short_url: shortUrl,
    destination_url: row.destination_url,
    title: row.title,
    tags: JSON.parse(row.tags) as string[],
    enabled: row.enabled === 1,
    expires_at: row.expires_at === null ? null : iso(Number(row.expires_at)),
    max_scans: row.max_scans,
    rules: row.rules === null ? null : (JSON.parse(row.rules) as Rules),
    created_at: iso(Number(row.created_at)),
    updated_at: iso(Number(row.updated_at)),
    scans: Number(row.scans),
  };
}

/** Tags in the order given, each once. */
export const tagsText = (tags: string[] | undefined): string => JSON.stringify([...new Set(tags ?? [])]);

/** Rules with no destination at all are stored as none. */
export const rulesText = (rules: Rules | null | undefined): string | null =>
  rules && Object.values(rules).some((v) => v !== undefined) ? JSON.stringify(rules) : null;
