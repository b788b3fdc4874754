/**
 * The one error shape every HTTP answer uses, `{ statusCode, error, message }`,
 * as a TypeBox schema for routes and OpenAPI, and an Error that carries it.
 */
import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({ description: 'The HTTP reason phrase.' }),
    message: Type.String({ description: 'What went wrong, naming the field or limit.' }),
  },
  { title: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** What each error status means on this API, as OpenAPI shows it (else every answer is "Default Response"). */
export const ERROR_MEANINGS = {
  400: 'The request is invalid: the message names the field, row or limit.',
  401: 'No API key, or a key that is not valid.',
  403: 'Refused: the credentials do not allow this (for example a tampered or expired signed URL).',
  404: 'No such resource for this API key (another key gets the same answer as a missing one).',
  405: 'The path exists but not with this method: the Allow header lists the methods it has.',
  409: "Conflicts with the resource's current state: the message says which.",
  412: 'If-None-Match matched: the client already has this image.',
  413: 'The body or upload is larger than the configured limit, which the message states.',
  415: 'The Content-Type is not one this route reads: the message says what to send.',
  422: 'Valid request, but the renderer cannot draw it (data too long, wrong check digit…).',
  429: "Rate limited: retry after the Retry-After header's seconds.",
  500: 'A fault on our side; details are in the server log, never in the answer.',
  503: 'A dependency (Redis, the database) is unavailable or a batch timed out: retry after Retry-After.',
} as const;

type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** `{ 400: ErrorResponse, 401: ErrorResponse, ... }` for a route's `response` schema, each status described. */
export function errorResponses<C extends ErrorStatus>(...codes: C[]): Record<C, typeof ErrorResponse> {
  return Object.fromEntries(
    codes.map((c) => [c, Type.Unsafe<ErrorResponse>({ ...ErrorResponse, description: ERROR_MEANINGS[c] })]),
  ) as Record<C, typeof ErrorResponse>;
}

/** An error whose message is safe to show the client, whatever its status. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly expose = true;
  readonly headers: Record<string, string>;
  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

export function errorBody(statusCode: number, message: string): ErrorResponse {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/**
 * The answer to an item the renderer refused: 400 for an option that does not apply to its type (a level
 * for Data Matrix, H for Micro QR), which the request should not have sent; 422 for data it cannot draw.
 */
export function renderRefusal(error: { code: string; message: string }): HttpError {
  return new HttpError(error.code === 'INVALID_OPTION' ? 400 : 422, `${error.code}: ${error.message}`);
}
