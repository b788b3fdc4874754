//! Every fact the TypeScript side must agree with, gathered from where the
//! core enforces it. The binding exports them (`facts()`), and
//! `scripts/facts.ts` writes them into `src/lib/facts.ts`, so no name or
//! limit is typed a second time.
use crate::batch::{BATCH_MAX_ITEMS, CONCURRENCY};
use crate::cache::{CACHE_MAX_BYTES, CACHE_MAX_ENTRIES, CACHE_TTL_SECONDS};
use crate::error::{CoreError, CoreResult};
use crate::options::{
    Bearer, DmShape, EcLevel, Format, LinkSymbol, Unit, DPI, HEIGHT_UM, IMAGE_PX, MARGIN,
    MODULE_PX, SIZE_UM, X_DIM_UM,
};
use crate::packed::{Field, Kind};
use crate::render::DATA_LENGTH;
use crate::sheet::{grid, templates, MAX_LABELS};
use crate::symbology::aztec::AZTEC_EC_PERCENT;
use crate::symbology::databar_expanded_stacked::DATABAR_SEGMENTS;
use crate::symbology::digital_link::RESOLVER_LENGTH;
use crate::symbology::pdf417::PDF417_EC_LEVEL;
use crate::symbology::SYMBOLOGIES;

/// Whole numbers from `min` to `max`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: u64,
    pub max: u64,
}

impl Range {
    pub const fn new(min: u64, max: u64) -> Self {
        Range { min, max }
    }

    pub const fn contains(&self, v: u64) -> bool {
        v >= self.min && v <= self.max
    }

    /// `v` as a whole number in range, or an error naming `field`, the range
    /// and `v`. JavaScript numbers arrive as `f64`: NaN, infinities,
    /// fractions and values past `u64` are refused, never cast.
    pub fn whole(&self, field: &'static str, v: f64) -> CoreResult<u64> {
        if v.fract() == 0.0 && v >= self.min as f64 && v <= self.max as f64 {
            // In range, so the cast is exact (every bound is far below 2^53).
            return Ok(v as u64);
        }
        Err(self.refuse(field, &js_number(v)))
    }

    /// As `whole`, for callers that already hold an integer.
    pub fn check(&self, field: &'static str, v: u64) -> CoreResult<u64> {
        if self.contains(v) {
            Ok(v)
        } else {
            Err(self.refuse(field, &v.to_string()))
        }
    }

    /// The error for a value outside the range (or not a number), quoted as `got`.
    pub fn refuse(&self, field: &'static str, got: &str) -> CoreError {
        CoreError::option(
            field,
            format!(
                "must be a whole number from {} to {}, got {got}",
                self.min, self.max
            ),
        )
    }
}

/// A number as JavaScript's `String(v)` writes it, so messages quote what
/// the caller passed (`1e+21`, `Infinity`, `NaN`).
pub fn js_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e21 || v.abs() < 1e-6 {
        let s = format!("{v:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        v.to_string()
    }
}

/// A bound the renderer enforces on every request.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// What it bounds: a request field, or `data_length`.
    pub name: &'static str,
    pub range: Range,
    pub about: &'static str,
}

/// A process-wide setting (`configure()` in the Node API): its bounds and default.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The `configure()` key.
    pub name: &'static str,
    pub range: Range,
    pub default: u64,
    pub about: &'static str,
}

