import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { KEY } from '../helpers/gateway.js';
import { loadWorkerConfig } from '../../src/bulk/config.js';
import { loadConfig, sha256hex } from '../../src/gateway/config.js';
import { ConfigError } from '../../src/infra/env.js';

t.test('should apply the documented defaults', async (t) => {
  const c = loadConfig({ API_KEYS: KEY });
  t.equal(c.port, 3003);
  t.equal(c.host, '0.0.0.0');
  t.equal(c.batchMaxItems, 100);
  t.equal(c.batchTimeoutMs, 10_000);
  t.equal(c.rateLimitWindow, 60_000);
  t.equal(c.logLevel, 'info');
  t.equal(c.redisUrl, undefined);
  t.equal(c.generatedApiKey, undefined);
});

t.test('should default short links to this port and SQLite in DATA_DIR, and trim a base URL', async (t) => {
  const c = loadConfig({ API_KEYS: KEY, PORT: '8080', DATA_DIR: '/srv/bc' });
  t.equal(c.codes.publicBaseUrl, 'http://localhost:8080/r');
  t.equal(c.codes.sqlitePath, '/srv/bc/batchcode.db');
  t.equal(c.codes.databaseUrl, undefined);
  t.match(c.codes, { scanFlushMs: 1000, scanFlushRows: 1000, redirectCacheSize: 100_000, redirectCacheTtlMs: 60_000 });
  const d = loadConfig({
    API_KEYS: KEY,
    PUBLIC_BASE_URL: 'https://q.example.com/r/',
    DATABASE_URL: 'postgres://db/bc',
  });
  t.equal(d.codes.publicBaseUrl, 'https://q.example.com/r');
  t.equal(d.codes.databaseUrl, 'postgres://db/bc');
});

t.test('should keep API keys only as SHA-256 hashes with a name', async (t) => {
  const c = loadConfig({ API_KEYS: 'alpha-key-0123456789, beta-key-0123456789' });
  t.equal(c.apiKeys.length, 2);
  t.equal(c.apiKeys[0]?.hash, sha256hex('alpha-key-0123456789'));
  t.match(c.apiKeys[0]?.id, /^key-[0-9a-f]{12}$/);
  t.notOk(JSON.stringify(c).includes('alpha-key-0123456789'), 'the key itself is not kept');
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
  t.equal(loadConfig({ API_KEYS: KEY, RATE_LIMIT_WINDOW: '1 minute' }).rateLimitWindow, 60_000);
  t.equal(loadConfig({ API_KEYS: KEY, RATE_LIMIT_WINDOW: '30s' }).rateLimitWindow, 30_000);
  t.equal(loadConfig({ API_KEYS: KEY, RATE_LIMIT_WINDOW: '1500' }).rateLimitWindow, 1500);
});

