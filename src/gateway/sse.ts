/**
 * Server-Sent Events framing: a readable stream of a `retry:` line, numbered
 * events and heartbeat comments, for `reply.send` (so the onSend hooks, such
 * as x-request-id, CORS and security headers, run as for any answer).
 */
import { PassThrough } from 'node:stream';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx would otherwise hold the events back in its buffer.
  'x-accel-buffering': 'no',
} as const;

/** How long a client waits before it reconnects to a stream that ended (the `retry:` field). */
export const SSE_RETRY_MS = 3000;

export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** One event; JSON holds no raw line break, so the data is one `data:` line. */
export function sseEvent(name: string, data: unknown, id?: number): string {
  return `event: ${name}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

export interface SseStream {
  /** What the reply sends. */
  readonly stream: PassThrough;
  /** Writes an event, numbered from 1; nothing once the stream is over. */
  event(name: string, data: unknown): void;
  /** Ends the stream after what is written; the heartbeat stops. */
  end(): void;
}

/** A stream that starts with `retry:` and carries a heartbeat comment every `heartbeatMs` until it is over. */
export function sseStream(heartbeatMs: number, retryMs = SSE_RETRY_MS): SseStream {
  const stream = new PassThrough();
  const open = () => !stream.writableEnded && !stream.destroyed;
  const write = (text: string) => {
    if (open()) stream.write(text);
  };
  let next = 0;
  write(`retry: ${retryMs}\n\n`);
  const timer = setInterval(() => write(SSE_HEARTBEAT), heartbeatMs);
  timer.unref();
  const stop = () => clearInterval(timer);
  // 'close' also when the reply destroys the stream because the client went away.
  stream.once('close', stop);
  return {
    stream,
    event: (name, data) => write(sseEvent(name, data, ++next)),
    end: () => {
      stop();
      if (open()) stream.end();
    },
  };
}
