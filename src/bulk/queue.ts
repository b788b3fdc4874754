/**
 * Where queued jobs go. `InProcessQueue` runs them inside the gateway (no
 * REDIS_URL); `BullJobQueue` adds them to the BullMQ queue that worker
 * processes (src/bin/worker.ts) consume. The job data is a reference, not rows.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isConnected, QUEUE_NAME, QUEUE_PREFIX, RedisUnavailableError } from '../infra/redis.js';
import { retry } from '../infra/retry.js';
import { classifyFailure, isMissingFile } from './failure.js';
import { runJob, type RunContext } from './runner.js';
import { ACTIVE } from './store.js';
import { workerPresence, type Presence } from './workers.js';

export interface QueuedJob {
  job_id: string;
  owner: string;
  /** input.ndjson, relative to DATA_DIR. */
  input: string;
}

export interface JobQueue {
  enqueue(job: QueuedJob): Promise<void>;
  /** Drops a job that has not started; a running one stops at its next batch by itself. */
  discard(jobId: string): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /** Who runs the jobs: worker processes seen lately, or the gateway itself. */
  workers(): Promise<Presence>;
  close(): Promise<void>;
}

/** BullMQ options shared by the gateway's adds: retries resume from the last saved batch. */
export const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 7 * 86400 },
};

/**
 * The gateway's side of the BullMQ queue, on the gateway's own client
 * (BullMQ shares it: a producer needs no connection of its own).
 */
export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;

  constructor(private readonly connection: Redis) {
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
    this.queue.on('error', () => undefined); // the client reconnects; requests fail fast meanwhile
  }

  /** BullMQ waits, without limit, for a client that never connected: fail instead. */
  private connected(): void {
    if (!isConnected(this.connection)) throw new RedisUnavailableError();
  }

  async enqueue(job: QueuedJob): Promise<void> {
    this.connected();
    await this.queue.add('render', job, { ...JOB_OPTIONS, jobId: job.job_id });
  }

  async discard(jobId: string): Promise<void> {
    this.connected();
    await this.queue.remove(jobId).catch(() => 0);
  }

  async depth(): Promise<number> {
    this.connected();
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async workers(): Promise<Presence> {
    this.connected();
    return workerPresence(this.connection);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface InProcessOptions {
  concurrency: number;
  /** Whole-job tries; each resumes from the last saved batch. */
  attempts: number;
  backoffMs: number;
  log?: (msg: string, err?: unknown) => void;
}

export class InProcessQueue implements JobQueue {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly opts: InProcessOptions,
  ) {}

  async enqueue(job: QueuedJob): Promise<void> {
    if (this.waiting.includes(job.job_id) || this.running.has(job.job_id)) return;
    this.waiting.push(job.job_id);
    this.pump();
  }

  async discard(jobId: string): Promise<void> {
    const i = this.waiting.indexOf(jobId);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.running.size;
  }

  /** The gateway runs its jobs itself: one worker, always there. */
  async workers(): Promise<Presence> {
    return { live: 1, lastSeenMs: 0 };
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.opts.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      const p = this.run(id).finally(() => {
        this.running.delete(id);
        this.pump();
      });
      this.running.set(id, p);
    }
  }

  private async run(id: string): Promise<void> {
    const stopping = () => this.closing;
    // A missing file stays missing: the job fails at once rather than after every try.
    let hopeless = false;
    try {
      await retry(() => runJob(id, { ...this.ctx, shouldStop: stopping }), {
        attempts: this.opts.attempts,
        backoffMs: this.opts.backoffMs,
        shouldStop: () => stopping() || hopeless,
        onError: (err, attempt) => {
          hopeless = isMissingFile(err);
          this.opts.log?.(`bulk job ${id} attempt ${attempt} failed`, err);
        },
      });
    } catch (err) {
      // Closing: the job stays queued or processing and resumes at the next start.
      if (this.closing) return;
      // The owner gets a code and a sentence; the cause (a path, a library's words) was logged above.
      const patch = { status: 'failed' as const, error: classifyFailure(err), finished_at: new Date().toISOString() };
      await this.ctx.store.transition(id, ACTIVE, patch).catch(() => false);
    }
  }

  /** Stops taking jobs; running ones stop after their current batch and resume on the next start. */
  async close(): Promise<void> {
    this.closing = true;
    this.waiting.length = 0;
    await Promise.all(this.running.values());
  }
}
