//! Everything about a QR version that does not depend on the data, built once
//! per version and shared: function patterns, the data placement order, and
//! the eight masks, all bit-packed in both row and column order.
//!
//! Lines are stored with 4 light padding bits on each side (module `x` is bit
//! `x + 4`), so the finder-like pattern test of the penalty score can treat
//! the quiet zone as light without bounds checks.
use std::sync::OnceLock;

use qrcode::canvas::{is_functional, Canvas, Module};
use qrcode::types::{EcLevel as QrEcLevel, Version};

pub const PAD: usize = 4;

pub struct Template {
    pub size: usize,
    /// u64 words per padded line.
    pub words: usize,
    pub func_rows: Vec<u64>,
    pub func_cols: Vec<u64>,
    /// Non-function modules in placement order: each one's bit in the
    /// row lines and in the column lines, as word index * 64 + bit.
    pub data_slots: Vec<[u32; 2]>,
    mask_rows: [Vec<u64>; 8],
    mask_cols: [Vec<u64>; 8],
    /// Per level (its format bits' `ec_bits`), built when first used.
    masks: [OnceLock<[Masked; 8]>; 4],
}

/// What mask `m` XORs onto a symbol: the pattern over the data modules,
/// and the level's and the mask's format bits, which sit in the reserved
/// format area, light in the template (so the XOR draws them).
pub struct Masked {
    pub rows: Vec<u64>,
    pub cols: Vec<u64>,
}

/// Lines of `size` modules, `words` u64 per line, in one buffer.
pub struct Lines<'a> {
    pub buf: &'a mut [u64],
    pub words: usize,
}

impl Lines<'_> {
    #[inline]
    pub fn set(&mut self, line: usize, pos: usize, dark: bool) {
        let bit = pos + PAD;
        let w = &mut self.buf[line * self.words + bit / 64];
        if dark {
            *w |= 1 << (bit % 64);
        } else {
            *w &= !(1 << (bit % 64));
        }
    }
}

pub fn template(version: u8) -> &'static Template {
    static TEMPLATES: [OnceLock<Template>; 40] = [const { OnceLock::new() }; 40];
    TEMPLATES[version as usize - 1].get_or_init(|| Template::build(version))
}

fn mask_bit(mask: usize, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (x / 3 + y / 2).is_multiple_of(2),
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + x * y % 3).is_multiple_of(2),
    }
}

impl Template {
    fn build(version: u8) -> Template {
        let qv = Version::Normal(version as i16);
        let size = version as usize * 4 + 17;
        let words = (size + 2 * PAD).div_ceil(64);
        let mut canvas = Canvas::new(qv, QrEcLevel::L);
        canvas.draw_all_functional_patterns();
        // `is_functional` leaves out the version information blocks, which
        // the canvas has drawn by now.
        let functional = |x: usize, y: usize| {
            is_functional(qv, size as i16, x as i16, y as i16)
                || canvas.get(x as i16, y as i16) != Module::Empty
        };

        let mut func_rows = vec![0; words * size];
        let mut func_cols = vec![0; words * size];
        let mut mask_rows: [Vec<u64>; 8] = std::array::from_fn(|_| vec![0; words * size]);
        let mut mask_cols: [Vec<u64>; 8] = std::array::from_fn(|_| vec![0; words * size]);
        for y in 0..size {
            for x in 0..size {
                if functional(x, y) {
                    // The dark module sits in the reserved format area.
                    let dark =
                        canvas.get(x as i16, y as i16).is_dark() || (x == 8 && y == size - 8);
                    Lines {
                        buf: &mut func_rows,
                        words,
                    }
                    .set(y, x, dark);
                    Lines {
                        buf: &mut func_cols,
                        words,
                    }
                    .set(x, y, dark);
                } else {
                    for m in 0..8 {
                        if mask_bit(m, x, y) {
                            Lines {
                                buf: &mut mask_rows[m],
                                words,
                            }
                            .set(y, x, true);
                            Lines {
                                buf: &mut mask_cols[m],
                                words,
                            }
                            .set(x, y, true);
                        }
                    }
                }
            }
        }

        // Zigzag through column pairs from the right, skipping the vertical timing column.
        let slot = |line: usize, pos: usize| (line * words * 64 + pos + PAD) as u32;
        let mut data_slots = Vec::new();
        let mut right = size as isize - 1;
        while right >= 1 {
            if right == 6 {
                right = 5;
            }
            let upward = ((right + 1) & 2) == 0;
            for vert in 0..size {
                let y = if upward { size - 1 - vert } else { vert };
                for j in 0..2 {
                    let x = (right - j) as usize;
                    if !functional(x, y) {
                        data_slots.push([slot(y, x), slot(x, y)]);
                    }
                }
            }
            right -= 2;
        }

        Template {
            size,
            words,
            func_rows,
            func_cols,
            data_slots,
            mask_rows,
            mask_cols,
            masks: Default::default(),
        }
    }

    /// The eight masks with the format bits of the level whose format
    /// `ec_bits` (0 to 3) these are.
    pub fn masks(&self, ec_bits: u32) -> &[Masked; 8] {
        self.masks[ec_bits as usize].get_or_init(|| {
            std::array::from_fn(|m| {
                let mut masked = Masked {
                    rows: self.mask_rows[m].clone(),
                    cols: self.mask_cols[m].clone(),
                };
                let bits = format_bits(ec_bits, m as u32);
                for i in (0..15).filter(|i| (bits >> i) & 1 == 1) {
                    for (x, y) in self.format_positions(i) {
                        let words = self.words;
                        Lines {
                            buf: &mut masked.rows,
                            words,
                        }
                        .set(y, x, true);
                        Lines {
                            buf: &mut masked.cols,
                            words,
                        }
                        .set(x, y, true);
                    }
                }
                masked
            })
        })
    }

    /// Where the two copies of the 15 format bits go, as (x, y) per bit.
    pub fn format_positions(&self, bit: usize) -> [(usize, usize); 2] {
        let s = self.size;
        let first = match bit {
            0..=5 => (8, bit),
            6 => (8, 7),
            7 => (8, 8),
            8 => (7, 8),
            _ => (14 - bit, 8),
        };
        let second = if bit < 8 {
            (s - 1 - bit, 8)
        } else {
            (8, s - 15 + bit)
        };
        [first, second]
    }
}

/// The 15-bit BCH-protected format word for a level and mask.
pub fn format_bits(ec_bits: u32, mask: u32) -> u32 {
    let data = (ec_bits << 3) | mask;
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    ((data << 10) | rem) ^ 0x5412
}
