//! From a request to image bytes: parse, encode, lay out, draw.
mod eps;
pub mod font;
pub(crate) mod linear;
pub(crate) mod pdf;
mod png;
pub mod print;
pub(crate) mod shapes;
mod svg;
pub(crate) mod zlib;

use crate::error::{thousands, CoreError, CoreResult};
use crate::facts::Range;
use crate::options::{
    Bearer, DmShape, EcLevel, Format, LinkSymbol, RawOptions, RenderOptions, MAX_IMAGE_PX,
};
use crate::symbology::{lookup, Encoded, Symbol, Symbology};

/// Default pixels per module when neither `width` nor `module_width` is given.
pub const DEFAULT_MODULE_PX: u32 = 4;

/// Characters of `data` any request may hold: past every symbology's
/// capacity, so it only spares the encoders absurd input.
pub const MAX_DATA_LENGTH: usize = 8192;
pub const DATA_LENGTH: Range = Range::new(0, MAX_DATA_LENGTH as u64);

/// Counted in Unicode scalar values: a JavaScript string (UTF-16) is never
/// shorter, so whatever passes a `maxLength` check in JavaScript passes here.
fn check_data_length(data: &str) -> CoreResult<()> {
    // Bytes bound characters from above: most data needs no count at all.
    if data.len() <= MAX_DATA_LENGTH {
        return Ok(());
    }
    let len = data.chars().count();
    if len <= MAX_DATA_LENGTH {
        return Ok(());
    }
    Err(CoreError::DataTooLong {
        len: thousands(len),
        unit: "characters",
        what: "a request".into(),
        max: thousands(MAX_DATA_LENGTH),
    })
}

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub barcode_type: String,
    pub data: String,
    pub format: Option<String>,
    pub options: RawOptions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Svg(String),
    /// PNG, PDF or EPS, as `Rendered::format` says.
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub barcode_type: &'static str,
    /// The symbology's usual name, e.g. "EAN-13".
    pub symbology: &'static str,
    pub version: Option<u32>,
    /// Modules across (and down, for square symbols), without quiet zone;
    /// for linear codes, the number of modules of the bars.
    pub modules: u32,
    pub rows: u32,
    pub columns: u32,
    pub error_correction: Option<EcLevel>,
    /// PDF417's security level, as used.
    pub pdf417_ec_level: Option<u32>,
    /// Aztec's error-correction percentage, as used.
    pub aztec_ec_percent: Option<u32>,
    pub text: Option<String>,
    /// The ECI the data starts with (26: UTF-8), when it has one.
    pub eci: Option<u32>,
    /// ITF-14's bearer bars, as drawn.
    pub bearer: Option<Bearer>,
    /// The Data Matrix shape the size was chosen from.
    pub datamatrix_shape: Option<DmShape>,
    /// The symbol a GS1 Digital Link is carried in.
    pub symbol: Option<LinkSymbol>,
    /// DataBar Expanded Stacked's segments per row, as used.
    pub databar_segments: Option<u32>,
    pub width: u32,
    pub height: u32,
    /// The size on paper, for a print size or a PNG's dpi.
    pub print: Option<print::PrintMeta>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub format: Format,
    pub body: Body,
    pub meta: Metadata,
}

impl Rendered {
    pub fn byte_len(&self) -> usize {
        match &self.body {
            Body::Svg(s) => s.len(),
            Body::Bytes(b) => b.len(),
        }
    }
}

/// Where the symbol lands in the image. Modules are `scale` pixels wide and
/// each matrix row is `row_px` pixels high (square modules for 2-D codes;
/// one stretched row for linear ones). Leftover pixels widen the quiet zone.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub scale: u32,
    pub row_px: u32,
    pub margin: u32,
    /// Pixel offset of the symbol's first module.
    pub x0: u32,
    pub y0: u32,
    /// Human-readable text under linear codes.
    pub text: Option<TextLayout>,
    /// ITF-14's bearer bars, in image pixels: top, bottom, left, right (the
    /// last two empty without a frame).
    pub bearers: Option<[Rect; 4]>,
    /// Pixels that EAN/UPC guard bars and an add-on reach below the others.
    pub guard_px: u32,
    /// Pixels below `y0` where an add-on's bars start, under its digits.
    pub addon_top: u32,
    /// How the pixels map to paper, for a print size or a PNG's dpi.
    pub print: Option<print::Print>,
}

impl Layout {
    /// PDF and EPS points per image pixel: the print scale, else a CSS
    /// pixel (1/96 in), as browsers print SVG.
    pub fn pt_per_px(&self) -> f64 {
        self.print.map_or(0.75, |p| p.pt_per_px())
    }

    /// Where a part of a linear symbol's bars starts and ends, in pixels below `y0`.
    pub fn extent(&self, part: linear::Part) -> (u32, u32) {
        match part {
            linear::Part::Bars => (0, self.row_px),
            linear::Part::Guard => (0, self.row_px + self.guard_px),
            linear::Part::AddOn => (self.addon_top, self.row_px + self.guard_px),
        }
    }
}

