// @ts-check
/**
 * Lint rules, and the layer rules of src/: lib ← infra ← bulk, codes ← gateway ← cli ← bin, each folder importing
 * only the ones before it; bulk and codes are two domains that do not import each other (bulk declares the
 * port it needs of codes in src/bulk/dynamic.ts, and the gateway passes the code service in).
 * `no-restricted-imports` does not merge options across config blocks, so each folder's block repeats the rule that applies everywhere (nothing imports src/bin), which is all src/gateway needs.
 * Only static imports and re-exports are checked: `import()` and `createRequire` are not.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const noBin = {
  regex: '^(\\.{1,2}/)+(src/)?bin(/|$)',
  message: 'src/bin holds entry points: nothing imports them.',
};

/** @param {...Record<string, unknown>} patterns */
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: [noBin, ...patterns] }],
});

export default defineConfig(
  globalIgnores([
    'dist/',
    'target/',
    'native/node/index.js',
    'native/node/index.d.ts',
    'node_modules/',
    'coverage/',
    '.tap/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      ...restrict(),
    },
  },
  {
    files: ['src/lib/**'],
    rules: restrict({
      // Allow-list: siblings, the addon, TypeBox and Node built-ins; everything else is refused.
      regex:
        '^(?!\\./[^/]+$|\\./payloads/index\\.js$|\\.\\./\\.\\./native/node/index\\.js$|@sinclair/typebox(/|$)|node:)',
      message:
        'src/lib is the Node API: it imports only ./*, ./payloads/index.js, the native addon, @sinclair/typebox and node:*.',
    }),
  },
  {
    files: ['src/lib/payloads/**'],
    rules: restrict({
      // The payload helpers: siblings, src/lib's files, TypeBox and Node built-ins.
      regex: '^(?!\\./[^/]+$|\\.\\./[^/]+$|@sinclair/typebox(/|$)|node:)',
      message: 'src/lib/payloads imports only ./*, ../* (src/lib), @sinclair/typebox and node:*.',
    }),
  },
  {
    files: ['src/infra/**'],
    rules: restrict(
      {
        regex: '^\\.\\./(?!lib/[^/]+$)',
        message: 'src/infra imports nothing of ours but ../lib/*.',
      },
      {
        group: ['fastify', 'fastify-plugin', '@fastify/*'],
        message: 'src/infra is shared with the worker: no Fastify.',
      },
    ),
  },
  {
    files: ['src/bulk/**'],
    rules: restrict(
      {
        regex: '^(\\.\\./)+(gateway|codes)(/|$)',
        message: 'src/bulk is domain code: it imports neither the gateway nor src/codes (see src/bulk/dynamic.ts).',
      },
      {
        group: ['fastify', 'fastify-plugin', '@fastify/*'],
        message: 'src/bulk runs in the worker too: no Fastify.',
      },
    ),
  },
  {
    files: ['src/codes/**'],
    rules: restrict(
      {
        regex: '^(\\.\\./)+(gateway|bulk)(/|$)',
        message: 'src/codes is domain code: it imports neither the gateway nor src/bulk.',
      },
      {
        group: ['fastify', 'fastify-plugin', '@fastify/*'],
        message: 'src/codes is domain code: no Fastify.',
      },
    ),
  },
  {
    files: ['src/cli/**'],
    rules: restrict(
      {
        regex: '^(\\.\\./)+(gateway|codes)(/|$)',
        message:
          'src/cli renders through src/bulk and src/lib; it starts the gateway with import() in `serve` alone, so other commands load no server.',
      },
      {
        group: ['fastify', 'fastify-plugin', '@fastify/*', 'bullmq', 'ioredis'],
        message: 'src/cli loads no server package: `render` and `bulk` start fast and need no Redis.',
      },
    ),
  },
  {
    // The web app runs in the browser: of the rest of src it takes types alone (erased by esbuild), and the
    // generated facts; the schemas come through the build's batchcode:schema module.
    files: ['src/web/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(?!lib/facts$)(lib|bulk|codes|infra|gateway|cli|bin)(/|$)',
              allowTypeImports: true,
              message: 'src/web runs in the browser: it imports only types from the rest of src, and ../lib/facts.',
            },
            {
              regex: '^(?!\\.|preact(/|$)|batchcode:schema$)',
              message: 'src/web bundles only its own files, preact, and the batchcode:schema module.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/bin/**'],
    rules: restrict({
      regex: '^\\./',
      message: 'src/bin holds entry points: nothing imports them, not even each other.',
    }),
  },
  {
    // The environment is read once, through a schema, by the entry points (src/infra/env.ts's loadEnv).
    files: ['src/**'],
    ignores: ['src/bin/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/bin reads the environment; pass settings in.' },
      ],
    },
  },
);
