/**
 * `npm run build:web`: bundles the web app (src/web) with esbuild into dist/web: index.html and
 * content-hashed assets/app-<hash>.js and .css, minified, with no network at run time. The render
 * options' schema is the library's own (src/lib/schema.ts), given to the app as the module
 * `batchcode:schema` so the form never restates a name, a limit or a description.
 *
 * Prints the gzipped size of the JavaScript; the issue's budget is 150 KB (test/web/budget.test.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { BulkOptions } from '../src/bulk/schema.js';
import { RenderOptions } from '../src/lib/schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_SRC = join(ROOT, 'src/web');
export const WEB_OUT = join(ROOT, 'dist/web');

/** The schemas the form is drawn from, as plain JSON Schema. */
const schemaModule: Plugin = {
  name: 'batchcode-schema',
  setup(b) {
    b.onResolve({ filter: /^batchcode:schema$/ }, (args) => ({ path: args.path, namespace: 'batchcode' }));
    b.onLoad({ filter: /.*/, namespace: 'batchcode' }, () => ({
      contents: JSON.stringify({ renderOptions: RenderOptions, bulkOptions: BulkOptions }),
      loader: 'json',
    }));
  },
};

export async function buildWeb(out = WEB_OUT): Promise<{ jsBytes: number; jsGzipBytes: number }> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(WEB_SRC, 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir: join(out, 'assets'),
    absWorkingDir: ROOT,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [schemaModule],
  });
  const outputs = Object.keys(result.metafile.outputs);
  const js = outputs.find((o) => o.endsWith('.js'));
  const css = outputs.find((o) => o.endsWith('.css'));
  if (!js || !css) throw new Error(`esbuild wrote ${outputs.join(', ')}: expected one .js and one .css`);
  const html = readFileSync(join(WEB_SRC, 'index.html'), 'utf8')
    .replace('%APP_JS%', `/assets/${basename(js)}`)
    .replace('%APP_CSS%', `/assets/${basename(css)}`);
  writeFileSync(join(out, 'index.html'), html);
  const code = readFileSync(join(ROOT, js));
  return { jsBytes: code.length, jsGzipBytes: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { jsBytes, jsGzipBytes } = await buildWeb();
  console.log(
    `dist/web: ${(jsBytes / 1024).toFixed(1)} KB of JavaScript, ${(jsGzipBytes / 1024).toFixed(1)} KB gzipped`,
  );
}
