//! QR Code (ISO/IEC 18004) model 2, versions 1 to 40.
//!
//! Segmentation and function patterns come from the `qrcode` crate; error
//! correction (see `ec`), matrix filling and mask selection are ours, each
//! because the crate's version cost more than it needed to.
mod ec;
mod penalty;
mod segment;
mod template;

use super::{Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::{EcLevel, RenderOptions};
use template::{format_bits, template, Lines, Template, PAD};

pub const DEFAULT_EC: EcLevel = EcLevel::M;

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Symbol> {
    if data.is_empty() {
        return Err(CoreError::EmptyData);
    }
    let ec = opts.error_correction.unwrap_or(DEFAULT_EC);
    let cw = segment::encode(data.as_bytes(), ec)?;
    let (matrix, _) = build(cw.version, ec, &cw.data, None)?;
    Ok(Symbol {
        matrix,
        default_margin: 4,
        meta: SymbolMeta {
            version: Some(cw.version as u32),
            error_correction: Some(ec),
            text: None,
            eci: cw.eci,
        },
    })
}

/// Lays out data codewords and picks the mask with the lowest penalty
/// (or uses `forced_mask`). Returns the symbol and the mask used.
pub fn build(
    version: u8,
    ec: EcLevel,
    data: &[u8],
    forced_mask: Option<u8>,
) -> CoreResult<(BitMatrix, u8)> {
    let t = template(version);
    let (blocks, ecc) = ec::codewords(data, version, ec)?;

    let mut rows = t.func_rows.clone();
    let mut cols = t.func_cols.clone();
    let mut positions = t.data_pos.iter();
    for byte in blocks.iter().chain(ecc.iter()) {
        for bit in (0..8).rev() {
            let Some(&(x, y)) = positions.next() else {
                return Err(CoreError::Internal(
                    "QR codewords overflow the symbol".into(),
                ));
            };
            if (byte >> bit) & 1 == 1 {
                Lines {
                    buf: &mut rows,
                    words: t.words,
                }
                .set(y as usize, x as usize, true);
                Lines {
                    buf: &mut cols,
                    words: t.words,
                }
                .set(x as usize, y as usize, true);
            }
        }
    }

    let ec_bits = match ec {
        EcLevel::L => 1,
        EcLevel::M => 0,
        EcLevel::Q => 3,
        EcLevel::H => 2,
    };
    let mut best = (u32::MAX, 0u8);
    let mut trial_rows = rows.clone();
    let mut trial_cols = cols.clone();
    let masks: Vec<u8> = match forced_mask {
        Some(m) => vec![m],
        None => (0..8).collect(),
    };
    for &m in &masks {
        apply(&mut trial_rows, &rows, &t.mask_rows[m as usize]);
        apply(&mut trial_cols, &cols, &t.mask_cols[m as usize]);
        draw_format(
            t,
            &mut trial_rows,
            &mut trial_cols,
            format_bits(ec_bits, m as u32),
        );
        let score = if masks.len() == 1 {
            0
        } else {
            penalty::score(&trial_rows, &trial_cols, t.words, t.size)
        };
        if score < best.0 {
            best = (score, m);
        }
    }
    let m = best.1 as usize;
    apply(&mut trial_rows, &rows, &t.mask_rows[m]);
    draw_format(
        t,
        &mut trial_rows,
        &mut trial_cols,
        format_bits(ec_bits, m as u32),
    );
    Ok((unpad(t, &trial_rows), best.1))
}

fn apply(out: &mut [u64], base: &[u64], mask: &[u64]) {
    for ((o, b), m) in out.iter_mut().zip(base).zip(mask) {
        *o = b ^ m;
    }
}

fn draw_format(t: &Template, rows: &mut [u64], cols: &mut [u64], bits: u32) {
    for i in 0..15 {
        let dark = (bits >> i) & 1 == 1;
        for (x, y) in t.format_positions(i) {
            Lines {
                buf: rows,
                words: t.words,
            }
            .set(y, x, dark);
            Lines {
                buf: cols,
                words: t.words,
            }
            .set(x, y, dark);
        }
    }
}

fn unpad(t: &Template, rows: &[u64]) -> BitMatrix {
    let mut m = BitMatrix::new(t.size, t.size);
    for (y, line) in rows.chunks_exact(t.words).enumerate() {
        let out = m.row_mut(y);
        for (j, w) in out.iter_mut().enumerate() {
            let hi = line.get(j + 1).copied().unwrap_or(0);
            *w = (line[j] >> PAD) | (hi << (64 - PAD));
        }
        let tail = t.size % 64;
        if tail != 0 {
            let last = out.len() - 1;
            out[last] &= (1u64 << tail) - 1;
        }
    }
    m
}

#[cfg(test)]
mod tests;
