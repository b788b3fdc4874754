//! Render options as callers send them (`RawOptions`) and as the core uses
//! them (`RenderOptions`): parsing is the one place where they are validated.
use crate::error::{CoreError, CoreResult};
use crate::facts::Range;
use crate::symbology::aztec::AZTEC_EC_PERCENT;
use crate::symbology::databar_expanded_stacked;
use crate::symbology::digital_link::Resolver;
use crate::symbology::ean_upc::AddOn;
use crate::symbology::pdf417::PDF417_EC_LEVEL;

pub const MAX_IMAGE_PX: u32 = 4096;
pub const MAX_MARGIN: u32 = 64;
pub const MAX_MODULE_PX: u32 = 100;

/// Print sizes, in micrometres (requests give millimetres).
pub const X_DIM_UM: Range = Range::new(50, 25_000);
pub const SIZE_UM: Range = Range::new(1_000, 1_000_000);
pub const HEIGHT_UM: Range = Range::new(1_000, 1_000_000);
pub const DPI: Range = Range::new(72, 2400);

/// `width` and `height`.
pub const IMAGE_PX: Range = Range::new(1, MAX_IMAGE_PX as u64);
pub const MARGIN: Range = Range::new(0, MAX_MARGIN as u64);
pub const MODULE_PX: Range = Range::new(1, MAX_MODULE_PX as u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Svg,
    Png,
    Pdf,
    Eps,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Svg, Format::Png, Format::Pdf, Format::Eps];

    pub fn parse(s: Option<&str>) -> CoreResult<Self> {
        let Some(s) = s else {
            return Ok(Format::Svg);
        };
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<String> = Format::ALL
                    .iter()
                    .map(|f| format!("{:?}", f.as_str()))
                    .collect();
                CoreError::option(
                    "format",
                    format!("must be one of {}, got {:?}", names.join(", "), clip(s)),
                )
            })
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
            Format::Eps => "eps",
        }
    }

    /// Its media type, as the HTTP routes answer it.
    pub const fn media_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
            Format::Pdf => "application/pdf",
            Format::Eps => "application/postscript",
        }
    }

    /// What the format cannot draw: only PNG has a resolution (`dpi`), and
    /// PostScript has no transparency, so EPS takes only opaque colours (or
    /// a fully transparent background).
    pub fn check(self, opts: &RenderOptions) -> CoreResult<()> {
        if self != Format::Png && opts.dpi.is_some() {
            return Err(CoreError::option(
                "options.dpi",
                "applies to PNG only: PDF, EPS and SVG are vectors, printed at the size given",
            ));
        }
        if self != Format::Eps {
            return Ok(());
        }
        opts.require_opaque(|background| {
            format!(
                "EPS has no transparency, so colours must be opaque{}; use format \"pdf\", \"svg\" or \"png\" for translucent colours",
                if background { " (or the background fully transparent)" } else { "" }
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcLevel {
    L,
    M,
    Q,
    H,
}

impl EcLevel {
    pub const fn as_str(self) -> &'static str {
        match self {
            EcLevel::L => "L",
            EcLevel::M => "M",
            EcLevel::Q => "Q",
            EcLevel::H => "H",
        }
    }
}

choice!(
    /// ITF-14's bearer bars (GS1 General Specifications, 5.3.6): a frame round
    /// the bars and their quiet zones, bars above and below only, or none.
    Bearer, "options.bearer", {
        Frame => "frame",
        TopBottom => "top_bottom",
        None => "none",
    }
);

choice!(
    /// Data Matrix symbol shapes: square (ISO/IEC 16022), its six rectangles,
    /// or those and the rectangular extensions of ISO/IEC 21471 (DMRE),
    /// which older readers may not know.
    DmShape, "options.datamatrix_shape", {
        Square => "square",
        Rectangle => "rectangle",
        Dmre => "dmre",
    }
);

choice!(
    /// The 2-D symbol a GS1 Digital Link URI is carried in.
    LinkSymbol, "options.symbol", {
        Qr => "qr",
        Datamatrix => "datamatrix",
    }
);

choice!(
    /// What sizes are given in: image pixels, or millimetres on paper
    /// (`x_dim`, `size`, `height`).
    Unit, "options.unit", {
        Px => "px",
        Mm => "mm",
    }
);

/// A print size: the module width (`x_dim`) or the image's width (`size`),
/// and the bar height of linear codes, in micrometres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PrintSize {
    pub x_dim: Option<u32>,
    pub size: Option<u32>,
    pub height: Option<u32>,
}

/// A colour in sRGB with alpha; only ever serialised from these numbers, so
/// nothing a caller sends can reach SVG markup as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
    /// Cyan, magenta, yellow and black in percent, for a colour given as
    /// `cmyk(...)`: PDF and EPS paint these; SVG and PNG the sRGB above,
    /// converted naively (no colour profile).
    pub cmyk: Option<[u8; 4]>,
}

impl Rgba {
    pub const BLACK: Rgba = Rgba::opaque(0, 0, 0);
    pub const WHITE: Rgba = Rgba::opaque(255, 255, 255);
    pub const TRANSPARENT: Rgba = Rgba {
        r: 255,
        g: 255,
        b: 255,
        a: 0,
        cmyk: None,
    };

    pub const fn opaque(r: u8, g: u8, b: u8) -> Self {
        Rgba {
            r,
            g,
            b,
            a: 255,
            cmyk: None,
        }
    }

    /// `cmyk(c, m, y, k)` with each part a whole percentage.
    fn parse_cmyk(s: &str) -> Option<Self> {
        let inner = s
            .strip_prefix("cmyk(")
            .or_else(|| s.strip_prefix("CMYK("))?
            .strip_suffix(')')?;
        let mut parts = [0u8; 4];
        let mut n = 0;
        for part in inner.split(',') {
            let v: u8 = part.trim().parse().ok().filter(|v| *v <= 100)?;
            *parts.get_mut(n)? = v;
            n += 1;
        }
        if n != 4 {
            return None;
        }
        let [c, m, y, k] = parts.map(|v| v as u32);
        let rgb = |x: u32| ((255 * (100 - x) * (100 - k) + 5000) / 10_000) as u8;
        Some(Rgba {
            cmyk: Some(parts),
            ..Rgba::opaque(rgb(c), rgb(m), rgb(y))
        })
    }

    /// Parses `#RGB`, `#RRGGBB`, `#RRGGBBAA` or `cmyk(c,m,y,k)` (and
    /// `transparent` where allowed).
    pub fn parse(field: &'static str, s: &str, allow_transparent: bool) -> CoreResult<Self> {
        if allow_transparent && s.eq_ignore_ascii_case("transparent") {
            return Ok(Rgba::TRANSPARENT);
        }
        if s.len() > 4 && s[..4].eq_ignore_ascii_case("cmyk") {
            return Rgba::parse_cmyk(s).ok_or_else(|| {
                CoreError::option(
                    field,
                    format!(
                        "must be cmyk(c, m, y, k) with four whole percentages from 0 to 100, got {:?}",
                        clip(s)
                    ),
                )
            });
        }
        let bad = || {
            let also = if allow_transparent {
                " or \"transparent\""
            } else {
                ""
            };
            CoreError::option(
                field,
                format!(
                    "must be a colour like #RGB, #RRGGBB, #RRGGBBAA or cmyk(0,0,0,100){also}, got {:?}",
                    clip(s)
                ),
            )
        };
        let hex = s.strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let nibble = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).unwrap_or(0);
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
        match hex.len() {
            3 => Ok(Rgba::opaque(nibble(0) * 17, nibble(1) * 17, nibble(2) * 17)),
            6 => Ok(Rgba::opaque(byte(0), byte(2), byte(4))),
            8 => Ok(Rgba {
                r: byte(0),
                g: byte(2),
                b: byte(4),
                a: byte(6),
                cmyk: None,
            }),
            _ => Err(bad()),
        }
    }
}

