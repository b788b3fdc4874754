/** Sign-in: the key is checked against the API once, then kept for this tab (session.ts). */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { useTitle } from '../hooks';
import { setKey } from '../session';

export function SignIn({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn: () => void }): JSX.Element {
  useTitle('Sign in');
  const [key, setKeyText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const given = key.trim();
    if (!given) return setError('Enter your API key.');
    setBusy(true);
    setError(null);
    try {
      await request('/api/bulk/stats', {}, given);
      setKey(given);
      onSignedIn();
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      setError(
        status === 401
          ? 'That API key was not accepted. Check it and try again.'
          : `Could not sign in: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <form onSubmit={submit} class="card" noValidate>
        <h1>batchcode</h1>
        <p>Barcodes and QR codes, one at a time or by the thousand.</p>
        {notice && (
          <p class="banner warn" role="status">
            {notice}
          </p>
        )}
        <div class={error ? 'field invalid' : 'field'}>
          <label for="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={key}
            aria-describedby="api-key-hint"
            aria-invalid={error ? true : undefined}
            onInput={(e) => setKeyText(e.currentTarget.value)}
          />
          <p class="hint" id="api-key-hint">
            Kept in this tab only, and sent as the x-api-key header.
          </p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
