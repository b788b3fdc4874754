/**
 * What the dynamic-code service refuses, as domain errors whose messages are
 * safe to show the caller; the gateway maps each class to its status.
 */

/** A value the schema let through but the service cannot take (a `javascript:` URL, a reserved alias); the message starts with the field. */
export class CodeInputError extends Error {
  constructor(
    /** The field as the caller wrote it, e.g. `destination_url` or `codes[3].rules.ios`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'CodeInputError';
  }
}

/** No such code for this caller: another key's code is reported exactly like a missing one. */
export class CodeNotFound extends Error {
  constructor(id: string) {
    super(`code ${id.slice(0, 64)} not found`);
    this.name = 'CodeNotFound';
  }
}

/** The alias is some code's slug already (anyone's: slugs are one namespace). */
export class AliasTaken extends Error {
  constructor(
    readonly field: string,
    alias: string,
  ) {
    super(`${field} "${alias}" is taken; choose another alias or leave it out for a random slug`);
    this.name = 'AliasTaken';
  }
}
