//! Interleaved 2 of 5 (ISO/IEC 16390) and ITF-14 (GTIN-14 in ITF, with its
//! check digit). Written here: ten narrow/wide patterns and interleaving.
use super::linear::{centred, digits, finish, to_text, with_check, Bars, Finished};
use super::Encoded;
use crate::error::{CoreError, CoreResult};
use crate::options::RenderOptions;

/// ITF-14 module widths on cartons: 0.495 mm to 1.016 mm (GS1 General
/// Specifications, symbol specification table 2 and 5.3.3.3).
pub const ITF14_X_DIM: super::XDim = super::XDim {
    min: 495,
    max: 1016,
    nominal: None,
    spec: Some("GS1"),
};

/// Five elements per digit, bit set = wide, first element most significant.
const DIGITS: [u8; 10] = [
    0b00110, 0b10001, 0b01001, 0b11000, 0b00101, 0b10100, 0b01100, 0b00011, 0b10010, 0b01010,
];
const WIDE: u8 = 3;
const MAX_DIGITS: usize = 80;

fn bars(d: &[u8]) -> Bars {
    let mut bars = Bars::default();
    bars.widths(&[1, 1, 1, 1], true);
    for pair in d.chunks_exact(2) {
        let (a, b) = (DIGITS[pair[0] as usize], DIGITS[pair[1] as usize]);
        for i in (0..5).rev() {
            let wa = if (a >> i) & 1 == 1 { WIDE } else { 1 };
            let wb = if (b >> i) & 1 == 1 { WIDE } else { 1 };
            bars.widths(&[wa, wb], true);
        }
    }
    bars.widths(&[WIDE, 1, 1], true);
    bars
}

fn finish_itf(d: Vec<u8>, opts: &RenderOptions) -> CoreResult<Encoded> {
    let b = bars(&d);
    let text = to_text(&d);
    let runs = centred(&text, b.len());
    finish(
        Finished {
            bars: b,
            text,
            quiet: (10, 10),
            runs,
            show_by_default: false,
            ..Default::default()
        },
        opts,
    )
}

pub fn encode_itf(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let lengths: Vec<usize> = (2..=MAX_DIGITS).step_by(2).collect();
    if data.len() % 2 == 1 && data.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::InvalidData(format!(
            "ITF encodes digits in pairs, so it needs an even number of digits, got {}",
            data.len()
        )));
    }
    if data.len() > MAX_DIGITS && data.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::InvalidData(format!(
            "ITF takes at most {MAX_DIGITS} digits here, got {}",
            data.len()
        )));
    }
    finish_itf(digits("ITF", data, &lengths)?, opts)
}

pub fn encode_itf14(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let d = with_check("ITF-14", digits("ITF-14", data, &[13, 14])?, 14)?;
    finish_itf(d, opts)
}
