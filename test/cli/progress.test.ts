/**
 * The progress bar on a real terminal: `batchcode bulk` runs inside tmux on
 * 10,000 rows while the test captures the pane; the bar must be seen moving
 * and must end at 100% with every row counted. Without a terminal, plain
 * lines are printed instead, with no escape codes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import t from 'tap';
import { csvRows } from '../helpers/bulk.js';
import { createProgress } from '../../src/cli/progress.js';
import { cli, CLI, ROOT, tempDir } from '../helpers/cli.js';

const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

t.test(
  'should draw a live bar on a terminal that moves and ends at 100%',
  { skip: !hasTmux && 'tmux is not installed' },
  async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'rows.csv'), csvRows(10_000));
    const session = `batchcode-progress-${process.pid}`;
    // Slow enough to be watched: one thread, small chunks, large images.
    const command = [
      ...CLI,
      'bulk',
      join(dir, 'rows.csv'),
      '-o',
      join(dir, 'out.zip'),
      '--concurrency',
      '1',
      '--batch-size',
      '50',
      '--design',
      '{"width":1200}',
    ]
      .map(quote)
      .join(' ');
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '200',
      '-y',
      '20',
      '-c',
      ROOT,
      `${command}; echo EXIT=$?; sleep 60`,
    ]);
    t.teardown(() => void spawnSync('tmux', ['kill-session', '-t', session]));

    const seen = new Set<number>();
    let screen = '';
    const deadline = Date.now() + 120_000;
    while (!screen.includes('EXIT=') && Date.now() < deadline) {
      screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
      for (const m of screen.matchAll(/rendering [█░]+ (\d+)% \| \d+\/\d+ rows/g)) seen.add(Number(m[1]));
      await sleep(40);
    }
    t.match(screen, 'EXIT=0', screen);
    const below = [...seen].filter((p) => p < 100);
    t.ok(
      below.length >= 2,
      `the bar was seen at ${below.length} percentages below 100: ${[...seen].sort((a, b) => a - b).join(', ')}`,
    );
    t.match(
      screen,
      /rendering █+ 100% \| 10000\/10000 rows \| 0 failed \| [\d,]+ rows\/s/,
      'it ends at 100% with every row',
    );
    t.match(screen, 'batchcode bulk: 10,000 of 10,000 rows rendered, 0 failed');
  },
);

t.test('should print plain progress lines, without escape codes, when stdout is not a terminal', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rows.csv'), csvRows(300));
  const run = await cli(['bulk', join(dir, 'rows.csv'), '-o', join(dir, 'out.zip')]);
  t.equal(run.code, 0, run.stderr);
  t.notOk(run.out.includes('\u001b['), 'no escape codes');
  t.match(run.out, /^rendering: 300 of 300 rows \(100%\), 0 failed, [\d,]+ rows\/s$/m);
  const quiet = await cli(['bulk', join(dir, 'rows.csv'), '-o', join(dir, 'q.zip'), '--quiet']);
  t.equal(
    quiet.out.trim().split('\n')[0],
    quiet.out
      .trim()
      .split('\n')
      .find((l) => l.startsWith('batchcode bulk:')),
    '--quiet: the summary alone',
  );
});

t.test('should fit the bar to the terminal, so no figure is cut at the edge', async (t) => {
  for (const columns of [200, 80, 50, 30]) {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns }) as unknown as NodeJS.WriteStream;
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    const progress = createProgress('bar', stream, 'rendering');
    progress.update({ done: 500_000, failed: 123_456, total: 1_000_000 });
    progress.stop({ done: 1_000_000, failed: 123_456 });
    // The last frame drawn, each one starting with a move to column 1: what stays on the screen.
    const frames = out
      .split(new RegExp(`${String.fromCharCode(27)}\\[\\d*G|\\r|\\n`))
      .map(stripVTControlCharacters)
      .filter(Boolean);
    const last = frames.at(-1)!;
    t.ok(last.length <= columns, `${columns} columns: ${JSON.stringify(last)} (${last.length})`);
    t.match(last, /100% \|? ?1000000\/1000000/, `${columns} columns: the count`);
    if (columns >= 80) t.match(last, /\| 123,456 failed( \||$)/, `${columns} columns: the failures, whole`);
    if (columns >= 200) t.match(last, /rows\/s \| ETA 0s$/, `${columns} columns: the ETA, whole`);
  }
});
