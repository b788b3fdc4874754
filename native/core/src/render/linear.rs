//! Layout of linear codes: bars `module_width` pixels per module, stretched
//! to a bar height, the spec's quiet zones left and right (asymmetric for
//! EAN/UPC), and room for the human-readable text under the bars.
use super::font::{ADVANCE, GLYPH_H};
use super::{too_large, too_small, Extent, Layout, SizedBy, TextLayout};
use crate::error::{CoreError, CoreResult};
use crate::options::{RenderOptions, MAX_IMAGE_PX, MAX_MODULE_PX};
use crate::symbology::linear::Linear;
use crate::symbology::Symbol;

/// Pixels per module when neither `width` nor `module_width` is given.
pub const DEFAULT_MODULE_PX: u32 = 2;
/// Default bar height in modules (50 px at the default 2 px per module).
pub const DEFAULT_BAR_MODULES: u32 = 25;
/// Blank modules above and below the bars (none when `margin` is 0).
pub const VERTICAL_QUIET: u32 = 2;

pub fn layout(sym: &Symbol, lin: &Linear, opts: &RenderOptions) -> CoreResult<Layout> {
    let cols = sym.matrix.width() as u32;
    let (ql, qr) = match opts.margin {
        Some(m) => (m, m),
        None => (lin.quiet_left, lin.quiet_right),
    };
    let tw = cols + ql + qr;
    let scale = match (opts.module_width, opts.width) {
        (Some(m), _) => m,
        (None, Some(w)) => w / tw,
        (None, None) => DEFAULT_MODULE_PX,
    };
    let width = opts.width.unwrap_or(tw * scale);
    if scale == 0 || width < tw * scale {
        return Err(too_small(
            opts,
            format!(
                "{width} pixels is too narrow: this symbol is {tw} modules wide with its quiet zones, so it needs at least {} pixels",
                tw * scale.max(1)
            ),
        ));
    }
    let vpad_at = |scale: u32| {
        if opts.margin == Some(0) {
            0
        } else {
            VERTICAL_QUIET * scale
        }
    };
    let vpad = vpad_at(scale);
    // Glyph pixel size: as large as the module width, smaller if the
    // longest run would not fit across the image.
    let widest = lin
        .text
        .iter()
        .map(|r| r.text.chars().count() as u32)
        .max()
        .unwrap_or(0);
    let mut size = scale;
    while size > 1 && widest * ADVANCE * size > width {
        size -= 1;
    }
    let text_h_at = |size: u32| {
        if lin.text.is_empty() {
            0
        } else {
            size * (GLYPH_H + 2)
        }
    };
    let text_h = text_h_at(size);
    let bar_px = match opts.height {
        Some(h) => {
            let fixed = 2 * vpad + text_h;
            if h <= fixed {
                return Err(CoreError::option(
                    "options.height",
                    format!(
                        "{h} pixels is too low: quiet zones and text take {fixed} pixels, so it needs at least {}",
                        fixed + 1
                    ),
                ));
            }
            h - fixed
        }
        None => DEFAULT_BAR_MODULES * scale,
    };
    let height = opts.height.unwrap_or(bar_px + 2 * vpad + text_h);
    if width > MAX_IMAGE_PX || height > MAX_IMAGE_PX {
        // The largest module size whose image fits both ways (text at most module-sized).
        let fit = (1..=(MAX_IMAGE_PX / tw).min(MAX_MODULE_PX))
            .rev()
            .find(|&m| {
                opts.height
                    .unwrap_or(DEFAULT_BAR_MODULES * m + 2 * vpad_at(m) + text_h_at(m))
                    <= MAX_IMAGE_PX
            })
            .unwrap_or(0);
        let by = match (opts.module_width, opts.width) {
            (Some(_), _) => SizedBy::ModuleWidth,
            (None, Some(_)) => SizedBy::Width,
            // A given height leaves the width to the default module size.
            (None, None) => SizedBy::Default,
        };
        too_large(
            by,
            scale,
            width,
            height,
            &Extent {
                cols: tw,
                rows: None,
                fit,
            },
        )?;
    }
    let x0 = ql * scale + (width - tw * scale) / 2;
    Ok(Layout {
        width,
        height,
        scale,
        row_px: bar_px,
        margin: ql,
        x0,
        y0: vpad,
        text: (!lin.text.is_empty()).then_some(TextLayout {
            size,
            top: vpad + bar_px + 2 * size,
        }),
    })
}
