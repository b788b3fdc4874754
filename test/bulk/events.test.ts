/**
 * GET /api/jobs/:id/events over real HTTP (a listening gateway, read with
 * fetch: inject does not stream), in both modes: in-process, and Redis with
 * a worker in another process, whose changes reach the gateway by pub/sub.
 */
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { eventsChannel } from '../../src/bulk/redis-store.js';
import { bulkServiceOf } from '../../src/gateway/routes/bulk.js';
import { csvRows, get, harness, KEY, OTHER_KEY, upload, type Harness } from '../helpers/bulk.js';
import { spawnWorker, workerReady } from '../helpers/worker-process.js';

type Mode = 'in-process' | 'redis';

const HEARTBEAT_MS = 100;

/** One block of the stream: an event, a comment, or the retry field. */
interface Block {
  event?: string;
  id?: string;
  data?: Record<string, unknown>;
  comment?: string;
  retry?: number;
}

function parseBlock(text: string): Block {
  const block: Block = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) block.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) block.event = line.slice(7);
    else if (line.startsWith('id: ')) block.id = line.slice(4);
    else if (line.startsWith('data: ')) block.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
    else if (line.startsWith('retry: ')) block.retry = Number(line.slice(7));
    else throw new Error(`unexpected line ${JSON.stringify(line)}`);
  }
  return block;
}

/** An open event stream: its blocks one at a time, or null once the server ended it. */
class Stream {
  readonly blocks: Block[] = [];
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  ended = false;

  constructor(
    readonly res: Response,
    private readonly abort: AbortController,
  ) {}

  async next(timeoutMs = 20_000): Promise<Block | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cut = this.buffer.indexOf('\n\n');
      if (cut >= 0) {
        const block = parseBlock(this.buffer.slice(0, cut));
        this.buffer = this.buffer.slice(cut + 2);
        this.blocks.push(block);
        return block;
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no block in ${timeoutMs} ms; so far ${JSON.stringify(this.blocks)}`);
      this.reader ??= this.res.body!.getReader();
      const chunk = await Promise.race([this.reader.read(), sleep(left, 'timeout' as const)]);
      if (chunk === 'timeout') continue;
      if (chunk.done) {
        this.ended = true;
        if (this.buffer !== '') throw new Error(`stream ended mid-block: ${JSON.stringify(this.buffer)}`);
      } else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next event, skipping comments and the retry field. */
  async nextEvent(timeoutMs?: number): Promise<Block | null> {
    for (;;) {
      const block = await this.next(timeoutMs);
      if (block === null || block.event !== undefined) return block;
    }
  }

  /** Every block until the server ends the stream. */
  async rest(timeoutMs?: number): Promise<Block[]> {
    const out: Block[] = [];
    for (let b = await this.next(timeoutMs); b !== null; b = await this.next(timeoutMs)) out.push(b);
    return out;
  }

  /** The client goes away. */
  close(): void {
    this.abort.abort();
  }
}

const events = (blocks: Block[]) => blocks.filter((b) => b.event !== undefined);

interface Setup {
  h: Harness;
  base: string;
  open(id: string, key?: string | null): Promise<Stream>;
  watchers(): number;
  /** Redis mode: subscribers of the job's channel, from PUBSUB NUMSUB. */
  numsub(id: string): Promise<number>;
}

/** A listening gateway of `mode`; in Redis mode with a worker process unless `worker` is false. */
async function setup(t: Test, mode: Mode, worker = true): Promise<Setup> {
  const h = await harness(t, mode, {
    SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    WORKER_CONCURRENCY: '1',
    BULK_NO_TEST_WORKER: '1',
  });
  if (mode === 'redis' && worker) {
    const child = spawnWorker(h);
    t.teardown(() => void child.kill('SIGKILL'));
    await workerReady(child);
  }
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  // fetch may open a spare connection it never sends on, which Node keeps until its headers
  // timeout: it would hold the harness's app.close (tap runs teardowns last-in first-out, so this one first).
  const sockets = new Set<Socket>();
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  h.app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  let probe: Redis | undefined;
  t.teardown(() => probe?.disconnect());
  const opened: Stream[] = [];
  t.teardown(() => opened.forEach((s) => s.close()));
  return {
    h,
    base,
    async open(id, key = KEY) {
      const abort = new AbortController();
      const res = await fetch(`${base}/api/jobs/${id}/events`, {
        headers: key === null ? {} : { 'x-api-key': key },
        signal: abort.signal,
      });
      const stream = new Stream(res, abort);
      opened.push(stream);
      return stream;
    },
    watchers: () => bulkServiceOf(h.app)!.watchers(),
    async numsub(id) {
      probe ??= new Redis(h.env.REDIS_URL!);
      const reply = (await probe.pubsub('NUMSUB', eventsChannel(id))) as [string, number];
      return Number(reply[1]);
    },
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

const submit = async (s: Setup, rows: number, options: object = {}): Promise<string> => {
  const res = await upload(s.h.app, csvRows(rows), { batchSize: 10, format: 'svg', ...options });
  if (res.statusCode !== 202) throw new Error(res.body);
  return (res.json() as { job_id: string }).job_id;
};

/** A job long enough to keep the one job slot busy while a test watches a job queued behind it. */
const blocker = (s: Setup) => submit(s, 6000, { format: 'png', design: { width: 600 } });

const job = async (s: Setup, id: string) => (await get(s.h.app, `/api/jobs/${id}`)).json() as Record<string, unknown>;

/**
 * On a gateway of its own: a client's spare connection (fetch may open one it never sends on)
 * would hold the server's close until Node's headers timeout, whatever the streams do.
 */
async function closeTest(t: Test, s: Setup, id: string): Promise<void> {
  const stream = await s.open(id);
  t.match(await stream.nextEvent(), { event: 'progress', data: { job_id: id } });
  t.equal(s.watchers(), 1);
  const started = Date.now();
  await s.h.app.close();
  t.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms`);
  t.same(events(await stream.rest(5000)), [], 'no event, the stream just ends');
  t.ok(stream.ended);
  t.equal(s.watchers(), 0);
}

