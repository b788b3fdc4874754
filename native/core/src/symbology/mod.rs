//! The dispatch table: one entry per `barcode_type`, one module per family.
pub mod aztec;
pub mod charset;
pub mod codabar;
pub mod code128;
pub mod code39_93;
pub mod databar;
pub mod databar_expanded;
pub mod databar_expanded_stacked;
pub mod databar_limited;
pub mod datamatrix;
pub mod digital_link;
pub mod ean_upc;
pub mod gs1;
pub mod itf;
pub mod linear;
pub mod microqr;
pub mod pdf417;
pub mod qr;

use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::{Bearer, DmShape, EcLevel, LinkSymbol, RenderOptions, X_DIM_UM};

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

/// What a symbology does with the error-correction options.
#[derive(Debug, Clone, Copy)]
pub enum Ec {
    /// `error_correction` is the level, this one when absent (QR, Micro QR).
    Levels(EcLevel),
    /// `pdf417_ec_level`, else the level an `error_correction` letter stands for.
    Pdf417,
    /// `aztec_ec_percent`, else the percentage an `error_correction` letter stands for.
    Aztec,
    /// Fixed by the standard (Data Matrix ECC 200): asking for a level is refused, not ignored.
    Fixed,
    /// Linear codes have none. `error_correction` is ignored, like the other
    /// symbologies' own options, so that one design can serve a job of mixed types.
    None,
}

/// The module widths (X-dimensions) a symbology may be printed at, in
/// micrometres, and the one it calls 100% where it has one (EAN/UPC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XDim {
    pub min: u32,
    pub max: u32,
    pub nominal: Option<u32>,
    /// Where the spec names a range, who: messages cite it.
    pub spec: Option<&'static str>,
}

impl XDim {
    /// Any module width the renderer can draw.
    pub const ANY: XDim = XDim {
        min: X_DIM_UM.min as u32,
        max: X_DIM_UM.max as u32,
        nominal: None,
        spec: None,
    };
}

pub struct Symbology {
    /// The `barcode_type` value.
    pub name: &'static str,
    /// The symbology's usual name, reported in metadata.
    pub label: &'static str,
    pub encode: EncodeFn,
    pub ec: Ec,
    /// The bearer bars drawn when `bearer` is not given, for the one
    /// symbology that has them (ITF-14); `None` ignores the option.
    pub bearer: Option<Bearer>,
    /// Whether it takes an EAN-2/EAN-5 add-on (EAN-13, UPC-A, UPC-E).
    pub addon: bool,
    /// Whether it takes `datamatrix_shape` (the Data Matrix types).
    pub shape: bool,
    /// Whether it is a GS1 Digital Link, taking `symbol` and `resolver`.
    pub link: bool,
    /// The segments per row when `databar_segments` is not given, for the
    /// one symbology that stacks them (DataBar Expanded Stacked); `None`
    /// ignores the option.
    pub segments: Option<u32>,
    /// The module widths it may be printed at (`unit: "mm"`).
    pub x_dim: XDim,
}

/// What an entry of the table has unless it says otherwise.
const BASE: Symbology = Symbology {
    name: "",
    label: "",
    encode: |_, _| Err(CoreError::EmptyData),
    ec: Ec::None,
    bearer: None,
    addon: false,
    shape: false,
    link: false,
    segments: None,
    x_dim: XDim::ANY,
};

