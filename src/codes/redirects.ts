/**
 * Deciding a redirect from the slug alone, in microseconds: codes are read
 * once and kept in an in-process LRU (unknown slugs too, briefly). An edit
 * anywhere evicts the entry here and, through `Invalidation`, on every other
 * gateway; entries also expire after `ttlMs` as a floor if a message is lost.
 */
import { LRUCache } from 'lru-cache';
import type { Rules } from './schema.js';
import type { CodeRow, CodeStore } from './store.js';
import type { Agent } from './visitors.js';

export interface Target {
  id: string;
  destination: string;
  rules: Rules | null;
  enabled: boolean;
  expiresAt: number | null;
  maxScans: number | null;
  /** Scans counted in the database when read, plus those this gateway has recorded since. */
  scans: number;
}

export type Decision =
  | { kind: 'redirect'; location: string; target: Target }
  | { kind: 'missing' }
  | { kind: 'gone'; reason: 'disabled' | 'expired' | 'used-up' };

const MISSING = Symbol('missing');
type Entry = Target | typeof MISSING;

export interface CacheOptions {
  max: number;
  ttlMs: number;
  /** People scans of a code this gateway recorded and has not yet written: a re-read must not forget them. */
  unwritten?: (codeId: string) => number;
}

/** Unknown slugs are remembered this long: a typo'd poster does not reach the database every scan. */
const MISSING_TTL_MS = 5000;
/** Codes with a scan limit are re-read this often, so that gateways see each other's counts. */
const LIMITED_TTL_MS = 2000;

/**
 * A destination as a Location header must carry it, and as a browser would
 * read it: non-ASCII percent-encoded and the host in punycode (Node refuses
 * other characters in a header), `https:host` spelled out with its slashes.
 */
function location(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url;
}

export function targetOf(row: CodeRow, unwritten = 0): Target {
  const rules = row.rules ? (JSON.parse(row.rules) as Record<string, string>) : null;
  return {
    id: row.id,
    destination: location(row.destination_url),
    rules: rules ? Object.fromEntries(Object.entries(rules).map(([device, url]) => [device, location(url)])) : null,
    enabled: row.enabled === 1,
    expiresAt: row.expires_at,
    maxScans: row.max_scans,
    scans: Number(row.scans) + unwritten,
  };
}

export function decide(target: Target | undefined, agent: Agent, now: number): Decision {
  if (!target) return { kind: 'missing' };
  if (!target.enabled) return { kind: 'gone', reason: 'disabled' };
  if (target.expiresAt !== null && now >= target.expiresAt) return { kind: 'gone', reason: 'expired' };
  if (target.maxScans !== null && target.scans >= target.maxScans) return { kind: 'gone', reason: 'used-up' };
  const ruled = target.rules && agent.device !== 'other' ? target.rules[agent.device] : undefined;
  return { kind: 'redirect', location: ruled ?? target.destination, target };
}

export class RedirectCache {
  private readonly cache: LRUCache<string, Entry>;
  private readonly loading = new Map<string, Promise<Target | undefined>>();
  /** Raised by every `forget`: a read that started before it must not put an old row back. */
  private edits = 0;

  constructor(
    private readonly store: CodeStore,
    private readonly opts: CacheOptions,
  ) {
    this.cache = new LRUCache<string, Entry>({ max: opts.max, ttl: opts.ttlMs, ttlAutopurge: false });
  }

  /** The slug's target, from the cache or (once for concurrent callers) the database. */
  async lookup(slug: string): Promise<Target | undefined> {
    const hit = this.cache.get(slug);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    let load = this.loading.get(slug);
    if (!load) {
      const started = this.load(slug);
      this.loading.set(slug, started);
      const done = () => {
        if (this.loading.get(slug) === started) this.loading.delete(slug);
      };
      started.then(done, done);
      load = started;
    }
    return load;
  }

  private async load(slug: string): Promise<Target | undefined> {
    const edits = this.edits;
    const row = await this.store.bySlug(slug);
    const target = row ? targetOf(row, this.opts.unwritten?.(row.id)) : undefined;
    // A read that started before an edit answers its caller but is not kept.
    if (edits !== this.edits) return target;
    if (!target) this.cache.set(slug, MISSING, { ttl: MISSING_TTL_MS });
    else this.cache.set(slug, target, target.maxScans !== null ? { ttl: LIMITED_TTL_MS } : {});
    return target;
  }

  /** Drops the slug here (an edit, a delete, or a create that replaces a cached "missing"). */
  forget(slug: string): void {
    this.edits++;
    this.cache.delete(slug);
    this.loading.delete(slug);
  }

  /** Drops everything (a subscriber that was away may have missed edits). */
  forgetAll(): void {
    this.edits++;
    this.cache.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.cache.size;
  }
}
