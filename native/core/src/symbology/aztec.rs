//! Aztec Code (ISO/IEC 24778) through `rxing`'s encoder (a port of ZXing's):
//! compact or full-range, with error-correction words of `aztec_ec_percent`
//! of the data plus 3 (else the percentage an `error_correction` letter
//! stands for, else the standard's recommended 23%).
//! Text beyond Latin-1 is UTF-8 after ECI 26 (see `charset`).
use rxing::aztec::encoder::aztec_encoder;
use rxing::common::CharacterSet;

use super::charset::Payload;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::facts::Range;
use crate::matrix::BitMatrix;
use crate::options::{EcLevel, RenderOptions};

/// `aztec_ec_percent`.
pub const AZTEC_EC_PERCENT: Range = Range::new(5, 95);

/// ISO/IEC 24778's recommended minimum.
pub const DEFAULT_PERCENT: u32 = 23;

/// The percentages `error_correction` stands for (Zint's four Aztec levels).
pub const LETTER_PERCENTS: [(EcLevel, u32); 4] = [
    (EcLevel::L, 10),
    (EcLevel::M, 23),
    (EcLevel::Q, 36),
    (EcLevel::H, 50),
];

/// The percentage a request asks for: the explicit one, else its letter's, else the default.
pub fn percent(explicit: Option<u32>, letter: Option<EcLevel>) -> u32 {
    explicit
        .or_else(|| {
            LETTER_PERCENTS
                .iter()
                .find(|(l, _)| Some(*l) == letter)
                .map(|(_, n)| *n)
        })
        .unwrap_or(DEFAULT_PERCENT)
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let p = Payload::of(data)?;
    let ec_percent = opts.aztec_ec_percent.unwrap_or(DEFAULT_PERCENT);
    // A charset other than ISO-8859-1 makes the encoder write its ECI first.
    let charset = match p.eci {
        Some(_) => CharacterSet::UTF8,
        None => CharacterSet::ISO8859_1,
    };
    let code = aztec_encoder::encode_bytes_with_charset(&p.bytes, ec_percent, 0, charset).map_err(
        |_| CoreError::DataTooLong {
            len: crate::error::thousands(p.bytes.len()),
            unit: "bytes",
            what: format!("Aztec Code with {ec_percent}% error correction"),
            // 3,067 letters at 23%; error-correction bits are that share of the data's, so its room
            // shrinks as 100 + percent grows.
            max: format!(
                "about {} (fewer for binary data)",
                crate::error::thousands(3067 * 123 / (100 + ec_percent as usize) / 100 * 100)
            ),
        },
    )?;
    let m = code.getMatrix();
    let (w, h) = (m.getWidth(), m.getHeight());
    let mut matrix = BitMatrix::new(w as usize, h as usize);
    for y in 0..h {
        for x in 0..w {
            if m.get(x, y) {
                matrix.set(x as usize, y as usize, true);
            }
        }
    }
    Ok(Encoded::from(Symbol {
        matrix,
        default_margin: 2,
        meta: SymbolMeta {
            version: Some(code.getLayers()),
            error_correction: opts.error_correction,
            text: None,
            eci: p.eci,
        },
    }))
}
