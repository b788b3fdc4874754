/**
 * `npm run bench:cli`: `batchcode bulk` (from dist/, built first) on a
 * 100,000-row CSV into a ZIP of QR PNGs, against Zint's `--batch` (Debian's
 * `zint`) on the same rows and a node-qrcode script writing the same PNGs
 * into a directory, all in one run. Images are 300 px wide for batchcode and
 * node-qrcode, and 8 px per module for Zint (`--scale=4`: about 300 px for
 * these URLs). Wall time is measured from outside each process, peak memory
 * is the process's own maximum RSS (GNU time's %M when installed, else the
 * CLI's own report).
 *
 * BENCH_ROWS (default 100000), BENCH_ROUNDS (default 3; medians shown),
 * BENCH_ZINT_ROWS (default BENCH_ROWS), BENCH_QRCODE_ROWS (default 2000: node-qrcode's
 * PNGs take ~15 ms each, so its rate is measured on fewer rows).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ZINT_ROWS = Number(process.env.BENCH_ZINT_ROWS ?? ROWS);
const QRCODE_ROWS = Number(process.env.BENCH_QRCODE_ROWS ?? 2000);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(os.tmpdir(), 'batchcode-bench-cli-'));

const url = (i: number) => `https://shop.example.com/products/item-${String(i).padStart(6, '0')}?ref=bulk`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const hasTime = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;

interface Run {
  seconds: number;
  peakMb: number;
}

/** Runs a command, timing it; peak RSS from GNU time when present. */
function timed(cmd: string, args: string[], input?: string): Run & { stdout: string } {
  const start = performance.now();
  const full = hasTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args];
  const res = spawnSync(full[0] as string, full[1] as string[], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}): ${res.stderr.slice(-2000)}`);
  const kb = hasTime ? Number(res.stderr.trim().split('\n').at(-1)) : NaN;
  return { seconds, peakMb: kb / 1024, stdout: res.stdout };
}

function main(): void {
  execFileSync('npm', ['run', 'build:ts'], { cwd: root, stdio: 'inherit' });
  const lines = Array.from({ length: ROWS }, (_, k) => url(k + 1));
  writeFileSync(
    join(dir, 'rows.csv'),
    `destination_url,filename\n${lines.map((l, k) => `${l},code-${k + 1}`).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'zint.txt'), `${lines.slice(0, ZINT_ROWS).join('\n')}\n`);
  writeFileSync(
    join(dir, 'qrcode.mjs'),
    `import QRCode from ${JSON.stringify(join(root, 'node_modules/qrcode/lib/index.js'))};
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const rows = readFileSync('zint.txt', 'utf8').trim().split('\\n').slice(0, ${QRCODE_ROWS});
mkdirSync('qrcode-out', { recursive: true });
for (let i = 0; i < rows.length; i++) writeFileSync('qrcode-out/code-' + (i + 1) + '.png', await QRCode.toBuffer(rows[i], { width: 300, errorCorrectionLevel: 'M' }));
`,
  );
  const zint = spawnSync('sh', ['-c', 'command -v zint']).status === 0;

  const ours: (Run & { rss: number })[] = [];
  const zints: Run[] = [];
  const qrcodes: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rmSync(join(dir, 'out.zip'), { force: true });
    const cli = timed(process.execPath, [
      join(root, 'dist/bin/cli.js'),
      'bulk',
      'rows.csv',
      '-o',
      'out.zip',
      '--json',
      '--quiet',
      '--design',
      '{"width":300}',
    ]);
    const summary = JSON.parse(cli.stdout) as { successful: number; peak_rss_mb: number };
    if (summary.successful !== ROWS) throw new Error(`batchcode rendered ${summary.successful} of ${ROWS}`);
    ours.push({ ...cli, rss: summary.peak_rss_mb });
    if (zint) {
      rmSync(join(dir, 'zint-out'), { recursive: true, force: true });
      mkdirSync(join(dir, 'zint-out'));
      zints.push(
        timed('zint', [
          '--batch',
          '-b',
          'QRCODE',
          '--secure=2',
          '--scale=4',
          '--filetype=PNG',
          '-i',
          'zint.txt',
          '-o',
          'zint-out/~~~~~~.png',
        ]),
      );
      const made = readdirSync(join(dir, 'zint-out')).length;
      if (made !== ZINT_ROWS) throw new Error(`zint made ${made} of ${ZINT_ROWS}`);
    }
    rmSync(join(dir, 'qrcode-out'), { recursive: true, force: true });
    qrcodes.push(timed(process.execPath, ['qrcode.mjs']));
  }

  const oursS = median(ours.map((o) => o.seconds));
  const oursRate = ROWS / oursS;
  const zipMb = statSync(join(dir, 'out.zip')).size / 1024 / 1024;
  const table: [string, number, number, number, string][] = [
    ['batchcode bulk → ZIP of PNGs', ROWS, oursS, median(ours.map((o) => (hasTime ? o.peakMb : o.rss))), '1.0x'],
  ];
  if (zints.length) {
    const s = median(zints.map((z) => z.seconds));
    table.push([
      'zint --batch → PNG files',
      ZINT_ROWS,
      s,
      median(zints.map((z) => z.peakMb)),
      `${(oursRate / (ZINT_ROWS / s)).toFixed(1)}x`,
    ]);
  }
  const q = median(qrcodes.map((z) => z.seconds));
  table.push([
    'node-qrcode script → PNG files',
    QRCODE_ROWS,
    q,
    median(qrcodes.map((z) => z.peakMb)),
    `${(oursRate / (QRCODE_ROWS / q)).toFixed(1)}x`,
  ]);

  console.log(
    `\n${ROWS.toLocaleString('en-US')} rows, ${ROUNDS} rounds (medians), ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log('| contender | rows | seconds | rows/s | peak RSS MB | batchcode is |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, rows, s, mb, ratio] of table) {
    console.log(
      `| ${name} | ${rows.toLocaleString('en-US')} | ${s.toFixed(2)} | ${Math.round(rows / s).toLocaleString('en-US')} | ${Number.isFinite(mb) ? mb.toFixed(0) : 'n/a'} | ${ratio} |`,
    );
  }
  console.log(`\nbatchcode runs: ${ours.map((o) => o.seconds.toFixed(2)).join(', ')} s; ZIP ${zipMb.toFixed(1)} MB`);
  console.log(
    `Target: ${ROWS.toLocaleString('en-US')} rows under 10 s with peak memory under 300 MB: ${oursS < 10 && Math.max(...ours.map((o) => o.rss)) < 300 ? 'met' : 'NOT met'}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

main();
