/** Loads the napi-rs addon built into native/node by `npm run build:native`. */
import { createRequire } from 'node:module';
import type * as Native from '../../native/node/index.js';

const require = createRequire(import.meta.url);

export const native = require('../../native/node/index.js') as typeof Native;
export type { CancelToken, NativeCheck, NativeJsonBatch, NativeRequest } from '../../native/node/index.js';
