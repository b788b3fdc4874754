//! Data to data codewords: mode segmentation, version choice and padding,
//! built on the `qrcode` crate's optimiser and bit writer.
use std::sync::OnceLock;

use qrcode::bits::Bits;
use qrcode::optimize::{total_encoded_len, Optimizer, Parser, Segment};
use qrcode::types::{EcLevel as QrEcLevel, Mode, Version};

use crate::error::{thousands, CoreError, CoreResult};
use crate::options::EcLevel;
use crate::symbology::charset::ECI_UTF8;

const ECI_BITS: usize = 12;

pub struct Codewords {
    pub version: u8,
    pub data: Vec<u8>,
    /// UTF-8 is announced before non-ASCII data so that decoders do not have to guess the character set.
    pub eci: Option<u32>,
}

pub fn to_qr_level(ec: EcLevel) -> QrEcLevel {
    match ec {
        EcLevel::L => QrEcLevel::L,
        EcLevel::M => QrEcLevel::M,
        EcLevel::Q => QrEcLevel::Q,
        EcLevel::H => QrEcLevel::H,
    }
}

/// Data capacity in bits, per version (1..=40) and level.
fn capacity_bits(version: u8, ec: EcLevel) -> usize {
    static TABLE: OnceLock<[[usize; 4]; 40]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::array::from_fn(|v| {
            std::array::from_fn(|l| {
                let level = [QrEcLevel::L, QrEcLevel::M, QrEcLevel::Q, QrEcLevel::H][l];
                Bits::new(Version::Normal(v as i16 + 1))
                    .max_len(level)
                    .unwrap_or(0)
            })
        })
    });
    table[version as usize - 1][ec as usize]
}

pub fn encode(data: &[u8], ec: EcLevel) -> CoreResult<Codewords> {
    let eci = !data.is_ascii();
    // Kanji mode reads bytes as Shift JIS; ours are UTF-8, so never use it.
    let segments: Vec<Segment> = Parser::new(data)
        .map(|s| match s.mode {
            Mode::Kanji => Segment {
                mode: Mode::Byte,
                ..s
            },
            _ => s,
        })
        .collect();
    // Character count fields change width at versions 10 and 27.
    for (first, last) in [(1u8, 9u8), (10, 26), (27, 40)] {
        let band = Version::Normal(last as i16);
        let optimal: Vec<Segment> = Optimizer::new(segments.iter().copied(), band).collect();
        let bits_needed = total_encoded_len(&optimal, band) + if eci { ECI_BITS } else { 0 };
        if bits_needed > capacity_bits(last, ec) {
            continue;
        }
        let version = (first..=last)
            .find(|&v| capacity_bits(v, ec) >= bits_needed)
            .unwrap_or(last);
        let internal =
            |e: qrcode::types::QrError| CoreError::Internal(format!("QR bit stream: {e:?}"));
        let mut bits = Bits::new(Version::Normal(version as i16));
        if eci {
            bits.push_eci_designator(ECI_UTF8).map_err(internal)?;
        }
        bits.push_segments(data, optimal.into_iter())
            .map_err(internal)?;
        bits.push_terminator(to_qr_level(ec)).map_err(internal)?;
        return Ok(Codewords {
            version,
            data: bits.into_bytes(),
            eci: eci.then_some(ECI_UTF8),
        });
    }
    Err(too_long(data, ec, eci))
}

/// Names the limit in the unit a user thinks in: digits, characters or bytes.
fn too_long(data: &[u8], ec: EcLevel, eci: bool) -> CoreError {
    let cap = capacity_bits(40, ec);
    let (unit, max) = if data.iter().all(u8::is_ascii_digit) {
        let bits = |n: usize| 4 + 14 + n / 3 * 10 + [0, 4, 7][n % 3];
        ("digits", largest(cap, bits))
    } else if data
        .iter()
        .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(b))
    {
        let bits = |n: usize| 4 + 13 + n / 2 * 11 + (n % 2) * 6;
        ("characters", largest(cap, bits))
    } else {
        let overhead = 4 + 16 + if eci { ECI_BITS } else { 0 };
        ("bytes", largest(cap, |n| overhead + n * 8))
    };
    CoreError::DataTooLong {
        len: thousands(data.len()),
        unit,
        what: format!("a QR code at level {}", ec.as_str()),
        max: thousands(max),
    }
}

fn largest(cap: usize, bits: impl Fn(usize) -> usize) -> usize {
    (0..=cap)
        .take_while(|&n| bits(n) <= cap)
        .last()
        .unwrap_or(0)
}
