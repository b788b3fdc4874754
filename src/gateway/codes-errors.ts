/** The dynamic-code service's errors as HTTP answers: the one place their statuses are chosen. */
import { AliasTaken, CodeInputError, CodeNotFound } from '../codes/errors.js';
import { HttpError } from './errors.js';

/** `err` as an HttpError when it is one of the service's, else unchanged. */
export function codesHttpError(err: unknown): unknown {
  if (err instanceof CodeInputError) return new HttpError(400, err.message);
  if (err instanceof CodeNotFound) return new HttpError(404, err.message);
  if (err instanceof AliasTaken) return new HttpError(409, err.message);
  return err;
}
