/**
 * Job records in Redis, shared by the gateway and every worker: one hash per
 * job; sorted sets scored by creation time of all jobs, of each owner's, and
 * of each owner's in each status (pages and counts without reading records).
 * Status changes and counter updates are Lua scripts, so a cancel or delete
 * from the gateway is never overwritten by a worker's progress, and a job is
 * always in exactly the status set its hash names.
 *
 * Every change of a job (progress, transition, removal) is also PUBLISHed,
 * by the same script or transaction, on the job's own channel: a gateway
 * watching the job (live progress) learns of it whichever process made it.
 * The store subscribes on one connection of its own, opened the first time a
 * job is watched (a connection in subscribe mode can send nothing else).
 */
import type { Redis } from 'ioredis';
import { EVENTS_CONNECTION, RedisUnavailableError } from '../infra/redis.js';
import type { JobErrorCode } from './failure.js';
import { JOB_STATUSES, type JobStatus } from './schema.js';
import {
  noJobs,
  type JobPage,
  type JobRecord,
  type JobStore,
  type JobWatcher,
  type OwnerTotals,
  type PageQuery,
  type Progress,
  type StatusPatch,
} from './store.js';

const PREFIX = 'batchcode:bulk:';
const jobKey = (id: string) => `${PREFIX}job:${id}`;
const ownerKey = (owner: string) => `${PREFIX}owner:${owner}`;
const statusKey = (owner: string, status: JobStatus) => `${PREFIX}owner-status:${status}:${owner}`;
/** The owner's status sets, in the order of JOB_STATUSES (the scripts rely on it). */
const statusKeys = (owner: string) => JOB_STATUSES.map((s) => statusKey(owner, s));
const ALL = `${PREFIX}jobs`;
/** The channel a job's changes are published on; the message is what changed (progress, transition, removed). */
export const eventsChannel = (id: string) => `${PREFIX}events:${id}`;
/** Records read per round trip when summing an owner's counters. */
const SCAN_CHUNK = 500;

/**
 * KEYS[1] job hash; ARGV[1] the job's events channel, then field, value, field,
 * value... Only while the job is queued or processing: once cancelled, its
 * counts stay those the cancel answered.
 */
const PROGRESS = `
local s = redis.call('HGET', KEYS[1], 'status')
if s ~= 'queued' and s ~= 'processing' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PUBLISH', ARGV[1], 'progress')
return 1`;

/**
 * KEYS[1] job hash, KEYS[2] the owner's set, KEYS[3..] the owner's status
 * sets in the order of ARGV[3]. ARGV[1] job id, ARGV[2] JSON list of the
 * statuses allowed now, ARGV[3] JSON list of every status, ARGV[4] the job's
 * events channel, then field, value pairs (one of them the new status). Moves
 * the job between status sets.
 */
const TRANSITION = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s then return 0 end
local allowed = false
for _, v in ipairs(cjson.decode(ARGV[2])) do
  if v == s then allowed = true end
end
if not allowed then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
local to = redis.call('HGET', KEYS[1], 'status')
if to ~= s then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
  for i, name in ipairs(cjson.decode(ARGV[3])) do
    if name == s then redis.call('ZREM', KEYS[i + 2], ARGV[1]) end
    if name == to and score then redis.call('ZADD', KEYS[i + 2], score, ARGV[1]) end
  end
