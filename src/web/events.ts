/**
 * Reads a Server-Sent Events stream with fetch, since EventSource cannot send
 * the x-api-key header. Calls `onEvent` for each event; resolves when the
 * server ends the stream, rejects on an error answer (an `ApiError`).
 */
import { request } from './api';

export interface StreamEvent {
  event: string;
  data: string;
}

export async function readEvents(path: string, onEvent: (e: StreamEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await request(path, { headers: { accept: 'text/event-stream' }, signal });
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      // A block of comments only is a heartbeat.
      if (data.length > 0) onEvent({ event, data: data.join('\n') });
    }
  }
}
