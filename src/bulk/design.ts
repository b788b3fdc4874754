/**
 * A bulk job's render options are its `design`: the core and the Node API
 * name them `options.*`, so a row's message is put in the upload's words
 * before it is recorded (at ingest and in the results).
 */
export const inDesignWords = (message: string): string => message.replaceAll(/\boptions\./g, 'design.');
