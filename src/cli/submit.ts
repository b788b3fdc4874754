/**
 * `batchcode submit`: the input sent to a gateway's bulk API, the job
 * followed until it ends, the results downloaded. The file goes as it is;
 * the server detects its format and checks its rows, as for any upload.
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Accepted, BulkOptions, JobView } from '../bulk/schema.js';
import { CliError, EXIT } from './errors.js';
import type { Progress } from './progress.js';

export interface SubmitRun {
  input: { path: string; name: string };
  server: string;
  key: string;
  options: BulkOptions;
  wait: boolean;
  /** Where to download the results: a .zip, or a .csv for the report alone. */
  output?: string;
  pollMs: number;
  progress: Progress;
}

export interface SubmitSummary {
  job_id: string;
  status: string;
  total_rows: number;
  invalid_rows: number;
  successful?: number;
  failed?: number;
  output?: string;
  input_format?: string;
}

const TERMINAL = ['completed', 'failed', 'cancelled'];

function apiUrl(server: string, path: string): string {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL such as http://localhost:3000; got "${server}"`);
  }
  return new URL(path, base.href.endsWith('/') ? base.href : `${base.href}/`).href;
}

/** One request, with the server's own message when it refuses, and a wait when it asks for one (429, 503). */
async function call(run: SubmitRun, path: string, init: RequestInit = {}, retries = 5): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(apiUrl(run.server, path), { ...init, headers: { 'x-api-key': run.key, ...init.headers } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach ${run.server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      EXIT.failed,
    );
  }
  if (res.ok) return res;
  const retryAfter = Number(res.headers.get('retry-after'));
  if ((res.status === 429 || res.status === 503) && retries > 0 && !init.body) {
    await sleep(Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000, 30_000));
    return call(run, path, init, retries - 1);
  }
  const text = await res.text();
  let message = text.slice(0, 500);
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // Not JSON: the text as it came.
  }
  // The server refused what we sent (the input, the options, the key): fix the command; else it failed.
  const exit = res.status >= 400 && res.status < 500 && res.status !== 429 ? EXIT.usage : EXIT.failed;
  throw new CliError(`${res.status} from ${path}: ${message}`, exit);
}

async function upload(run: SubmitRun): Promise<Accepted> {
  const form = new FormData();
  const blob = await openAsBlob(run.input.path);
  form.append('file', blob, basename(run.input.name === 'stdin' ? 'stdin' : run.input.path));
  form.append('options', JSON.stringify(run.options));
  const res = await call(run, 'api/bulk/upload', { method: 'POST', body: form });
  return (await res.json()) as Accepted;
}

async function follow(run: SubmitRun, id: string): Promise<JobView> {
  for (;;) {
    const job = (await (await call(run, `api/jobs/${encodeURIComponent(id)}`)).json()) as JobView;
    const counts = { done: job.processed, failed: job.failed, total: job.total_rows };
    if (TERMINAL.includes(job.status)) {
      run.progress.stop(counts);
      return job;
    }
    run.progress.update(counts);
    await sleep(run.pollMs);
  }
}

async function download(run: SubmitRun, id: string, output: string, partial: boolean): Promise<void> {
  const format = /\.csv$/i.test(output) ? 'csv' : 'zip';
  const res = await call(run, `api/jobs/${encodeURIComponent(id)}/results?format=${format}`);
  if (!res.body) throw new CliError('the server sent no results', EXIT.failed);
  const tmp = `${output}.${process.pid}.part`;
  await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(tmp));
  await rename(tmp, output);
  if (partial) process.stderr.write(`batchcode: the job stopped early: ${output} holds the rows it rendered\n`);
}

export async function runSubmit(run: SubmitRun): Promise<SubmitSummary> {
  const accepted = await upload(run);
  const summary: SubmitSummary = {
    job_id: accepted.job_id,
    status: accepted.status,
    total_rows: accepted.total_rows,
    invalid_rows: accepted.invalid_rows.length,
    ...(accepted.input_format ? { input_format: accepted.input_format } : {}),
  };
  if (!run.wait && !run.output) return summary;
  const job = await follow(run, accepted.job_id);
  Object.assign(summary, { status: job.status, successful: job.successful, failed: job.failed });
  if (run.output && (job.status === 'completed' || job.partial)) {
    await download(run, job.job_id, run.output, job.status !== 'completed');
    summary.output = run.output;
  }
  if (job.status !== 'completed' && job.error) {
    process.stderr.write(`batchcode: job ${job.job_id} ${job.status}: ${job.error.code}: ${job.error.message}\n`);
  }
  return summary;
}
