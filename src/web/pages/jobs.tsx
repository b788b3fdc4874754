/** The key's jobs: the /api/bulk/stats figures, then the list by status, a page at a time. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { JobList, Stats } from '../../bulk/schema';
import { getJson } from '../api';
import { Alert } from '../components/alert';
import { Pager } from '../components/pager';
import { StatusBadge } from '../components/status';
import { count, when } from '../format';
import { useLoad, useTitle } from '../hooks';

const STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'];
const PAGE_SIZE = 20;

function Dashboard({ stats }: { stats: Stats }): JSX.Element {
  const tiles: [string, string][] = [
    ['Jobs', count(stats.total_jobs)],
    ['Running', count(stats.jobs.queued + stats.jobs.processing)],
    ['Codes rendered', count(stats.codes_rendered)],
    ['Failed rows', count(stats.failures)],
    ['Per code', `${stats.average_ms_per_code.toFixed(2)} ms`],
    ['Queue depth', count(stats.queue_depth)],
    ['Workers', count(stats.workers)],
  ];
  return (
    <dl class="tiles" aria-label="Bulk statistics">
      {tiles.map(([name, value]) => (
        <div key={name} class="tile">
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Jobs(): JSX.Element {
  useTitle('Jobs');
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const stats = useLoad((signal) => getJson<Stats>('/api/bulk/stats', { signal }), []);
  const query = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE), ...(status ? { status } : {}) });
  const list = useLoad((signal) => getJson<JobList>(`/api/jobs?${query}`, { signal }), [status, page]);

  return (
    <div>
      <h1>Jobs</h1>
      {stats.data ? <Dashboard stats={stats.data} /> : <div class="tiles placeholder" />}
      <div class="toolbar">
        <div class="field inline">
          <label for="status-filter">Status</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setPage(1);
            }}
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          class="ghost"
          onClick={() => {
            list.reload();
            stats.reload();
          }}
        >
          Refresh
        </button>
        <a class="button" href="#/bulk">
          New bulk job
        </a>
      </div>
      <Alert text={list.error} />
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Bulk jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Rows</th>
              <th scope="col">Failed</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.jobs.map((job) => (
              <tr key={job.job_id}>
                <td>
                  <a class="mono" href={`#/jobs/${job.job_id}`}>
                    {job.job_id.slice(0, 8)}
                  </a>
                </td>
                <td>
                  <StatusBadge status={job.status} />
                </td>
                <td>{job.progress}%</td>
                <td>{count(job.total_rows)}</td>
                <td>{count(job.failed)}</td>
                <td>{when(job.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.jobs.length === 0 && <p class="muted">No jobs{status ? ` with status ${status}` : ''} yet.</p>}
      </div>
      {list.data && <Pager pagination={list.data.pagination} onPage={setPage} />}
    </div>
  );
}
