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

/** `{ 400: ErrorResponse, 401: ErrorResponse, ... }` for a route's `response` schema. */
export function errorResponses<C extends number>(...codes: C[]): Record<C, typeof ErrorResponse> {
  return Object.fromEntries(codes.map((c) => [c, ErrorResponse])) as Record<C, typeof ErrorResponse>;
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
