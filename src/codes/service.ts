/**
 * The dynamic-code service: codes owned by API keys, their redirects and
 * their scans. The gateway calls it; the bulk service reaches it through the
 * `DynamicCodes` port it declares. It owns its database and its subscriber
 * connection, and uses the Redis client it is given without closing it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CodesConfig } from './config.js';
import { openDatabase, type Dialect } from './db/connect.js';
import { AliasTaken, CodeInputError, CodeNotFound } from './errors.js';
import { localInvalidation, redisInvalidation, type Invalidation } from './invalidation.js';
import { decide, RedirectCache, type Decision } from './redirects.js';
import { ScanRecorder } from './scans.js';
import type {
  CodeList,
  CodeStats,
  CreateCode,
  DynamicCode,
  ListCodesQuery,
  PatchCode,
  Rules,
  StatsQuery,
} from './schema.js';
import { MAX_TITLE_LENGTH } from './schema.js';
import { pageOf, pagination } from '../infra/paging.js';
import { checkAlias, randomSlug } from './slug.js';
import { codeStats, statsRange } from './stats.js';
import { CodeStore, isUniqueViolation, type CodeChanges, type NewCode } from './store.js';
import { checkDestination, destinationProblem } from './url.js';
import { codeView, rulesText, tagsText } from './views.js';
import { classify, referrerHost } from './visitors.js';

export interface Visit {
  /** HEAD is answered like GET and not counted. */
  method: string;
  address: string;
  userAgent?: string;
  referer?: string;
}

/** A code made for a bulk row: what the row's image encodes and its results line shows. */
export interface BulkCode {
  slug: string;
  destination_url: string;
  title: string;
}

