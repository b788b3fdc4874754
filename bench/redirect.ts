/**
 * `npm run bench:redirect`: GET /r/:slug on the gateway, over 10,000 dynamic
 * codes with scan recording on (the defaults), against a bare Fastify server
 * answering a fixed 302 from the same route, loaded in turn by autocannon;
 * once with SQLite (DATA_DIR) and once with PostgreSQL (a throwaway server
 * started like the tests start theirs). Each server runs in its own process;
 * the load generator runs in this one. Each request takes the next slug and
 * one of a few phone and desktop user agents, so every code is scanned and
 * every scan is a person's.
 *
 * Each gateway run starts with one GET per code (the first pass: every lookup
 * reads the database), then the measured run, whose lookups the redirect
 * cache answers (its TTL, 60 s by default, outlasts the run). After a graceful
 * close the scans written are counted against the 302s autocannon saw.
 *
 * BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 4), BENCH_CODES
 * (default 10000), BENCH_STORES (default "sqlite,postgres"), BENCH_LOG_LEVEL
 * (unset: logging off, as bench/http.ts; e.g. "info" for pino at that level,
 * written to /dev/null), BENCH_PROF (a directory: the gateway runs with
 * --cpu-prof into it).
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer, type Server } from './servers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const CODES = Number(process.env.BENCH_CODES ?? 10_000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',') as Store[];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL;
const SETTLE_MS = 1500;
const KEY = 'bench-key-0123456789abcdef';
const PER_BATCH = 100;
const CACHE_CONTROL = 'private, max-age=0';

type Store = 'sqlite' | 'postgres';

/** Scans come from phones mostly; each is classified once and then found in classify()'s cache. */
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
];

/* ---------- the two servers, each run as `tsx bench/redirect.ts --serve <name>` ---------- */

async function serveGateway(): Promise<{ address: string; close: () => Promise<void> }> {
  const { createWriteStream } = await import('node:fs');
  const { buildApp } = await import('../src/gateway/app.js');
  const { loadConfig } = await import('../src/gateway/config.js');
  const config = loadConfig({
    API_KEYS: KEY,
    RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: LOG_LEVEL ?? 'silent',
    DATA_DIR: process.env.DATA_DIR,
    DATABASE_URL: process.env.DATABASE_URL,
  });
  const app = await buildApp(config, {
    logger: LOG_LEVEL ? { stream: createWriteStream('/dev/null') } : false,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { address, close: () => app.close() };
}

async function serveBare(): Promise<{ address: string; close: () => Promise<void> }> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/r/:slug', (_request, reply) => {
    reply.code(302).header('location', 'https://example.com/').header('cache-control', CACHE_CONTROL).send();
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { address, close: () => app.close() };
}

/* ---------- the load ---------- */

function start(name: 'gateway' | 'bare', env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  return startServer(fileURLToPath(import.meta.url), name, { env, nodeArgs: prof });
}

/** SIGTERM: the server closes gracefully (the gateway writes its buffered scans) and exits. */
async function stop(s: Server): Promise<void> {
  const exited = once(s.proc, 'exit');
  s.proc.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`server exited with ${code}`);
}

interface Run {
  name: string;
  /** Requests autocannon set up; those in flight when it stopped were answered but are not in `requests`. */
  sent: number;
  requests: number;
  redirects: number;
  others: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The slowest one in a thousand: a scan flush that holds the event loop shows here first. */
  p999: number;
  /** The server's CPU time (every thread, user + system) per request answered: steadier than req/s on a shared machine. */
  cpuMicros: number;
}

