/**
 * `tsx scripts/contact-sheet.ts [out.png]`: one PNG of the linear codes whose looks the specs fix
 * (EAN/UPC guard bars and add-ons, ITF-14 bearer bars), each SVG as rendered, rasterised by resvg,
 * for a person to look over after a change to the linear layout. Written to the temp directory
 * unless a path is given; nothing is checked in.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { renderSync, type BarcodeRequest } from '../src/lib/index.js';

const cells: [string, BarcodeRequest][] = [
  ['EAN-13', { barcode_type: 'ean13', data: '5901234123457' }],
  ['EAN-13 + EAN-5', { barcode_type: 'ean13', data: '9781234567897 51299' }],
  ['EAN-13 + EAN-2', { barcode_type: 'ean13', data: '9771234567003 07' }],
  ['EAN-8', { barcode_type: 'ean8', data: '95012346' }],
  ['UPC-A', { barcode_type: 'upca', data: '036000291452' }],
  ['UPC-A + EAN-5', { barcode_type: 'upca', data: '012345678905 12345' }],
  ['UPC-E', { barcode_type: 'upce', data: '01234565' }],
  ['UPC-E + EAN-2', { barcode_type: 'upce', data: '01234565 12' }],
  ['EAN-13, no text', { barcode_type: 'ean13', data: '5901234123457', options: { show_text: false } }],
  ['ITF-14 frame', { barcode_type: 'itf14', data: '15400141288763', options: { show_text: true } }],
  ['ITF-14 top_bottom', { barcode_type: 'itf14', data: '15400141288763', options: { bearer: 'top_bottom' } }],
  ['ITF-14 none', { barcode_type: 'itf14', data: '15400141288763', options: { bearer: 'none' } }],
];

const COLS = 2;
const CELL_W = 700;
const CELL_H = 170;
const parts = cells.map(([label, req], i) => {
  const r = renderSync({ ...req, format: 'svg', options: { module_width: 2, ...req.options } });
  if (!r.success) throw new Error(`${label}: ${r.error.message}`);
  const [x, y] = [(i % COLS) * CELL_W + 20, Math.floor(i / COLS) * CELL_H + 10];
  const svg = r.svg!.replace('<svg ', `<svg x="${x}" y="${y + 22}" `);
  return `<text x="${x}" y="${y + 14}" font-family="sans-serif" font-size="14">${label}</text>${svg}`;
});
const rows = Math.ceil(cells.length / COLS);
const sheet = `<svg xmlns="http://www.w3.org/2000/svg" width="${COLS * CELL_W}" height="${rows * CELL_H}"><rect width="100%" height="100%" fill="#ddd"/>${parts.join('')}</svg>`;
const out = process.argv[2] ?? join(tmpdir(), 'batchcode-contact-sheet.png');
writeFileSync(out, new Resvg(sheet, { font: { loadSystemFonts: true } }).render().asPng());
console.log(`wrote ${out}`);
