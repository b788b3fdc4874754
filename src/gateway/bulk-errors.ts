/** The bulk service's errors as HTTP answers: the one place their statuses are chosen. */
import { BulkInputError, JobConflict, JobNotFound, uploadTooLarge } from '../bulk/errors.js';
import type { BulkService } from '../bulk/service.js';
import { HttpError } from './errors.js';

/** Seconds a client should wait before retrying while Redis is away: the gateway reconnects every 2 s at most. */
export const RETRY_AFTER_S = 5;
export const REDIS_DOWN = `bulk jobs are unavailable: Redis cannot be reached; retry in ${RETRY_AFTER_S} s`;

/** `err` as an HttpError when it is one of the service's, else unchanged. */
export function bulkHttpError(err: unknown, service: BulkService): unknown {
  // Fastify's own bodyLimit (a direct request's JSON, whatever its transfer encoding): name the setting.
  if ((err as { code?: string } | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return bulkHttpError(uploadTooLarge(service.config.maxUploadBytes), service);
  }
  if (err instanceof BulkInputError) {
    // A body refused for its size may still be arriving: do not keep the connection to read the rest.
    return err.kind === 'too-large'
      ? new HttpError(413, err.message, { connection: 'close' })
      : new HttpError(400, err.message);
  }
  if (err instanceof JobNotFound) return new HttpError(404, err.message);
  if (err instanceof JobConflict) return new HttpError(409, err.message);
  // Every 503 says when to come back; the connection closes so an upload's unread body is not read to its end.
  if (service.unavailable(err)) {
    return new HttpError(503, REDIS_DOWN, { 'retry-after': String(RETRY_AFTER_S), connection: 'close' });
  }
  return err;
}