/// A filled rectangle in image pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    /// Whether pixel row `y` crosses it.
    pub fn covers_row(&self, y: u32) -> bool {
        self.w > 0 && (self.y..self.y + self.h).contains(&y)
    }
}

/// Text under the bars: glyph pixels are `size` image pixels; glyph tops at
/// `top`, and at `above` for runs over the bars (an add-on's digits).
#[derive(Debug, Clone, Copy)]
pub struct TextLayout {
    pub size: u32,
    pub top: u32,
    pub above: u32,
}

pub fn layout(enc: &Encoded, opts: &RenderOptions) -> CoreResult<Layout> {
    match &enc.linear {
        Some(lin) => linear::layout(&enc.symbol, lin, opts),
        None => layout_2d(&enc.symbol, opts),
    }
}

/// The error for an image too small for its symbol, charged to the option
/// that decided the module size.
pub(crate) fn too_small(opts: &RenderOptions, message: String) -> CoreError {
    let field = if opts.module_width.is_some() {
        "options.module_width"
    } else {
        "options.width"
    };
    CoreError::option(field, message)
}

/// Which request option decided the image's size: an image over the limit
/// is charged to it, or to the data when the caller gave no size at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizedBy {
    ModuleWidth,
    Width,
    Height,
    /// The symbology's default pixels per module.
    Default,
}

/// The symbol behind an image: its modules with the quiet zone (`rows` is
/// `None` for linear codes, whose height is not counted in modules) and the
/// largest pixels per module at which the image would fit, 0 when none does.
pub(crate) struct Extent {
    pub cols: u32,
    pub rows: Option<u32>,
    pub fit: u32,
}

/// Refuses an image over `MAX_IMAGE_PX` on either side, naming what the
/// caller wrote: the size option that decided it, or else the data (a symbol
/// too large even at one pixel per module is the data's fault whatever the
/// options say).
pub(crate) fn too_large(
    by: SizedBy,
    scale: u32,
    width: u32,
    height: u32,
    ext: &Extent,
) -> CoreResult<()> {
    if width <= MAX_IMAGE_PX && height <= MAX_IMAGE_PX {
        return Ok(());
    }
    let image = format!(
        "the image would be {width}x{height} pixels and the limit is {MAX_IMAGE_PX}x{MAX_IMAGE_PX}"
    );
    let modules = match ext.rows {
        Some(rows) => format!(
            "{}x{} modules",
            thousands(ext.cols as usize),
            thousands(rows as usize)
        ),
        None => format!("{} modules wide", thousands(ext.cols as usize)),
    };
    if ext.fit == 0 {
        return Err(CoreError::DataTooLarge(format!(
            "data is too long for one image: its symbol is {modules} with its quiet zones, and an image is at most {MAX_IMAGE_PX}x{MAX_IMAGE_PX} pixels even at 1 pixel per module; send less data"
        )));
    }
    Err(match by {
        SizedBy::ModuleWidth => CoreError::option(
            "options.module_width",
            format!("{image}; at most {} fits this symbol ({modules} with its quiet zones)", ext.fit),
        ),
        SizedBy::Width => CoreError::option(
            "options.width",
            format!("{image}; the height follows the symbol's shape ({modules} with its quiet zones), so give a smaller options.width or an options.height"),
        ),
        SizedBy::Height => CoreError::option(
            "options.height",
            format!("{image}; the width follows the symbol's shape ({modules} with its quiet zones), so give a smaller options.height or an options.width"),
        ),
        SizedBy::Default => CoreError::DataTooLarge(format!(
            "data is too long for the default {scale} pixels per module: {image} (its symbol is {modules} with its quiet zones); set options.module_width to {}{} (or options.width to at most {MAX_IMAGE_PX}), or send less data",
            ext.fit,
            if ext.fit > 1 { " or less" } else { "" }
        )),
    })
}

