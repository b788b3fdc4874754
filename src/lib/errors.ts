/**
 * Misuse of the Node API (a malformed call, a bad setting) throws a
 * `BatchcodeError` with a stable `code`; a bad item never throws, it fails
 * its own result. Built-in errors (TypeError, RangeError) mean a bug.
 */

/** Every code a `BatchcodeError` can carry. */
export const MISUSE_CODES = [
  /** `items` is not an array. */
  'INVALID_ITEMS',
  /** More items than `batch_max_items`. */
  'TOO_MANY_ITEMS',
  /** Two items share an id. */
  'DUPLICATE_ID',
  /** A batch option (`max_concurrent`, `include_metadata`) is out of range or of the wrong type. */
  'INVALID_BATCH_OPTION',
  /** `configure()` got an unknown key or a value out of range. */
  'INVALID_SETTING',
  /** A label sheet's layout is invalid (the message names the field), it has too many labels, or none renders. */
  'INVALID_SHEET',
] as const;
export type MisuseCode = (typeof MISUSE_CODES)[number];

export class BatchcodeError extends Error {
  readonly code: MisuseCode;

  constructor(code: MisuseCode, message: string) {
    super(message);
    this.name = 'BatchcodeError';
    this.code = code;
  }
}