/** CPU seconds the process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(name: string, server: Server, slugs: string[], opts: { amount?: number } = {}): Promise<Run> {
  let next = 0;
  const cpu0 = cpuSeconds(server.proc.pid!);
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    pipelining: 1,
    ...(opts.amount ? { amount: opts.amount } : { duration: SECONDS }),
    requests: [
      {
        setupRequest: (req) => {
          const i = next++;
          return {
            ...req,
            method: 'GET',
            path: `/r/${slugs[i % slugs.length]}`,
            headers: { ...req.headers, 'user-agent': AGENTS[i % AGENTS.length] as string },
          };
        },
      },
    ],
  });
  const r = await instance;
  const cpu = cpuSeconds(server.proc.pid!) - cpu0;
  return {
    name,
    sent: next,
    requests: r.requests.total,
    redirects: r['3xx'],
    others: r['1xx'] + r['2xx'] + r['4xx'] + r['5xx'],
    errors: r.errors + r.timeouts,
    perSecond: r.requests.total / (r.duration || SECONDS),
    p50: r.latency.p50,
    p99: r.latency.p99,
    p999: r.latency.p99_9,
    cpuMicros: (cpu * 1e6) / r.requests.total,
  };
}

/** The codes, made through the API in batches of 100. */
async function createCodes(base: string): Promise<string[]> {
  const slugs: string[] = [];
  for (let first = 0; first < CODES; first += PER_BATCH) {
    const codes = [];
    for (let i = first; i < Math.min(first + PER_BATCH, CODES); i++) {
      codes.push({ destination_url: `https://example.com/menu/${i}?ref=poster`, title: `Table ${i}` });
    }
    const res = await fetch(`${base}/api/codes/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ codes }),
    });
    if (res.status !== 201) throw new Error(`POST /api/codes/batch: ${res.status} ${(await res.text()).slice(0, 200)}`);
    for (const c of ((await res.json()) as { codes: { slug: string }[] }).codes) slugs.push(c.slug);
  }
  return slugs;
}

/** Rows in `scans` and the codes' counters, read straight from the database once the gateway has exited. */
async function countScans(store: Store, where: string): Promise<{ rows: number; counted: number }> {
  if (store === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(join(where, 'batchcode.db'), { readonly: true });
    try {
      const rows = (db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n;
      const counted = (db.prepare('SELECT coalesce(sum(scans), 0) AS n FROM codes').get() as { n: number }).n;
      return { rows, counted };
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: where });
  await client.connect();
  try {
    const rows = Number((await client.query('SELECT count(*) AS n FROM scans')).rows[0].n);
    const counted = Number((await client.query('SELECT coalesce(sum(scans), 0) AS n FROM codes')).rows[0].n);
    return { rows, counted };
  } finally {
    await client.end();
  }
}

interface StoreResult {
  store: Store;
  cold: Run;
  gateway: Run[];
  bare: Run[];
  scans: { rows: number; counted: number; answered: number; sent: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Both servers are up for the whole store's runs, loaded in turn: the machine's drift hits both alike. */
async function bench(store: Store): Promise<StoreResult> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'batchcode-bench-redirect-'));
  const pg = store === 'postgres' ? await (await import('../test/helpers/postgres.js')).startPostgres() : undefined;
  const servers: Server[] = [];
  try {
    const databaseUrl = pg?.database('bench_redirect');
    const gateway = await start('gateway', {
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    servers.push(gateway);
    const bare = await start('bare');
    servers.push(bare);

    const slugs = await createCodes(gateway.url);
    const cold = await load(`gateway, ${store}, first pass (cache cold)`, gateway, slugs, { amount: slugs.length });
    await load('warm-up', bare, slugs, { amount: slugs.length });
    const runs = { gateway: [cold] as Run[], bare: [] as Run[] };
    for (let round = 1; round <= ROUNDS; round++) {
      // The gateway writes the last second's scans after its run: not on the bare server's time.
      await sleep(SETTLE_MS);
      runs.gateway.push(await load(`gateway, ${store}`, gateway, slugs));
      await sleep(SETTLE_MS);
      runs.bare.push(await load('bare Fastify, fixed 302', bare, slugs));
    }

    // A graceful close writes the buffered scans; then they are counted in the database itself.
    await stop(servers.shift()!);
    const scans = {
      ...(await countScans(store, databaseUrl ?? dataDir)),
      answered: runs.gateway.reduce((n, r) => n + r.redirects, 0),
      sent: runs.gateway.reduce((n, r) => n + r.sent, 0),
    };
    return { store, cold, gateway: runs.gateway.slice(1), bare: runs.bare, scans };
  } finally {
    for (const s of servers) await stop(s).catch(() => s.proc.kill('SIGKILL'));
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const serve = process.argv.indexOf('--serve');
  if (serve !== -1) {
    const server = process.argv[serve + 1] === 'bare' ? await serveBare() : await serveGateway();
    process.stdout.write(`LISTENING ${server.address}\n`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(err);
            process.exit(1);
          },
        );
      });
    }
    return;
  }

  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, GET /r/:slug over ${CODES} codes, 4 user agents`,
  );
  console.log(
    `gateway: buildApp(loadConfig(...)) with the default scan recording and redirect cache, rate limit 10^9/min, ` +
      (LOG_LEVEL ? `pino at LOG_LEVEL=${LOG_LEVEL} to /dev/null\n` : 'logging off (as bench/http.ts)\n'),
  );

  const results: StoreResult[] = [];
  for (const store of STORES) results.push(await bench(store));

  const row = (name: string, runs: Run[]) => ({
    server: name,
    'req/s (median)': Math.round(median(runs.map((r) => r.perSecond))),
    'p50 ms': median(runs.map((r) => r.p50)),
    'p99 ms': median(runs.map((r) => r.p99)),
    'p99.9 ms': median(runs.map((r) => r.p999)),
    'server CPU µs/req': Math.round(median(runs.map((r) => r.cpuMicros))),
    'req/s per run': runs.map((r) => Math.round(r.perSecond)).join(' / '),
    'p99 per run': runs.map((r) => r.p99).join(' / '),
    'not 302': runs.reduce((n, r) => n + r.others + r.errors, 0),
  });
  console.table(
    results.flatMap((r) => [
      row(r.cold.name, [r.cold]),
      row(`gateway, ${r.store}`, r.gateway),
      row(`bare Fastify, fixed 302 (${r.store} run)`, r.bare),
    ]),
  );

  let met = true;
  for (const r of results) {
    // Each round's two runs are adjacent in time: their ratio is steadier than the ratio of the medians.
    const ratios = r.gateway.map((g, i) => g.perSecond / (r.bare[i]?.perSecond ?? NaN));
    const ratio = median(ratios);
    const p99 = median(r.gateway.map((g) => g.p99));
    const cpu = median(r.gateway.map((g, i) => g.cpuMicros / (r.bare[i]?.cpuMicros ?? NaN)));
    const clean = r.gateway.every((g) => g.others === 0 && g.errors === 0);
    const ok = ratio >= 0.6 && p99 < 10 && clean;
    met &&= ok;
    console.log(
      `${r.store}: gateway / bare ${(ratio * 100).toFixed(0)}% (median of the rounds: ` +
        `${ratios.map((x) => `${(x * 100).toFixed(0)}%`).join(' / ')}), gateway p99 ${p99} ms; ` +
        `server CPU per request ${cpu.toFixed(1)}x the bare route's: ${ok ? 'met' : 'NOT met'}`,
    );
    // Requests in flight when autocannon stops are answered (and scanned) but not counted by it.
    const { rows, counted, answered, sent } = r.scans;
    const recorded = rows === counted && rows >= answered && rows <= sent;
    console.log(
      `${r.store}: after a graceful close, ${rows} scan rows and codes' counters summing to ${counted}; ` +
        `302s counted by autocannon ${answered}, GETs sent ${sent}: ${recorded ? 'every scan recorded' : 'MISMATCH'}`,
    );
    met &&= recorded;
  }
  console.log(
    `\ntarget: >= 60% of the bare route's req/s and p99 < 10 ms on every store (medians of ${ROUNDS} rounds): ` +
      (met ? 'met' : 'NOT met'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
