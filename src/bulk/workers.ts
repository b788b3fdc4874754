/**
 * Who runs jobs in Redis mode, as the gateway can see it.
 *
 * Heartbeats: each worker scores its id in one sorted set with the Redis
 * server's clock every HEARTBEAT_MS (one clock for every host, so skew does
 * not matter), and removes it when it stops; a worker not seen for
 * WORKER_STALE_MS counts as gone. The gateway counts live workers for
 * /ready, /api/bulk/stats and the warning on a job nobody will run.
 *
 * The data directory: workers must see the gateway's DATA_DIR (the same
 * volume or share), or every job fails on a missing file. The gateway keeps
 * a random id in a marker file in its DATA_DIR and publishes it with the
 * directory's path; a worker refuses to start unless its own DATA_DIR holds
 * the same id.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

const PREFIX = 'batchcode:bulk:';
const WORKERS_KEY = `${PREFIX}workers`;
/** When a worker was last seen, whether it still runs or stopped since (for "not seen for N s"). */
const LAST_SEEN_KEY = `${PREFIX}workers:last-seen`;
const DATA_DIR_KEY = `${PREFIX}data-dir`;

export const HEARTBEAT_MS = 5000;
/** Three missed heartbeats: the worker is gone (crashed, killed, or cut off from Redis). */
export const WORKER_STALE_MS = 3 * HEARTBEAT_MS;
/** Heartbeats of workers gone this long are dropped, so the set stays small. */
const FORGET_MS = 86_400_000;

/** Redis' own clock, in ms, inside a script. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] the set, KEYS[2] last seen; ARGV[1] the worker's id, ARGV[2] FORGET_MS. */
const BEAT = `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('SET', KEYS[2], now)
return 1`;

/** KEYS and ARGV as BEAT's: a worker that stops is counted out at once, and was last seen now. */
const LEAVE = `${NOW}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], now)
return 1`;

/** KEYS as BEAT's; ARGV[1] WORKER_STALE_MS. Returns { live, ms since a worker was last seen or -1 }. */
const COUNT = `${NOW}
local live = redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')
local last = redis.call('GET', KEYS[2])
if last then return { live, now - tonumber(last) } end
return { live, -1 }`;

export interface Presence {
  /** Workers seen within WORKER_STALE_MS. */
  live: number;
  /** Milliseconds since any worker was last seen; null when none ever was. */
  lastSeenMs: number | null;
}

export async function workerPresence(redis: Redis): Promise<Presence> {
  const [live, last] = (await redis.eval(COUNT, 2, WORKERS_KEY, LAST_SEEN_KEY, String(WORKER_STALE_MS))) as [
    number,
    number,
  ];
  return { live, lastSeenMs: last < 0 ? null : last };
}

/** What a waiting job's status (and /ready) says when no worker is live. */
export function noWorkerWarning(p: Presence): string {
  const none =
    p.lastSeenMs === null ? 'no worker is running' : `no worker has been seen for ${Math.round(p.lastSeenMs / 1000)} s`;
  return `${none}: jobs wait until one is started with "npm run worker" (with the gateway's REDIS_URL and DATA_DIR)`;
}

/** A worker's heartbeat: the first one is sent before this resolves. */
export async function startHeartbeat(
  redis: Redis,
  onError: (err: Error) => void,
): Promise<{ id: string; stop(connected: boolean): Promise<void> }> {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const beat = () => redis.eval(BEAT, 2, WORKERS_KEY, LAST_SEEN_KEY, id, String(FORGET_MS));
  await beat();
  // A patient client queues commands while Redis is away: one beat at a time, not a backlog.
  let pending: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    pending ??= beat()
      .catch(onError)
      .finally(() => (pending = undefined));
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    /** `connected`: remove the worker now; else its heartbeat just goes stale (a patient client would wait). */
    async stop(connected: boolean) {
      clearInterval(timer);
      if (connected) await redis.eval(LEAVE, 2, WORKERS_KEY, LAST_SEEN_KEY, id, String(FORGET_MS)).catch(onError);
    },
  };
}

/** The marker file in DATA_DIR: a random id, made once by the gateway. */
export const MARKER_FILE = 'batchcode-data-id';

interface Published {
  id: string;
  dir: string;
  host: string;
}

async function readMarker(dataDir: string): Promise<string | undefined> {
  try {
    const id = (await readFile(join(dataDir, MARKER_FILE), 'utf8')).trim();
    return id || undefined;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The gateway's side: makes the marker if there is none (gateways sharing the
 * directory agree: the first write wins) and publishes it. Returns the id the
 * gateways' Redis held before when it was another one (a gateway with another
 * DATA_DIR shares this Redis, or the directory was replaced), for a warning.
 */
export async function publishDataDir(redis: Redis, dataDir: string): Promise<Published | undefined> {
  let id = await readMarker(dataDir);
  if (!id) {
    try {
      await writeFile(join(dataDir, MARKER_FILE), `${randomBytes(16).toString('hex')}\n`, { flag: 'wx' });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    id = (await readMarker(dataDir))!;
  }
  const mine: Published = { id, dir: dataDir, host: hostname() };
  const before = await redis.getset(DATA_DIR_KEY, JSON.stringify(mine));
  const old = before ? (JSON.parse(before) as Published) : undefined;
  return old && old.id !== id ? old : undefined;
}

/** How often a worker started before any gateway looks again. */
const WAIT_POLL_MS = 250;

/** A worker whose DATA_DIR is not the gateway's: it must not start. */
export class DataDirMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirMismatch';
  }
}

/**
 * The worker's side: waits until a gateway has published its directory (a
 * worker may start first), then throws a `DataDirMismatch` naming both
 * directories unless this one holds the same marker.
 */
export async function checkDataDir(redis: Redis, dataDir: string, onWait: (msg: string) => void): Promise<void> {
  let published: string | null;
  for (let waited = 0; (published = await redis.get(DATA_DIR_KEY)) === null; waited += WAIT_POLL_MS) {
    if (waited % 30_000 === 0) {
      onWait('waiting for a gateway with REDIS_URL to start: it names the DATA_DIR this worker must share');
    }
    await sleep(WAIT_POLL_MS);
  }
  const theirs = JSON.parse(published) as Published;
  const mine = await readMarker(dataDir);
  if (mine === theirs.id) return;
  const marker = join(dataDir, MARKER_FILE);
  const why = mine
    ? `${marker} differs from the gateway's, so they are two directories, whatever their paths`
    : `${marker} is missing`;
  throw new DataDirMismatch(
    `DATA_DIR ${dataDir} is not the gateway's data directory (${theirs.dir} on host ${theirs.host}): ${why}; give the worker the gateway's directory (the same volume or network share)`,
  );
}
