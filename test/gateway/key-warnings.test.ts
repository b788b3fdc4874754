import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { loadConfig, weakness } from '../../src/gateway/config.js';

const STRONG = 'Xq7vN2pL9sK4mR8tW3yB6cF1hJ5dG0zA';

t.test('should judge keys by length and variety', async (t) => {
  t.equal(weakness(STRONG), undefined);
  t.equal(weakness('a'.repeat(40)), 'only 1 different character, fewer than 10');
  t.equal(weakness('abcabcabcabc1234'), '16 characters, fewer than 32; only 7 different characters, fewer than 10');
  t.equal(weakness('12'.repeat(20)), 'only 2 different characters, fewer than 10');
  const c = loadConfig({ API_KEYS: `${STRONG},${'a'.repeat(20)}` });
  t.equal(c.apiKeys[0]?.weakness, undefined);
  t.equal(c.apiKeys[1]?.weakness, '20 characters, fewer than 32; only 1 different character, fewer than 10');
  t.notOk(JSON.stringify(c.apiKeys).includes('aaaa'), 'the key is not kept');
});

t.test('should warn at start about each weak key, by name, without the key', async (t) => {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const weak = 'a'.repeat(20);
  const app = await gateway(t, { API_KEYS: `${STRONG},${weak}`, LOG_LEVEL: 'warn' }, { logger: { stream } });
  const id = loadConfig({ API_KEYS: weak }).apiKeys[0]!.id;
  const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string; key?: string });
  t.same(
    warnings.map((w) => [w.level, w.key, w.msg]),
    [
      [
        40,
        id,
        `API key ${id} is easy to guess (20 characters, fewer than 32; only 1 different character, fewer than 10): ` +
          'replace it with a random one, e.g. "openssl rand -hex 32"',
      ],
    ],
    'one warning, for the weak key',
  );
  t.notOk(lines.join('').includes(weak));
  t.equal(
    (await app.inject({ url: '/api/barcodes/qr?data=x', headers: { 'x-api-key': weak } })).statusCode,
    200,
    'still accepted',
  );
});
