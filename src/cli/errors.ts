/** How the CLI ends: its exit codes, and the error that carries one. */

export const EXIT = {
  /** Every row (or the one code) rendered. */
  ok: 0,
  /** Some rows failed (the report says which), a job failed or was cancelled, or the server failed. */
  failed: 1,
  /** A usage error or an input that cannot be read: nothing was done. */
  usage: 2,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const kebab = (name: string) => name.replaceAll('_', '-');

/**
 * A message of the shared option checks in the words of the command line:
 * `options.design.width` is `--design width`, `options.data_template` is
 * `--data-template`.
 */
export const inFlagWords = (message: string): string =>
  message
    .replaceAll(/\boptions\.design\.(\w+)/g, '--design $1')
    .replaceAll(/\boptions\.(\w+)/g, (_, name: string) => `--${kebab(name)}`);
