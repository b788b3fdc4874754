//! PDF417 (ISO/IEC 15438) through `rxing`'s encoder (a port of ZXing's):
//! text/byte/numeric compaction, dimensions chosen for a roughly 3:1 wide
//! symbol, rows drawn 3 modules high. The security level (2^(level+1)
//! error-correction codewords) is `pdf417_ec_level`, else the one an
//! `error_correction` letter stands for, else 2. Text beyond Latin-1 is UTF-8
//! after ECI 26 (see `charset`).
use rxing::common::CharacterSet;
use rxing::pdf417::encoder::PDF417;

use super::charset::Payload;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::facts::Range;
use crate::matrix::BitMatrix;
use crate::options::{EcLevel, RenderOptions};

const ROW_HEIGHT: usize = 3;

/// `pdf417_ec_level`.
pub const PDF417_EC_LEVEL: Range = Range::new(0, 8);

/// ZXing's level, and ISO/IEC 15438's recommended minimum for up to 40 data codewords.
pub const DEFAULT_LEVEL: u32 = 2;

/// The levels `error_correction` stands for: the standard's recommended minimums,
/// from up to 40 data codewords (2) to 321-863 (5).
pub const LETTER_LEVELS: [(EcLevel, u32); 4] = [
    (EcLevel::L, 2),
    (EcLevel::M, 3),
    (EcLevel::Q, 4),
    (EcLevel::H, 5),
];

/// The level a request asks for: the explicit one, else its letter's, else the default.
pub fn level(explicit: Option<u32>, letter: Option<EcLevel>) -> u32 {
    explicit
        .or_else(|| {
            LETTER_LEVELS
                .iter()
                .find(|(l, _)| Some(*l) == letter)
                .map(|(_, n)| *n)
        })
        .unwrap_or(DEFAULT_LEVEL)
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let p = Payload::of(data)?;
    let ec_level = opts.pdf417_ec_level.unwrap_or(DEFAULT_LEVEL);
    let mut enc = PDF417::new();
    // An encoding other than the default makes the encoder write its ECI first.
    if p.eci.is_some() {
        enc.setEncoding(Some(CharacterSet::UTF8));
    }
    enc.generateBarcodeLogic(data, ec_level)
        .map_err(|_| CoreError::DataTooLong {
            len: crate::error::thousands(data.chars().count()),
            unit: "characters",
            what: format!("PDF417 at security level {ec_level}"),
            // 928 codewords at most, one of them the length; text compaction packs two characters in each.
            max: format!(
                "about {} (fewer for binary data)",
                crate::error::thousands(2 * (927 - (2usize << ec_level)) / 100 * 100)
            ),
        })?;
    let bm = enc
        .getBarcodeMatrix()
        .as_ref()
        .ok_or_else(|| CoreError::Internal("PDF417 produced no matrix".into()))?;
    // Rows come bottom-up from the encoder.
    let rows = bm.getMatrix();
    let h = rows.len();
    let w = rows.first().map_or(0, |r| r.len());
    let mut matrix = BitMatrix::new(w, h * ROW_HEIGHT);
    for (i, row) in rows.iter().enumerate() {
        let y0 = (h - 1 - i) * ROW_HEIGHT;
        for (x, &v) in row.iter().enumerate() {
            if v == 1 {
                for dy in 0..ROW_HEIGHT {
                    matrix.set(x, y0 + dy, true);
                }
            }
        }
    }
    // 17 modules per codeword column; start (17) and stop (18) patterns
    // and the two row indicators are not data columns.
    let columns = (w.saturating_sub(35) / 17).saturating_sub(2) as u32;
    Ok(Encoded {
        symbol: Symbol {
            matrix,
            default_margin: 2,
            meta: SymbolMeta {
                version: None,
                error_correction: opts.error_correction,
                text: None,
                eci: p.eci,
            },
        },
        linear: None,
        rows: Some(h as u32),
        columns: Some(columns),
    })
}
