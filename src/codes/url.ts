/**
 * Destinations: where a redirect may send a visitor. Only absolute http(s)
 * URLs with a host and without credentials; anything else (`javascript:`,
 * `data:`, relative paths) would make the short link a weapon or a dud.
 */
import { CodeInputError } from './errors.js';
import { MAX_URL_LENGTH } from './schema.js';

/** Why `value` is not a destination, or undefined when it is one. */
export function destinationProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `is ${value.length} characters; at most ${MAX_URL_LENGTH}`;
  if ([...value].some((c) => c <= ' ' || c === '\x7f')) return 'must not contain spaces or control characters';
  if (!URL.canParse(value)) return 'must be an absolute http(s) URL, e.g. https://example.com/page';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http(s) URL; "${url.protocol.slice(0, 20)}" is refused`;
  }
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  return undefined;
}

export function checkDestination(value: string, field: string): string {
  const problem = destinationProblem(value);
  if (problem) throw new CodeInputError(field, problem);
  return value;
}
