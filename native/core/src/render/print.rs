//! Sizes on paper. With `unit: "mm"` the millimetre options become the pixel
//! options the layouts take, and `Print` scales the pixels back to paper:
//! a PNG snaps modules to whole dots at its dpi (so every bar prints the
//! same width), while PDF, EPS and SVG are laid out on a grid of
//! `VECTOR_MODULE_PX` per module and scaled to the exact X-dimension.
use super::{layout, Layout};
use crate::error::{CoreError, CoreResult};
use crate::options::{mm_text, Format, RenderOptions, MAX_IMAGE_PX};
use crate::symbology::{Encoded, Symbology, XDim};

/// The resolution a PNG in millimetres snaps to when `dpi` is not given.
pub const DEFAULT_DPI: u32 = 300;
/// The module width when neither `x_dim` nor `size` is given: 0.33 mm for
/// linear codes (EAN-13 at 100%), 0.5 mm for 2-D codes; within the symbology's range.
const DEFAULT_X_DIM_LINEAR: u32 = 330;
const DEFAULT_X_DIM_2D: u32 = 500;
/// Grid pixels per module of vector output, so bar heights and text land
/// within a tenth of a module of what was asked.
const VECTOR_MODULE_PX: u32 = 10;
const UM_PER_INCH: f64 = 25_400.0;

/// How image pixels map to paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print {
    pub um_per_px: f64,
    /// The PNG's resolution; `None` for vector output at an exact size
    /// (only a PNG takes `dpi`, so a vector's print scale comes from `unit: "mm"`).
    pub dpi: Option<u32>,
}

impl Print {
    /// PDF points per image pixel.
    pub fn pt_per_px(&self) -> f64 {
        self.um_per_px * 72.0 / UM_PER_INCH
    }
}

/// The options in pixels, and the scale to paper when there is one.
pub fn resolve(
    symbology: &Symbology,
    enc: &Encoded,
    opts: &RenderOptions,
    format: Format,
) -> CoreResult<(RenderOptions, Option<Print>)> {
    let Some(size) = opts.print else {
        let print = opts.dpi.map(|dpi| Print {
            um_per_px: UM_PER_INCH / dpi as f64,
            dpi: Some(dpi),
        });
        return Ok((*opts, print));
    };
    let xd = symbology.x_dim;
    let default_x = if enc.linear.is_some() {
        DEFAULT_X_DIM_LINEAR
    } else {
        DEFAULT_X_DIM_2D
    };
    let default_x = xd.nominal.unwrap_or(default_x).clamp(xd.min, xd.max);
    let mut px = RenderOptions {
        print: None,
        width: None,
        height: None,
        module_width: Some(1),
        ..*opts
    };
    // The image's width in modules, quiet zones and bearers included.
    let modules = layout(enc, &px)?.width;
    let (um_per_px, dpi) = match format {
        Format::Png => {
            let dpi = opts.dpi.unwrap_or(DEFAULT_DPI);
            let um_per_px = UM_PER_INCH / dpi as f64;
            let module_px = match size.size {
                Some(s) => {
                    let width = (s as f64 / um_per_px).round() as u32;
                    if width < modules {
                        return Err(CoreError::option(
                            "options.size",
                            format!(
                                "{} mm is {width} dots at {dpi} dpi, and this symbol is {modules} modules wide with its quiet zones; give at least {} mm or a higher options.dpi",
                                mm_text(s),
                                mm_text((modules as f64 * um_per_px).ceil() as u32)
                            ),
                        ));
                    }
                    px.width = Some(width);
                    width / modules
                }
                None => {
                    let x = size.x_dim.unwrap_or(default_x);
                    check(&xd, x as f64, None, false)?;
                    snap(x, um_per_px, &xd)
                }
            };
            px.module_width = size.size.is_none().then_some(module_px);
            check(
                &xd,
                module_px as f64 * um_per_px,
                Some(dpi),
                size.size.is_some(),
            )?;
            (um_per_px, Some(dpi))
        }
        Format::Svg | Format::Pdf | Format::Eps => {
            let x = match size.size {
                Some(s) => s as f64 / modules as f64,
                None => size.x_dim.unwrap_or(default_x) as f64,
            };
            check(&xd, x, None, size.size.is_some())?;
            let k = (MAX_IMAGE_PX / modules).clamp(1, VECTOR_MODULE_PX);
            px.module_width = Some(k);
            (x / k as f64, None)
        }
    };
    if let Some(h) = size.height {
        let bars = ((h as f64 / um_per_px).round() as u32).max(1);
        // A linear code's `height` is its bars'; the layout's is the image's,
        // so add what the layout puts round the bars (quiet rows, text).
        let extra = match enc.linear {
            Some(_) => {
                let lay = layout(enc, &RenderOptions { height: None, ..px })?;
                lay.height - lay.row_px
            }
            None => 0,
        };
        px.height = Some(bars + extra);
    }
    Ok((px, Some(Print { um_per_px, dpi })))
}

