//! PDF417 (ISO/IEC 15438) through `rxing`'s encoder (a port of ZXing's):
//! text/byte/numeric compaction, error correction level 2, dimensions
//! chosen for a roughly 3:1 wide symbol. Rows are drawn 3 modules high.
//! Text beyond Latin-1 is UTF-8 after ECI 26 (see `charset`).
use rxing::common::CharacterSet;
use rxing::pdf417::encoder::PDF417;

use super::charset::Payload;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;

const ROW_HEIGHT: usize = 3;
const EC_LEVEL: u32 = 2;

pub fn encode(data: &str, _opts: &RenderOptions) -> CoreResult<Encoded> {
    let p = Payload::of(data)?;
    let mut enc = PDF417::new();
    // An encoding other than the default makes the encoder write its ECI first.
    if p.eci.is_some() {
        enc.setEncoding(Some(CharacterSet::UTF8));
    }
    enc.generateBarcodeLogic(data, EC_LEVEL)
        .map_err(|_| CoreError::DataTooLong {
            len: crate::error::thousands(data.chars().count()),
            unit: "characters",
            what: "PDF417".into(),
            max: "about 1,800 (fewer for binary data)".into(),
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
                error_correction: None,
                text: None,
                eci: p.eci,
            },
        },
        linear: None,
        rows: Some(h as u32),
        columns: Some(columns),
    })
}
