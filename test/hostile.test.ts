/**
 * Hostile and random input: nothing a caller passes may crash the process,
 * hang it, or come back as anything but a result or a clear error.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { renderBatchSync, renderSync, type BarcodeRequest, type TextRequest } from '../src/lib/index.js';
import { unpack } from '../src/lib/packed.js';
import { decode } from './helpers/decode.js';

const require = createRequire(import.meta.url);
const native = require('../native/node/index.js') as typeof import('../native/node/index.js');
const root = fileURLToPath(new URL('..', import.meta.url));

type Outcome = { value: unknown } | { error: string; code: unknown };

/**
 * Runs each expression in a child Node process, in order, and reports what
 * each returned or threw: a call that aborts the process (a Rust panic
 * across napi: SIGABRT, exit 134) fails the test through the exit status
 * instead of killing the suite. `native`, `lib` (the Node API), `one`
 * (a one-item batch) and `unpack` (reads a packed batch) are in scope.
 */
function inChild(cases: string[]): {
  status: number | null;
  signal: string | null;
  stderr: string;
  outcomes: Outcome[];
} {
  const script = `
    import { native } from './src/lib/native.js';
    import * as lib from './src/lib/index.js';
    import { unpack } from './src/lib/packed.js';
    const one = JSON.stringify([{ barcode_type: 'qr', data: 'x' }]);
    const outcomes = [];
    for (const src of ${JSON.stringify(cases)}) {
      try {
        const value = await new Function('native', 'lib', 'one', 'unpack', 'return ' + src)(native, lib, one, unpack);
        outcomes.push({ value: value === undefined ? null : value });
      } catch (e) {
        outcomes.push({ error: String(e?.message ?? e), code: e?.code ?? null });
      }
    }
    process.stdout.write(JSON.stringify(outcomes));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
  let outcomes: Outcome[] = [];
  try {
    outcomes = JSON.parse(r.stdout) as Outcome[];
  } catch {
    // Reported through the exit status and stderr.
  }
  return { status: r.status, signal: r.signal, stderr: r.stderr, outcomes };
}

/** Asserts a child run exited cleanly and each case threw (a `RegExp`) or returned (`{ returns }`) as expected. */
function expectOutcomes(t: Test, cases: [string, RegExp | { returns: unknown }][], code?: string) {
  const run = inChild(cases.map(([src]) => src));
  t.equal(run.status, 0, `the process survives (signal ${run.signal}; stderr: ${run.stderr.slice(0, 300)})`);
  for (const [i, [src, expected]] of cases.entries()) {
    const o = run.outcomes[i];
    if (!(expected instanceof RegExp)) {
      if (o && 'value' in o) t.same(o.value, expected.returns, `${src} returns ${JSON.stringify(expected.returns)}`);
      else t.fail(`${src} should return ${JSON.stringify(expected.returns)}, ${o ? `threw ${o.error}` : 'no outcome'}`);
    } else if (o && 'error' in o) {
      t.match(o.error, expected, `${src} throws ${o.error}`);
      if (code) t.equal(o.code, code, `${src} throws code ${code}`);
    } else {
      t.fail(
        `${src} should throw ${expected}, ${o ? `returned ${JSON.stringify(o.value)?.slice(0, 200)}` : 'no outcome'}`,
      );
    }
  }
}

t.test('should turn a native panic into a JavaScript error and keep working', async (t) => {
  t.throws(() => native.panicProbe(), /INTERNAL: internal error: panic probe/);
  const r = renderSync({ barcode_type: 'qr', data: 'still alive' });
  t.ok(r.success, 'renders after the panic');
  if (r.success) t.equal(await decode(r.svg!, ['QRCode']), 'still alive');
});

t.test('should reject a malformed batch at the native boundary with an error, not a crash', async (t) => {
  for (const json of ['', '{', '{}', '[{"barcode_type": 1}]', '[{"data": "x"}]', '[null]']) {
    t.throws(() => native.renderBatchSync(json), /items must be a JSON array of requests/, JSON.stringify(json));
    // One id per item, so the item itself is what is refused.
    const ids = json.startsWith('[') ? ['"0"'] : [];
    await t.rejects(native.renderBatchJsonAsync(json, ids), /items must be a JSON array of requests/);
  }
  const one = JSON.stringify([{ barcode_type: 'qr', data: 'x' }]);
  t.throws(() => native.renderBatchJsonSync(one, []), /1 items but 0 ids/);
  t.throws(() => native.renderBatchSync(one, 0), /max_concurrent: must be a whole number from 1 to 20, got 0/);
  t.ok(renderSync({ barcode_type: 'qr', data: 'still alive' }).success);
});

t.test('should answer hostile options with per-item errors naming the field', async (t) => {
  const hostile: [unknown, RegExp][] = [
    [{ width: Number.NaN }, /options\.width/],
    [{ width: Infinity }, /options\.width/],
    [{ width: -1 }, /options\.width/],
    [{ width: 1e9 }, /options\.width/],
    [{ width: 20 }, /options\.width: .*too small/],
    [{ margin: 1e6 }, /options\.margin/],
    [{ module_width: 1000 }, /options\.module_width/],
    [{ module_width: 100, margin: 64 }, /limit is 4096x4096/],
    [{ foreground: '#fff" onload="alert(1)' }, /options\.foreground/],
    [{ background: 'url(javascript:1)' }, /options\.background/],
    [{ foreground: 'transparent' }, /options\.foreground/],
    [{ error_correction: 'X' }, /options\.error_correction/],
    [{ ['__proto__']: { polluted: true } }, /options/],
    [null, /options/],
    ['string', /options/],
  ];
  const items = hostile.map(([options]) => ({ barcode_type: 'qr', data: 'x', options }) as BarcodeRequest);
  const res = renderBatchSync(items);
  for (const [i, r] of res.results.entries()) {
    t.equal(r.success, false, `item ${i} fails`);
    if (!r.success) t.match(r.error.message, hostile[i]![1], r.error.message);
  }
  t.notOk(({} as Record<string, unknown>).polluted, 'no prototype pollution');
});

t.test('should reject data past the schema limit without touching the renderer', async (t) => {
  const r = renderSync({ barcode_type: 'qr', data: 'x'.repeat(100_000) });
  t.match(r, {
    success: false,
    error: {
      code: 'INVALID_REQUEST',
      message: 'data must be a string of at most 8192 characters; got 100000 characters',
    },
  });
});

t.test('should reject unknown types without echoing them as markup', async (t) => {
  const r = renderSync({ barcode_type: '<svg onload=alert(1)>' as never, data: 'x' });
  // Echoed as JSON text (a string in the message), never drawn.
  t.match(r, { success: false, error: { code: 'INVALID_REQUEST', message: /^barcode_type must be one of "qr", / } });
  t.notOk('svg' in r, 'nothing rendered');
});

/** xorshift32, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

t.test('should never crash on random data: it decodes exactly or fails clearly', async (t) => {
  const next = rng(20261123);
  const alphabet = [
    ...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz $%*+-./:?=&#<>"\'\\',
    'é',
    '€',
    '日',
    '😀',
    '\u0000',
    '\u200b',
    '\ufeff',
  ];
  const levels = ['L', 'M', 'Q', 'H'] as const;
  let decoded = 0;
  let rejected = 0;
  for (let round = 0; round < 6; round++) {
    const items: TextRequest[] = Array.from({ length: 50 }, () => {
      const len = next(4) === 0 ? next(4000) : next(120);
      const data = Array.from({ length: len }, () => alphabet[next(alphabet.length)]).join('');
      return {
        barcode_type: 'qr',
        data,
        format: next(2) ? 'png' : 'svg',
        options: { error_correction: levels[next(4)] },
      };
    });
    const res = renderBatchSync(items, { max_concurrent: 2 });
    for (const [i, r] of res.results.entries()) {
      const data = items[i]!.data;
      if (r.success) {
        // Decoding every large symbol would dominate the suite; sample them.
        if (data.length > 300 && i % 5) continue;
        const text = await decode((r.svg ?? r.png)!, ['QRCode'], 'Plain');
        // We encode a leading U+FEFF faithfully; ZXing, like most readers, drops it as a UTF-8 BOM.
        const expected = data.startsWith('\ufeff') ? data.slice(1) : data;
        t.equal(text, expected, `round ${round} item ${i} (${data.length} chars)`);
        decoded++;
      } else {
        t.ok(['EMPTY_DATA', 'DATA_TOO_LONG'].includes(r.error.code), `${r.error.code}: ${r.error.message}`);
        rejected++;
      }
    }
  }
  t.ok(decoded > 100, `${decoded} decoded, ${rejected} rejected`);
});

t.test('should refuse out-of-range cache bounds at the native boundary instead of aborting', async (t) => {
  expectOutcomes(
    t,
    [
      // 1e20 seconds overflowed Duration::from_secs_f64 and aborted Node (exit 134).
      [
        'native.configureCache({ ttl_seconds: 1e20 })',
        /ttl_seconds: must be a whole number from 0 to 31536000, got 100000000000000000000$/,
      ],
      // 1e19 was accepted, then every render failed with an Instant overflow.
      ['native.configureCache({ ttl_seconds: 1e19 })', /ttl_seconds: .* got 10000000000000000000$/],
      ['unpack(native.renderBatchSync(one), 1, String)[0].error?.code ?? "rendered"', { returns: 'rendered' }],
      ['native.configureCache({ ttl_seconds: Infinity })', /ttl_seconds: .* got Infinity/],
      ['native.configureCache({ ttl_seconds: NaN })', /ttl_seconds: .* got NaN/],
      ['native.configureCache({ ttl_seconds: -1 })', /ttl_seconds: .* got -1/],
      ['native.configureCache({ ttl_seconds: 1.5 })', /ttl_seconds: must be a whole number/],
      ['native.configureCache({ ttl_seconds: 31536001 })', /ttl_seconds: .* got 31536001/],
      // max_entries crossed as u32: -1 wrapped to 4294967295 and NaN became 0 (cache off), silently.
      ['native.configureCache({ max_entries: -1 })', /max_entries: must be a whole number from 0 to 10000000, got -1/],
      ['native.configureCache({ max_entries: NaN })', /max_entries: .* got NaN/],
      ['native.configureCache({ max_entries: 2.5 })', /max_entries: .* got 2\.5/],
      ['native.configureCache({ max_entries: 1e20 })', /max_entries: .* got 100000000000000000000$/],
      ['native.configureCache({ max_entries: "5" })', /max_entries: .* got a string$/],
      [
        'native.configureCache({ max_bytes: 1e30 })',
        /max_bytes: must be a whole number from 0 to 1099511627776, got 1e\+30$/,
      ],
      ['native.configureCache({ max_bytes: 2 ** 40 + 1 })', /max_bytes: .* got 1099511627777/],
      ['native.configureCache({ max_bytes: 0.5 })', /max_bytes: .* got 0\.5/],
      ['native.configureCache(null)', /config must be an object of max_entries, max_bytes and ttl_seconds, got null/],
      ['native.configureCache("x")', /config must be an object .* got a string/],
      ['native.configureCache({ ttl_seconds: 31536000, max_entries: 1e7, max_bytes: 2 ** 40 })', { returns: null }],
      ['unpack(native.renderBatchSync(one), 1, String)[0].format', { returns: 'svg' }],
      ['native.configureCache({ ttl_seconds: 3600, max_entries: 1000, max_bytes: 2 ** 26 })', { returns: null }],
      ['native.cacheStats().entries', { returns: 1 }],
    ],
    'InvalidArg',
  );
});

t.test('should refuse hostile batch arguments at the native boundary with a clear error', async (t) => {
  expectOutcomes(t, [
    // max_concurrent crossed as u32: -1 read as 4294967295, 2^32 + 1 as 1, 1.5 as 1.
    ['native.renderBatchSync(one, -1)', /max_concurrent: must be a whole number from 1 to 20, got -1$/],
    ['native.renderBatchSync(one, NaN)', /max_concurrent: .* got NaN/],
    ['native.renderBatchSync(one, 1.5)', /max_concurrent: .* got 1\.5/],
    ['native.renderBatchSync(one, 2 ** 32 + 1)', /max_concurrent: .* got 4294967297/],
    ['native.renderBatchSync(one, 1e20)', /max_concurrent: .* got 100000000000000000000$/],
    ['native.renderBatchSync(one, Infinity)', /max_concurrent: .* got Infinity/],
    ['native.renderBatchSync(one, "3")', /max_concurrent: .* got a string$/],
    ['native.renderBatchAsync(one, -1)', /max_concurrent: .* got -1/],
    ['native.renderBatchJsonSync(one, [\'"a"\'], 0)', /max_concurrent: .* got 0/],
    ['native.renderBatchSync(one, 20, "yes")', /include_metadata: must be a boolean, got a string/],
    ['native.renderBatchSync(5)', /items_json: must be a JSON array of requests, got a number/],
    // An id is spliced into the answer as it is: anything but a JSON string broke the JSON.
    ['native.renderBatchJsonSync(one, [\'1},{"x":2\'])', /ids_json\[0\] must be a JSON string/],
    ["native.renderBatchJsonSync(one, ['\"a'])", /ids_json\[0\] must be a JSON string/],
    // JSON.stringify escapes a lone surrogate: valid JSON, so a valid id.
    ['JSON.parse("[" + native.renderBatchJsonSync(one, [\'"\\\\ud800"\']).json + "]")[0].id', { returns: '\ud800' }],
    ['native.renderBatchJsonSync(one, [5])', /String/],
    ['native.renderBatchJsonSync(one, null)', /Array/],
    ['JSON.parse("[" + native.renderBatchJsonSync(one, [\'"a\\\\\\"b"\']).json + "]")[0].id', { returns: 'a"b' }],
    // No bound on items: a call could ask for any number of renders.
    [
      'native.renderBatchSync(JSON.stringify(Array.from({ length: 10001 }, () => ({ barcode_type: "qr", data: "x" }))))',
      /at most 10000 items per call, got 10001/,
    ],
    ['unpack(native.renderBatchSync(one, 1, true), 1, String)[0].metadata.type', { returns: 'qr' }],
    ['native.checkBatchSync(one, -1)', /max_concurrent: .* got -1$/],
    ['native.checkBatchAsync(one, NaN)', /max_concurrent: .* got NaN$/],
    ['native.checkBatchAsync("[", 1)', /items must be a JSON array of requests/],
    ['native.checkBatchSync(null)', /items_json: must be a JSON array of requests, got null/],
    [
      'native.checkBatchSync(JSON.stringify(Array.from({ length: 10001 }, () => ({ barcode_type: "qr", data: "x" }))))',
      /at most 10000 items per call, got 10001/,
    ],
    ['native.checkBatchSync(one, 20)', { returns: [null] }],
    ['native.facts(1, 2).barcode_types[0]', { returns: 'qr' }],
    ['native.clearCache("x")', { returns: null }],
    ['native.cacheStats({}).entries', { returns: 0 }],
  ]);
});

t.test('should enforce the data length limit in the core, before encoding', async (t) => {
  const long = JSON.stringify([{ barcode_type: 'code128', data: 'x'.repeat(8193) }]);
  const [r] = unpack(native.renderBatchSync(long), 1, String);
  t.equal(r && !r.success && r.error.code, 'DATA_TOO_LONG', r && !r.success ? r.error.message : '');
  t.match(r && !r.success && r.error.message, /8,193 characters; .* at most 8,192/);
});

t.test('should refuse bad settings in configure() with INVALID_SETTING naming the key, range and value', async (t) => {
  expectOutcomes(
    t,
    [
      [
        'lib.configure({ cache_ttl_seconds: 1e20 })',
        /^cache_ttl_seconds must be a whole number from 0 to 31536000; got 100000000000000000000$/,
      ],
      [
        'lib.configure({ cache_ttl_seconds: "3600" })',
        /^cache_ttl_seconds must be a whole number .* got "3600" \(a string\)$/,
      ],
      ['lib.configure({ cache_ttl_seconds: NaN })', /cache_ttl_seconds .* got NaN/],
      ['lib.configure({ cache_ttl_seconds: -1 })', /cache_ttl_seconds .* got -1/],
      [
        'lib.configure({ cache_max_entries: 1.5 })',
        /^cache_max_entries must be a whole number from 0 to 10000000; got 1\.5$/,
      ],
      ['lib.configure({ cache_max_entries: 10000001 })', /cache_max_entries .* got 10000001/],
      ['lib.configure({ cache_max_entries: null })', /cache_max_entries .* got null/],
      [
        'lib.configure({ cache_max_bytes: 2 ** 40 + 1 })',
        /^cache_max_bytes must be a whole number from 0 to 1099511627776; got/,
      ],
      ['lib.configure({ cache_max_bytes: Infinity })', /cache_max_bytes .* got Infinity/],
      ['lib.configure({ batch_max_items: 0 })', /^batch_max_items must be a whole number from 1 to 10000; got 0$/],
      ['lib.configure({ batch_max_items: 10001 })', /batch_max_items .* got 10001/],
      [
        'lib.configure({ cache_ttl: 5 })',
        /^unknown setting "cache_ttl"; the settings are batch_max_items, cache_max_entries/,
      ],
      ['lib.configure(null)', /^settings must be an object of batch_max_items, .* got null$/],
      ['lib.configure("x")', /^settings must be an object.* got "x" \(a string\)/],
      ['lib.configure([])', /^settings must be an object.* got an array/],
      [
        'lib.configure({ digital_link_resolver: "https://a b" })',
        /^digital_link_resolver must name a host \(letters, digits/,
      ],
      ['lib.configure({ digital_link_resolver: "https://x.example/p?q=1" })', /^digital_link_resolver may have a path/],
      ['lib.configure({ digital_link_resolver: "ftp://x.example" })', /^digital_link_resolver .*https?:\/\//],
      ['lib.configure({ digital_link_resolver: 42 })', /^digital_link_resolver must be .* got 42/],
      [
        'lib.configure({ digital_link_resolver: "https://x.example/" + "p".repeat(120) })',
        /1 to 120 characters; got 138/,
      ],
      // Nothing changes when one value is bad.
      ['lib.configure({ batch_max_items: 5, cache_ttl_seconds: -1 })', /cache_ttl_seconds/],
      ['lib.configure({ batch_max_items: 5, digital_link_resolver: "x" })', /digital_link_resolver/],
      ['lib.batchMaxItems()', { returns: 100 }],
    ],
    'INVALID_SETTING',
  );
  // The bounds the environment variables document are accepted, and the library still renders.
  expectOutcomes(t, [
    ['lib.configure({})', { returns: null }],
    [
      'lib.configure({ cache_ttl_seconds: 31536000, cache_max_entries: 10000000, cache_max_bytes: 2 ** 40, batch_max_items: 10000 })',
      { returns: null },
    ],
    ['lib.renderSync({ barcode_type: "qr", data: "x" }).success', { returns: true }],
    ['lib.batchMaxItems()', { returns: 10000 }],
    [
      'lib.configure({ cache_ttl_seconds: 0, cache_max_entries: 0, cache_max_bytes: 0, batch_max_items: 1 })',
      { returns: null },
    ],
    ['lib.renderSync({ barcode_type: "qr", data: "x" }).cached', { returns: false }],
    ['lib.batchMaxItems()', { returns: 1 }],
  ]);
});