/// Options exactly as a caller passed them; numbers arrive as JavaScript numbers.
#[derive(Debug, Clone, Default)]
pub struct RawOptions {
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub margin: Option<f64>,
    pub module_width: Option<f64>,
    pub error_correction: Option<String>,
    pub pdf417_ec_level: Option<f64>,
    pub aztec_ec_percent: Option<f64>,
    pub foreground: Option<String>,
    pub background: Option<String>,
    pub show_text: Option<bool>,
    pub bearer: Option<String>,
    pub addon: Option<String>,
    pub datamatrix_shape: Option<String>,
    pub symbol: Option<String>,
    pub resolver: Option<String>,
    pub databar_segments: Option<f64>,
    pub unit: Option<String>,
    pub x_dim: Option<f64>,
    pub size: Option<f64>,
    pub dpi: Option<f64>,
}

/// Validated options; `None` sizes mean "derive from the symbol".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderOptions {
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Quiet zone in modules; `None` means the symbology's own default.
    pub margin: Option<u32>,
    pub module_width: Option<u32>,
    pub error_correction: Option<EcLevel>,
    /// PDF417's security level (0-8); after `Symbology::normalise`, set for PDF417 only.
    pub pdf417_ec_level: Option<u32>,
    /// Aztec's error-correction words, in percent of the data; after `normalise`, set for Aztec only.
    pub aztec_ec_percent: Option<u32>,
    pub foreground: Rgba,
    pub background: Rgba,
    /// Human-readable text under linear codes; `None` means the symbology's
    /// default (on for EAN/UPC, off for the others). Ignored by 2-D codes.
    pub show_text: Option<bool>,
    /// Bearer bars; after `Symbology::normalise`, set for ITF-14 only.
    pub bearer: Option<Bearer>,
    /// EAN-2/EAN-5 add-on digits; after `normalise`, kept for EAN-13, UPC-A and UPC-E only.
    pub addon: Option<AddOn>,
    /// After `normalise`, set for the Data Matrix types only.
    pub datamatrix_shape: Option<DmShape>,
    /// After `normalise`, set for `gs1_digital_link` only.
    pub symbol: Option<LinkSymbol>,
    /// The Digital Link resolver that element strings are written under;
    /// after `normalise`, set for `gs1_digital_link` only.
    pub resolver: Option<Resolver>,
    /// Segments per row; after `normalise`, set for `databar_expanded_stacked` only.
    pub databar_segments: Option<u32>,
    /// Sizes on paper, with `unit: "mm"` (`width`, `height` and
    /// `module_width` are then `None`); `render::print` turns them into pixels.
    pub print: Option<PrintSize>,
    /// Dots per inch of a PNG, recorded in it; with `unit: "mm"`, the
    /// resolution modules snap to (default `print::DEFAULT_DPI`).
    pub dpi: Option<u32>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            width: None,
            height: None,
            margin: None,
            module_width: None,
            error_correction: None,
            pdf417_ec_level: None,
            aztec_ec_percent: None,
            foreground: Rgba::BLACK,
            background: Rgba::WHITE,
            show_text: None,
            bearer: None,
            addon: None,
            datamatrix_shape: None,
            symbol: None,
            resolver: None,
            databar_segments: None,
            print: None,
            dpi: None,
        }
    }
}

