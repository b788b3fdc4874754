//! How 2D symbologies without a Unicode mode of their own (Data Matrix,
//! Aztec, PDF417) carry text. Their default character set is ISO-8859-1, so
//! Latin-1 text is written as Latin-1 bytes with no ECI, as before; any
//! other text is written as UTF-8 after ECI 26, which ZXing, zxing-cpp and
//! the phone scanners honour, and which Zint and bwip-js write the same way.
use crate::error::{CoreError, CoreResult};

/// ECI assignment number for UTF-8 (ISO/IEC 15424 / AIM ECI).
pub const ECI_UTF8: u32 = 26;

/// Text as the bytes a symbol holds, and the ECI announced before them.
pub struct Payload {
    pub bytes: Vec<u8>,
    pub eci: Option<u32>,
}

impl Payload {
    pub fn of(data: &str) -> CoreResult<Payload> {
        if data.is_empty() {
            return Err(CoreError::EmptyData);
        }
        Ok(if data.chars().all(|c| c as u32 <= 0xFF) {
            Payload {
                bytes: data.chars().map(|c| c as u32 as u8).collect(),
                eci: None,
            }
        } else {
            Payload {
                bytes: data.as_bytes().to_vec(),
                eci: Some(ECI_UTF8),
            }
        })
    }
}
