/**
 * `npm run bench:http`: the HTTP gateway against a plain Fastify server that
 * renders the same batches with node-qrcode, loaded in turn by autocannon
 * with 100 QR SVGs per request. Each server runs in its own process; the
 * load generator runs in this one. Every request carries distinct data (a
 * counter), so the renderer's cache does not flatter the gateway; a cached
 * run (the same body every time) is reported apart.
 *
 * BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 4), BENCH_MAX_CONCURRENT
 * (sets the batch option max_concurrent; unset by default).
 */
import { once } from 'node:events';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer, type Server } from './servers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const PER_REQUEST = 100;
const KEY = 'bench-key-0123456789abcdef';

interface Item {
  barcode_type: 'qr';
  data: string;
  format: 'svg';
  options: { width: number; error_correction: 'M' };
}

function body(counter: number): string {
  const barcodes: Item[] = [];
  for (let i = 0; i < PER_REQUEST; i++) {
    barcodes.push({
      barcode_type: 'qr',
      data: `https://example.com/products/${counter}/${i}?ref=bench`,
      format: 'svg',
      options: { width: 300, error_correction: 'M' },
    });
  }
  const mc = process.env.BENCH_MAX_CONCURRENT;
  return JSON.stringify(mc ? { barcodes, options: { max_concurrent: Number(mc) } } : { barcodes });
}

/* ---------- the two servers, each run as `tsx bench/http.ts --serve <name>` ---------- */

async function serveGateway(): Promise<string> {
  const { buildApp } = await import('../src/gateway/app.js');
  const { loadConfig } = await import('../src/gateway/config.js');
  const { configure } = await import('../src/lib/index.js');
  const config = loadConfig({
    API_KEYS: KEY,
    RATE_LIMIT_MAX: '1000000000',
    BATCH_MAX_ITEMS: String(PER_REQUEST),
    LOG_LEVEL: 'silent',
  });
  configure({ batch_max_items: config.batchMaxItems });
  const app = await buildApp(config, { logger: false });
  if (process.env.BENCH_NO_CACHE) configure({ cache_max_entries: 0 });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function servePlain(): Promise<string> {
  const { default: Fastify } = await import('fastify');
  const { default: QRCode } = await import('qrcode');
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  app.post('/batch', async (request) => {
    const { barcodes } = request.body as { barcodes: Item[] };
    const results = await Promise.all(
      barcodes.map(async (b, i) => ({
        id: String(i),
        success: true,
        svg: await QRCode.toString(b.data, {
          type: 'svg',
          errorCorrectionLevel: b.options.error_correction,
          width: b.options.width,
          margin: 4,
        }),
      })),
    );
    return { success: true, results };
  });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

/* ---------- the load ---------- */

const start = (name: 'gateway' | 'plain') => startServer(fileURLToPath(import.meta.url), name);

async function stop(s: Server): Promise<void> {
  const exited = once(s.proc, 'exit');
  s.proc.kill('SIGTERM');
  await exited;
}

interface Run {
  name: string;
  requests: number;
  non2xx: number;
  codesPerSecond: number;
  p50: number;
  p99: number;
  mbPerSecond: number;
}

async function load(name: string, url: string, distinct: boolean): Promise<Run> {
  let counter = 0;
  const fixed = body(-1);
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    connections: CONNECTIONS,
    pipelining: 1,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: distinct ? body(counter++) : fixed }),
      },
    ],
  });
  const result = await instance;
  const ok = result.requests.total - result.non2xx;
  return {
    name,
    requests: result.requests.total,
    non2xx: result.non2xx,
    codesPerSecond: (ok * PER_REQUEST) / (result.duration || SECONDS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mbPerSecond: result.throughput.average / 1e6,
  };
}

async function warm(url: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: body(1_000_000 + i),
    });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    await res.arrayBuffer();
  }
}

async function main(): Promise<void> {
  const serve = process.argv.indexOf('--serve');
  if (serve !== -1) {
    const address = process.argv[serve + 1] === 'plain' ? await servePlain() : await serveGateway();
    process.stdout.write(`LISTENING ${address}\n`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
    return;
  }

  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${PER_REQUEST} QR SVGs per request\n`,
  );

  const runs: Run[] = [];
  const gateway = await start('gateway');
  try {
    const url = `${gateway.url}/api/barcodes/batch`;
    await warm(url);
    runs.push(await load('gateway (distinct data)', url, true));
    runs.push(await load('gateway (cached: same body)', url, false));
  } finally {
    await stop(gateway);
  }
  const plain = await start('plain');
  try {
    const url = `${plain.url}/batch`;
    await warm(url);
    runs.push(await load('plain Fastify + node-qrcode', url, true));
  } finally {
    await stop(plain);
  }

  console.table(
    runs.map((r) => ({
      server: r.name,
      'codes/s': Math.round(r.codesPerSecond),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'MB/s': Number(r.mbPerSecond.toFixed(1)),
      requests: r.requests,
      'non-2xx': r.non2xx,
    })),
  );
  const [g, , p] = runs as [Run, Run, Run];
  const ratio = g.codesPerSecond / p.codesPerSecond;
  console.log(`\nratio gateway / plain (distinct data): ${ratio.toFixed(1)}x`);
  console.log(`target: >= 10x and p99 < 25 ms: ${ratio >= 10 && g.p99 < 25 ? 'met' : 'NOT met'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