impl RenderOptions {
    /// Refuses translucent colours, for output that has no transparency; a
    /// fully transparent background is allowed (it is not painted). The
    /// message is `message(is_background)`.
    pub fn require_opaque(&self, message: impl Fn(bool) -> String) -> CoreResult<()> {
        for (field, c, background) in [
            ("options.foreground", self.foreground, false),
            ("options.background", self.background, true),
        ] {
            if c.a != 255 && !(background && c.a == 0) {
                return Err(CoreError::option(field, message(background)));
            }
        }
        Ok(())
    }
}

impl RawOptions {
    pub fn parse(&self) -> CoreResult<RenderOptions> {
        let error_correction = match self.error_correction.as_deref() {
            None => None,
            Some("L") | Some("l") => Some(EcLevel::L),
            Some("M") | Some("m") => Some(EcLevel::M),
            Some("Q") | Some("q") => Some(EcLevel::Q),
            Some("H") | Some("h") => Some(EcLevel::H),
            Some(other) => {
                return Err(CoreError::option(
                    "options.error_correction",
                    format!("must be one of L, M, Q, H, got {:?}", clip(other)),
                ))
            }
        };
        let print = self.print_size()?;
        let pixels = print.is_none();
        Ok(RenderOptions {
            width: int("options.width", self.width, IMAGE_PX)?,
            height: int("options.height", self.height.filter(|_| pixels), IMAGE_PX)?,
            margin: int("options.margin", self.margin, MARGIN)?,
            module_width: int("options.module_width", self.module_width, MODULE_PX)?,
            error_correction,
            pdf417_ec_level: int(
                "options.pdf417_ec_level",
                self.pdf417_ec_level,
                PDF417_EC_LEVEL,
            )?,
            aztec_ec_percent: int(
                "options.aztec_ec_percent",
                self.aztec_ec_percent,
                AZTEC_EC_PERCENT,
            )?,
            foreground: match &self.foreground {
                None => Rgba::BLACK,
                Some(s) => Rgba::parse("options.foreground", s, false)?,
            },
            background: match &self.background {
                None => Rgba::WHITE,
                Some(s) => Rgba::parse("options.background", s, true)?,
            },
            show_text: self.show_text,
            bearer: self.bearer.as_deref().map(Bearer::parse).transpose()?,
            addon: self
                .addon
                .as_deref()
                .map(|s| AddOn::parse("options.addon", s))
                .transpose()?,
            datamatrix_shape: self
                .datamatrix_shape
                .as_deref()
                .map(DmShape::parse)
                .transpose()?,
            symbol: self.symbol.as_deref().map(LinkSymbol::parse).transpose()?,
            resolver: self.resolver.as_deref().map(Resolver::parse).transpose()?,
            databar_segments: databar_expanded_stacked::segments(
                "options.databar_segments",
                self.databar_segments,
            )?,
            print,
            dpi: int("options.dpi", self.dpi, DPI)?,
        })
    }

