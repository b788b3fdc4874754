/**
 * The dynamic-code contract, one suite run against both stores: SQLite in
 * DATA_DIR, and a real PostgreSQL server the file starts once. Each test
 * that counts or lists gets a store of its own, so that they stay apart.
 */
import type { Test } from 'tap';
import { crudContract } from './crud.js';
import { storeHarness, type Store } from './harness.js';
import { inputContract } from './input.js';
import { lifecycleContract } from './lifecycle.js';
import { redirectContract } from './redirects.js';
import { statsContract } from './stats.js';

export function codesContract(t: Test, store: Store): void {
  const h = storeHarness(t, store);
  crudContract(t, h);
  inputContract(t, h);
  redirectContract(t, h);
  statsContract(t, h);
  lifecycleContract(t, h);
}
