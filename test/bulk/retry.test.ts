/** The retry helper the runner (batches) and the in-process queue (jobs) share. */
import t from 'tap';
import { backoffDelay, retry } from '../../src/infra/retry.js';

t.test('should retry with exponential backoff until it succeeds', async (t) => {
  const times: number[] = [];
  const errors: number[] = [];
  const value = await retry(
    async (attempt) => {
      times.push(Date.now());
      if (attempt < 3) throw new Error(`try ${attempt}`);
      return 'done';
    },
    { attempts: 5, backoffMs: 40, onError: (_err, attempt) => errors.push(attempt) },
  );
  t.equal(value, 'done');
  t.same(errors, [1, 2]);
  t.equal(times.length, 3);
  t.ok(times[1]! - times[0]! >= 35, `first wait ${times[1]! - times[0]!} ms`);
  t.ok(times[2]! - times[1]! >= 75, `second wait doubles: ${times[2]! - times[1]!} ms`);
  t.same(
    [1, 2, 3, 4].map((a) => backoffDelay(500, a)),
    [500, 1000, 2000, 4000],
  );
});

t.test('should rethrow the last error once the attempts are spent', async (t) => {
  let calls = 0;
  await t.rejects(
    retry(
      async (attempt) => {
        calls++;
        throw new Error(`try ${attempt}`);
      },
      { attempts: 3, backoffMs: 1 },
    ),
    { message: 'try 3' },
  );
  t.equal(calls, 3);
  calls = 0;
  await t.rejects(
    retry(
      async () => {
        calls++;
        throw new Error('once');
      },
      { attempts: 1, backoffMs: 1000 },
    ),
  );
  t.equal(calls, 1, 'attempts: 1 never retries');
});

t.test('should give up at once when asked to stop', async (t) => {
  let calls = 0;
  let stop = false;
  const started = Date.now();
  const run = retry(
    async () => {
      calls++;
      throw new Error('failing');
    },
    { attempts: 10, backoffMs: 200, shouldStop: () => stop },
  );
  setTimeout(() => (stop = true), 50);
  await t.rejects(run, { message: 'failing' });
  t.equal(calls, 1, 'no try after the stop');
  t.ok(Date.now() - started < 400, 'stops after the current wait');
  calls = 0;
  await t.rejects(
    retry(
      async () => {
        calls++;
        throw new Error('x');
      },
      { attempts: 10, backoffMs: 1000, shouldStop: () => true },
    ),
  );
  t.equal(calls, 1, 'no wait at all when stopping already');
});