/// Whole dots per module nearest `x`, moved by one where that keeps it in range.
fn snap(x: u32, um_per_px: f64, xd: &XDim) -> u32 {
    let real = |p: u32| p as f64 * um_per_px;
    let mut p = ((x as f64 / um_per_px).round() as u32).max(1);
    if real(p) < xd.min as f64 && real(p + 1) <= xd.max as f64 {
        p += 1;
    } else if real(p) > xd.max as f64 && p > 1 && real(p - 1) >= xd.min as f64 {
        p -= 1;
    }
    p
}

/// Refuses a module width outside the symbology's range, naming the
/// option that set it and, for EAN/UPC, the magnification.
fn check(xd: &XDim, x: f64, dpi: Option<u32>, by_size: bool) -> CoreResult<()> {
    if x >= xd.min as f64 - 0.5 && x <= xd.max as f64 + 0.5 {
        return Ok(());
    }
    let field = if by_size {
        "options.size"
    } else {
        "options.x_dim"
    };
    let got = match dpi {
        Some(dpi) => format!(
            "the module width would be {} mm (whole dots at {dpi} dpi)",
            mm3(x)
        ),
        None => format!("the module width would be {} mm", mm3(x)),
    };
    let pct = |um: f64, n: u32| format!(" ({:.0}%)", um * 100.0 / n as f64);
    let (got_pct, range_pct) = match xd.nominal {
        Some(n) => (
            pct(x, n),
            format!(
                ", {:.0}% to {:.0}%",
                xd.min as f64 * 100.0 / n as f64,
                xd.max as f64 * 100.0 / n as f64
            ),
        ),
        None => (String::new(), String::new()),
    };
    Err(CoreError::option(
        field,
        format!(
            "{got}{got_pct}; {} allows {} mm to {} mm{range_pct}",
            xd.spec.unwrap_or("the renderer"),
            mm3(xd.min as f64),
            mm3(xd.max as f64)
        ),
    ))
}

fn mm3(um: f64) -> String {
    format!("{:.3}", um / 1000.0)
}

/// What the metadata reports of a print size, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintMeta {
    pub dpi: Option<u32>,
    pub x_dim_mm: f64,
    pub width_mm: f64,
    pub height_mm: f64,
    pub magnification: Option<f64>,
}

pub fn meta(symbology: &Symbology, lay: &Layout) -> Option<PrintMeta> {
    let p = lay.print?;
    // Millimetres to four places: a tenth of a micrometre.
    let mm = |px: u32| (px as f64 * p.um_per_px / 1000.0 * 10_000.0).round() / 10_000.0;
    let x = lay.scale as f64 * p.um_per_px;
    Some(PrintMeta {
        dpi: p.dpi,
        x_dim_mm: mm(lay.scale),
        width_mm: mm(lay.width),
        height_mm: mm(lay.height),
        magnification: symbology
            .x_dim
            .nominal
            .map(|n| (x / n as f64 * 1000.0).round() / 1000.0),
    })
}
