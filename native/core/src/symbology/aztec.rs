//! Aztec Code (ISO/IEC 24778) through `rxing`'s encoder (a port of ZXing's):
//! compact or full-range, 23% + 3 words of error correction by default.
use rxing::aztec::encoder::aztec_encoder;

use super::linear::check_latin1;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;

const MIN_ECC_PERCENT: u32 = 33;

pub fn encode(data: &str, _opts: &RenderOptions) -> CoreResult<Encoded> {
    check_latin1("Aztec", data)?;
    let bytes: Vec<u8> = data.chars().map(|c| c as u32 as u8).collect();
    let code = aztec_encoder::encode_bytes(&bytes, MIN_ECC_PERCENT, 0).map_err(|_| {
        CoreError::DataTooLong {
            len: crate::error::thousands(bytes.len()),
            unit: "bytes",
            what: "Aztec Code".into(),
            max: "about 3,000 (fewer for binary data)".into(),
        }
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
        },
    }))
}
