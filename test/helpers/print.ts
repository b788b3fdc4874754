/**
 * Print formats read by independent programs: PDF by poppler (`pdftoppm`, `pdfinfo`,
 * `pdftotext`), EPS by Ghostscript (`gs`), as a print shop's tools would read them.
 * `.ci/run` installs poppler-utils and ghostscript.
 */
import { execFileSync } from 'node:child_process';
import type { BarcodeSuccess } from '../../src/lib/index.js';
import { rasterise } from './decode.js';

/** Twice the 96 dpi the images are laid out at, so every module edge lands on a device pixel. */
export const PRINT_DPI = 192;

const run = (cmd: string, args: string[], input: Buffer): Buffer =>
  execFileSync(cmd, args, { input, maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'pipe'] });

/** The first page of a PDF as a PNG, by poppler. */
export function rasterisePdf(pdf: Buffer, dpi = PRINT_DPI): Buffer {
  return run('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', '-'], pdf);
}

/** An EPS as a PNG cropped to its bounding box, by Ghostscript. */
export function rasteriseEps(eps: Buffer, dpi = PRINT_DPI): Buffer {
  const args = ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-dEPSCrop', '-sDEVICE=png16m', `-r${dpi}`];
  return run('gs', [...args, '-sOutputFile=-', '-'], eps);
}

/** The text poppler (PDF) or Ghostscript (EPS) finds in a file, whitespace collapsed. */
export function printedText(r: BarcodeSuccess): string {
  const text =
    r.format === 'pdf'
      ? run('pdftotext', ['-', '-'], r.pdf!)
      : run('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=txtwrite', '-sOutputFile=-', '-'], r.eps!);
  return text.toString('utf8').replace(/\s+/g, ' ').trim();
}

/** A PDF's first page size in points, as poppler reads it. */
export function pdfPageSize(pdf: Buffer): { width: number; height: number } {
  const info = run('pdfinfo', ['-'], pdf).toString('utf8');
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  if (!m) throw new Error(`pdfinfo shows no page size:\n${info}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export interface Pixels {
  width: number;
  height: number;
  /** The colour at (x, y), as [r, g, b]. */
  at(x: number, y: number): [number, number, number];
}

/** A binary PPM (P6, maxval 255), as pdftoppm and Ghostscript write it. */
function ppm(buf: Buffer): Pixels {
  // Ghostscript puts a comment line after the magic number.
  const m = /^P6\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+255\s/.exec(buf.toString('latin1', 0, 256));
  if (!m) throw new Error('not a binary PPM');
  const [width, height, start] = [Number(m[1]), Number(m[2]), m[0].length];
  return {
    width,
    height,
    at: (x, y) => {
      const i = start + (y * width + x) * 3;
      return [buf[i]!, buf[i + 1]!, buf[i + 2]!];
    },
  };
}

/** A PDF's first page or an EPS as pixels, by poppler or Ghostscript. */
export function printedPixels(r: BarcodeSuccess, dpi = PRINT_DPI): Pixels {
  if (r.format === 'pdf') return ppm(run('pdftoppm', ['-r', String(dpi), '-singlefile', '-'], r.pdf!));
  const args = ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-dEPSCrop', '-sDEVICE=ppmraw', `-r${dpi}`];
  return ppm(run('gs', [...args, '-sOutputFile=-', '-'], r.eps!));
}

/** Any result as a raster a decoder can read: SVG by resvg, PDF by poppler, EPS by Ghostscript. */
export function raster(r: BarcodeSuccess): Buffer {
  switch (r.format) {
    case 'svg':
      return rasterise(r.svg!);
    case 'png':
      return r.png!;
    case 'pdf':
      return rasterisePdf(r.pdf!);
    case 'eps':
      return rasteriseEps(r.eps!);
  }
}