pub static LIMITS: &[Limit] = &[
    Limit {
        name: "data_length",
        range: DATA_LENGTH,
        about: "Characters of `data` (Unicode scalar values; JavaScript's length is never fewer).",
    },
    Limit {
        name: "width",
        range: IMAGE_PX,
        about: "Image width in pixels, quiet zone included.",
    },
    Limit {
        name: "height",
        range: IMAGE_PX,
        about: "Image height in pixels.",
    },
    Limit {
        name: "margin",
        range: MARGIN,
        about: "Quiet zone in modules.",
    },
    Limit {
        name: "module_width",
        range: MODULE_PX,
        about: "Pixels per module.",
    },
    Limit {
        name: "x_dim_um",
        range: X_DIM_UM,
        about: "`x_dim` (with `unit: \"mm\"`), in micrometres; requests give millimetres. EAN/UPC take 0.264 to 0.660 mm (80% to 200%) and ITF-14 0.495 to 1.016 mm, as GS1 specifies.",
    },
    Limit {
        name: "size_um",
        range: SIZE_UM,
        about: "`size` (with `unit: \"mm\"`), in micrometres; requests give millimetres.",
    },
    Limit {
        name: "height_um",
        range: HEIGHT_UM,
        about: "`height` with `unit: \"mm\"`, in micrometres; requests give millimetres.",
    },
    Limit {
        name: "dpi",
        range: DPI,
        about: "A PNG's dots per inch. Default 300 with `unit: \"mm\"`.",
    },
    Limit {
        name: "pdf417_ec_level",
        range: PDF417_EC_LEVEL,
        about: "PDF417 security level (2^(level+1) error-correction codewords). Default: the level of `error_correction` (L 2, M 3, Q 4, H 5), else 2.",
    },
    Limit {
        name: "aztec_ec_percent",
        range: AZTEC_EC_PERCENT,
        about: "Aztec error-correction words, in percent of the data, plus 3. Default: the percentage of `error_correction` (L 10, M 23, Q 36, H 50), else 23.",
    },
    Limit {
        name: "databar_segments",
        range: DATABAR_SEGMENTS,
        about: "GS1 DataBar Expanded Stacked: segments (symbol characters) per row, an even number, as the pairs of segments around each finder pattern stay in one row. Default 4.",
    },
    Limit {
        name: "resolver",
        range: RESOLVER_LENGTH,
        about: "Characters of `options.resolver` (GS1 Digital Link).",
    },
    Limit {
        name: "sheet_labels",
        range: Range::new(1, MAX_LABELS as u64),
        about: "Labels in one sheet PDF.",
    },
    Limit {
        name: "sheet_columns",
        range: grid::COLUMNS,
        about: "Columns of a custom label grid.",
    },
    Limit {
        name: "sheet_rows",
        range: grid::ROWS,
        about: "Rows of a custom label grid.",
    },
    Limit {
        name: "max_concurrent",
        range: CONCURRENCY,
        about: "Native threads one batch may use.",
    },
];

pub static SETTINGS: &[Setting] = &[
    BATCH_MAX_ITEMS,
    CACHE_MAX_ENTRIES,
    CACHE_MAX_BYTES,
    CACHE_TTL_SECONDS,
];

/// Every `barcode_type`, in the order of the dispatch table.
pub fn barcode_types() -> impl Iterator<Item = &'static str> {
    SYMBOLOGIES.iter().map(|s| s.name)
}

/// One string per format, in the order of `Format::ALL`, from one of its `const fn`s.
macro_rules! per_format {
    ($name:ident) => {{
        let mut out = [""; Format::ALL.len()];
        let mut i = 0;
        while i < out.len() {
            out[i] = Format::ALL[i].$name();
            i += 1;
        }
        out
    }};
}

pub const FORMATS: [&str; Format::ALL.len()] = per_format!(as_str);

/// Each format's media type, in the order of `FORMATS`.
pub const MEDIA_TYPES: [&str; Format::ALL.len()] = per_format!(media_type);

pub const ERROR_CORRECTION_LEVELS: &[&str] = &[
    EcLevel::L.as_str(),
    EcLevel::M.as_str(),
    EcLevel::Q.as_str(),
    EcLevel::H.as_str(),
];

/// An option that takes one of a few names, declared once with `choice!`.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// The constant TypeScript knows the names by.
    pub constant: &'static str,
    /// The names; the first is the default.
    pub names: &'static [&'static str],
    pub about: &'static str,
}

pub static CHOICES: &[Choice] = &[
    Choice {
        constant: "BEARERS",
        names: Bearer::NAMES,
        about: "Every `bearer` (ITF-14's bearer bars); the first is the default.",
    },
    Choice {
        constant: "DATAMATRIX_SHAPES",
        names: DmShape::NAMES,
        about: "Every `datamatrix_shape`; the first is the default.",
    },
    Choice {
        constant: "UNITS",
        names: Unit::NAMES,
        about: "Every `unit` sizes are given in; the first is the default.",
    },
    Choice {
        constant: "LINK_SYMBOLS",
        names: LinkSymbol::NAMES,
        about: "Every `symbol` a GS1 Digital Link URI is carried in; the first is the default.",
    },
];

