//! Data Matrix ECC 200 and GS1 DataMatrix through the `datamatrix` crate
//! (optimising encodation, FNC1 in first position). GS1 separators are the
//! GS character (0x1D), which readers report exactly like FNC1. Text
//! beyond Latin-1 is UTF-8 after ECI 26 (see `charset`).
use ::datamatrix::data::EncodationType;
use ::datamatrix::{DataMatrix, DataMatrixBuilder, SymbolList};

use super::charset::Payload;
use super::gs1::Gs1;
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::{DmShape, RenderOptions};

const MAX_LATIN1: usize = 1556;

/// The crate's optimising planner, without Base 256 for ASCII data: Base
/// 256 spends a codeword per byte plus a header, where ASCII spends at most
/// one, so it never shortens ASCII data, and leaving it out makes the
/// search two to three times faster (a test checks the sizes are equal).
fn builder(data: &[u8], opts: &RenderOptions) -> DataMatrixBuilder {
    let types = if data.is_ascii() {
        EncodationType::all() - EncodationType::Base256
    } else {
        EncodationType::all()
    };
    DataMatrixBuilder::new()
        .with_encodation_types(types)
        .with_symbol_list(sizes(opts))
}

fn to_symbol(dm: DataMatrix, text: Option<String>, eci: Option<u32>) -> Encoded {
    let bitmap = dm.bitmap();
    let mut matrix = BitMatrix::new(bitmap.width(), bitmap.height());
    for (x, y) in bitmap.pixels() {
        matrix.set(x, y, true);
    }
    Encoded::from(Symbol {
        matrix,
        default_margin: 1,
        meta: SymbolMeta {
            version: None,
            error_correction: None,
            text,
            eci,
        },
    })
}

/// The sizes `datamatrix_shape` allows; the smallest that holds the data is used.
fn sizes(opts: &RenderOptions) -> SymbolList {
    match opts.datamatrix_shape.unwrap_or(DmShape::Square) {
        DmShape::Square => SymbolList::default().enforce_square(),
        DmShape::Rectangle => SymbolList::default().enforce_rectangular(),
        DmShape::Dmre => SymbolList::with_extended_rectangles().enforce_rectangular(),
    }
}

fn too_long(len: usize, what: &str, opts: &RenderOptions) -> CoreError {
    let max = match opts.datamatrix_shape.unwrap_or(DmShape::Square) {
        DmShape::Square => {
            format!(
                "{} (fewer for text that compacts poorly)",
                crate::error::thousands(MAX_LATIN1)
            )
        }
        // The largest rectangles, 16x48 and DMRE's 26x64, hold 49 and 118 bytes.
        DmShape::Rectangle => {
            "49 in a rectangle (16x48); use datamatrix_shape dmre or square for more".into()
        }
        DmShape::Dmre => {
            "118 in a DMRE rectangle (26x64); use datamatrix_shape square for more".into()
        }
    };
    CoreError::DataTooLong {
        len: crate::error::thousands(len),
        unit: "bytes",
        what: what.into(),
        max,
    }
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let p = Payload::of(data)?;
    // The crate makes the same choice as `Payload` (Latin-1 bare, else UTF-8 after ECI 26).
    let dm = builder(data.as_bytes(), opts)
        .encode_str(data)
        .map_err(|_| too_long(p.bytes.len(), "Data Matrix", opts))?;
    Ok(to_symbol(dm, None, p.eci))
}

pub fn encode_gs1(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let gs1 = Gs1::parse(data)?;
    let bytes = gs1.stream(|b| b, 0x1D);
    let dm = builder(&bytes, opts)
        .with_fnc1_start(true)
        .encode(&bytes)
        .map_err(|_| too_long(bytes.len(), "GS1 DataMatrix", opts))?;
    Ok(to_symbol(dm, Some(gs1.hri()), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_without_base256_takes_the_same_codewords() {
        // A fixed pseudo-random walk over printable ASCII, digit runs and GS1 text.
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 16
        };
        let alphabet: Vec<u8> = (32u8..127).chain(*b"0123456789ABCDEF").collect();
        for _ in 0..300 {
            let len = 1 + next() as usize % 120;
            let text: String = (0..len)
                .map(|_| alphabet[next() as usize % alphabet.len()] as char)
                .collect();
            let full = DataMatrix::encode_str(&text, SymbolList::default()).unwrap();
            let fast = builder(text.as_bytes(), &RenderOptions::default())
                .with_symbol_list(SymbolList::default())
                .encode_str(&text)
                .unwrap();
            assert_eq!(
                fast.data_codewords().len(),
                full.data_codewords().len(),
                "{text:?}"
            );
        }
    }
}
