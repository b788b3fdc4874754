//! The dispatch table: one entry per `barcode_type`, one module per family.
pub mod aztec;
pub mod charset;
pub mod codabar;
pub mod code128;
pub mod code39_93;
pub mod datamatrix;
pub mod ean_upc;
pub mod gs1;
pub mod itf;
pub mod linear;
pub mod microqr;
pub mod pdf417;
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
    /// The ECI the data starts with (26: UTF-8), when it is not in the symbology's default character set.
    pub eci: Option<u32>,
}

/// What an encoder returns: the symbol plus what only some families have.
#[derive(Debug)]
pub struct Encoded {
    pub symbol: Symbol,
    /// Linear codes: bars stretched to a height, quiet zones, readable text.
    pub linear: Option<linear::Linear>,
    /// Logical rows and columns where they differ from the matrix
    /// (PDF417 rows are drawn several modules high; its columns are codewords).
    pub rows: Option<u32>,
    pub columns: Option<u32>,
}

impl From<Symbol> for Encoded {
    fn from(symbol: Symbol) -> Self {
        Encoded {
            symbol,
            linear: None,
            rows: None,
            columns: None,
        }
    }
}

pub type EncodeFn = fn(&str, &RenderOptions) -> CoreResult<Encoded>;

pub struct Symbology {
    /// The `barcode_type` value.
    pub name: &'static str,
    /// The symbology's usual name, reported in metadata.
    pub label: &'static str,
    pub encode: EncodeFn,
    /// The level used when the caller gives none, for symbologies that take
    /// `error_correction`; `None` where the option does not apply.
    pub default_ec: Option<EcLevel>,
}

impl Symbology {
    /// Resolves defaults so that requests rendering the same bytes compare
    /// (and cache) as equal.
    pub fn normalise(&self, mut options: RenderOptions) -> RenderOptions {
        options.error_correction = self
            .default_ec
            .map(|d| options.error_correction.unwrap_or(d));
        options
    }
}

fn qr_encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    qr::encode(data, opts).map(Encoded::from)
}

pub static SYMBOLOGIES: &[Symbology] = &[
    Symbology {
        name: "qr",
        label: "QR Code",
        encode: qr_encode,
        default_ec: Some(qr::DEFAULT_EC),
    },
    Symbology {
        name: "microqr",
        label: "Micro QR Code",
        encode: microqr::encode,
        default_ec: Some(microqr::DEFAULT_EC),
    },
    Symbology {
        name: "datamatrix",
        label: "Data Matrix",
        encode: datamatrix::encode,
        default_ec: None,
    },
    Symbology {
        name: "gs1_datamatrix",
        label: "GS1 DataMatrix",
        encode: datamatrix::encode_gs1,
        default_ec: None,
    },
    Symbology {
        name: "pdf417",
        label: "PDF417",
        encode: pdf417::encode,
        default_ec: None,
    },
    Symbology {
        name: "aztec",
        label: "Aztec Code",
        encode: aztec::encode,
        default_ec: None,
    },
    Symbology {
        name: "code128",
        label: "Code 128",
        encode: code128::encode,
        default_ec: None,
    },
    Symbology {
        name: "gs1_128",
        label: "GS1-128",
        encode: code128::encode_gs1,
        default_ec: None,
    },
    Symbology {
        name: "ean13",
        label: "EAN-13",
        encode: ean_upc::encode_ean13,
        default_ec: None,
    },
    Symbology {
        name: "ean8",
        label: "EAN-8",
        encode: ean_upc::encode_ean8,
        default_ec: None,
    },
    Symbology {
        name: "upca",
        label: "UPC-A",
        encode: ean_upc::encode_upca,
        default_ec: None,
    },
    Symbology {
        name: "upce",
        label: "UPC-E",
        encode: ean_upc::encode_upce,
        default_ec: None,
    },
    Symbology {
        name: "code39",
        label: "Code 39",
        encode: code39_93::encode_code39,
        default_ec: None,
    },
    Symbology {
        name: "code93",
        label: "Code 93",
        encode: code39_93::encode_code93,
        default_ec: None,
    },
    Symbology {
        name: "itf",
        label: "ITF",
        encode: itf::encode_itf,
        default_ec: None,
    },
    Symbology {
        name: "itf14",
        label: "ITF-14",
        encode: itf::encode_itf14,
        default_ec: None,
    },
    Symbology {
        name: "codabar",
        label: "Codabar",
        encode: codabar::encode,
        default_ec: None,
    },
];

pub fn lookup(name: &str) -> CoreResult<&'static Symbology> {
    SYMBOLOGIES.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = SYMBOLOGIES.iter().map(|s| s.name).collect();
        CoreError::UnsupportedType(crate::options::clip(name), names.join(", "))
    })
}

#[cfg(test)]
mod tests;
