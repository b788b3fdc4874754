/**
 * The `batchcode` command line (commander): render, bulk, submit, serve and
 * worker. Each command's work is in its own file; this one declares the
 * flags, prints summaries, and turns every outcome into an exit code (see
 * errors.ts). The gateway and the worker are loaded only by their commands,
 * so `render` and `bulk` start without Fastify or BullMQ.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError } from 'commander';
import type { Env } from '../infra/env.js';
import { configure, MAX_CONCURRENT, BARCODE_TYPES, SETTINGS } from '../lib/index.js';
import { runBulk, type BulkSummary } from './bulk.js';
import { CliError, EXIT } from './errors.js';
import { openInputFile } from './input.js';
import { addJobFlags, addRenderFlags, jobOptionsOf, jsonArgument, renderOptionsOf } from './options.js';
import { createProgress, progressMode } from './progress.js';
import { runRender } from './render.js';
import { runSubmit, type SubmitSummary } from './submit.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function wholeNumber(flag: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new CliError(`${flag} must be a whole number from ${min} to ${max}; got "${value}"`);
    }
    return n;
  };
}

function printBulk(io: CliIo, s: BulkSummary, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  const lines = [
    `batchcode bulk: ${fmt(s.successful)} of ${fmt(s.total_rows)} rows rendered, ${fmt(s.failed)} failed, ` +
      `in ${s.seconds.toFixed(2)} s (${fmt(s.rows_per_second)} rows/s)`,
    `  images and results.csv: ${s.output}`,
  ];
  const shown = s.failed_rows.slice(0, 10);
  for (const f of shown) lines.push(`  row ${f.row}: ${f.reason}`);
  if (s.failed > shown.length) lines.push(`  … ${fmt(s.failed - shown.length)} more failed rows: see results.csv`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

function printSubmit(io: CliIo, s: SubmitSummary, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  const counts =
    s.successful !== undefined
      ? `: ${fmt(s.successful)} of ${fmt(s.total_rows)} rows rendered, ${fmt(s.failed!)} failed`
      : '';
  const refused = s.invalid_rows ? ` (${fmt(s.invalid_rows)} rows refused at upload)` : '';
  const out = s.output ? `\n  results: ${s.output}` : '';
  io.stdout.write(`batchcode submit: job ${s.job_id} ${s.status}${counts}${refused}${out}\n`);
}

export function buildProgram(io: CliIo, env: Env, setExit: (code: number) => void): Command {
  const program = new Command('batchcode')
    .description('Barcodes and QR codes from the command line: one code, a whole spreadsheet, or a job on a server.')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();

  const render = program
    .command('render')
    .description('Render one code to a file, or to standard output with -o -.')
    .argument('<type>', `barcode type: ${BARCODE_TYPES.join(', ')}`)
    .argument('<data>', 'the text to encode')
    .option('-o, --output <file|->', 'where to write the image; - is standard output', '-')
    .option('--format <format>', 'svg, png, pdf or eps (default: from the file name, else svg)')
    .option('--options <json|@file>', 'any render options as JSON; the flags below win over it');
  addRenderFlags(render);
  render.addHelpText(
    'after',
    `
Examples:
  $ batchcode render qr https://example.com -o code.png --width 300
  $ batchcode render ean13 400638133393 --format svg > ean.svg
  $ batchcode render code128 ABC-123 --show-text -o label.svg
  $ batchcode render qr 'Hello' --options '{"error_correction":"H","margin":2}' -o hello.png`,
  );
  render.action(async (type: string, data: string, opts: Record<string, unknown>) => {
    const base = opts.options ? jsonArgument('--options', opts.options as string) : {};
    const done = await runRender({
      type,
      data,
      output: opts.output as string,
      ...(opts.format ? { format: opts.format as string } : {}),
      options: renderOptionsOf(opts, base),
      stdout: io.stdout,
    });
    if (opts.output !== '-')
      io.stderr.write(`batchcode render: ${opts.output as string} (${done.format}, ${fmt(done.bytes)} bytes)\n`);
  });

  const bulk = program
    .command('bulk')
    .description(
      'Render every row of a CSV, Excel (.xlsx), JSON array or NDJSON file here (no server), into a ZIP or a directory with results.csv.',
    )
    .argument('<input>', 'the rows: a file, or - for standard input (the format is read from the content)')
    .requiredOption('-o, --output <out.zip|dir/>', 'a .zip file, or a directory (ending in /)')
    .option(
      '--concurrency <n>',
      `threads per chunk of rows (1-${MAX_CONCURRENT}; default: the cores, ${availableParallelism()})`,
      wholeNumber('--concurrency', 1, MAX_CONCURRENT),
    )
    .option(
      '--batch-size <n>',
      'rows checked and rendered per chunk (default 500)',
      wholeNumber('--batch-size', 1, SETTINGS.batch_max_items.max),
    );
  addJobFlags(bulk)
    .option('-q, --quiet', 'print only the summary')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
The input has a header row. The data comes from a destination_url or data column (or --data-template,
or --payload); optional columns: title, filename, barcode_type, format. results.csv has every input
column plus row, filename, status and error, as the bulk API's.

Exit codes: 0 every row rendered, 1 some rows failed (results.csv says why), 2 usage or unreadable input.

Examples:
  $ batchcode bulk products.csv -o codes.zip
  $ batchcode bulk products.xlsx -o labels/ --sheet Prices --format svg --design '{"width":300}'
  $ batchcode bulk skus.csv -o out.zip --data-template 'https://shop.example.com/p/{sku}?utm_campaign={campaign}' --filename-template '{sku}'
  $ cat rows.ndjson | batchcode bulk - -o out.zip --type ean13 --json`,
    )
    .action(async (input: string, opts: Record<string, unknown>) => {
      const options = jobOptionsOf(opts);
      configure({ batch_max_items: (opts.batchSize as number | undefined) ?? 500 });
      const file = await openInputFile(input, io.stdin);
      try {
        const progressStream = opts.json ? io.stderr : io.stdout;
        const summary = await runBulk({
          input: file.path,
          output: opts.output as string,
          options,
          concurrency: (opts.concurrency as number | undefined) ?? Math.min(availableParallelism(), MAX_CONCURRENT),
          progress: createProgress(progressMode(progressStream, Boolean(opts.quiet)), progressStream, 'rendering'),
        });
        summary.input = file.name;
        printBulk(io, summary, Boolean(opts.json));
        setExit(summary.failed > 0 ? EXIT.failed : EXIT.ok);
      } finally {
        await file.cleanup();
      }
    });

  const submit = program
    .command('submit')
    .description(
      "Send a file to a batchcode server's bulk API; with --wait or -o, follow the job and download its results.",
    )
    .argument('<input>', 'the rows: CSV, Excel (.xlsx), JSON array or NDJSON, or - for standard input')
    .requiredOption('--server <url>', 'the gateway, e.g. http://localhost:3000')
    .option('--key <key>', 'the API key (default: BATCHCODE_API_KEY)')
    .option('--wait', 'follow the job until it ends')
    .option('-o, --output <out.zip|out.csv>', 'download the results when the job ends (implies --wait)')
    .option('--poll-ms <ms>', 'how often to ask for progress', wholeNumber('--poll-ms', 50, 60_000), 500)
    .option('--batch-size <n>', "the job's batch size on the server (10-500)", wholeNumber('--batch-size', 1, 100_000));
  addJobFlags(submit)
    .option('-q, --quiet', 'print only the summary')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 the job completed with every row, 1 some rows failed or the job failed, was cancelled
or the server could not be reached, 2 usage, unreadable input, or a refusal by the server (400, 401, 413, 415).

Examples:
  $ batchcode submit products.csv --server http://localhost:3000 --key "$KEY" --wait -o codes.zip
  $ BATCHCODE_API_KEY=… batchcode submit links.xlsx --server https://codes.example.com --type dynamic -o report.csv`,
    )
    .action(async (input: string, opts: Record<string, unknown>) => {
      const key = (opts.key as string | undefined) ?? env.BATCHCODE_API_KEY;
      if (!key) throw new CliError('give the API key with --key, or set BATCHCODE_API_KEY');
      const options = jobOptionsOf(opts, opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {});
      const file = await openInputFile(input, io.stdin);
      try {
        const progressStream = opts.json ? io.stderr : io.stdout;
        const summary = await runSubmit({
          input: file,
          server: opts.server as string,
          key,
          options,
          wait: Boolean(opts.wait),
          ...(opts.output ? { output: opts.output as string } : {}),
          pollMs: opts.pollMs as number,
          progress: createProgress(progressMode(progressStream, Boolean(opts.quiet)), progressStream, 'job'),
        });
        printSubmit(io, summary, Boolean(opts.json));
        const ended = summary.successful !== undefined;
        setExit(!ended || (summary.status === 'completed' && summary.failed === 0) ? EXIT.ok : EXIT.failed);
      } finally {
        await file.cleanup();
      }
    });

  program
    .command('serve')
    .description(
      'Start the HTTP gateway (the same as npm start), configured by the environment (PORT, API_KEYS, REDIS_URL, …).',
    )
    .option('--port <port>', 'the port to listen on (default: PORT, else 3000)', wholeNumber('--port', 0, 65_535))
    .action(async (opts: { port?: number }) => {
      const { runServer } = await import('../gateway/main.js');
      await runServer(opts.port !== undefined ? { ...env, PORT: String(opts.port) } : env);
      setExit(-1);
    });

  program
    .command('worker')
    .description('Start a bulk-job worker (the same as npm run worker): REDIS_URL and DATA_DIR from the environment.')
    .action(async () => {
      const { runWorker } = await import('../bulk/worker-main.js');
      await runWorker(env);
      setExit(-1);
    });

  return program;
}

/**
 * Runs the command line and answers the exit code, or -1 for the long-running
 * commands (serve, worker), which exit on their own.
 */
export async function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, env, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.stderr.write(`batchcode: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`batchcode: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}
