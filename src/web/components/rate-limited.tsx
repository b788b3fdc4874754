/** The banner a 429 brings up: the API's message and a countdown to when calls are taken again. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api';

const DEFAULT_WAIT_S = 10;

export function RateLimited({ error, onDone }: { error: ApiError; onDone: () => void }): JSX.Element {
  const [left, setLeft] = useState(error.retryAfter ?? DEFAULT_WAIT_S);
  useEffect(() => {
    setLeft(error.retryAfter ?? DEFAULT_WAIT_S);
    const timer = setInterval(() => setLeft((s) => s - 1), 1000);
    return () => clearInterval(timer);
  }, [error]);
  useEffect(() => {
    if (left <= 0) onDone();
  }, [left, onDone]);
  return (
    <div class="banner warn" role="alert">
      <strong>Rate limit reached.</strong> {error.message}.{' '}
      <span class="retry">You can retry in {Math.max(left, 0)} s.</span>
    </div>
  );
}
