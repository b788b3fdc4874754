/** `batchcode render`: one code to a file or to standard output. */
import { writeFile } from 'node:fs/promises';
import { binaryFormat, formatOfFile, renderSync, resultBytes, type BarcodeRequest } from '../lib/index.js';
import { CliError, EXIT } from './errors.js';

export interface RenderRun {
  type: string;
  data: string;
  /** A path, or '-' for standard output. */
  output: string;
  format?: string;
  options: Record<string, unknown>;
  stdout: NodeJS.WriteStream;
}

/** Failures that mean the command was written wrong, not that the data cannot be drawn. */
const USAGE_CODES = new Set(['INVALID_REQUEST', 'INVALID_OPTION', 'UNSUPPORTED_TYPE']);

/** The format: the flag's, else the output file's extension, else SVG (text, safe on a terminal). */
function formatOf(run: RenderRun): string {
  if (run.format) return run.format;
  return formatOfFile(run.output) ?? 'svg';
}

export async function runRender(run: RenderRun): Promise<{ bytes: number; format: string }> {
  const format = formatOf(run);
  const toStdout = run.output === '-';
  if (toStdout && binaryFormat(format) && run.stdout.isTTY) {
    throw new CliError(
      `refusing to write a ${format.toUpperCase()} to the terminal: give -o code.${format.toLowerCase()}, or pipe the output`,
    );
  }
  const item = {
    barcode_type: run.type,
    data: run.data,
    format,
    ...(Object.keys(run.options).length ? { options: run.options } : {}),
  } as BarcodeRequest;
  const result = renderSync(item);
  if (!result.success) {
    const { code, message } = result.error;
    throw new CliError(`${code}: ${message}`, USAGE_CODES.has(code) ? EXIT.usage : EXIT.failed);
  }
  const bytes = resultBytes(result);
  if (toStdout) {
    await new Promise<void>((done, fail) => run.stdout.write(bytes, (err) => (err ? fail(err) : done())));
  } else {
    await writeFile(run.output, bytes).catch((err: Error) => {
      throw new CliError(`cannot write ${run.output}: ${err.message}`);
    });
  }
  return { bytes: bytes.length, format: result.format };
}
