/**
 * The shell: sign-in until a key is given, then a header with the pages and
 * the page the hash names (#/generate, #/bulk, #/jobs, #/jobs/<id>, #/codes,
 * #/codes/<id>). A 429 from any call shows a banner counting down to when to
 * retry; a 401 after sign-in (the key was revoked) asks for a key again.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onRefusal, type ApiError } from './api';
import { RateLimited } from './components/rate-limited';
import { Bulk } from './pages/bulk';
import { CodeDetail, Codes } from './pages/codes';
import { Generate } from './pages/generate';
import { JobDetail } from './pages/job';
import { Jobs } from './pages/jobs';
import { SignIn } from './pages/sign-in';
import { clearKey, getKey } from './session';

const NAV = [
  ['generate', 'Generate'],
  ['bulk', 'Bulk'],
  ['jobs', 'Jobs'],
  ['codes', 'Dynamic codes'],
] as const;

function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

function page([name, id]: string[]): JSX.Element {
  if (name === 'bulk') return <Bulk />;
  if (name === 'jobs') return id ? <JobDetail id={id} /> : <Jobs />;
  if (name === 'codes') return id ? <CodeDetail id={id} /> : <Codes />;
  return <Generate />;
}

export function App(): JSX.Element {
  const [signedIn, setSignedIn] = useState(() => getKey() !== null);
  const [expired, setExpired] = useState(false);
  const [limited, setLimited] = useState<ApiError | null>(null);
  const route = useRoute();

  useEffect(
    () =>
      onRefusal((error) => {
        if (error.status === 429) setLimited(error);
        else if (getKey() !== null) {
          clearKey();
          setExpired(true);
          setSignedIn(false);
        }
      }),
    [],
  );

  if (!signedIn) {
    return (
      <SignIn
        notice={expired ? 'The API key was refused: it may have been revoked. Enter a key again.' : undefined}
        onSignedIn={() => {
          setExpired(false);
          setSignedIn(true);
        }}
      />
    );
  }
  const current = route[0] ?? 'generate';
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">batchcode</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map(([name, text]) => (
              <li key={name}>
                <a href={`#/${name}`} aria-current={current === name ? 'page' : undefined}>
                  {text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="ghost"
          onClick={() => {
            clearKey();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {limited && <RateLimited error={limited} onDone={() => setLimited(null)} />}
        {page(route)}
      </main>
    </>
  );
}
