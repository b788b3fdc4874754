import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig, sha256hex } from '../../src/gateway/config.js';

t.test('should apply the documented defaults', async (t) => {
  const c = loadConfig({ API_KEYS: 'k1' });
  t.equal(c.port, 3003);
  t.equal(c.host, '0.0.0.0');
  t.equal(c.batchMaxItems, 100);
  t.equal(c.batchTimeoutMs, 10_000);
  t.equal(c.rateLimitWindow, 60_000);
  t.equal(c.logLevel, 'info');
  t.equal(c.redisUrl, undefined);
  t.equal(c.generatedApiKey, undefined);
});

t.test('should keep API keys only as SHA-256 hashes with a name', async (t) => {
  const c = loadConfig({ API_KEYS: 'alpha-key, beta-key' });
  t.equal(c.apiKeys.length, 2);
  t.equal(c.apiKeys[0]?.hash, sha256hex('alpha-key'));
  t.match(c.apiKeys[0]?.id, /^key-[0-9a-f]{12}$/);
  t.notOk(JSON.stringify(c).includes('alpha-key'), 'the key itself is not kept');
});

t.test('should read name:sha256 lines from API_KEYS_FILE', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'batchcode-keys-'));
  const file = join(dir, 'keys');
  writeFileSync(file, `# comment\nops:${sha256hex('ops-key')}\n\nci:${sha256hex('ci-key').toUpperCase()}\n`);
  const c = loadConfig({ API_KEYS_FILE: file });
  t.same(
    c.apiKeys.map((k) => k.id),
    ['ops', 'ci'],
  );
  t.equal(c.apiKeys[1]?.hash, sha256hex('ci-key'));
  writeFileSync(file, 'ops:not-a-hash\n');
  t.throws(() => loadConfig({ API_KEYS_FILE: file }), /API_KEYS_FILE line 1 must be "name:sha256hex"/);
  t.throws(() => loadConfig({ API_KEYS_FILE: join(dir, 'missing') }), /API_KEYS_FILE .* cannot be read/);
});

t.test('should generate a key when none is configured', async (t) => {
  const c = loadConfig({});
  t.type(c.generatedApiKey, 'string');
  t.equal(c.apiKeys.length, 1);
  t.equal(c.apiKeys[0]?.hash, sha256hex(c.generatedApiKey ?? ''));
});

t.test('should parse rate limit windows with units', async (t) => {
  t.equal(loadConfig({ API_KEYS: 'k', RATE_LIMIT_WINDOW: '1 minute' }).rateLimitWindow, 60_000);
  t.equal(loadConfig({ API_KEYS: 'k', RATE_LIMIT_WINDOW: '30s' }).rateLimitWindow, 30_000);
  t.equal(loadConfig({ API_KEYS: 'k', RATE_LIMIT_WINDOW: '1500' }).rateLimitWindow, 1500);
});

t.test('should reject bad values naming the variable and the range', async (t) => {
  const bad: [string, string, RegExp][] = [
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535, got "70000"/],
    ['PORT', 'abc', /PORT must be a whole number from 0 to 65535/],
    ['BATCH_MAX_ITEMS', '0', /BATCH_MAX_ITEMS must be a whole number from 1 to 10000/],
    ['BATCH_TIMEOUT_MS', '-5', /BATCH_TIMEOUT_MS must be a whole number from 1 to 600000/],
    ['RATE_LIMIT_MAX', '1.5', /RATE_LIMIT_MAX must be a whole number from 1 to/],
    ['RATE_LIMIT_WINDOW', 'soon', /RATE_LIMIT_WINDOW must be a duration from 1 ms to 86400000 ms/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['REDIS_URL', 'http://x', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY must be one of true, false/],
  ];
  for (const [name, value, message] of bad) {
    t.throws(() => loadConfig({ API_KEYS: 'k', [name]: value }), message, `${name}=${value}`);
  }
});
