//! The objects that cross the boundary. Field names are snake_case in
//! JavaScript too, matching the HTTP API, so a request body passes through.
use batchcode_core::facts::{self, Limit, Setting};
use batchcode_core::json::JsonBatch;
use batchcode_core::{CacheStats, CoreError, RawOptions, Request};
use napi::bindgen_prelude::BufferSlice;
use napi::{Env, Result};
use napi_derive::napi;
use serde::Deserialize;

/// Render options; every field is optional.
#[napi(object)]
#[derive(Default, Deserialize)]
pub struct RenderOptions {
    /// Image width in pixels, quiet zone included; the image is exactly this
    /// wide. Default: modules × 4 for 2D codes, modules × 2 for linear codes.
    pub width: Option<f64>,
    /// Image height in pixels; the image is exactly this high. Default:
    /// derived from `width` for 2D codes; for linear codes bars of 25
    /// modules plus quiet zones and text.
    pub height: Option<f64>,
    /// Quiet zone in modules. Default: 4 for QR, 2 for Micro QR, Aztec and
    /// PDF417, 1 for Data Matrix; linear codes keep their spec quiet zones
    /// (EAN-13 11 left / 7 right, UPC-A 9, Code 128, ITF and others 10).
    pub margin: Option<f64>,
    /// Pixels per module (X-dimension), instead of deriving it from `width`.
    #[napi(js_name = "module_width")]
    pub module_width: Option<f64>,
    /// `L`, `M`, `Q` or `H`: QR (default `M`) and Micro QR (default `L`, no
    /// `H`); for PDF417 and Aztec, a level of their own (see the next two).
    /// Refused for Data Matrix, whose error correction the standard fixes;
    /// ignored by linear codes.
    #[napi(js_name = "error_correction")]
    pub error_correction: Option<String>,
    /// PDF417 security level, 0 to 8 (2^(level+1) error-correction
    /// codewords), over `error_correction`. Default: `error_correction` L 2,
    /// M 3, Q 4, H 5, else 2. Ignored by other types.
    #[napi(js_name = "pdf417_ec_level")]
    pub pdf417_ec_level: Option<f64>,
    /// Aztec error-correction words in percent of the data (plus 3), 5 to
    /// 95, over `error_correction`. Default: `error_correction` L 10, M 23,
    /// Q 36, H 50, else 23. Ignored by other types.
    #[napi(js_name = "aztec_ec_percent")]
    pub aztec_ec_percent: Option<f64>,
    /// `#RGB`, `#RRGGBB` or `#RRGGBBAA`. Default `#000000`.
    pub foreground: Option<String>,
    /// As `foreground`, or `transparent`. Default `#ffffff`.
    pub background: Option<String>,
    /// Human-readable text under linear codes. Default: on for EAN/UPC, off
    /// for other linear codes; never drawn for 2D codes.
    #[napi(js_name = "show_text")]
    pub show_text: Option<bool>,
    /// ITF-14's bearer bars: `frame` (default, as GS1 specifies: the spec's
    /// quiet zones inside it, `margin` outside it), `top_bottom` or `none`.
    /// Ignored by other types.
    pub bearer: Option<String>,
    /// EAN-2 or EAN-5 add-on digits (2 or 5) for EAN-13, UPC-A and UPC-E,
    /// also written after the data with a space (`9781234567897 51299`).
    /// Default: none. Ignored by other types.
    pub addon: Option<String>,
    /// Data Matrix shape: `square` (default), `rectangle` (ISO/IEC 16022's
    /// six rectangles) or `dmre` (those and ISO/IEC 21471's extensions, the
    /// smallest that fits). For `datamatrix`, `gs1_datamatrix` and
    /// `gs1_digital_link` with `symbol: "datamatrix"`; ignored by others.
    #[napi(js_name = "datamatrix_shape")]
    pub datamatrix_shape: Option<String>,
    /// `gs1_digital_link`'s symbol: `qr` (default) or `datamatrix`.
    /// Ignored by other types.
    pub symbol: Option<String>,
    /// `gs1_digital_link`: the resolver that element strings are written
    /// under, `https://host[/path]`. Default `https://id.gs1.org`. A URI given
    /// as data keeps its own. Ignored by other types.
    pub resolver: Option<String>,
    /// GS1 DataBar Expanded Stacked: segments (symbol characters) per row,
    /// an even number from 2 to 22. Default 4. Ignored by other types.
    #[napi(js_name = "databar_segments")]
    pub databar_segments: Option<f64>,
    /// What sizes are in: `px` (default) or `mm`, where `x_dim`, `size` and
    /// `height` are millimetres on paper and `width`/`module_width` are refused.
    pub unit: Option<String>,
    /// With `unit: "mm"`: the module width (X-dimension). Default 0.33 mm
    /// for linear codes (EAN/UPC at 100%), 0.5 mm for 2-D codes.
    #[napi(js_name = "x_dim")]
    pub x_dim: Option<f64>,
    /// With `unit: "mm"`: the image's width, quiet zones included, instead of `x_dim`.
    pub size: Option<f64>,
    /// PNG only: dots per inch, recorded in the PNG (`pHYs`); with
    /// `unit: "mm"` modules snap to whole dots at it. Default 300 in mm.
    pub dpi: Option<f64>,
}

