/**
 * What the bulk service refuses, as domain errors with messages safe to show
 * the caller. The gateway maps each class to its HTTP status at its edge.
 */

/** Why an upload is refused: bad input, or more bytes than MAX_UPLOAD_BYTES. */
export type InputProblem = 'invalid' | 'too-large';

/** The upload (file, options or rows) cannot become a job; nothing was queued or kept. */
export class BulkInputError extends Error {
  constructor(
    readonly kind: InputProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BulkInputError';
  }
}

export const uploadTooLarge = (limit: number) =>
  new BulkInputError('too-large', `upload too large: at most ${limit} bytes per file (MAX_UPLOAD_BYTES)`);

/** No such job for this caller: another key's job is reported exactly like a missing one. */
export class JobNotFound extends Error {
  constructor(id: string) {
    super(`job ${id.slice(0, 64)} not found`);
    this.name = 'JobNotFound';
  }
}

/** The job exists but its status does not allow the request (cancel a finished job, results before completion). */
export class JobConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConflict';
  }
}
