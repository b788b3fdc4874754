/**
 * One job: its status, followed live through GET /api/jobs/:id/events (read
 * with fetch, reconnecting after a dropped stream until the job ends), and
 * what can be done with it: cancel, retry the rows that did not render,
 * download the ZIP, the CSV report and label sheets, delete.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { JobView, Retried } from '../../bulk/schema';
import { ApiError, download, getJson, request, sendJson } from '../api';
import { Alert } from '../components/alert';
import { JobProgress, type Live } from '../components/progress';
import { StatusBadge } from '../components/status';
import { readEvents } from '../events';
import { when } from '../format';
import { useTitle } from '../hooks';

const ACTIVE = new Set(['queued', 'processing']);
const RECONNECT_MS = 3000;

export function JobDetail({ id }: { id: string }): JSX.Element {
  useTitle(`Job ${id.slice(0, 8)}`);
  const [job, setJob] = useState<JobView | null>(null);
  const [live, setLive] = useState<Live>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleted, setDeleted] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const follow = async () => {
      for (;;) {
        try {
          let ended = false;
          await readEvents(
            `/api/jobs/${encodeURIComponent(id)}/events`,
            ({ event, data }) => {
              if (event === 'deleted') {
                ended = true;
                setDeleted(true);
                return;
              }
              const view = JSON.parse(data) as JobView & Live;
              const { rows_per_second, eta_seconds, ...rest } = view;
              setJob(rest as JobView);
              setLive({ rows_per_second, eta_seconds });
              if (!ACTIVE.has(view.status)) ended = true;
            },
            signal,
          );
          setError(null);
          if (ended || signal.aborted) return;
        } catch (err) {
          if (signal.aborted) return;
          if (err instanceof ApiError && err.status === 404) return setError('There is no such job for this key.');
          setError(`Live progress paused: ${(err as Error).message}. Reconnecting…`);
        }
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
        if (signal.aborted) return;
      }
    };
    void follow();
    return () => controller.abort();
  }, [id]);

  const act = async (fn: () => Promise<void>) => {
    setNotice(null);
    try {
      await fn();
    } catch (err) {
      setNotice((err as Error).message);
    }
  };
  const path = `/api/jobs/${encodeURIComponent(id)}`;
  const cancel = () =>
    act(async () => {
      setJob(await sendJson<JobView>(`${path}/cancel`, {}));
    });
  const retry = () =>
    act(async () => {
      const next = await sendJson<Retried>(`${path}/retry`, {});
      location.hash = `#/jobs/${next.job_id}`;
    });
  const remove = () =>
    act(async () => {
      await request(path, { method: 'DELETE' });
      setDeleted(true);
    });
  const refresh = () => act(async () => setJob(await getJson<JobView>(path)));

  if (deleted) {
    return (
      <div>
        <h1>Job deleted</h1>
        <p role="status">The job and its files are gone.</p>
        <p>
          <a href="#/jobs">Back to the jobs</a>
        </p>
      </div>
    );
  }
  const active = job ? ACTIVE.has(job.status) : false;
  const finished = job !== null && !active;
  return (
    <div>
      <p class="crumbs">
        <a href="#/jobs">Jobs</a> / <span class="mono">{id}</span>
      </p>
      <h1>
        Job <span class="mono">{id.slice(0, 8)}</span> {job && <StatusBadge status={job.status} />}
      </h1>
      {error && (
        <p class="banner warn" role="status">
          {error}
        </p>
      )}
      {job && (
        <section class="card" aria-label="Progress">
          <JobProgress job={job} live={live} />
          {job.warning && <p class="banner warn">{job.warning}</p>}
          <Alert text={job.error && `${job.error.code}: ${job.error.message}`} />
          <dl class="times">
            <dt>Created</dt>
            <dd>{when(job.created_at)}</dd>
            <dt>Started</dt>
            <dd>{when(job.started_at)}</dd>
            <dt>Finished</dt>
            <dd>{when(job.finished_at)}</dd>
          </dl>
        </section>
      )}
      {job && (
        <div class="actions" role="group" aria-label="Job actions">
          {active && (
            <button type="button" class="danger" onClick={() => void cancel()}>
              Cancel job
            </button>
          )}
          {finished && (
            <>
              <button
                type="button"
                onClick={() => void act(() => download(`${path}/results?format=zip`, `job-${id}.zip`))}
              >
                Download ZIP
              </button>
              <button
                type="button"
                onClick={() => void act(() => download(`${path}/results?format=csv`, `job-${id}.csv`))}
              >
                Download CSV report
              </button>
              <button
                type="button"
                class="ghost"
                onClick={() => void act(() => download(`${path}/labels`, `job-${id}-labels.pdf`))}
              >
                Label sheets (PDF)
              </button>
              {(job.failed > 0 || job.processed < job.total_rows) && (
                <button type="button" class="ghost" onClick={() => void retry()}>
                  Retry rows that did not render
                </button>
              )}
            </>
          )}
          <button type="button" class="ghost" onClick={() => void refresh()}>
            Refresh
          </button>
          {confirmDelete ? (
            <button type="button" class="danger" onClick={() => void remove()}>
              Confirm: delete job and files
            </button>
          ) : (
            <button type="button" class="ghost danger-text" onClick={() => setConfirmDelete(true)}>
              Delete job
            </button>
          )}
        </div>
      )}
      <Alert text={notice} />
    </div>
  );
}
