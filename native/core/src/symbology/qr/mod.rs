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
use template::{template, Template, PAD};

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
    if (blocks.len() + ecc.len()) * 8 > t.data_slots.len() {
        return Err(CoreError::Internal(
            "QR codewords overflow the symbol".into(),
        ));
    }
    for (byte, slots) in blocks.iter().chain(&ecc).zip(t.data_slots.chunks(8)) {
        for (k, &[r, c]) in slots.iter().enumerate() {
            let bit = u64::from((byte >> (7 - k)) & 1);
            rows[(r / 64) as usize] |= bit << (r % 64);
            cols[(c / 64) as usize] |= bit << (c % 64);
        }
    }

    let ec_bits = match ec {
        EcLevel::L => 1,
        EcLevel::M => 0,
        EcLevel::Q => 3,
        EcLevel::H => 2,
    };
    let masks = t.masks(ec_bits);
    let best = match forced_mask {
        Some(m) => m,
        None => {
            let mut best = (u32::MAX, 0u8);
            let mut trial_rows = rows.clone();
            let mut trial_cols = cols.clone();
            for (m, masked) in masks.iter().enumerate() {
                apply(&mut trial_rows, &rows, &masked.rows);
                apply(&mut trial_cols, &cols, &masked.cols);
                let score = penalty::score(&trial_rows, &trial_cols, t.words, t.size);
                if score < best.0 {
                    best = (score, m as u8);
                }
            }
            best.1
        }
    };
    for (r, m) in rows.iter_mut().zip(&masks[best as usize].rows) {
        *r ^= m;
    }
    Ok((unpad(t, &rows), best))
}

fn apply(out: &mut [u64], base: &[u64], mask: &[u64]) {
    for ((o, b), m) in out.iter_mut().zip(base).zip(mask) {
        *o = b ^ m;
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
