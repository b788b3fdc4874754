import type { JSX } from 'preact';

/** An error the page cannot put beside a field, announced to screen readers; nothing when there is none. */
export const Alert = ({ text, testId }: { text: string | null | undefined; testId?: string }): JSX.Element | null =>
  text ? (
    <p class="banner bad" role="alert" data-testid={testId}>
      {text}
    </p>
  ) : null;
