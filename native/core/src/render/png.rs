//! PNG as 1-bit palette images: a repeated scanline costs one filter byte
//! ("Up", all zeros), which deflate shrinks to almost nothing.
use super::font::{pixel, ADVANCE, GLYPH_H, GLYPH_W};
use super::linear::{segments, Part};
use super::zlib::zlib;
use super::Layout;
use crate::options::RenderOptions;
use crate::symbology::Encoded;

/// What one pixel row shows; equal rows are written once and repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowKey {
    /// The matrix row of a 2-D symbol.
    matrix: Option<usize>,
    /// The parts of a linear symbol's bars crossing the row, one bit each.
    parts: u8,
    /// Glyph rows of the text under and over the bars.
    below: Option<u32>,
    above: Option<u32>,
    /// The bearer bars crossing the row, one bit each.
    bearers: u8,
}

pub fn draw(enc: &Encoded, lay: &Layout, opts: &RenderOptions) -> Vec<u8> {
    let m = &enc.symbol.matrix;
    let row_bytes = (lay.width as usize).div_ceil(8);
    let stride = row_bytes + 1;
    let mut raw = vec![0u8; stride * lay.height as usize];
    let mut line = vec![0u8; row_bytes];
    let mut prev: Option<RowKey> = None;
    let bearers = lay.bearers.unwrap_or_default();
    let segments = segments(enc);
    let glyph_row = |py: u32, top: u32| {
        let t = lay.text?;
        let row = py.checked_sub(top)? / t.size;
        (row < GLYPH_H).then_some(row)
    };
    for py in 0..lay.height as usize {
        let y = py as u32;
        let below_y0 = y.checked_sub(lay.y0);
        let key = RowKey {
            matrix: below_y0
                .map(|d| (d / lay.row_px) as usize)
                .filter(|&r| r < m.height() && enc.linear.is_none()),
            parts: match (below_y0, &enc.linear) {
                (Some(d), Some(_)) => Part::ALL
                    .into_iter()
                    .filter(|&p| {
                        let (top, bottom) = lay.extent(p);
                        (top..bottom).contains(&d)
                    })
                    .fold(0, |bits, p| bits | 1 << p as u8),
                _ => 0,
            },
            below: lay.text.and_then(|t| glyph_row(y, t.top)),
            above: lay.text.and_then(|t| glyph_row(y, t.above)),
            bearers: bearers
                .iter()
                .enumerate()
                .filter(|(_, r)| r.covers_row(y))
                .fold(0, |bits, (i, _)| bits | 1 << i),
        };
        let out = &mut raw[py * stride..(py + 1) * stride];
        if prev == Some(key) {
            out[0] = 2; // Up: identical to the row above.
            continue;
        }
        line.fill(0);
        if let Some(row) = key.matrix {
            for (x, len) in m.dark_runs(row) {
                let from = lay.x0 as usize + x * lay.scale as usize;
                fill_bits(&mut line, from, from + len * lay.scale as usize);
            }
        }
        for &(x, len, part) in &segments {
            if key.parts & 1 << part as u8 != 0 {
                let from = lay.x0 as usize + x * lay.scale as usize;
                fill_bits(&mut line, from, from + len * lay.scale as usize);
            }
        }
        if let Some(t) = lay.text {
            for (row, above) in [(key.below, false), (key.above, true)] {
                if let Some(row) = row {
                    draw_text_row(&mut line, enc, lay, t.size, row, above);
                }
            }
        }
        for (i, r) in bearers.iter().enumerate() {
            if key.bearers & 1 << i != 0 {
                fill_bits(&mut line, r.x as usize, (r.x + r.w) as usize);
            }
        }
        out[1..].copy_from_slice(&line);
        prev = Some(key);
    }
    let idat = zlib(&raw);

    let mut png = Vec::with_capacity(idat.len() + 100);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = [0u8; 13];
    ihdr[0..4].copy_from_slice(&lay.width.to_be_bytes());
    ihdr[4..8].copy_from_slice(&lay.height.to_be_bytes());
    ihdr[8] = 1; // bit depth
    ihdr[9] = 3; // palette
    chunk(&mut png, b"IHDR", &ihdr);
    let (bg, fg) = (opts.background, opts.foreground);
    chunk(&mut png, b"PLTE", &[bg.r, bg.g, bg.b, fg.r, fg.g, fg.b]);
    if bg.a != 255 || fg.a != 255 {
        chunk(&mut png, b"tRNS", &[bg.a, fg.a]);
    }
    if let Some(dpi) = lay.print.and_then(|p| p.dpi) {
        // pHYs counts pixels per metre; unit 1 is the metre.
        let per_metre = (dpi as f64 / 0.0254).round() as u32;
        let mut phys = [1u8; 9];
        phys[0..4].copy_from_slice(&per_metre.to_be_bytes());
        phys[4..8].copy_from_slice(&per_metre.to_be_bytes());
        chunk(&mut png, b"pHYs", &phys);
    }
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// One pixel row of the text runs under (or over) the bars: glyph row `row`, `size` pixels per glyph pixel.
fn draw_text_row(line: &mut [u8], enc: &Encoded, lay: &Layout, size: u32, row: u32, above: bool) {
    let Some(lin) = &enc.linear else { return };
    let width = lay.width as i64;
    for run in lin.text.iter().filter(|r| r.above == above) {
        let n = run.text.chars().count() as i64;
        let run_w = (n * ADVANCE as i64 - 1) * size as i64;
        let centre = lay.x0 as f64 + run.center * lay.scale as f64;
        let left = (centre - run_w as f64 / 2.0).round() as i64;
        for (i, c) in run.text.chars().enumerate() {
            let gx = left + i as i64 * (ADVANCE * size) as i64;
            for col in 0..GLYPH_W {
                if pixel(c, col, row) {
                    let from = (gx + (col * size) as i64).clamp(0, width) as usize;
                    let to = (gx + ((col + 1) * size) as i64).clamp(0, width) as usize;
                    fill_bits(line, from, to);
                }
            }
        }
    }
}

/// Sets bits `from..to` (MSB first, as PNG packs pixels).
fn fill_bits(line: &mut [u8], from: usize, to: usize) {
    let mut i = from;
    while i < to && !i.is_multiple_of(8) {
        line[i / 8] |= 0x80 >> (i % 8);
        i += 1;
    }
    while i + 8 <= to {
        line[i / 8] = 0xFF;
        i += 8;
    }
    while i < to {
        line[i / 8] |= 0x80 >> (i % 8);
        i += 1;
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::fill_bits;

    #[test]
    fn fill_bits_handles_partial_bytes() {
        let mut line = [0u8; 3];
        fill_bits(&mut line, 3, 19);
        assert_eq!(line, [0b0001_1111, 0xFF, 0b1110_0000]);
    }
}