t.test('should reject bad values naming the variable and the range', async (t) => {
  const bad: [string, string, RegExp][] = [
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535; got "70000"/],
    ['PORT', 'abc', /PORT must be a whole number from 0 to 65535/],
    ['BATCH_MAX_ITEMS', '0', /BATCH_MAX_ITEMS must be a whole number from 1 to 10000/],
    ['BATCH_TIMEOUT_MS', '-5', /BATCH_TIMEOUT_MS must be a whole number from 1 to 600000/],
    ['RATE_LIMIT_MAX', '1.5', /RATE_LIMIT_MAX must be a whole number from 1 to/],
    ['RATE_LIMIT_WINDOW', 'soon', /RATE_LIMIT_WINDOW must be a duration from 1 ms to 86400000 ms/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['REDIS_URL', 'http://x', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY must be one of 1, true, yes, on, 0, false, no, off; got "maybe"/],
    // Strict numbers: what Number() would take is not a whole number here.
    ['BATCH_MAX_ITEMS', '0x20', /BATCH_MAX_ITEMS must be a whole number from 1 to 10000; got "0x20"/],
    ['PORT', '1e3', /PORT must be a whole number from 0 to 65535; got "1e3"/],
    ['MAX_ROWS', '20 rows', /MAX_ROWS must be a whole number from 1 to 1000000/],
    ['CACHE_MAX_SIZE', '-5', /CACHE_MAX_SIZE must be a whole number from 0 to 10000000; got "-5"/],
    ['CACHE_DEFAULT_TTL', '1e20', /CACHE_DEFAULT_TTL must be a whole number from 0 to 31536000; got "1e20"/],
    ['CACHE_MAX_BYTES', 'Infinity', /CACHE_MAX_BYTES must be a whole number from 0 to 1099511627776/],
    ['BULK_BATCH_ATTEMPTS', '99', /BULK_BATCH_ATTEMPTS must be a whole number from 1 to 20; got "99"/],
    [
      'DATABASE_URL',
      'mysql://db/x',
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL; got "mysql:\/\/db\/x"/,
    ],
    ['PUBLIC_BASE_URL', 'q.example.com/r', /PUBLIC_BASE_URL must be an http\(s\) URL/],
    ['PUBLIC_BASE_URL', 'https://q.example.com/r?x=1', /PUBLIC_BASE_URL must have no query, fragment or credentials/],
    ['PUBLIC_BASE_URL', 'https://u:p@q.example.com/r', /PUBLIC_BASE_URL must have no query, fragment or credentials/],
    ['SCAN_FLUSH_MS', '0', /SCAN_FLUSH_MS must be a whole number from 10 to 60000; got "0"/],
    ['REDIRECT_CACHE_SIZE', '-1', /REDIRECT_CACHE_SIZE must be a whole number from 1 to 10000000/],
  ];
  for (const [name, value, message] of bad) {
    t.throws(() => loadConfig({ API_KEYS: KEY, [name]: value }), message, `${name}=${value}`);
    t.throws(() => loadConfig({ API_KEYS: KEY, [name]: value }), ConfigError);
  }
});

t.test('should treat empty and blank values as unset, and trim the rest', async (t) => {
  const c = loadConfig({ API_KEYS: KEY, PORT: '', BATCH_MAX_ITEMS: '   ', RATE_LIMIT_MAX: ' 7 ', TRUST_PROXY: 'YES' });
  t.equal(c.port, 3003);
  t.equal(c.batchMaxItems, 100);
  t.equal(c.rateLimitMax, 7);
  t.equal(c.trustProxy, true);
});

t.test('should hand the Node API settings to the entry point, with their defaults', async (t) => {
  t.same(loadConfig({ API_KEYS: KEY }).library, {
    batch_max_items: 100,
    cache_max_entries: 1000,
    cache_max_bytes: 64 * 1024 * 1024,
    cache_ttl_seconds: 3600,
  });
  const c = loadConfig({ API_KEYS: KEY, BATCH_MAX_ITEMS: '250', CACHE_MAX_SIZE: '0', CACHE_DEFAULT_TTL: '60' });
  t.equal(c.batchMaxItems, 250);
  t.match(c.library, { batch_max_items: 250, cache_max_entries: 0, cache_ttl_seconds: 60 });
});

t.test('should refuse API keys shorter than 16 characters, saying the minimum', async (t) => {
  t.throws(() => loadConfig({ API_KEYS: 'k' }), /API_KEYS entry 1 must be 16 to 512 characters long; got 1/);
  t.throws(() => loadConfig({ API_KEYS: `${KEY},short-key` }), /API_KEYS entry 2 must be 16 to 512/);
  t.equal(loadConfig({ API_KEYS: 'x'.repeat(16) }).apiKeys.length, 1);
});

t.test('should read the worker settings with the same rules, REDIS_URL required', async (t) => {
  t.throws(() => loadWorkerConfig({}), /REDIS_URL must be set/);
  t.throws(() => loadWorkerConfig({ REDIS_URL: 'http://x' }), /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
  t.throws(() => loadWorkerConfig({ REDIS_URL: 'redis://h', BATCH_MAX_ITEMS: '0x20' }), /got "0x20"/);
  const w = loadWorkerConfig({ REDIS_URL: 'redis://h:6379', WORKER_CONCURRENCY: '3', BATCH_MAX_ITEMS: '200' });
  t.match(w, { redisUrl: 'redis://h:6379', workerConcurrency: 3, logLevel: 'info', library: { batch_max_items: 200 } });
});