function suite(mode: Mode): void {
  t.test(`${mode} mode`, async (t) => {
    const s = await setup(t, mode);

    t.test('should answer 401 without an API key, before any stream', async (t) => {
      const id = await submit(s, 2);
      const res = await s.open(id, null);
      t.equal(res.res.status, 401);
      t.match(res.res.headers.get('content-type'), /^application\/json/);
      t.match(await res.res.json(), { statusCode: 401, message: /missing API key/ });
      t.equal(s.watchers(), 0);
    });

    t.test("should answer 404 for another key's job, as GET /api/jobs/:id does", async (t) => {
      const id = await submit(s, 2);
      for (const [what, jobId, key] of [
        ['another key', id, OTHER_KEY],
        ['no such job', '00000000-0000-4000-8000-000000000000', KEY],
      ] as const) {
        const stream = await s.open(jobId, key);
        const poll = await get(s.h.app, `/api/jobs/${jobId}`, key);
        t.equal(poll.statusCode, 404, what);
        t.equal(stream.res.status, 404, what);
        t.match(stream.res.headers.get('content-type'), /^application\/json/, what);
        t.same(await stream.res.json(), poll.json(), `${what}: the same body`);
      }
      t.equal(s.watchers(), 0, 'nothing watched');
    });

    let finished = '';

    t.test('should stream progress with rising counts, then completed, and end', async (t) => {
      const first = await blocker(s);
      // Queued behind the blocker, so the whole run is watched.
      const id = await submit(s, 400);
      const stream = await s.open(id);
      t.equal(stream.res.status, 200);
      t.equal(stream.res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      t.equal(stream.res.headers.get('cache-control'), 'no-cache, no-transform');
      t.equal(stream.res.headers.get('x-accel-buffering'), 'no');
      t.ok(stream.res.headers.get('x-request-id'), 'the onSend hooks ran');
      t.same(await stream.next(), { retry: 3000 }, 'retry first');
      const initial = await stream.nextEvent();
      t.match(initial, { event: 'progress', id: '1', data: { job_id: id, status: 'queued', processed: 0 } });
      t.same(initial!.data!.rows_per_second, null, 'no pace before it starts');
      t.same(initial!.data!.eta_seconds, null);
      t.equal(s.watchers(), 1, 'one watch while the stream is open');
      const cancel = await s.h.app.inject({
        method: 'POST',
        url: `/api/jobs/${first}/cancel`,
        headers: { 'x-api-key': KEY },
      });
      t.equal(cancel.statusCode, 200, 'the blocker is cancelled: the job starts');

      const rest = await stream.rest();
      const all = [initial!, ...events(rest)];
      t.same(
        all.map((e) => e.id),
        all.map((_e, i) => String(i + 1)),
        'ids count from 1',
      );
      const last = all.at(-1)!;
      t.equal(last.event, 'completed', 'the last event');
      t.same(
        all.slice(0, -1).map((e) => e.event),
        all.slice(0, -1).map(() => 'progress'),
        'progress before it',
      );
      const counts = all.map((e) => e.data!.processed as number);
      t.ok(
        counts.every((n, i) => i === 0 || n >= counts[i - 1]!),
        `processed never falls: ${counts}`,
      );
      const during = all.filter((e) => e.event === 'progress' && (e.data!.processed as number) > 0);
      t.ok(during.length >= 1, `progress while it runs: ${counts}`);
      t.ok(
        during.some((e) => (e.data!.processed as number) < 400),
        'before the end',
      );
      const running = during.at(-1)!.data!;
      t.equal(running.status, 'processing');
      t.ok((running.rows_per_second as number) > 0, 'a pace');
      t.type(running.eta_seconds, 'number', 'and the time left');
      t.match(last.data, { status: 'completed', processed: 400, successful: 400, progress: 100, eta_seconds: 0 });
      const { rows_per_second: rate, eta_seconds: _eta, ...view } = last.data!;
      t.ok((rate as number) > 0);
      t.same(view, await job(s, id), 'the data is what GET /api/jobs/:id answers');
      t.ok(stream.ended, 'the server ended the stream');
      await until('unwatched', () => s.watchers() === 0);
      finished = id;
    });

    t.test("should give a finished job's terminal event at once and end", async (t) => {
      t.ok(finished, 'the job of the test before');
      const started = Date.now();
      const stream = await s.open(finished);
      t.equal(stream.res.status, 200);
      const blocks = await stream.rest();
      t.match(blocks, [
        { retry: 3000 },
        { event: 'completed', id: '1', data: { job_id: finished, status: 'completed' } },
      ]);
      t.equal(blocks.length, 2, 'nothing else');
      t.ok(Date.now() - started < HEARTBEAT_MS * 5, `ended in ${Date.now() - started} ms`);
      await until('unwatched', () => s.watchers() === 0);
    });

    t.test('should send cancelled and end when the job is cancelled while watched', async (t) => {
      const id = await blocker(s);
      const stream = await s.open(id);
      let e = await stream.nextEvent();
      while (e && !(e.data!.status === 'processing' && (e.data!.processed as number) > 0)) e = await stream.nextEvent();
      t.ok(e, 'it runs');
      const res = await s.h.app.inject({
        method: 'POST',
        url: `/api/jobs/${id}/cancel`,
        headers: { 'x-api-key': KEY },
      });
      t.equal(res.statusCode, 200);
      const rest = events(await stream.rest());
      t.match(rest.at(-1), { event: 'cancelled', data: { job_id: id, status: 'cancelled', eta_seconds: null } });
      t.same(
        rest.slice(0, -1).filter((b) => b.event !== 'progress'),
        [],
        'one terminal event, last',
      );
      t.equal(rest.at(-1)!.data!.processed, res.json().processed, 'the counts the cancel answered');
      t.ok(stream.ended);
      await until('unwatched', () => s.watchers() === 0);
    });

    t.test('should send deleted and end when the job is deleted while watched', async (t) => {
      const first = await blocker(s);
      const id = await submit(s, 20);
      const stream = await s.open(id);
      t.match(await stream.nextEvent(), { event: 'progress', data: { job_id: id, status: 'queued' } });
      const res = await s.h.app.inject({ method: 'DELETE', url: `/api/jobs/${id}`, headers: { 'x-api-key': KEY } });
      t.equal(res.statusCode, 200);
      const rest = events(await stream.rest());
      t.match(rest.at(-1), { event: 'deleted', data: { job_id: id, deleted: true } });
      t.equal(rest.length, 1, 'the only event after the first');
      t.ok(stream.ended);
      await until('unwatched', () => s.watchers() === 0);
      await s.h.app.inject({ method: 'DELETE', url: `/api/jobs/${first}`, headers: { 'x-api-key': KEY } });
    });

    t.test('should leave no watcher, nor a Redis subscription, when the client disconnects', async (t) => {
      const first = await blocker(s);
      const id = await submit(s, 20);
      const streams = [await s.open(id), await s.open(id)];
      for (const stream of streams) t.match(await stream.nextEvent(), { event: 'progress' });
      t.equal(s.watchers(), 2, 'two watches');
      if (mode === 'redis') t.equal(await s.numsub(id), 1, 'one subscription for both');
      streams[0]!.close();
      await until('one watcher', () => s.watchers() === 1);
      if (mode === 'redis') t.equal(await s.numsub(id), 1, 'still subscribed for the other');
      streams[1]!.close();
      await until('no watcher', () => s.watchers() === 0);
      if (mode === 'redis') await until('unsubscribed', async () => (await s.numsub(id)) === 0);
      t.equal(s.watchers(), 0);
      t.equal(
        (await job(s, first)).status,
        'processing',
        'the blocker still ran: nothing ended the watches but the clients',
      );
      for (const jobId of [id, first]) {
        await s.h.app.inject({ method: 'DELETE', url: `/api/jobs/${jobId}`, headers: { 'x-api-key': KEY } });
      }
    });
  });
}

suite('in-process');
suite('redis');

t.test('redis mode, no worker', async (t) => {
  const s = await setup(t, 'redis', false);

  t.test('should send a heartbeat while nothing changes', async (t) => {
    const id = await submit(s, 20);
    const stream = await s.open(id);
    t.match(await stream.nextEvent(), { event: 'progress', data: { status: 'queued', warning: /no worker/ } });
    const started = Date.now();
    const next = [await stream.next(), await stream.next()];
    t.same(next, [{ comment: 'heartbeat' }, { comment: 'heartbeat' }], 'heartbeats, and no event');
    t.ok(Date.now() - started >= HEARTBEAT_MS, 'one per SSE_HEARTBEAT_MS');
    stream.close();
    await until('no watcher', () => s.watchers() === 0);
    await until('unsubscribed', async () => (await s.numsub(id)) === 0);
  });

  t.test('should end the stream, not fail it, when Redis goes away', async (t) => {
    const id = await submit(s, 20);
    const stream = await s.open(id);
    t.match(await stream.nextEvent(), { event: 'progress' });
    await s.h.redis!.stop();
    const rest = await stream.rest(5000);
    t.same(events(rest), [], 'no event, the stream ends');
    t.ok(stream.ended);
    await until('no watcher', () => s.watchers() === 0);
    const again = await s.open(id);
    t.equal(again.res.status, 503, 'a new stream is refused while Redis is away');
    t.match(await again.res.json(), { message: /Redis cannot be reached/ });
  });
});

t.test('redis mode, closing', async (t) => {
  const s = await setup(t, 'redis', false);
  t.test('should end open streams when the app closes, without holding the close', async (t) =>
    closeTest(t, s, await submit(s, 20)),
  );
});

t.test('in-process mode, a gateway of its own', async (t) => {
  const s = await setup(t, 'in-process');

  t.test('should send a heartbeat while nothing changes', async (t) => {
    const first = await blocker(s);
    const id = await submit(s, 20);
    const stream = await s.open(id);
    t.match(await stream.nextEvent(), { event: 'progress', data: { status: 'queued' } });
    const next = [await stream.next(), await stream.next()];
    t.same(next, [{ comment: 'heartbeat' }, { comment: 'heartbeat' }], 'heartbeats, and no event');
    stream.close();
    await until('no watcher', () => s.watchers() === 0);
    t.equal((await job(s, first)).status, 'processing', 'the blocker still ran');
  });

  t.test('should end open streams when the app closes, without holding the close', async (t) =>
    closeTest(t, s, await submit(s, 20)),
  );
});
