/**
 * Periodic clean-up (an unref'd timer): finished jobs older than
 * RESULT_TTL_DAYS lose their record and files, and staging directories or job
 * directories without a record (an upload cut off by a crash) go after an hour.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isJobId, jobDir, jobsRoot, tmpRoot } from './paths.js';
import { TERMINAL, type JobStore } from './store.js';

const ORPHAN_AGE_MS = 3_600_000;

export async function cleanupOnce(
  store: JobStore,
  dataDir: string,
  ttlDays: number,
  now = Date.now(),
): Promise<number> {
  const cutoff = now - ttlDays * 86_400_000;
  let removed = 0;
  const known = new Set<string>();
  for (const rec of await store.all()) {
    const stamp = Date.parse(rec.finished_at ?? rec.created_at);
    if (TERMINAL.includes(rec.status) && stamp < cutoff) {
      await store.remove(rec.job_id);
      await rm(jobDir(dataDir, rec.job_id), { recursive: true, force: true });
      removed++;
    } else known.add(rec.job_id);
  }
  const old = async (path: string) => (await stat(path).catch(() => undefined))?.mtimeMs ?? now;
  for (const name of await readdir(tmpRoot(dataDir)).catch(() => [] as string[])) {
    const path = join(tmpRoot(dataDir), name);
    if ((await old(path)) < now - ORPHAN_AGE_MS) await rm(path, { recursive: true, force: true });
  }
  for (const name of await readdir(jobsRoot(dataDir)).catch(() => [] as string[])) {
    if (!isJobId(name) || known.has(name)) continue;
    const path = join(jobsRoot(dataDir), name);
    if ((await old(path)) < now - ORPHAN_AGE_MS && !(await store.get(name))) {
      await rm(path, { recursive: true, force: true });
    }
  }
  return removed;
}

/** Runs `cleanupOnce` now and every `intervalMs`; the timer never keeps the process alive. */
export function startCleanup(
  store: JobStore,
  dataDir: string,
  ttlDays: number,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    cleanupOnce(store, dataDir, ttlDays)
      .catch(onError)
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
