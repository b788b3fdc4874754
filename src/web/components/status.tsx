import type { JSX } from 'preact';

/** A status word in its colour (the word itself carries the meaning). */
export const StatusBadge = ({ status }: { status: string }): JSX.Element => (
  <span class={`badge ${status}`} data-testid="status">
    {status}
  </span>
);
