/**
 * Two gateways on one PostgreSQL and one Redis: this process and a child
 * `node src/bin/server.ts`. Each keeps redirects in its own LRU for a minute,
 * so only the Redis invalidation can make an edit on one seen by the other
 * within the second the issue asks for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../../src/gateway/app.js';
import { loadConfig } from '../../src/gateway/config.js';
import { decode } from '../helpers/decode.js';
import { configured, KEY } from '../helpers/gateway.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { UA, type Code } from '../helpers/codes/harness.js';

const root = join(import.meta.dirname, '..', '..');
/** What the issue allows for an edit to reach every gateway. */
const WITHIN_MS = 1000;

let pg: PostgresServer;
let redis: RedisServer;
let databaseUrl: string;
let site: string;
/** Gateway 1, in this process; gateway 2, a child process. */
let one: FastifyInstance;
let oneUrl: string;
let twoUrl: string;
let child: ChildProcess;
const dirs: string[] = [];

function sharedEnv(): NodeJS.ProcessEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'batchcode-multi-'));
  dirs.push(dataDir);
  return {
    API_KEYS: KEY,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    RATE_LIMIT_MAX: '1000000',
    // A minute in the LRU: a gateway that is not told of an edit keeps the old destination that long.
    REDIRECT_CACHE_TTL_MS: '60000',
    SCAN_FLUSH_MS: '100',
  };
}

/** Starts gateway 2 and answers its base URL once it listens. */
async function startChild(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/bin/server.ts')], {
    cwd: root,
    env: { ...process.env, ...sharedEnv(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (url) return url;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`gateway 2 did not start:\n${out}`);
    await sleep(50);
  }
}

t.before(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  databaseUrl = pg.database('codes');
  const server = createServer((req, res) => res.end(`landed on ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

  twoUrl = await startChild();
  // Gateway 1 hands out links to gateway 2: a printed code may be scanned through any of them.
  one = await buildApp(configured(loadConfig({ ...sharedEnv(), PUBLIC_BASE_URL: `${twoUrl}/r` })), {
    logger: false,
  });
  oneUrl = await one.listen({ port: 0, host: '127.0.0.1' });
});

t.teardown(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  await one?.close();
  await redis?.stop();
  await pg?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const call = async (base: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) as Code, text };
};

/** Where `base` sends a phone that scans `slug` now: the Location, or the status when there is none. */
async function hop(base: string, slug: string): Promise<string> {
  const res = await fetch(`${base}/r/${slug}`, { redirect: 'manual', headers: { 'user-agent': UA.iphoneSafari } });
  await res.arrayBuffer();
  return res.headers.get('location') ?? String(res.status);
}

/** Polls every 50 ms until `base` answers `expected` for `slug`; fails after a second. */
async function within(base: string, slug: string, expected: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const now = await hop(base, slug);
    if (now === expected) return Date.now() - started;
    if (Date.now() - started > WITHIN_MS)
      throw new Error(`${base}/r/${slug} still answers ${now} after ${WITHIN_MS} ms`);
    await sleep(50);
  }
}

t.test('should send a PATCH made on one gateway to the other within a second', async (t) => {
  const made = await call(oneUrl, 'POST', '/api/codes', { destination_url: `${site}/before` });
  t.equal(made.status, 201, made.text);
  const code = made.json();
  t.equal(code.short_url, `${twoUrl}/r/${code.slug}`);

  const png = await fetch(`${oneUrl}/api/codes/${code.id}/image?format=png`, { headers: { 'x-api-key': KEY } });
  const link = await decode(Buffer.from(await png.arrayBuffer()));
  t.equal(link, code.short_url, 'the image encodes the link to gateway 2');
  const first = await fetch(link!);
  t.equal(await first.text(), 'landed on /before', 'a client following it lands on the destination');

  // Both gateways now hold the code in their LRU.
  t.equal(await hop(twoUrl, code.slug), `${site}/before`);
  t.equal(await hop(oneUrl, code.slug), `${site}/before`);

  t.equal((await call(oneUrl, 'PATCH', `/api/codes/${code.id}`, { destination_url: `${site}/after` })).status, 200);
  t.equal(await hop(oneUrl, code.slug), `${site}/after`, 'at once where it was made');
  const took = await within(twoUrl, code.slug, `${site}/after`);
  t.ok(took <= WITHIN_MS, `gateway 2 followed in ${took} ms`);
  t.equal(await (await fetch(link!)).text(), 'landed on /after', 'the printed link now lands on the new page');

  t.equal((await call(twoUrl, 'PATCH', `/api/codes/${code.id}`, { destination_url: `${site}/back` })).status, 200);
  t.ok((await within(oneUrl, code.slug, `${site}/back`)) <= WITHIN_MS, 'and the other way round');

  t.equal((await call(oneUrl, 'PATCH', `/api/codes/${code.id}`, { enabled: false })).status, 200);
  t.ok((await within(twoUrl, code.slug, '410')) <= WITHIN_MS, 'disabling reaches gateway 2');
});

t.test('should answer 404 on the other gateway within a second of a delete', async (t) => {
  const code = (await call(oneUrl, 'POST', '/api/codes', { destination_url: `${site}/doomed` })).json();
  t.equal(await hop(twoUrl, code.slug), `${site}/doomed`);
  t.equal((await call(oneUrl, 'DELETE', `/api/codes/${code.id}`)).status, 204);
  t.ok((await within(twoUrl, code.slug, '404')) <= WITHIN_MS);
  t.equal((await call(twoUrl, 'GET', `/api/codes/${code.id}`)).status, 404);
});

t.test('should serve a new alias on the other gateway though it remembered it as missing', async (t) => {
  t.equal(await hop(twoUrl, 'late-alias'), '404');
  const made = await call(oneUrl, 'POST', '/api/codes', { destination_url: `${site}/late`, alias: 'late-alias' });
  t.equal(made.status, 201);
  t.ok((await within(twoUrl, 'late-alias', `${site}/late`)) <= WITHIN_MS);
});

t.test("should count scans taken by either gateway in one code's stats", async (t) => {
  const code = (await call(oneUrl, 'POST', '/api/codes', { destination_url: `${site}/counted` })).json();
  await hop(oneUrl, code.slug);
  await hop(twoUrl, code.slug);
  await hop(twoUrl, code.slug);
  // Gateway 2 writes its buffer every SCAN_FLUSH_MS; gateway 1 flushes its own before answering.
  const deadline = Date.now() + 5000;
  let total = 0;
  while (Date.now() < deadline) {
    total = ((await call(oneUrl, 'GET', `/api/codes/${code.id}/stats`)).json() as unknown as { total: number }).total;
    if (total === 3) break;
    await sleep(50);
  }
  t.equal(total, 3);
});
