/**
 * Every call the app makes to the gateway: the key goes in the x-api-key
 * header, and an error answer becomes an `ApiError` with the API's message
 * (which names the field, row or limit). A 429 and a 401 are also announced
 * to the shell (app.tsx), which shows when to retry, or asks for the key again.
 */
import { getKey } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();

/** Hears every 401 and 429; returns the unsubscribe. */
export function onRefusal(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON (a proxy's page): the status line says enough.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export async function request(path: string, init: RequestInit = {}, key = getKey()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('x-api-key', key);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ApiError(0, 'The server cannot be reached: check the connection and try again.');
  }
  if (res.ok) return res;
  const error = await errorOf(res);
  if (res.status === 401 || res.status === 429) for (const l of listeners) l(error);
  throw error;
}

export async function getJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await request(path, init)).json() as Promise<T>;
}

export async function sendJson<T>(path: string, body: unknown, method = 'POST', init: RequestInit = {}): Promise<T> {
  const res = await request(path, {
    ...init,
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The file name a Content-Disposition header gives, if any. */
function attachmentName(res: Response): string | undefined {
  return /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Fetches with the key (a link cannot send it) and saves what comes back. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await request(path);
  saveBlob(await res.blob(), attachmentName(res) ?? fallbackName);
}
