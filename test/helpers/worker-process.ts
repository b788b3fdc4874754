/** A bulk worker in a process of its own (`src/bin/worker.ts`), with the harness's environment. */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Harness } from './bulk.js';

export type WorkerProcess = ChildProcess & { output: string };

export function spawnWorker(h: Harness): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    env: { ...process.env, ...h.env, WORKER_CONCURRENCY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as WorkerProcess;
  child.output = '';
  child.stdout!.on('data', (d) => (child.output += d));
  child.stderr!.on('data', (d) => (child.output += d));
  return child;
}

/** Resolves once the worker logged that it is ready; throws with its output when it exits or takes too long. */
export async function workerReady(child: WorkerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.output.includes('worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${child.output}`);
    await sleep(20);
  }
}
