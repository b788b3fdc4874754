//! Micro QR Code (ISO/IEC 18004, M1-M4) through the `qrcode` crate's
//! `Version::Micro`: the smallest version that holds the data at the
//! requested level (default L; M1 only detects errors, Q needs M4, no H;
//! level L is raised to M for M3, see below).
use qrcode::types::{Color, EcLevel as QrEc, QrError};
use qrcode::{QrCode, Version};

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
    let mut last = QrError::DataTooLong;
    for v in 1..=4 {
        // The crate's M3-L symbols do not scan (its 4-bit last data codeword
        // is mishandled); M3 at level M is a valid, stronger substitute.
        let (qr_ec, ec) = if v == 3 && ec == EcLevel::L {
            (QrEc::M, EcLevel::M)
        } else {
            (qr_ec, ec)
        };
        match QrCode::with_version(data.as_bytes(), Version::Micro(v), qr_ec) {
            Ok(code) => {
                let n = code.width();
                let mut matrix = BitMatrix::new(n, n);
                for (i, c) in code.to_colors().iter().enumerate() {
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
            Err(e) => last = e,
        }
    }
    let _ = last;
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