fn layout_2d(sym: &Symbol, opts: &RenderOptions) -> CoreResult<Layout> {
    let margin = opts.margin.unwrap_or(sym.default_margin);
    let cols = sym.matrix.width() as u32;
    let rows = sym.matrix.height() as u32;
    let (tw, th) = (cols + 2 * margin, rows + 2 * margin);
    let (width, height) = match (opts.width, opts.height) {
        (Some(w), Some(h)) => (Some(w), Some(h)),
        (Some(w), None) => (Some(w), Some((w as u64 * th as u64 / tw as u64) as u32)),
        (None, Some(h)) => (Some((h as u64 * tw as u64 / th as u64) as u32), Some(h)),
        (None, None) => (None, None),
    };
    let scale = match (opts.module_width, width, height) {
        (Some(m), _, _) => m,
        (None, Some(w), Some(h)) => (w / tw).min(h / th),
        _ => DEFAULT_MODULE_PX,
    };
    let width = width.unwrap_or(tw * scale);
    let height = height.unwrap_or(th * scale);
    if scale == 0 || width < tw * scale || height < th * scale {
        return Err(too_small(
            opts,
            format!(
                "{width}x{height} pixels is too small: this symbol is {tw}x{th} modules with its quiet zone, so it needs at least {}x{} pixels",
                tw * scale.max(1),
                th * scale.max(1)
            ),
        ));
    }
    let by = match (opts.module_width, opts.width, opts.height) {
        (Some(_), _, _) => SizedBy::ModuleWidth,
        (None, Some(_), _) => SizedBy::Width,
        (None, None, Some(_)) => SizedBy::Height,
        (None, None, None) => SizedBy::Default,
    };
    let fit = (MAX_IMAGE_PX / tw).min(MAX_IMAGE_PX / th);
    too_large(
        by,
        scale,
        width,
        height,
        &Extent {
            cols: tw,
            rows: Some(th),
            fit,
        },
    )?;
    Ok(Layout {
        width,
        height,
        scale,
        row_px: scale,
        margin,
        x0: (width - cols * scale) / 2,
        y0: (height - rows * scale) / 2,
        text: None,
        bearers: None,
        guard_px: 0,
        addon_top: 0,
        print: None,
    })
}

/// Renders one request, uncached.
pub fn render(req: &Request) -> CoreResult<Rendered> {
    let (symbology, format, opts) = parse_request(req)?;
    render_parsed(symbology, &req.data, format, &opts)
}

/// Validates a request's type, format, options and data length, with
/// defaults resolved.
pub(crate) fn parse_request(
    req: &Request,
) -> CoreResult<(&'static Symbology, Format, RenderOptions)> {
    check_data_length(&req.data)?;
    let symbology = lookup(&req.barcode_type)?;
    let format = Format::parse(req.format.as_deref())?;
    let options = symbology.normalise(req.options.parse()?)?;
    format.check(&options)?;
    Ok((symbology, format, options))
}

/// Whether `req` would render: every step of `render` but drawing, so the
/// same error comes back (options, data, capacity, image size) at a
/// fraction of the cost. Not cached.
pub fn check(req: &Request) -> CoreResult<()> {
    let (symbology, format, opts) = parse_request(req)?;
    prepare(symbology, &req.data, format, &opts).map(|_| ())
}

/// A request as vector shapes, as a PDF would draw them: for label sheets.
pub(crate) fn vector(req: &Request) -> CoreResult<(shapes::Shapes, Layout, RenderOptions)> {
    let (symbology, _format, opts) = parse_request(req)?;
    let (enc, lay, opts) = prepare(symbology, &req.data, Format::Pdf, &opts)?;
    Ok((shapes::shapes(&enc, &lay), lay, opts))
}

/// Encodes and lays out: the symbol, where it lands, and the options in pixels.
fn prepare(
    symbology: &'static Symbology,
    data: &str,
    format: Format,
    opts: &RenderOptions,
) -> CoreResult<(Encoded, Layout, RenderOptions)> {
    let enc = (symbology.encode)(data, opts)?;
    let (px, scale) = print::resolve(symbology, &enc, opts, format)?;
    let mut lay = layout(&enc, &px)?;
    lay.print = scale;
    Ok((enc, lay, px))
}

pub(crate) fn render_parsed(
    symbology: &'static Symbology,
    data: &str,
    format: Format,
    opts: &RenderOptions,
) -> CoreResult<Rendered> {
    let (enc, lay, opts) = prepare(symbology, data, format, opts)?;
    let opts = &opts;
    let body = match format {
        Format::Svg => Body::Svg(svg::draw(&enc, &lay, opts)),
        Format::Png => Body::Bytes(png::draw(&enc, &lay, opts)),
        Format::Pdf => Body::Bytes(pdf::draw(&enc, &lay, opts)),
        Format::Eps => Body::Bytes(eps::draw(&enc, &lay, opts)),
    };
    let sym = enc.symbol;
    let m = &sym.matrix;
    Ok(Rendered {
        format,
        body,
        meta: Metadata {
            barcode_type: symbology.name,
            symbology: symbology.label,
            version: sym.meta.version,
            modules: m.width() as u32,
            rows: enc.rows.unwrap_or(m.height() as u32),
            columns: enc.columns.unwrap_or(m.width() as u32),
            error_correction: sym.meta.error_correction,
            pdf417_ec_level: opts.pdf417_ec_level,
            aztec_ec_percent: opts.aztec_ec_percent,
            text: sym.meta.text,
            eci: sym.meta.eci,
            bearer: opts.bearer,
            datamatrix_shape: opts.datamatrix_shape,
            symbol: opts.symbol,
            databar_segments: opts.databar_segments,
            width: lay.width,
            height: lay.height,
            print: print::meta(symbology, &lay),
        },
    })
}

#[cfg(test)]
mod tests;
