/**
 * Following one job live (GET /api/jobs/:id/events). The job store tells of
 * each change of the job (`JobStore.watch`: an in-memory event in in-process
 * mode, Redis pub/sub from whichever process made it in Redis mode); each is
 * answered by reading that one job again, one read at a time (changes during
 * a read make one more read after it, however many they were), and an event
 * goes out only when what GET /api/jobs/:id would answer changed. The job
 * list is never read. The watch ends by itself when the job ends or goes,
 * and when changes can no longer be learned (Redis lost).
 */
import { statusView, type BulkDeps } from './jobs.js';
import type { JobDeleted, JobEvent, JobEventName, JobView } from './schema.js';
import { TERMINAL } from './store.js';

/** Where a watch's events go. */
export interface JobEventSink {
  event(name: JobEventName, data: JobEvent | JobDeleted): void;
  /** The watch is over (the job ended or went, changes were lost, or it was stopped): nothing follows. */
  end(): void;
}

export interface JobWatch {
  /** Stops watching and ends the sink; once is enough, more is harmless. */
  stop(): void;
}

export interface WatchOptions {
  /** A read that failed mid-watch (the watch then ends). */
  onError?: (err: unknown) => void;
  now?: () => number;
}

/** `v` with its pace: rows per second since it started (until it finished), and the seconds left at that pace. */
export function withPace(v: JobView, now: number): JobEvent {
  const started = v.started_at === null ? NaN : Date.parse(v.started_at);
  if (!Number.isFinite(started)) return { ...v, rows_per_second: null, eta_seconds: null };
  const finished = v.finished_at === null ? NaN : Date.parse(v.finished_at);
  const until = Number.isFinite(finished) ? finished : now;
  const rate = v.processed / (Math.max(until - started, 1) / 1000);
  let eta: number | null = null;
  if (v.status === 'completed') eta = 0;
  else if (v.status === 'processing' && rate > 0) eta = Math.ceil(Math.max(v.total_rows - v.processed, 0) / rate);
  return { ...v, rows_per_second: Math.round(rate * 100) / 100, eta_seconds: eta };
}

/**
 * Watches the owner's job `id` (the caller has checked it is theirs): its
 * current state is the first event, sent before this resolves; a job already
 * finished gets its terminal event and the watch ends at once. Rejects, with
 * nothing sent, when the watch cannot start (Redis unreachable).
 */
export async function watchJob(
  deps: BulkDeps,
  owner: string,
  id: string,
  sink: JobEventSink,
  opts: WatchOptions = {},
): Promise<JobWatch> {
  const now = opts.now ?? Date.now;
  let over = false;
  let reading = false;
  let again = false;
  let last: string | undefined;
  // Assigned once the watch starts; `finish` may run before (a change read during the first read).
  // eslint-disable-next-line prefer-const
  let unwatch: (() => void) | undefined;

  const finish = () => {
    if (over) return;
    over = true;
    unwatch?.();
    sink.end();
  };

  const read = async (): Promise<JobView | undefined> => {
    const rec = await deps.store.get(id);
    return rec && rec.owner === owner ? statusView(deps, rec) : undefined;
  };

  const apply = (v: JobView | undefined): void => {
    if (over) return;
    if (!v) {
      sink.event('deleted', { job_id: id, deleted: true });
      finish();
      return;
    }
    const terminal = TERMINAL.includes(v.status);
    const key = JSON.stringify(v);
    if (key !== last) {
      last = key;
      sink.event(terminal ? (v.status as JobEventName) : 'progress', withPace(v, now()));
    }
    if (terminal) finish();
  };

  const refresh = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        apply(await read());
      } while (again && !over);
    } catch (err) {
      if (!over) opts.onError?.(err);
      finish();
    } finally {
      reading = false;
    }
  };

  // Watch first, then read: a change made between the two is read too, never missed.
  reading = true;
  unwatch = await deps.store.watch(id, {
    changed: () => void refresh(),
    lost: () => finish(),
  });
  try {
    apply(await read());
  } catch (err) {
    over = true;
    unwatch();
    throw err;
  }
  reading = false;
  if (again && !over) void refresh();
  return { stop: finish };
}
