/**
 * A ZIP download to a client that stops reading: the gateway (in this
 * process) must stop filling the archive too, instead of holding the rest of
 * the ZIP in memory. Measured as the growth of live Buffer memory
 * (`arrayBuffers`, after a forced GC) while the client reads nothing.
 */
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { decode } from '../helpers/decode.js';
import { csvRows, harness, KEY, poll, unzip, upload } from '../helpers/bulk.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const liveBuffers = () => {
  gc();
  return process.memoryUsage().arrayBuffers;
};

t.test('should stop filling a ZIP while its reader does not read', async (t) => {
  const h = await harness(t, 'in-process');
  // 3,000 PNGs of 2000 px: about 20 MB of images, stored as is in the ZIP.
  const res = await upload(h.app, csvRows(3000), { format: 'png', design: { width: 2000 }, batchSize: 500 });
  t.equal(res.statusCode, 202, res.body);
  const id = res.json().job_id as string;
  t.match(await poll(() => h.app, id, undefined, 120_000), { status: 'completed', successful: 3000 });
  const batches = join(h.dataDir, 'jobs', id, 'batches');
  const images = readdirSync(batches)
    .filter((f) => f.endsWith('.bin'))
    .reduce((sum, f) => sum + statSync(join(batches, f)).size, 0);
  // What the window holds (64 entries, two 512 KB read chunks, the streams' buffers) reached 4.3 MB
  // on a busy 2-core machine; a pipeline that did not stop would hold the whole ZIP, over three times this.
  const bound = 6 * 1024 * 1024;
  t.ok(images > 3 * bound, `the ZIP (${images} bytes of images) dwarfs the bound`);

  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  await once(socket, 'connect');
  const before = liveBuffers();
  // HTTP/1.0: the body is the raw ZIP up to the close, no chunked framing. No 'data' listener yet: nothing is read.
  socket.write(`GET /api/jobs/${id}/results?format=zip HTTP/1.0\r\nx-api-key: ${KEY}\r\n\r\n`);
  let peak = 0;
  for (let i = 0; i < 25; i++) {
    await sleep(100);
    peak = Math.max(peak, liveBuffers() - before);
  }
  t.ok(peak < bound, `live Buffer growth while the reader stalls: ${peak} bytes, under ${bound}`);

  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await once(socket, 'end');
  const raw = Buffer.concat(chunks);
  const bodyAt = raw.indexOf('\r\n\r\n') + 4;
  t.match(raw.subarray(0, bodyAt).toString(), /^HTTP\/1\.[01] 200/);
  const zip = await unzip(raw.subarray(bodyAt));
  t.equal(zip.size, 3001, 'every image and results.csv, once resumed');
  t.equal(await decode(zip.get('Item-2999.png')!), 'https://example.com/item/2999');
});
