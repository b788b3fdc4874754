//! The dispatch table: one entry per `barcode_type`, one module per family.
pub mod qr;

use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::{EcLevel, RenderOptions};

/// A symbol before rendering: its modules and what callers may want to know.
#[derive(Debug)]
pub struct Symbol {
    pub matrix: BitMatrix,
    /// Quiet zone in modules when the caller gives none.
    pub default_margin: u32,
    pub meta: SymbolMeta,
}

#[derive(Debug, Clone, Default)]
pub struct SymbolMeta {
    pub version: Option<u32>,
    pub error_correction: Option<EcLevel>,
    /// The text as encoded, where it differs from the input (check digits).
    pub text: Option<String>,
}

pub type EncodeFn = fn(&str, &RenderOptions) -> CoreResult<Symbol>;

pub struct Symbology {
    pub name: &'static str,
    pub encode: EncodeFn,
}

pub static SYMBOLOGIES: &[Symbology] = &[Symbology {
    name: "qr",
    encode: qr::encode,
}];

pub fn lookup(name: &str) -> CoreResult<&'static Symbology> {
    SYMBOLOGIES.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = SYMBOLOGIES.iter().map(|s| s.name).collect();
        CoreError::UnsupportedType(crate::options::clip(name), names.join(", "))
    })
}
