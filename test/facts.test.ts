/**
 * One source per fact: src/lib/facts.ts must be exactly what
 * `npm run build:facts` writes from the built addon, and the TypeScript
 * schema and the Rust core must draw every line in the same place.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { FACTS_FILE, factsModule } from '../scripts/facts.js';
import * as facts from '../src/lib/facts.js';
import {
  batchMaxItems,
  checkBatchSync,
  MAX_CONCURRENT,
  MAX_DATA_LENGTH,
  MAX_IMAGE_PX,
  renderBatchSync,
  type BarcodeRequest,
  type CheckResult,
} from '../src/lib/index.js';
import { native } from '../src/lib/native.js';
import { unpack } from '../src/lib/packed.js';

const core = native.facts();

t.test('should hold every fact of the core, equal', async (t) => {
  t.strictSame(facts.BARCODE_TYPES, core.barcode_types, 'BARCODE_TYPES');
  t.strictSame(facts.FORMATS, core.formats, 'FORMATS');
  t.strictSame(facts.ERROR_CORRECTION_LEVELS, core.error_correction_levels, 'ERROR_CORRECTION_LEVELS');
  for (const c of core.choices) t.strictSame(facts[c.constant as keyof typeof facts], c.names, c.constant);
  t.ok(
    core.choices.some((c) => c.constant === 'BEARERS'),
    'BEARERS among the choices',
  );
  t.strictSame(facts.ERROR_CODES, core.error_codes, 'ERROR_CODES');
  t.strictSame(facts.PACKED_FIELDS, core.packed_fields, 'PACKED_FIELDS');
  t.strictSame(facts.PACKED_KINDS, core.packed_kinds, 'PACKED_KINDS');
  t.strictSame(
    facts.LIMITS,
    Object.fromEntries(core.limits.map(({ name, min, max }) => [name, { min, max }])),
    'LIMITS',
  );
  t.strictSame(
    facts.SETTINGS,
    Object.fromEntries(core.settings.map(({ name, min, max, default: d }) => [name, { min, max, default: d }])),
    'SETTINGS',
  );
});

t.test('should be exactly what build:facts writes, descriptions and order included', async (t) => {
  t.equal(readFileSync(FACTS_FILE, 'utf8'), factsModule(core), 'src/lib/facts.ts is stale: run npm run build:facts');
});

t.test('should keep the old constant names, derived from the facts', async (t) => {
  t.equal(MAX_DATA_LENGTH, core.limits.find((l) => l.name === 'data_length')?.max);
  t.equal(MAX_CONCURRENT, core.limits.find((l) => l.name === 'max_concurrent')?.max);
  t.equal(MAX_IMAGE_PX, core.limits.find((l) => l.name === 'width')?.max);
  t.equal(batchMaxItems(), core.settings.find((s) => s.name === 'batch_max_items')?.default, 'default batch limit');
});

/** The core's own verdict, past the TypeScript schema. */
const coreCheck = (item: object) => native.checkBatchSync(JSON.stringify([item]))[0];
const rangeError = /must be a whole number from/;

t.test('should refuse each option one past its bound in the schema and in the core alike', async (t) => {
  for (const name of ['width', 'height', 'margin', 'module_width'] as const) {
    const { min, max } = facts.LIMITS[name];
    for (const [value, inside] of [
      [min, true],
      [max, true],
      [min - 1, false],
      [max + 1, false],
    ] as const) {
      const item = { barcode_type: 'qr', data: 'x', options: { [name]: value } } as BarcodeRequest;
      const [ts] = checkBatchSync([item]) as [CheckResult];
      const rust = coreCheck(item);
      if (inside) {
        t.notOk(!ts.success && ts.error.code === 'INVALID_REQUEST', `schema takes ${name} ${value}`);
        t.notMatch(rust?.message ?? '', rangeError, `core takes ${name} ${value}`);
      } else {
        t.match(ts, {
          success: false,
          error: {
            code: 'INVALID_REQUEST',
            // height is a decimal in the schema: millimetres with unit "mm"; the core wants whole pixels.
            message: `options.${name} must be ${name === 'height' ? 'a number' : 'a whole number'} from ${min} to ${max}; got ${value}`,
          },
        });
        t.match(rust, {
          code: 'INVALID_OPTION',
          message: `options.${name}: must be a whole number from ${min} to ${max}`,
        });
      }
    }
  }
});

t.test('should bound data length in the schema and in the core alike', async (t) => {
  const { max } = facts.LIMITS.data_length;
  const at = { barcode_type: 'code128' as const, data: '1'.repeat(max) };
  const past = { ...at, data: '1'.repeat(max + 1) };
  t.notMatch(checkBatchSync([at])[0], { error: { code: 'INVALID_REQUEST' } }, 'the schema takes the limit');
  t.notMatch(coreCheck(at)?.message ?? '', /a request holds at most/, 'the core takes the limit');
  t.match(checkBatchSync([past])[0], {
    success: false,
    error: {
      code: 'INVALID_REQUEST',
      message: `data must be a string of at most ${max} characters; got ${max + 1} characters`,
    },
  });
  t.match(coreCheck(past), { code: 'DATA_TOO_LONG', message: `a request holds at most ${max.toLocaleString('en')}` });
});

t.test('should bound max_concurrent in the Node API and in the core alike', async (t) => {
  const { min, max } = facts.LIMITS.max_concurrent;
  const one = [{ barcode_type: 'qr' as const, data: 'x' }];
  for (const n of [min, max]) {
    t.ok(renderBatchSync(one, { max_concurrent: n }).success, `Node API takes ${n}`);
    t.equal(unpack(native.renderBatchSync(JSON.stringify(one), n), 1, String).length, 1, `core takes ${n}`);
  }
  for (const n of [min - 1, max + 1]) {
    t.throws(() => renderBatchSync(one, { max_concurrent: n }), { code: 'INVALID_BATCH_OPTION' });
    t.throws(() => native.renderBatchSync(JSON.stringify(one), n), {
      message: `max_concurrent: must be a whole number from ${min} to ${max}`,
    });
  }
});

t.test('should accept every type, format and level in the schema and in the core alike', async (t) => {
  const items: BarcodeRequest[] = [
    ...facts.BARCODE_TYPES.map((barcode_type) => ({ barcode_type, data: '1' })),
    ...facts.FORMATS.map((format) => ({ barcode_type: 'qr' as const, data: '1', format })),
    ...facts.ERROR_CORRECTION_LEVELS.map((error_correction) => ({
      barcode_type: 'qr' as const,
      data: '1',
      options: { error_correction },
    })),
  ];
  const refused = ['INVALID_REQUEST', 'UNSUPPORTED_TYPE', 'INVALID_OPTION'];
  for (const [i, r] of checkBatchSync(items).entries()) {
    t.notOk(
      !r.success && refused.includes(r.error.code),
      `${JSON.stringify(items[i])}: ${r.success || r.error.message}`,
    );
  }
  t.match(coreCheck({ barcode_type: 'nope', data: '1' }), {
    code: 'UNSUPPORTED_TYPE',
    message: `supported: ${facts.BARCODE_TYPES.join(', ')}`,
  });
  const codes = renderBatchSync([{ barcode_type: 'qr', data: '' }]).results.map((r) => !r.success && r.error.code);
  t.ok(facts.ERROR_CODES.includes(codes[0] as never), 'a render error code is one of ERROR_CODES');
});
