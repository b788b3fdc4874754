//! Micro QR Code (ISO/IEC 18004, M1-M4): the smallest version that holds the
//! data at the requested level (default L; M1 only detects errors, Q needs
//! M4, no H). The `qrcode` crate segments the data, computes the error
//! correction and picks the mask; the padding and the placement of a half
//! codeword are done here, because the crate gets both wrong for M3-L (see
//! `pad` and `place`).
use qrcode::bits::Bits;
use qrcode::canvas::Canvas;
use qrcode::types::{Color, EcLevel as QrEc};
use qrcode::{ec, Version};

use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::{EcLevel, RenderOptions};

pub const DEFAULT_EC: EcLevel = EcLevel::L;

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    if data.is_empty() {
        return Err(CoreError::EmptyData);
    }
    let ec = opts.error_correction.unwrap_or(DEFAULT_EC);
    let qr_ec = match ec {
        EcLevel::L => QrEc::L,
        EcLevel::M => QrEc::M,
        EcLevel::Q => QrEc::Q,
        EcLevel::H => {
            return Err(CoreError::option(
                "options.error_correction",
                "Micro QR Code supports L, M and Q, not H",
            ))
        }
    };
    for v in 1..=4 {
        let Some(colors) = symbol(data.as_bytes(), v, qr_ec) else {
            continue;
        };
        let n = Version::Micro(v).width() as usize;
        let mut matrix = BitMatrix::new(n, n);
        for (i, c) in colors.iter().enumerate() {
            if *c == Color::Dark {
                matrix.set(i % n, i / n, true);
            }
        }
        return Ok(Encoded::from(Symbol {
            matrix,
            default_margin: 2,
            meta: SymbolMeta {
                version: Some(v as u32),
                error_correction: Some(ec),
                text: None,
                eci: None,
            },
        }));
    }
    Err(CoreError::DataTooLong {
        len: crate::error::thousands(data.len()),
        unit: "bytes",
        what: format!("Micro QR Code (M4) at level {}", ec.as_str()),
        max: match ec {
            EcLevel::L => "35 digits, 21 letters or 15 bytes".into(),
            EcLevel::M => "30 digits, 18 letters or 13 bytes".into(),
            _ => "21 digits, 13 letters or 9 bytes".into(),
        },
    })
}

/// The modules of Micro QR version `v` at `ec`, or `None` when the data does
/// not fit it (or the level does not exist for it).
fn symbol(data: &[u8], v: i16, ec: QrEc) -> Option<Vec<Color>> {
    let version = Version::Micro(v);
    let mut bits = Bits::new(version);
    bits.push_optimal_data(data).ok()?;
    let capacity = bits.max_len(ec).ok()?;
    if bits.len() > capacity {
        return None;
    }
    let codewords = pad(bits.len(), bits.into_bytes(), v, capacity);
    let (data_words, ec_words) = ec::construct_codewords(&codewords, version, ec).ok()?;
    Some(
        place(version, ec, &data_words, &ec_words)
            .apply_best_mask()
            .into_colors(),
    )
}

/// The data codewords of `len` bits of segments: the terminator (3, 5, 7 or 9
/// zero bits, or fewer at capacity), zeros to a codeword boundary, then the
/// pad codewords 0xEC 0x11 alternately. M1 and M3 end on a 4-bit codeword,
/// kept in the high nibble of the last byte; it is zero-filled, never a pad
/// codeword (ISO/IEC 18004:2015 7.4.10). The crate's own terminator overflows
/// a `usize` when the terminator ends inside that last codeword.
fn pad(len: usize, mut bytes: Vec<u8>, v: i16, capacity: usize) -> Vec<u8> {
    let terminator = (2 * v as usize + 1).min(capacity - len);
    let used = len + terminator;
    let words = capacity.div_ceil(8);
    bytes.resize(used.div_ceil(8), 0);
    let full = capacity / 8;
    for (i, pad) in (bytes.len()..words).zip([0xEC, 0x11].into_iter().cycle()) {
        bytes.push(if i < full { pad } else { 0 });
    }
    bytes
}

/// The codewords drawn on a canvas with the function patterns and the format
/// information for `ec`. The crate draws the 4-bit last data codeword only for
/// M1-L and M3-M; M3-L has one too (84 data bits), so its codewords are drawn
/// with M3-M's rule (the same 132 data modules) and copied onto an M3-L canvas.
fn place(version: Version, ec: QrEc, data: &[u8], ec_words: &[u8]) -> Canvas {
    let drawn_as = if version == Version::Micro(3) {
        QrEc::M
    } else {
        ec
    };
    let mut drawn = Canvas::new(version, drawn_as);
    drawn.draw_all_functional_patterns();
    drawn.draw_data(data, ec_words);
    if drawn_as == ec {
        return drawn;
    }
    let mut canvas = Canvas::new(version, ec);
    let n = version.width();
    for y in 0..n {
        for x in 0..n {
            *canvas.get_mut(x, y) = drawn.get(x, y);
        }
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every data bit count a version can hold: the padding always fills the
    /// capacity exactly, ends in zeros for a half codeword, and never panics.
    #[test]
    fn pads_every_length_to_the_capacity() {
        for (v, capacity) in [
            (1, 20usize),
            (2, 40),
            (2, 32),
            (3, 84),
            (3, 68),
            (4, 128),
            (4, 80),
        ] {
            for len in 0..=capacity {
                // As `Bits` leaves them: `len` one bits, zeros to the end of the last byte.
                let mut bytes = vec![0xFF; len.div_ceil(8)];
                if len % 8 != 0 {
                    *bytes.last_mut().unwrap() = 0xFF << (8 - len % 8);
                }
                let out = pad(len, bytes, v, capacity);
                assert_eq!(
                    out.len(),
                    capacity.div_ceil(8),
                    "M{v} {capacity} bits, {len} used"
                );
                if capacity % 8 != 0 {
                    assert_eq!(
                        out.last().unwrap() & 0x0F,
                        0,
                        "M{v}: half codeword low nibble"
                    );
                }
            }
        }
        assert_eq!(
            pad(10, vec![0xFF, 0xC0], 3, 84)[2..],
            [0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0]
        );
    }

    #[test]
    fn encodes_m3_at_level_l() {
        // 23 digits: too many for M2-L (10) and M3-M (18), fits M3-L (23).
        let opts = RenderOptions {
            error_correction: Some(EcLevel::L),
            ..Default::default()
        };
        let e = encode(&"1".repeat(23), &opts).unwrap();
        assert_eq!(
            (e.symbol.meta.version, e.symbol.meta.error_correction),
            (Some(3), Some(EcLevel::L))
        );
        assert_eq!(e.symbol.matrix.width(), 15);
    }
}
