/** A job's progress: the bar, the counts, the rate and the time left. */
import type { JSX } from 'preact';
import type { JobView } from '../../bulk/schema';
import { count, duration } from '../format';

export interface Live {
  rows_per_second?: number | null;
  eta_seconds?: number | null;
}

export function JobProgress({ job, live }: { job: JobView; live: Live }): JSX.Element {
  const rate = live.rows_per_second;
  const eta = live.eta_seconds;
  return (
    <div class="progress-block">
      <div class="bar-row">
        <progress max={100} value={job.progress} aria-label="Rows processed" aria-valuetext={`${job.progress}%`} />
        <span class="pct" data-testid="job-progress">
          {job.progress}%
        </span>
      </div>
      <dl class="counts">
        <div>
          <dt>Rows done</dt>
          <dd data-testid="job-processed">
            {count(job.processed)} of {count(job.total_rows)}
          </dd>
        </div>
        <div>
          <dt>Succeeded</dt>
          <dd>{count(job.successful)}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd>{count(job.failed)}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{rate === null || rate === undefined ? '–' : `${count(Math.round(rate))} rows/s`}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{eta === null || eta === undefined ? '–' : duration(eta)}</dd>
        </div>
      </dl>
    </div>
  );
}