impl Symbology {
    /// Resolves defaults, and drops the options this symbology ignores, so
    /// that requests rendering the same bytes compare (and cache) as equal.
    pub fn normalise(&self, mut options: RenderOptions) -> CoreResult<RenderOptions> {
        let (pdf417, aztec) = (
            options.pdf417_ec_level.take(),
            options.aztec_ec_percent.take(),
        );
        let letter = options.error_correction.take();
        let bearer = options.bearer.take();
        options.bearer = self.bearer.map(|default| bearer.unwrap_or(default));
        options.addon = options.addon.filter(|_| self.addon);
        let segments = options.databar_segments.take();
        options.databar_segments = self.segments.map(|default| segments.unwrap_or(default));
        let (symbol, shape, resolver) = (
            options.symbol.take(),
            options.datamatrix_shape.take(),
            options.resolver.take(),
        );
        let (mut ec, mut label, mut takes_shape) = (self.ec, self.label, self.shape);
        if self.link {
            let symbol = symbol.unwrap_or(LinkSymbol::ALL[0]);
            options.symbol = Some(symbol);
            options.resolver = resolver;
            if symbol == LinkSymbol::Datamatrix {
                (ec, label, takes_shape) = (Ec::Fixed, "Data Matrix", true);
            }
        }
        if takes_shape {
            options.datamatrix_shape = Some(shape.unwrap_or(DmShape::ALL[0]));
        }
        match ec {
            Ec::Levels(default) => options.error_correction = Some(letter.unwrap_or(default)),
            Ec::Pdf417 => {
                options.pdf417_ec_level = Some(pdf417::level(pdf417, letter));
                // The letter is kept (and reported) only where it chose the level.
                options.error_correction = letter.filter(|_| pdf417.is_none());
            }
            Ec::Aztec => {
                options.aztec_ec_percent = Some(aztec::percent(aztec, letter));
                options.error_correction = letter.filter(|_| aztec.is_none());
            }
            Ec::Fixed if letter.is_some() => {
                return Err(CoreError::option(
                    "options.error_correction",
                    format!(
                        "{label}'s error correction is fixed by the standard for each symbol size, so it cannot be chosen; leave error_correction out"
                    ),
                ))
            }
            Ec::Fixed | Ec::None => {}
        }
        Ok(options)
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
        ec: Ec::Levels(qr::DEFAULT_EC),
        ..BASE
    },
    Symbology {
        name: "microqr",
        label: "Micro QR Code",
        encode: microqr::encode,
        ec: Ec::Levels(microqr::DEFAULT_EC),
        ..BASE
    },
    Symbology {
        name: "datamatrix",
        label: "Data Matrix",
        encode: datamatrix::encode,
        ec: Ec::Fixed,
        shape: true,
        ..BASE
    },
    Symbology {
        name: "gs1_datamatrix",
        label: "GS1 DataMatrix",
        encode: datamatrix::encode_gs1,
        ec: Ec::Fixed,
        shape: true,
        ..BASE
    },
    Symbology {
        name: "gs1_digital_link",
        label: "GS1 Digital Link",
        encode: digital_link::encode,
        ec: Ec::Levels(qr::DEFAULT_EC),
        link: true,
        ..BASE
    },
    Symbology {
        name: "pdf417",
        label: "PDF417",
        encode: pdf417::encode,
        ec: Ec::Pdf417,
        ..BASE
    },
    Symbology {
        name: "aztec",
        label: "Aztec Code",
        encode: aztec::encode,
        ec: Ec::Aztec,
        ..BASE
    },
    Symbology {
        name: "code128",
        label: "Code 128",
        encode: code128::encode,
        ..BASE
    },
    Symbology {
        name: "gs1_128",
        label: "GS1-128",
        encode: code128::encode_gs1,
        ..BASE
    },
    Symbology {
        name: "ean13",
        label: "EAN-13",
        encode: ean_upc::encode_ean13,
        addon: true,
        x_dim: ean_upc::X_DIM,
        ..BASE
    },
    Symbology {
        name: "ean8",
        label: "EAN-8",
        encode: ean_upc::encode_ean8,
        x_dim: ean_upc::X_DIM,
        ..BASE
    },
    Symbology {
        name: "upca",
        label: "UPC-A",
        encode: ean_upc::encode_upca,
        addon: true,
        x_dim: ean_upc::X_DIM,
        ..BASE
    },
    Symbology {
        name: "upce",
        label: "UPC-E",
        encode: ean_upc::encode_upce,
        addon: true,
        x_dim: ean_upc::X_DIM,
        ..BASE
    },
    Symbology {
        name: "code39",
        label: "Code 39",
        encode: code39_93::encode_code39,
        ..BASE
    },
    Symbology {
        name: "code93",
        label: "Code 93",
        encode: code39_93::encode_code93,
        ..BASE
    },
    Symbology {
        name: "itf",
        label: "ITF",
        encode: itf::encode_itf,
        ..BASE
    },
    Symbology {
        name: "itf14",
        label: "ITF-14",
        encode: itf::encode_itf14,
        // GS1 specifies the frame; top and bottom bars where a frame cannot be printed.
        bearer: Some(Bearer::Frame),
        x_dim: itf::ITF14_X_DIM,
        ..BASE
    },
    Symbology {
        name: "codabar",
        label: "Codabar",
        encode: codabar::encode,
        ..BASE
    },
    Symbology {
        name: "databar_omni",
        label: "GS1 DataBar Omnidirectional",
        encode: databar::encode_omni,
        ..BASE
    },
    Symbology {
        name: "databar_stacked",
        label: "GS1 DataBar Stacked Omnidirectional",
        encode: databar::encode_stacked,
        ..BASE
    },
    Symbology {
        name: "databar_expanded",
        label: "GS1 DataBar Expanded",
        encode: databar_expanded::encode,
        ..BASE
    },
    Symbology {
        name: "databar_expanded_stacked",
        label: "GS1 DataBar Expanded Stacked",
        encode: databar_expanded_stacked::encode,
        segments: Some(databar_expanded_stacked::DEFAULT_SEGMENTS),
        ..BASE
    },
    Symbology {
        name: "databar_limited",
        label: "GS1 DataBar Limited",
        encode: databar_limited::encode,
        ..BASE
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
