/**
 * What the dynamic-code contract's parts share: real user agents, the
 * answer shapes, request helpers, and `storeHarness`, which opens gateways on
 * a store nobody else uses (a fresh DATA_DIR and, for PostgreSQL, a fresh
 * database on the server the file starts once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../../src/gateway/app.js';
import { loadConfig } from '../../../src/gateway/config.js';
import { configured, KEY, OTHER_KEY } from '../gateway.js';
import { startPostgres, type PostgresServer } from '../postgres.js';

export type Store = 'sqlite' | 'postgres';

/** Real User-Agent strings, as browsers, apps and crawlers send them. */
export const UA = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  ipadDesktopMode:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
  samsung:
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0',
  windowsChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
  playstation: 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  whatsapp: 'WhatsApp/2.23.20.0',
  curl: 'curl/8.5.0',
} as const;

export const FIELDS = [
  'id',
  'slug',
  'short_url',
  'destination_url',
  'title',
  'tags',
  'enabled',
  'expires_at',
  'max_scans',
  'rules',
  'created_at',
  'updated_at',
  'scans',
].sort();

export interface Code {
  id: string;
  slug: string;
  short_url: string;
  destination_url: string;
  title: string;
  tags: string[];
  enabled: boolean;
  expires_at: string | null;
  max_scans: number | null;
  rules: { ios?: string; android?: string; desktop?: string } | null;
  created_at: string;
  updated_at: string;
  scans: number;
}

interface Count {
  name: string;
  scans: number;
}

export interface Stats {
  code_id: string;
  from: string;
  to: string;
  interval: 'day' | 'hour';
  total: number;
  unique: number;
  bots: number;
  series: { start: string; scans: number; unique: number }[];
  devices: { ios: number; android: number; desktop: number; other: number };
  os: Count[];
  browsers: Count[];
  referrers: Count[];
}

const BASE_ENV: NodeJS.ProcessEnv = {
  API_KEYS: `${KEY},${OTHER_KEY}`,
  RATE_LIMIT_MAX: '1000000',
  BATCH_MAX_ITEMS: '10',
};
export const BATCH_MAX = 10;

export const api = (app: FastifyInstance, method: InjectOptions['method'], url: string, payload?: unknown, key = KEY) =>
  app.inject({
    method,
    url,
    headers: { 'x-api-key': key },
    ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
  });

export async function create(app: FastifyInstance, body: Record<string, unknown>, key = KEY): Promise<Code> {
  const res = await api(app, 'POST', '/api/codes', body, key);
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`);
  return res.json() as Code;
}

/** A visit to the short link, as a phone or crawler makes it. */
export const visit = (
  app: FastifyInstance,
  slug: string,
  userAgent: string,
  opts: { method?: 'GET' | 'HEAD'; referer?: string } = {},
) =>
  app.inject({
    method: opts.method ?? 'GET',
    url: `/r/${slug}`,
    headers: { 'user-agent': userAgent, ...(opts.referer ? { referer: opts.referer } : {}) },
  });

export const utcDay = (ms = Date.now()) => new Date(ms).toISOString().slice(0, 10);

/** A tiny destination site: answers every path with "landed on <path>". */
export async function destinationSite(t: Test): Promise<string> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`landed on ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export interface StoreHarness {
  store: Store;
  /** The settings of a store nobody else uses: a fresh DATA_DIR and, for PostgreSQL, a fresh database. */
  fresh(t: Test, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** A gateway on `env`, closed by the test's teardown unless the test closes it itself. */
  open(t: Test, env: NodeJS.ProcessEnv): Promise<FastifyInstance>;
  /** A gateway on a fresh store. */
  gateway(t: Test, extra?: NodeJS.ProcessEnv): Promise<FastifyInstance>;
}

/** Starts PostgreSQL once for the file when `store` asks for it. */
export function storeHarness(t: Test, store: Store): StoreHarness {
  let pg: PostgresServer | undefined;
  let databases = 0;

  t.before(async () => {
    if (store === 'postgres') pg = await startPostgres();
  });
  t.teardown(() => pg?.stop());

  function fresh(t: Test, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-codes-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { ...BASE_ENV, DATA_DIR: dataDir, ...extra };
    if (pg) env.DATABASE_URL = pg.database(`codes_${++databases}`);
    return env;
  }

  async function open(t: Test, env: NodeJS.ProcessEnv): Promise<FastifyInstance> {
    const app = await buildApp(configured(loadConfig(env)), { logger: false });
    t.teardown(() => app.close());
    return app;
  }

  return { store, fresh, open, gateway: async (t, extra = {}) => open(t, fresh(t, extra)) };
}
