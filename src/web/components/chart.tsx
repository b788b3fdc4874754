/**
 * Scans per day as an SVG bar chart drawn here (no charting library): one bar
 * per interval, a few labelled days and the peak. A table of the same figures
 * follows for screen readers.
 */
import type { JSX } from 'preact';

export interface Point {
  start: string;
  scans: number;
}

const W = 640;
const H = 180;
const PAD = { left: 36, right: 8, top: 12, bottom: 28 };

export function ScansChart({ series }: { series: Point[] }): JSX.Element {
  const peak = Math.max(1, ...series.map((p) => p.scans));
  const inner = { w: W - PAD.left - PAD.right, h: H - PAD.top - PAD.bottom };
  const step = inner.w / Math.max(series.length, 1);
  const every = Math.max(1, Math.ceil(series.length / 6));
  const total = series.reduce((n, p) => n + p.scans, 0);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Scans per day: ${total} over ${series.length} days, at most ${peak} a day`}
      >
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        <text class="tick" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
          {peak}
        </text>
        <text class="tick" x={PAD.left - 6} y={H - PAD.bottom} text-anchor="end">
          0
        </text>
        {series.map((p, i) => {
          const h = (p.scans / peak) * inner.h;
          const x = PAD.left + i * step;
          return (
            <g key={p.start}>
              <rect class="bar" x={x + step * 0.15} y={H - PAD.bottom - h} width={step * 0.7} height={h}>
                <title>
                  {p.start.slice(0, 10)}: {p.scans} scans
                </title>
              </rect>
              {i % every === 0 && (
                <text class="tick" x={x + step / 2} y={H - 8} text-anchor="middle">
                  {p.start.slice(5, 10)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">Scans per day (UTC), bots apart.</figcaption>
    </figure>
  );
}
