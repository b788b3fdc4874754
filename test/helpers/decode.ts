/**
 * The independent check that a code scans: ZXing-C++ (zxing-wasm) reads
 * the image bytes itself; SVG is rasterised by resvg first. The wasm file is
 * loaded from node_modules, never from the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { prepareZXingModule, readBarcodes, type ReadResult, type ReaderOptions } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
const wasmPath = require.resolve('zxing-wasm/reader/zxing_reader.wasm');

const wasm = readFileSync(wasmPath);
prepareZXingModule({
  // A Buffer may be a view into a larger pooled ArrayBuffer: hand over exactly its bytes.
  overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
});

const options: ReaderOptions = { tryHarder: true, maxNumberOfSymbols: 1 };

export function rasterise(svg: string, width?: number): Buffer {
  return new Resvg(svg, width ? { fitTo: { mode: 'width', value: width } } : undefined).render().asPng();
}

async function read(
  png: Uint8Array,
  formats?: ReaderOptions['formats'],
  textMode?: ReaderOptions['textMode'],
): Promise<ReadResult | undefined> {
  const results = await readBarcodes(png, { ...options, ...(formats && { formats }), ...(textMode && { textMode }) });
  return results.find((r) => r.isValid);
}

/**
 * Decodes a PNG (bytes) or SVG (text) and returns the text, or undefined.
 * ZXing's default text mode shows control characters as `<NUL>` and so on;
 * pass `'Plain'` to compare raw text.
 */
export async function decode(
  image: Buffer | string,
  formats?: ReaderOptions['formats'],
  textMode?: ReaderOptions['textMode'],
): Promise<string | undefined> {
  const png = typeof image === 'string' ? rasterise(image) : image;
  return (await read(png, formats, textMode))?.text;
}

/** What the reader saw besides the text: the version and error-correction level it found in the symbol. */
export async function decodeSymbol(
  image: Buffer | string,
  formats?: ReaderOptions['formats'],
): Promise<{ text: string; version: string; ecLevel: string } | undefined> {
  const png = typeof image === 'string' ? rasterise(image) : image;
  const r = await read(png, formats);
  if (!r) return undefined;
  // `extra` is JSON such as {"ECLevel":"L","Version":"M3"}; the separate fields are deprecated.
  const extra = (r.extra ? JSON.parse(r.extra) : {}) as { ECLevel?: string; Version?: string };
  return { text: r.text, version: String(extra.Version ?? ''), ecLevel: String(extra.ECLevel ?? '') };
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Decodes an EAN/UPC symbol that must carry an EAN-2/EAN-5 add-on (ZXing's
 * `eanAddOnSymbol: 'Require'`): the main symbol's text without the add-on, and the add-on.
 */
export async function decodeAddOn(
  image: Buffer | string,
  formats?: ReaderOptions['formats'],
): Promise<{ text: string; addOn: string } | undefined> {
  const png = typeof image === 'string' ? rasterise(image) : image;
  const results = await readBarcodes(png, {
    ...options,
    ...(formats && { formats }),
    eanAddOnSymbol: 'Require',
  });
  const r = results.find((x) => x.isValid);
  if (!r) return undefined;
  const addOn = String((JSON.parse(r.extra || '{}') as { EanAddOn?: string }).EanAddOn ?? '');
  return { text: r.text.slice(0, r.text.length - addOn.length), addOn };
}
