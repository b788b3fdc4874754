/**
 * Progress of a run: a live bar on a terminal (cli-progress), one plain line
 * every few seconds elsewhere (logs, CI), nothing with --quiet. The total
 * may be an estimate while the input is read (rows so far over the fraction
 * of the file read); the bar ends on the real count.
 */
import cliProgress from 'cli-progress';

export interface ProgressCounts {
  done: number;
  failed: number;
  /** Rows in all, or undefined while unknown. */
  total?: number;
}

export interface Progress {
  update(counts: ProgressCounts): void;
  /** The run is over: draw the last state and let go of the terminal. */
  stop(counts: ProgressCounts): void;
}

export type ProgressMode = 'bar' | 'plain' | 'none';

/** Seconds between plain lines. */
const PLAIN_EVERY_MS = 2000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function rate(done: number, started: number): number {
  const s = (performance.now() - started) / 1000;
  return s > 0 ? done / s : 0;
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream, label: string): Progress {
  const started = performance.now();
  if (mode === 'none') return { update: () => undefined, stop: () => undefined };
  if (mode === 'plain') {
    let last = 0;
    const line = ({ done, failed, total }: ProgressCounts) => {
      const pct = total ? ` (${Math.floor((100 * done) / Math.max(total, 1))}%)` : '';
      const of = total ? ` of ${fmt(total)}` : '';
      stream.write(
        `${label}: ${fmt(done)}${of} rows${pct}, ${fmt(failed)} failed, ${fmt(rate(done, started))} rows/s\n`,
      );
    };
    return {
      update(counts) {
        const now = performance.now();
        if (now - last < PLAIN_EVERY_MS) return;
        last = now;
        line(counts);
      },
      stop: (counts) => line({ ...counts, total: counts.total ?? counts.done }),
    };
  }
  const { format, barsize } = barLayout(label, stream.columns || 80);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format,
      barsize,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
      // A terminal that is not stdout's own (tmux, a pty) is still one: draw whatever the checks say.
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { failed: 0, speed: 0 });
  const payload = (c: ProgressCounts) => ({ failed: fmt(c.failed), speed: fmt(rate(c.done, started)) });
  return {
    update(counts) {
      if (counts.total !== undefined) bar.setTotal(Math.max(counts.total, counts.done, 1));
      bar.update(counts.done, payload(counts));
    },
    stop(counts) {
      bar.setTotal(Math.max(counts.done, 1));
      bar.update(counts.done, payload(counts));
      bar.stop();
    },
  };
}

/**
 * Lines from the widest to the narrowest. `worst` is the line's text with
 * its fields at their widest for a million-row run, so a layout is chosen
 * only where it can never reach the edge: cli-progress cuts a line at the
 * terminal's width, and the figures that end it are the ones that matter.
 */
const LAYOUTS = [
  {
    tail: ' {percentage}% | {value}/{total} rows | {failed} failed | {speed} rows/s | ETA {eta_formatted}',
    worst: ' 100% | 1000000/1000000 rows | 1,000,000 failed | 1,000,000 rows/s | ETA 10h10m',
  },
  { tail: ' {percentage}% | {value}/{total} | {failed} failed', worst: ' 100% | 1000000/1000000 | 1,000,000 failed' },
];
const BAR_MIN = 10;
const BAR_MAX = 40;

/** The format and bar width that fit a terminal `columns` wide; below the narrowest layout, no bar at all. */
export function barLayout(label: string, columns: number): { format: string; barsize: number } {
  for (const { tail, worst } of LAYOUTS) {
    const room = columns - label.length - 1 - worst.length;
    if (room >= BAR_MIN) return { format: `${label} {bar}${tail}`, barsize: Math.min(room, BAR_MAX) };
  }
  return { format: `${label} {percentage}% {value}/{total}`, barsize: 0 };
}

/** The mode for a stream: a bar on a terminal, plain lines elsewhere, none when quiet. */
export function progressMode(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  return stream.isTTY ? 'bar' : 'plain';
}
