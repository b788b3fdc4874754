/**
 * Job records in Redis, shared by the gateway and every worker: one hash per
 * job, a sorted set per owner and one of all jobs (scored by creation time).
 * Status changes and counter updates are Lua scripts, so a cancel or delete
 * from the gateway is never overwritten by a worker's progress.
 */
import type { Redis } from 'ioredis';
import type { JobStatus } from './schema.js';
import type { JobRecord, JobStore, Progress, StatusPatch } from './store.js';

const PREFIX = 'batchcode:bulk:';
const jobKey = (id: string) => `${PREFIX}job:${id}`;
const ownerKey = (owner: string) => `${PREFIX}owner:${owner}`;
const ALL = `${PREFIX}jobs`;

/** KEYS[1] job hash; ARGV: field, value, field, value... (only if it exists). */
const UPDATE_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

/** KEYS[1] job hash; ARGV[1] JSON list of allowed statuses; then field, value pairs. */
const TRANSITION = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s then return 0 end
local allowed = cjson.decode(ARGV[1])
for _, v in ipairs(allowed) do
  if v == s then
    redis.call('HSET', KEYS[1], unpack(ARGV, 2))
    return 1
  end
end
return 0`;

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
  if (h.error) rec.error = h.error;
  return rec;
}

export class RedisJobStore implements JobStore {
  constructor(private readonly redis: Redis) {}

  async create(rec: JobRecord): Promise<void> {
    const score = Date.parse(rec.created_at);
    await this.redis
      .multi()
      .hset(jobKey(rec.job_id), ...toHash({ ...rec }))
      .zadd(ownerKey(rec.owner), score, rec.job_id)
      .zadd(ALL, score, rec.job_id)
      .exec();
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return fromHash(await this.redis.hgetall(jobKey(id)));
  }

  async progress(id: string, p: Progress): Promise<boolean> {
    return (await this.redis.eval(UPDATE_IF_EXISTS, 1, jobKey(id), ...toHash({ ...p }))) === 1;
  }

  async transition(id: string, from: readonly JobStatus[], patch: StatusPatch): Promise<boolean> {
    const args = [JSON.stringify(from), ...toHash({ ...patch })];
    return (await this.redis.eval(TRANSITION, 1, jobKey(id), ...args)) === 1;
  }

  private async load(ids: string[]): Promise<JobRecord[]> {
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(jobKey(id));
    const replies = (await pipe.exec()) ?? [];
    const out: JobRecord[] = [];
    for (const [err, h] of replies) {
      const rec = err ? undefined : fromHash(h as Record<string, string>);
      if (rec) out.push(rec);
    }
    return out;
  }

  async list(owner: string): Promise<JobRecord[]> {
    return this.load(await this.redis.zrevrange(ownerKey(owner), '0', '-1'));
  }

  async all(): Promise<JobRecord[]> {
    return this.load(await this.redis.zrange(ALL, '0', '-1'));
  }

  async remove(id: string): Promise<void> {
    const owner = await this.redis.hget(jobKey(id), 'owner');
    const tx = this.redis.multi().del(jobKey(id)).zrem(ALL, id);
    if (owner) tx.zrem(ownerKey(owner), id);
    await tx.exec();
  }

  async close(): Promise<void> {}
}