end
redis.call('PUBLISH', ARGV[4], 'transition')
return 1`;

function toHash(fields: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out.push(k, v === null ? '' : String(v));
  }
  return out;
}

function fromHash(h: Record<string, string>): JobRecord | undefined {
  if (!h.job_id) return undefined;
  const rec: JobRecord = {
    job_id: h.job_id,
    owner: h.owner ?? '',
    status: (h.status ?? 'queued') as JobStatus,
    total_rows: Number(h.total_rows ?? 0),
    processed: Number(h.processed ?? 0),
    successful: Number(h.successful ?? 0),
    failed: Number(h.failed ?? 0),
    render_ms: Number(h.render_ms ?? 0),
    created_at: h.created_at ?? '',
    started_at: h.started_at || null,
    finished_at: h.finished_at || null,
  };
  if (h.error_code) rec.error = { code: h.error_code as JobErrorCode, message: h.error ?? '' };
  else if (h.error) rec.error = h.error;
  return rec;
}

/** The replies of a pipeline or transaction, the first error thrown. */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** A channel's watchers, and the SUBSCRIBE that made the channel's messages arrive. */
interface Channel {
  watchers: Set<JobWatcher>;
  subscribed: Promise<unknown>;
}

export class RedisJobStore implements JobStore {
  /** The subscriber connection, while a job is watched. */
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly redis: Redis) {}

  async create(rec: JobRecord): Promise<void> {
    const score = Date.parse(rec.created_at);
    replies(
      await this.redis
        .multi()
        .hset(jobKey(rec.job_id), ...toHash({ ...rec, error: undefined }))
        .zadd(ownerKey(rec.owner), score, rec.job_id)
        .zadd(statusKey(rec.owner, rec.status), score, rec.job_id)
        .zadd(ALL, score, rec.job_id)
        .exec(),
    );
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return fromHash(await this.redis.hgetall(jobKey(id)));
  }

  async progress(id: string, p: Progress): Promise<boolean> {
    return (await this.redis.eval(PROGRESS, 1, jobKey(id), eventsChannel(id), ...toHash({ ...p }))) === 1;
  }

  async transition(id: string, from: readonly JobStatus[], patch: StatusPatch): Promise<boolean> {
    // The owner never changes, so reading it first is safe; the script checks the job still exists.
    const owner = await this.redis.hget(jobKey(id), 'owner');
    if (owner === null) return false;
    const keys = [jobKey(id), ownerKey(owner), ...statusKeys(owner)];
    const { error, ...rest } = patch;
    // The error is two fields: its code, and its sentence under the name `error` older records used for text.
    const fields = error ? { ...rest, error_code: error.code, error: error.message } : rest;
    const args = [id, JSON.stringify(from), JSON.stringify(JOB_STATUSES), eventsChannel(id), ...toHash(fields)];
    return (await this.redis.eval(TRANSITION, keys.length, ...keys, ...args)) === 1;
  }

  private async load(ids: string[]): Promise<JobRecord[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(jobKey(id));
    const out: JobRecord[] = [];
    for (const h of replies(await pipe.exec())) {
      const rec = fromHash(h as Record<string, string>);
      if (rec) out.push(rec);
    }
    return out;
  }

  async list(q: PageQuery): Promise<JobPage> {
    const key = q.status ? statusKey(q.owner, q.status) : ownerKey(q.owner);
    const start = (q.page - 1) * q.limit;
    const [total, ids] = replies(
      await this.redis
        .multi()
        .zcard(key)
        .zrevrange(key, start, start + q.limit - 1)
        .exec(),
    ) as [number, string[]];
    return { jobs: await this.load(ids), total };
  }

  async totals(owner: string): Promise<OwnerTotals> {
    const t = noJobs();
    const pipe = this.redis.pipeline();
    for (const key of statusKeys(owner)) pipe.zcard(key);
    const counts = replies(await pipe.exec()) as number[];
    JOB_STATUSES.forEach((s, i) => (t.by_status[s] = counts[i] ?? 0));
    for (let start = 0; ; start += SCAN_CHUNK) {
      const ids = await this.redis.zrange(ownerKey(owner), String(start), String(start + SCAN_CHUNK - 1));
      if (!ids.length) break;
      const sums = this.redis.pipeline();
      for (const id of ids) sums.hmget(jobKey(id), 'successful', 'failed', 'render_ms');
      for (const fields of replies(await sums.exec()) as (string | null)[][]) {
        t.successful += Number(fields[0] ?? 0);
        t.failed += Number(fields[1] ?? 0);
        t.render_ms += Number(fields[2] ?? 0);
      }
      if (ids.length < SCAN_CHUNK) break;
    }
    return t;
  }

  async all(): Promise<JobRecord[]> {
    return this.load(await this.redis.zrange(ALL, '0', '-1'));
  }

  async remove(id: string): Promise<void> {
    const owner = await this.redis.hget(jobKey(id), 'owner');
    const tx = this.redis.multi().del(jobKey(id)).zrem(ALL, id);
    if (owner !== null) {
      tx.zrem(ownerKey(owner), id);
      for (const key of statusKeys(owner)) tx.zrem(key, id);
    }
    tx.publish(eventsChannel(id), 'removed');
    replies(await tx.exec());
  }

  /**
   * The subscriber connection, opened now if there is none: the gateway's
   * client's settings (fail fast), but with its own name, and commands sent
   * before it is connected wait for it. When the connection drops, every
   * watch is lost (their clients reconnect) and the next watch opens a new one.
   */
  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.redis.duplicate({
      connectionName: EVENTS_CONNECTION,
      enableOfflineQueue: true,
      autoResubscribe: false,
    });
    this.subscriber = sub;
    sub.on('error', () => undefined); // the 'close' below ends the watches; the gateway's client logs outages
    sub.on('message', (channel: string) => {
      for (const watcher of [...(this.channels.get(channel)?.watchers ?? [])]) watcher.changed();
    });
    sub.on('close', () => {
      this.drop(sub, new RedisUnavailableError());
      sub.disconnect();
    });
    return sub;
  }

  /** Forgets a subscriber connection that dropped (or is closed), and every watch on it. */
  private drop(sub: Redis, err: Error): void {
    if (this.subscriber !== sub) return;
    this.subscriber = undefined;
    const lost = [...this.channels.values()].flatMap((c) => [...c.watchers]);
    this.channels.clear();
    for (const watcher of lost) watcher.lost(err);
  }

  async watch(id: string, watcher: JobWatcher): Promise<() => void> {
    const name = eventsChannel(id);
    const sub = this.connection();
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { watchers: new Set(), subscribed: sub.subscribe(name) };
      channel.subscribed.catch(() => undefined); // awaited below, by this watch and any other of the channel
      this.channels.set(name, channel);
    }
    const own = channel;
    own.watchers.add(watcher);
    let done = false;
    const unwatch = () => {
      if (done) return;
      done = true;
      own.watchers.delete(watcher);
      if (own.watchers.size > 0 || this.channels.get(name) !== own) return;
      this.channels.delete(name);
      if (this.subscriber === sub) sub.unsubscribe(name).catch(() => undefined);
    };
    try {
      await own.subscribed;
    } catch {
      unwatch();
      throw new RedisUnavailableError();
    }
    if (this.subscriber !== sub) {
      // The connection dropped while subscribing: this watch was never told, so it fails here.
      unwatch();
      throw new RedisUnavailableError();
    }
    return unwatch;
  }

  async close(): Promise<void> {
    const sub = this.subscriber;
    if (!sub) return;
    this.drop(sub, new RedisUnavailableError());
    if (sub.status === 'ready') await sub.quit().catch(() => sub.disconnect());
    else sub.disconnect();
  }
}
