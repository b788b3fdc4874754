/**
 * Dynamic codes: the list (search and state filter, a page at a time), and
 * one code's page: its image, its destination to edit, enable or disable,
 * and its scans per day over the last 30 days.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CodeList, CodeStats, DynamicCode } from '../../codes/schema';
import { getJson, request, sendJson } from '../api';
import { Alert } from '../components/alert';
import { ScansChart } from '../components/chart';
import { Pager } from '../components/pager';
import { count, when } from '../format';
import { useDebounced, useLoad, useTitle } from '../hooks';

const PAGE_SIZE = 20;
const STATS_DAYS = 30;
const SEARCH_DELAY_MS = 250;

export function Codes(): JSX.Element {
  useTitle('Dynamic codes');
  const [text, setText] = useState('');
  const [enabled, setEnabled] = useState('');
  const [page, setPage] = useState(1);
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const query = new URLSearchParams({
    page: String(page),
    limit: String(PAGE_SIZE),
    ...(q ? { q } : {}),
    ...(enabled ? { enabled } : {}),
  });
  const list = useLoad((signal) => getJson<CodeList>(`/api/codes?${query}`, { signal }), [q, enabled, page]);

  return (
    <div>
      <h1>Dynamic codes</h1>
      <p class="muted">Codes whose destination can change after printing. Bulk jobs of type dynamic make them.</p>
      <div class="toolbar">
        <div class="field inline grow">
          <label for="code-search">Search</label>
          <input
            id="code-search"
            type="search"
            placeholder="Title, slug or destination"
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setPage(1);
            }}
          />
        </div>
        <div class="field inline">
          <label for="code-state">State</label>
          <select
            id="code-state"
            value={enabled}
            onChange={(e) => {
              setEnabled(e.currentTarget.value);
              setPage(1);
            }}
          >
            <option value="">All</option>
            <option value="true">Enabled</option>
            <option value="false">Disabled</option>
          </select>
        </div>
      </div>
      <Alert text={list.error} />
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Dynamic codes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Short link</th>
              <th scope="col">Destination</th>
              <th scope="col">Scans</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.codes.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`#/codes/${encodeURIComponent(c.id)}`}>{c.title || c.slug}</a>
                </td>
                <td class="mono">{c.slug}</td>
                <td class="url">{c.destination_url}</td>
                <td>{count(c.scans)}</td>
                <td>{c.enabled ? 'enabled' : 'disabled'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.codes.length === 0 && <p class="muted">No codes found.</p>}
      </div>
      {list.data && <Pager pagination={list.data.pagination} onPage={setPage} />}
    </div>
  );
}

function CodeImage({ id, version }: { id: string; version: string }): JSX.Element {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    const controller = new AbortController();
    request(`/api/codes/${encodeURIComponent(id)}/image?format=svg&width=240`, { signal: controller.signal })
      .then((res) => res.blob())
      .then((blob) => setUrl((made = URL.createObjectURL(blob))))
      .catch(() => undefined);
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [id, version]);
  return (
    <div class="code-image">{url ? <img src={url} alt="The code's QR image" width={240} height={240} /> : null}</div>
  );
}

export function CodeDetail({ id }: { id: string }): JSX.Element {
  const path = `/api/codes/${encodeURIComponent(id)}`;
  const code = useLoad((signal) => getJson<DynamicCode>(path, { signal }), [id]);
  const from = new Date(Date.now() - (STATS_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const stats = useLoad((signal) => getJson<CodeStats>(`${path}/stats?interval=day&from=${from}`, { signal }), [id]);
  const [current, setCurrent] = useState<DynamicCode | null>(null);
  const [destination, setDestination] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useTitle(current ? current.title || current.slug : 'Dynamic code');

  useEffect(() => {
    if (code.data) {
      setCurrent(code.data);
      setDestination(code.data.destination_url);
    }
  }, [code.data]);

  const patch = async (body: Partial<DynamicCode>, done: string) => {
    setError(null);
    setSaved(null);
    try {
      const next = await sendJson<DynamicCode>(path, body, 'PATCH');
      setCurrent(next);
      setDestination(next.destination_url);
      setSaved(done);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (code.error && !current) {
    return <Alert text={code.error} />;
  }
  return (
    <div>
      <p class="crumbs">
        <a href="#/codes">Dynamic codes</a> / <span class="mono">{current?.slug ?? id}</span>
      </p>
      <h1>{current ? current.title || current.slug : 'Dynamic code'}</h1>
      {current && (
        <div class="split">
          <section class="card">
            <CodeImage id={id} version={current.short_url} />
            <dl class="times">
              <dt>Short link</dt>
              <dd class="mono">{current.short_url}</dd>
              <dt>Scans</dt>
              <dd>{count(current.scans)}</dd>
              <dt>Updated</dt>
              <dd>{when(current.updated_at)}</dd>
              <dt>State</dt>
              <dd data-testid="code-state">{current.enabled ? 'enabled' : 'disabled'}</dd>
            </dl>
            <button
              type="button"
              class={current.enabled ? 'ghost danger-text' : ''}
              onClick={() =>
                void patch(
                  { enabled: !current.enabled },
                  current.enabled ? 'The code is disabled.' : 'The code is enabled.',
                )
              }
            >
              {current.enabled ? 'Disable code' : 'Enable code'}
            </button>
          </section>
          <section class="card">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void patch({ destination_url: destination.trim() }, 'Destination saved: scans go there from now on.');
              }}
            >
              <div class={error ? 'field invalid' : 'field'}>
                <label for="destination">Destination</label>
                <input
                  id="destination"
                  type="url"
                  value={destination}
                  aria-invalid={error ? true : undefined}
                  aria-describedby="destination-hint"
                  onInput={(e) => setDestination(e.currentTarget.value)}
                />
                <p class="hint" id="destination-hint">
                  Where the printed code leads: an absolute http(s) URL.
                </p>
                {error && (
                  <p class="error" role="alert">
                    {error}
                  </p>
                )}
              </div>
              <button type="submit" disabled={destination.trim() === current.destination_url}>
                Save destination
              </button>
              {saved && (
                <p class="ok" role="status">
                  {saved}
                </p>
              )}
            </form>
            <h2>Scans, last {STATS_DAYS} days</h2>
            {stats.data ? (
              <>
                <ScansChart series={stats.data.series} />
                <p>
                  {count(stats.data.total)} scans, {count(stats.data.unique)} unique visitors, {count(stats.data.bots)}{' '}
                  bots.
                </p>
              </>
            ) : (
              <div class="chart placeholder" />
            )}
          </section>
        </div>
      )}
    </div>
  );
}
