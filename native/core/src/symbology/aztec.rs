//! Aztec Code (ISO/IEC 24778) through `rxing`'s encoder (a port of ZXing's):
//! compact or full-range, 23% + 3 words of error correction by default.
//! Text beyond Latin-1 is UTF-8 after ECI 26 (see `charset`).
use rxing::aztec::encoder::aztec_encoder;
use rxing::common::CharacterSet;

use super::charset::Payload;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;

const MIN_ECC_PERCENT: u32 = 33;

pub fn encode(data: &str, _opts: &RenderOptions) -> CoreResult<Encoded> {
    let p = Payload::of(data)?;
    // A charset other than ISO-8859-1 makes the encoder write its ECI first.
    let charset = match p.eci {
        Some(_) => CharacterSet::UTF8,
        None => CharacterSet::ISO8859_1,
    };
    let code = aztec_encoder::encode_bytes_with_charset(&p.bytes, MIN_ECC_PERCENT, 0, charset)
        .map_err(|_| CoreError::DataTooLong {
            len: crate::error::thousands(p.bytes.len()),
            unit: "bytes",
            what: "Aztec Code".into(),
            max: "about 3,000 (fewer for binary data)".into(),
        })?;
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
            error_correction: None,
            text: None,
            eci: p.eci,
        },
    }))
}
