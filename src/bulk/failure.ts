/**
 * Why a job failed, as its owner sees it: a stable code and a sentence. The
 * cause itself (a file path, a library's message) names the server's insides,
 * so it goes to the log of the process that ran the job, never to the caller.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The codes of a failed job's `error`, each with the sentence its owner reads. */
export const JOB_ERRORS = {
  STORAGE_UNAVAILABLE:
    "the job's files could not be read or written in the server's data directory (DATA_DIR); the server's log has the details",
  WORKER_LOST:
    'the worker running the job stopped (crashed or was killed) several times; retry the rows with POST /api/jobs/:id/retry',
  INTERNAL: "the job failed on the server; the server's log has the details",
} as const;

export type JobErrorCode = keyof typeof JOB_ERRORS;
export const JOB_ERROR_CODES = Object.keys(JOB_ERRORS) as JobErrorCode[];

export const JobError = Type.Object(
  {
    code: Type.Union(
      JOB_ERROR_CODES.map((c) => Type.Literal(c)),
      { description: 'Stable: scripts may branch on it.' },
    ),
    message: Type.String({ description: 'What happened, for a person; never a path or a library message.' }),
  },
  { title: 'JobError' },
);
export type JobError = Static<typeof JobError>;

export const jobError = (code: JobErrorCode): JobError => ({ code, message: JOB_ERRORS[code] });

/** File-system error codes: the data directory cannot serve the job's files. */
const STORAGE_CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'EIO',
  'ENOSPC',
  'EDQUOT',
  'EMFILE',
  'ENFILE',
  'ESTALE',
]);

/** The `code` of `err` or of the error it wraps (`cause`). */
function errnoOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A file that is not there: another try will not bring it back (the job's
 * directory was removed, or this process looks in another DATA_DIR), so the
 * job fails at once instead of after every retry.
 */
export function isMissingFile(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** BullMQ's words for a job whose worker vanished more often than `maxStalledCount` allows. */
const STALLED = /stalled more than allowable limit/i;

/** What a job's owner is told about `err`; the caller logs `err` itself. */
export function classifyFailure(err: unknown): JobError {
  const code = errnoOf(err);
  if (code && STORAGE_CODES.has(code)) return jobError('STORAGE_UNAVAILABLE');
  if (err instanceof Error && STALLED.test(err.message)) return jobError('WORKER_LOST');
  return jobError('INTERNAL');
}