export interface CodeService {
  dialect: Dialect;
  config: CodesConfig;
  shortUrl(slug: string): string;
  create(owner: string, body: CreateCode): Promise<DynamicCode>;
  /** All or none; a bad item is named by its index. */
  createBatch(owner: string, items: CreateCode[]): Promise<DynamicCode[]>;
  get(owner: string, id: string): Promise<DynamicCode>;
  list(owner: string, query: ListCodesQuery): Promise<CodeList>;
  update(owner: string, id: string, patch: PatchCode): Promise<DynamicCode>;
  remove(owner: string, id: string): Promise<void>;
  stats(owner: string, id: string, query: StatsQuery): Promise<CodeStats>;
  /** Decides a redirect and records the scan (GET by a person or a bot; never HEAD). */
  redirect(slug: string, visit: Visit): Promise<Decision>;
  /** Why `url` cannot be a destination, or undefined. */
  destinationProblem(url: string): string | undefined;
  readonly maxTitleLength: number;
  /** A new random slug (not yet reserved: `createForJob` makes it a code). */
  newSlug(): string;
  /** Codes for a bulk job's rows, all or none; a taken slug is replaced. Answers each row's id and slug. */
  createForJob(owner: string, jobId: string, codes: BulkCode[]): Promise<{ id: string; slug: string }[]>;
  /** Undoes `createForJob` when the job could not be queued. */
  removeForJob(owner: string, jobId: string): Promise<void>;
  /** Writes the buffered scans now. */
  flushScans(): Promise<void>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CodeServiceOptions {
  /** The gateway's Redis client and its URL: code edits reach the other gateways through it. */
  redis?: { client: Redis; url: string };
  log?: (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;
}

/** Slugs a redirect can look up; anything else is a 404 without a query. */
const SLUG = /^[A-Za-z0-9_-]{1,64}$/;
/** Tries at a batch of random slugs before giving up (a collision is about 1 in 10^10 per code). */
const SLUG_TRIES = 5;

function instant(value: string | null | undefined, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new CodeInputError(field, `must be an RFC 3339 date and time; got "${value.slice(0, 40)}"`);
  return ms;
}

/** PostgreSQL text cannot hold NUL: refused here, so that both stores take the same titles. */
function checkTitle(title: string, field: string): string {
  if (title.includes('\0')) throw new CodeInputError(field, 'must not contain NUL characters');
  return title;
}

function checkRules(rules: Rules | null | undefined, field: string): void {
  if (!rules) return;
  for (const [device, url] of Object.entries(rules)) if (url !== undefined) checkDestination(url, `${field}.${device}`);
}

export async function createCodeService(config: CodesConfig, opts: CodeServiceOptions = {}): Promise<CodeService> {
  const log = opts.log ?? (() => undefined);
  const database = await openDatabase({
    sqlitePath: config.sqlitePath,
    poolSize: config.databasePoolSize,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  const store = new CodeStore(database);
  const recorder = new ScanRecorder(store, {
    flushMs: config.scanFlushMs,
    flushRows: config.scanFlushRows,
    maxPending: config.scanMaxPending,
    log,
  });
  const cache = new RedirectCache(store, {
    max: config.redirectCacheSize,
    ttlMs: config.redirectCacheTtlMs,
    unwritten: (id) => recorder.unwritten(id),
  });
  const invalidation: Invalidation = opts.redis
    ? redisInvalidation(opts.redis.client, opts.redis.url, {
        forget: (slug) => cache.forget(slug),
        forgetAll: () => cache.forgetAll(),
        log,
      })
    : localInvalidation;

  const shortUrl = (slug: string) => `${config.publicBaseUrl}/${slug}`;
  const view = (row: Parameters<typeof codeView>[0]) => codeView(row, shortUrl(row.slug));
  const changed = async (slugs: string[]) => {
    for (const slug of slugs) cache.forget(slug);
    await invalidation.publish(slugs);
  };

  /** A new row from a create request, checked; `field` prefixes the names in errors. */
  function newRow(owner: string, body: CreateCode, field: string, now: number): NewCode {
    const at = (name: string) => (field ? `${field}.${name}` : name);
    checkDestination(body.destination_url, at('destination_url'));
    checkRules(body.rules, at('rules'));
    return {
      id: randomUUID(),
      owner,
      slug: body.alias !== undefined ? checkAlias(body.alias, at('alias')) : randomSlug(),
      destination_url: body.destination_url,
      title: checkTitle(body.title ?? '', at('title')),
      tags: tagsText(body.tags),
      enabled: body.enabled === false ? 0 : 1,
      expires_at: instant(body.expires_at, at('expires_at')) ?? null,
      max_scans: body.max_scans ?? null,
      rules: rulesText(body.rules),
      job_id: null,
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * Inserts rows whose slugs are random (`fixed[i]` false) or chosen; a
   * collision of random slugs draws them again, a taken alias is a 409.
   */
  async function insert(rows: NewCode[], aliasField: (i: number) => string | undefined): Promise<void> {
    const chosen = rows.flatMap((r, i) => (aliasField(i) !== undefined ? [[r.slug, i] as const] : []));
    const seen = new Set<string>();
    for (const [slug, i] of chosen) {
      // Slugs are case-sensitive, here as in the database: "Mine" and "mine" are two.
      if (seen.has(slug)) throw new AliasTaken(aliasField(i)!, slug);
      seen.add(slug);
    }
    const taken = await store.takenSlugs(chosen.map(([slug]) => slug));
    for (const [slug, i] of chosen) if (taken.has(slug)) throw new AliasTaken(aliasField(i)!, slug);
    for (let attempt = 1; ; attempt++) {
      try {
        await store.insert(rows);
        break;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= SLUG_TRIES) throw err;
        // Taken meanwhile: an alias (a race with another request) is the caller's to change.
        const now = await store.takenSlugs(chosen.map(([slug]) => slug));
        for (const [slug, i] of chosen) if (now.has(slug)) throw new AliasTaken(aliasField(i)!, slug);
        rows.forEach((r, i) => {
          if (aliasField(i) === undefined) r.slug = randomSlug();
        });
      }
    }
    // A slug looked up before it existed is cached as missing: forget it everywhere.
    if (chosen.length > 0) await changed(chosen.map(([slug]) => slug));
  }

  async function owned(owner: string, id: string) {
    const row = await store.get(owner, id);
    if (!row) throw new CodeNotFound(id);
    return row;
  }

  return {
    dialect: database.dialect,
    config,
    shortUrl,

    async create(owner, body) {
      const row = newRow(owner, body, '', Date.now());
      await insert([row], () => (body.alias !== undefined ? 'alias' : undefined));
      return view(await owned(owner, row.id));
    },

    async createBatch(owner, items) {
      const now = Date.now();
      const rows = items.map((item, i) => newRow(owner, item, `codes[${i}]`, now));
      await insert(rows, (i) => (items[i]!.alias !== undefined ? `codes[${i}].alias` : undefined));
      return rows.map((r) => view({ ...r, scans: 0 }));
    },

    get: async (owner, id) => view(await owned(owner, id)),

    async list(owner, query) {
      const { page, limit } = pageOf(query);
      const { rows, total } = await store.list(owner, { ...query, page, limit });
      return { codes: rows.map(view), pagination: pagination(page, limit, total) };
    },

    async update(owner, id, patch) {
      const changes: CodeChanges = { updated_at: Date.now() };
      if (patch.destination_url !== undefined) {
        changes.destination_url = checkDestination(patch.destination_url, 'destination_url');
      }
      if (patch.title !== undefined) changes.title = checkTitle(patch.title, 'title');
      if (patch.tags !== undefined) changes.tags = tagsText(patch.tags);
      if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
      if (patch.expires_at !== undefined) changes.expires_at = instant(patch.expires_at, 'expires_at') ?? null;
      if (patch.max_scans !== undefined) changes.max_scans = patch.max_scans;
      if (patch.rules !== undefined) {
        checkRules(patch.rules, 'rules');
        changes.rules = rulesText(patch.rules);
      }
      const row = await store.update(owner, id, changes);
      if (!row) throw new CodeNotFound(id);
      await changed([row.slug]);
      return view(row);
    },

    async remove(owner, id) {
      const slug = await store.remove(owner, id);
      if (slug === undefined) throw new CodeNotFound(id);
      await changed([slug]);
    },

    async stats(owner, id, query) {
      const range = statsRange(query, Date.now());
      await owned(owner, id);
      // Scans still in this gateway's buffer belong in the answer.
      await recorder.flush();
      return codeStats(store, id, range);
    },

    async redirect(slug, visit) {
      if (!SLUG.test(slug)) return { kind: 'missing' };
      const target = await cache.lookup(slug);
      const agent = classify(visit.userAgent);
      const now = Date.now();
      const decision = decide(target, agent, now);
      if (decision.kind === 'redirect' && visit.method === 'GET') {
        if (!agent.bot) decision.target.scans++;
        recorder.record({
          codeId: decision.target.id,
          at: now,
          address: visit.address,
          userAgent: visit.userAgent,
          agent,
          referrer: referrerHost(visit.referer),
        });
      }
      return decision;
    },

    destinationProblem,
    maxTitleLength: MAX_TITLE_LENGTH,
    newSlug: () => randomSlug(),

    async createForJob(owner, jobId, codes) {
      const now = Date.now();
      const rows: NewCode[] = codes.map((c) => ({
        id: randomUUID(),
        owner,
        slug: c.slug,
        destination_url: c.destination_url,
        // A CSV cell may hold NUL, which PostgreSQL cannot store; the row's code is made without it.
        title: c.title.replaceAll('\0', ''),
        tags: '[]',
        enabled: 1,
        expires_at: null,
        max_scans: null,
        rules: null,
        job_id: jobId,
        created_at: now,
        updated_at: now,
      }));
      await insert(rows, () => undefined);
      return rows.map((r) => ({ id: r.id, slug: r.slug }));
    },

    removeForJob: (owner, jobId) => store.removeByJob(owner, jobId),

    flushScans: () => recorder.flush(),
    ping: () => store.ping(),

    async close() {
      await recorder.close();
      await invalidation.close();
      await store.close();
    },
  };
}