/// The header fields of a packed batch (see `crate::packed`), in their
/// order within an item's header, declared once in `Field`.
pub const PACKED_FIELDS: &[&str] = Field::NAMES;

/// The kinds of a packed item's body, each at its value in the `kind`
/// field, declared once in `Kind`.
pub const PACKED_KINDS: &[&str] = Kind::NAMES;

/// Every built-in label sheet template, in the order of `templates::TEMPLATES`.
pub fn sheet_templates() -> Vec<&'static str> {
    templates::names()
}

/// Every `code` a failed item can carry from the core.
pub const ERROR_CODES: &[&str] = CoreError::CODES;

pub fn limit(name: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.name == name)
}

pub fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::CacheConfig;
    use crate::options::RawOptions;

    #[test]
    fn whole_refuses_what_a_cast_would_mangle() {
        let r = Range::new(0, 31_536_000);
        assert_eq!(r.whole("t", 0.0), Ok(0));
        assert_eq!(r.whole("t", 31_536_000.0), Ok(31_536_000));
        for (v, got) in [
            (1e20, "100000000000000000000"),
            (1e30, "1e+30"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-1.0, "-1"),
            (1.5, "1.5"),
            (31_536_001.0, "31536001"),
        ] {
            assert_eq!(
                r.whole("ttl_seconds", v).unwrap_err().to_string(),
                format!("ttl_seconds: must be a whole number from 0 to 31536000, got {got}")
            );
        }
        assert_eq!(
            r.check("t", 31_536_001).unwrap_err().code(),
            "INVALID_OPTION"
        );
    }

    #[test]
    fn names_are_unique_and_every_setting_default_is_in_range() {
        let mut names: Vec<&str> = LIMITS.iter().map(|l| l.name).collect();
        names.extend(SETTINGS.iter().map(|s| s.name));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
        for s in SETTINGS {
            assert!(s.range.contains(s.default), "{}", s.name);
        }
        let types: Vec<&str> = barcode_types().collect();
        assert_eq!(types.len(), SYMBOLOGIES.len());
        assert_eq!(types[0], "qr");
    }

    #[test]
    fn the_facts_are_the_bounds_enforced() {
        let width = limit("width").unwrap().range;
        let opts = |w: f64| {
            RawOptions {
                width: Some(w),
                ..Default::default()
            }
            .parse()
        };
        assert!(opts(width.max as f64).is_ok());
        assert!(opts((width.max + 1) as f64).is_err());
        assert!(opts(width.min as f64).is_ok());
        assert!(opts((width.min - 1) as f64).is_err());
        let d = CacheConfig::default();
        assert_eq!(d.max_entries() as u64, CACHE_MAX_ENTRIES.default);
        assert_eq!(d.max_bytes() as u64, CACHE_MAX_BYTES.default);
        assert_eq!(d.ttl().as_secs(), CACHE_TTL_SECONDS.default);
        assert_eq!(setting("cache_max_bytes").unwrap().range.max, 1 << 40);
    }

    #[test]
    fn the_error_correction_limits_state_the_levels_used() {
        use crate::symbology::{aztec, pdf417};
        let about = |name| limit(name).unwrap().about;
        for (letter, level) in pdf417::LETTER_LEVELS {
            assert!(about("pdf417_ec_level").contains(&format!("{} {level}", letter.as_str())));
        }
        assert!(about("pdf417_ec_level").ends_with(&format!("else {}.", pdf417::DEFAULT_LEVEL)));
        for (letter, percent) in aztec::LETTER_PERCENTS {
            assert!(about("aztec_ec_percent").contains(&format!("{} {percent}", letter.as_str())));
        }
        assert!(about("aztec_ec_percent").ends_with(&format!("else {}.", aztec::DEFAULT_PERCENT)));
    }

    #[test]
    fn js_number_matches_javascript() {
        for (v, s) in [
            (3600.0, "3600"),
            (-0.0, "0"),
            (0.5, "0.5"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (2f64.powi(40) + 1.0, "1099511627777"),
        ] {
            assert_eq!(js_number(v), s);
        }
    }
}