/// One item. A batch crosses the boundary as a JSON array of these: one
/// string is far cheaper to pass than hundreds of object properties, and it
/// is parsed on the render thread rather than on the event loop.
#[napi(object)]
#[derive(Deserialize)]
pub struct NativeRequest {
    #[napi(js_name = "barcode_type")]
    pub barcode_type: String,
    pub data: String,
    /// `svg` (default), `png`, `pdf` or `eps`.
    pub format: Option<String>,
    pub options: Option<RenderOptions>,
}

impl From<NativeRequest> for Request {
    fn from(r: NativeRequest) -> Self {
        let o = r.options.unwrap_or_default();
        Request {
            barcode_type: r.barcode_type,
            data: r.data,
            format: r.format,
            options: RawOptions {
                width: o.width,
                height: o.height,
                margin: o.margin,
                module_width: o.module_width,
                error_correction: o.error_correction,
                pdf417_ec_level: o.pdf417_ec_level,
                aztec_ec_percent: o.aztec_ec_percent,
                foreground: o.foreground,
                background: o.background,
                show_text: o.show_text,
                bearer: o.bearer,
                addon: o.addon,
                datamatrix_shape: o.datamatrix_shape,
                symbol: o.symbol,
                resolver: o.resolver,
                databar_segments: o.databar_segments,
                unit: o.unit,
                x_dim: o.x_dim,
                size: o.size,
                dpi: o.dpi,
            },
        }
    }
}

/// A batch's results as the items of a JSON array, joined by commas;
/// `ends[i]` is the byte offset where item `i` ends.
#[napi(object, object_from_js = false)]
pub struct NativeJsonBatch<'env> {
    pub json: BufferSlice<'env>,
    pub ends: Vec<u32>,
    pub successful: u32,
    pub cached: u32,
}

impl<'env> NativeJsonBatch<'env> {
    /// Copied into a V8-owned Buffer.
    pub fn new(env: &'env Env, b: JsonBatch) -> Result<Self> {
        Ok(NativeJsonBatch {
            json: BufferSlice::copy_from(env, &b.json)?,
            ends: b.ends,
            successful: b.successful,
            cached: b.cached,
        })
    }
}

#[napi(object)]
pub struct NativeCacheStats {
    pub entries: u32,
    pub bytes: f64,
    pub hits: f64,
    pub misses: f64,
}

impl From<CacheStats> for NativeCacheStats {
    fn from(s: CacheStats) -> Self {
        NativeCacheStats {
            entries: s.entries as u32,
            bytes: s.bytes as f64,
            hits: s.hits as f64,
            misses: s.misses as f64,
        }
    }
}