    /// The sizes in millimetres when `unit` is `"mm"`, refusing pixel sizes
    /// beside them (and millimetre ones without it).
    fn print_size(&self) -> CoreResult<Option<PrintSize>> {
        let unit = self.unit.as_deref().map(Unit::parse).transpose()?;
        if unit != Some(Unit::Mm) {
            for (field, v) in [("options.x_dim", self.x_dim), ("options.size", self.size)] {
                if v.is_some() {
                    return Err(CoreError::option(
                        field,
                        "is in millimetres, so it needs options.unit \"mm\"",
                    ));
                }
            }
            return Ok(None);
        }
        for (field, v, instead) in [
            ("options.width", self.width, "options.size"),
            ("options.module_width", self.module_width, "options.x_dim"),
        ] {
            if v.is_some() {
                return Err(CoreError::option(
                    field,
                    format!("is in pixels; with options.unit \"mm\" give {instead} in millimetres"),
                ));
            }
        }
        if self.x_dim.is_some() && self.size.is_some() {
            return Err(CoreError::option(
                "options.size",
                "give options.x_dim (the module width) or options.size (the image's width), not both",
            ));
        }
        Ok(Some(PrintSize {
            x_dim: micrometres("options.x_dim", self.x_dim, X_DIM_UM)?,
            size: micrometres("options.size", self.size, SIZE_UM)?,
            height: micrometres("options.height", self.height, HEIGHT_UM)?,
        }))
    }
}

/// Millimetres as whole micrometres, in `range` (micrometres).
fn micrometres(field: &'static str, v: Option<f64>, range: Range) -> CoreResult<Option<u32>> {
    let Some(mm) = v else { return Ok(None) };
    let um = (mm * 1000.0).round();
    if um.is_finite() && um >= range.min as f64 && um <= range.max as f64 {
        return Ok(Some(um as u32));
    }
    Err(CoreError::option(
        field,
        format!(
            "must be from {} to {} mm, got {}",
            mm_text(range.min as u32),
            mm_text(range.max as u32),
            crate::facts::js_number(mm)
        ),
    ))
}

/// Micrometres as millimetres, without trailing zeros: 264 is "0.264".
pub(crate) fn mm_text(um: u32) -> String {
    let s = format!("{}.{:03}", um / 1000, um % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn int(field: &'static str, v: Option<f64>, range: Range) -> CoreResult<Option<u32>> {
    // Every option range fits in u32.
    v.map(|x| range.whole(field, x).map(|n| n as u32))
        .transpose()
}

/// Keeps echoed user input short in messages.
pub(crate) fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(40).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_colour_form() {
        let p = |s| Rgba::parse("c", s, true);
        assert_eq!(p("#f00").unwrap(), Rgba::opaque(255, 0, 0));
        assert_eq!(p("#00FF7f").unwrap(), Rgba::opaque(0, 255, 127));
        assert_eq!(p("#0000ff80").unwrap().a, 0x80);
        assert_eq!(p("transparent").unwrap().a, 0);
    }

    #[test]
    fn rejects_markup_and_malformed_colours() {
        for bad in [
            "red",
            "#12",
            "#12345",
            "#ggg",
            "#fff\"/><script>",
            "",
            "#",
            "#１２３",
        ] {
            let err = Rgba::parse("options.foreground", bad, false).unwrap_err();
            assert_eq!(err.code(), "INVALID_OPTION", "{bad}");
            assert!(err.to_string().starts_with("options.foreground:"));
        }
        assert!(Rgba::parse("options.foreground", "transparent", false).is_err());
    }

    #[test]
    fn rejects_out_of_range_and_fractional_numbers() {
        for (w, ok) in [
            (0.0, false),
            (1.0, true),
            (4096.0, true),
            (4097.0, false),
            (10.5, false),
            (f64::NAN, false),
        ] {
            let raw = RawOptions {
                width: Some(w),
                ..Default::default()
            };
            assert_eq!(raw.parse().is_ok(), ok, "{w}");
        }
    }
}
