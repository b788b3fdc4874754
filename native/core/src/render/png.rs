//! PNG as 1-bit palette images: a repeated scanline costs one filter byte
//! ("Up", all zeros), which deflate shrinks to almost nothing.
use super::Layout;
use crate::options::RenderOptions;
use crate::symbology::Symbol;

// Level 1: a 300 px URL code is ~830 bytes (level 6: ~580) at half the time.
const COMPRESSION_LEVEL: u8 = 1;

pub fn draw(sym: &Symbol, lay: &Layout, opts: &RenderOptions) -> Vec<u8> {
    let m = &sym.matrix;
    let row_bytes = (lay.width as usize).div_ceil(8);
    let stride = row_bytes + 1;
    let mut raw = vec![0u8; stride * lay.height as usize];
    let mut line = vec![0u8; row_bytes];
    let mut prev_source: Option<usize> = None;
    for py in 0..lay.height as usize {
        // Which module row feeds this pixel row, if any.
        let source = (py as u32)
            .checked_sub(lay.y0)
            .map(|d| (d / lay.scale) as usize)
            .filter(|&y| y < m.height());
        let out = &mut raw[py * stride..(py + 1) * stride];
        if py > 0 && source == prev_source {
            out[0] = 2; // Up: identical to the row above.
            continue;
        }
        line.fill(0);
        if let Some(y) = source {
            for (x, len) in m.dark_runs(y) {
                let from = lay.x0 as usize + x * lay.scale as usize;
                fill_bits(&mut line, from, from + len * lay.scale as usize);
            }
        }
        out[1..].copy_from_slice(&line);
        prev_source = source;
    }
    let idat = miniz_oxide::deflate::compress_to_vec_zlib(&raw, COMPRESSION_LEVEL);

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
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Sets bits `from..to` (MSB first, as PNG packs pixels).
fn fill_bits(line: &mut [u8], from: usize, to: usize) {
    let mut i = from;
    while i < to && i % 8 != 0 {
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