/// Cache bounds; omitted fields keep their current value.
#[napi(object)]
// Declares `configureCache`'s argument for TypeScript; the binding reads it
// field by field (`args::whole`), so that NaN, fractions, -1 and wrong types
// are refused by name instead of cast.
#[allow(dead_code)]
pub struct NativeCacheConfig {
    /// Entries kept at most, 0 to 10000000; 0 turns the cache off. Default 1000.
    #[napi(js_name = "max_entries")]
    pub max_entries: Option<f64>,
    /// Bytes of output kept at most, 0 to 2^40. Default 67108864 (64 MiB).
    #[napi(js_name = "max_bytes")]
    pub max_bytes: Option<f64>,
    /// Seconds an entry stays valid, 0 to 31536000 (a year). Default 3600.
    #[napi(js_name = "ttl_seconds")]
    pub ttl_seconds: Option<f64>,
}

/// Why an item would not render: what its render would report.
#[napi(object, object_from_js = false)]
pub struct NativeCheck {
    pub code: String,
    pub message: String,
}

impl From<CoreError> for NativeCheck {
    fn from(e: CoreError) -> Self {
        NativeCheck {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// A bound the renderer enforces (see `batchcode_core::facts`).
#[napi(object, object_from_js = false)]
pub struct NativeLimit {
    pub name: String,
    pub min: f64,
    pub max: f64,
    pub about: String,
}

impl From<&Limit> for NativeLimit {
    fn from(l: &Limit) -> Self {
        NativeLimit {
            name: l.name.into(),
            min: l.range.min as f64,
            max: l.range.max as f64,
            about: l.about.into(),
        }
    }
}

/// An option that takes one of a few names; the first is the default.
#[napi(object, object_from_js = false)]
pub struct NativeChoice {
    pub constant: String,
    pub names: Vec<String>,
    pub about: String,
}

/// A `configure()` setting: its bounds and default.
#[napi(object, object_from_js = false)]
pub struct NativeSetting {
    pub name: String,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    pub about: String,
}

impl From<&Setting> for NativeSetting {
    fn from(s: &Setting) -> Self {
        NativeSetting {
            name: s.name.into(),
            min: s.range.min as f64,
            max: s.range.max as f64,
            default: s.default as f64,
            about: s.about.into(),
        }
    }
}

/// The facts TypeScript must agree with; `scripts/facts.ts` writes them
/// into `src/lib/facts.ts`.
#[napi(object, object_from_js = false)]
pub struct NativeFacts {
    #[napi(js_name = "barcode_types")]
    pub barcode_types: Vec<String>,
    pub formats: Vec<String>,
    /// Each format's media type, in the order of `formats`.
    #[napi(js_name = "media_types")]
    pub media_types: Vec<String>,
    #[napi(js_name = "error_correction_levels")]
    pub error_correction_levels: Vec<String>,
    #[napi(js_name = "error_codes")]
    pub error_codes: Vec<String>,
    pub choices: Vec<NativeChoice>,
    /// A packed batch's header fields, in their order (`renderBatchAsync`).
    #[napi(js_name = "packed_fields")]
    pub packed_fields: Vec<String>,
    /// A packed item's kinds, each at its value in the `kind` field.
    #[napi(js_name = "packed_kinds")]
    pub packed_kinds: Vec<String>,
    pub limits: Vec<NativeLimit>,
    pub settings: Vec<NativeSetting>,
    /// The built-in label sheet templates (`renderSheetAsync`).
    #[napi(js_name = "sheet_templates")]
    pub sheet_templates: Vec<String>,
}

impl NativeFacts {
    pub fn gather() -> Self {
        let strings = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
        NativeFacts {
            barcode_types: facts::barcode_types().map(String::from).collect(),
            formats: strings(&facts::FORMATS),
            media_types: strings(&facts::MEDIA_TYPES),
            error_correction_levels: strings(facts::ERROR_CORRECTION_LEVELS),
            error_codes: strings(facts::ERROR_CODES),
            choices: facts::CHOICES
                .iter()
                .map(|c| NativeChoice {
                    constant: c.constant.into(),
                    names: strings(c.names),
                    about: c.about.into(),
                })
                .collect(),
            packed_fields: strings(facts::PACKED_FIELDS),
            packed_kinds: strings(facts::PACKED_KINDS),
            limits: facts::LIMITS.iter().map(NativeLimit::from).collect(),
            sheet_templates: strings(&facts::sheet_templates()),
            settings: facts::SETTINGS.iter().map(NativeSetting::from).collect(),
        }
    }
}
