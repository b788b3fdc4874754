//! Layout of linear codes: bars `module_width` pixels per module, stretched
//! to a bar height, the spec's quiet zones left and right (asymmetric for
//! EAN/UPC), and room for the human-readable text under the bars.
use super::font::{ADVANCE, GLYPH_H};
use super::{too_large, too_small, Extent, Layout, Rect, SizedBy, TextLayout};
use crate::error::{CoreError, CoreResult};
use crate::options::{Bearer, RenderOptions, MAX_IMAGE_PX, MAX_MODULE_PX};
use crate::symbology::linear::Linear;
use crate::symbology::{Encoded, Symbol};

/// Pixels per module when neither `width` nor `module_width` is given.
pub const DEFAULT_MODULE_PX: u32 = 2;
/// Default bar height in modules (50 px at the default 2 px per module).
pub const DEFAULT_BAR_MODULES: u32 = 25;
/// Blank modules above and below the bars (none when `margin` is 0).
pub const VERTICAL_QUIET: u32 = 2;
/// Bearer bar thickness in modules: GS1 asks for at least 2, and Zint and
/// bwip-js draw 5 by default, which survives the rough printing ITF-14 gets.
pub const BEARER_MODULES: u32 = 5;
/// How far EAN/UPC guard bars (and an add-on) reach below the other bars,
/// in modules: GS1 General Specifications 5.2.3.4 (5X).
pub const GUARD_MODULES: u32 = 5;

/// Which bars a module belongs to, for their vertical extent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Part {
    Bars,
    /// EAN/UPC guard bars, down into the text.
    Guard,
    /// An EAN-2/EAN-5 add-on, under its digits.
    AddOn,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Bars, Part::Guard, Part::AddOn];
}

/// The dark runs of a linear symbol as `(first module, modules, part)`,
/// split where the part changes.
pub fn segments(enc: &Encoded) -> Vec<(usize, usize, Part)> {
    let Some(lin) = &enc.linear else {
        return Vec::new();
    };
    let part = |x: usize| {
        if lin.addon.is_some_and(|a| x >= a) {
            Part::AddOn
        } else if lin.guards.iter().any(|g| g.contains(&x)) {
            Part::Guard
        } else {
            Part::Bars
        }
    };
    let mut out = Vec::new();
    for (x, len) in enc.symbol.matrix.dark_runs(0) {
        let mut from = x;
        for i in x + 1..=x + len {
            if i == x + len || part(i) != part(from) {
                out.push((from, i - from, part(from)));
                from = i;
            }
        }
    }
    out
}

pub fn layout(sym: &Symbol, lin: &Linear, opts: &RenderOptions) -> CoreResult<Layout> {
    let cols = sym.matrix.width() as u32;
    let bearer = opts.bearer.filter(|b| *b != Bearer::None);
    let frame = bearer == Some(Bearer::Frame);
    // Inside a frame the spec's quiet zones always stay (bars against the
    // frame would not scan); `margin` is then the blank outside it.
    let (ql, qr) = match opts.margin {
        Some(m) if !frame => (m, m),
        _ => (lin.quiet_left, lin.quiet_right),
    };
    let (outer, side) = match frame {
        true => (opts.margin.unwrap_or(0), BEARER_MODULES),
        false => (0, 0),
    };
    let bar_modules = lin.bar_modules.unwrap_or(DEFAULT_BAR_MODULES);
    let bearer_h = if bearer.is_some() { BEARER_MODULES } else { 0 };
    let tw = cols + ql + qr + 2 * (side + outer);
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
    let vpad_at = |scale: u32| match (frame, opts.margin) {
        (true, _) => outer * scale,
        (false, Some(0)) => 0,
        (false, _) => VERTICAL_QUIET * scale,
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
    // Below the bars: the text, or the guard bars where they reach further.
    let guard_at = |scale: u32| {
        if lin.guards.is_empty() {
            0
        } else {
            GUARD_MODULES * scale
        }
    };
    let below_at = |scale: u32, size: u32| text_h_at(size).max(guard_at(scale));
    let text_h = below_at(scale, size);
    let bars_px = 2 * bearer_h * scale;
    let bar_px = match opts.height {
        Some(h) => {
            let fixed = 2 * vpad + text_h + bars_px;
            if h <= fixed {
                return Err(CoreError::option(
                    "options.height",
                    format!(
                        "{h} pixels is too low: quiet zones{} and text take {fixed} pixels, so it needs at least {}",
                        if bearer.is_some() { ", bearer bars" } else { "" },
                        fixed + 1
                    ),
                ));
            }
            h - fixed
        }
        None => bar_modules * scale,
    };
    let height = opts.height.unwrap_or(bar_px + 2 * vpad + text_h + bars_px);
    if width > MAX_IMAGE_PX || height > MAX_IMAGE_PX {
        // The largest module size whose image fits both ways (text at most module-sized).
        let fit = (1..=(MAX_IMAGE_PX / tw).min(MAX_MODULE_PX))
            .rev()
            .find(|&m| {
                opts.height
                    .unwrap_or((bar_modules + 2 * bearer_h) * m + 2 * vpad_at(m) + below_at(m, m))
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
    let left = (width - tw * scale) / 2 + outer * scale;
    let x0 = left + (side + ql) * scale;
    let y0 = vpad + bearer_h * scale;
    let bearers = bearer.map(|_| {
        // Top and bottom bars span the quiet zones, and the frame's sides too.
        let (b, span) = (bearer_h * scale, (cols + ql + qr + 2 * side) * scale);
        let bar = |y| Rect {
            x: left,
            y,
            w: span,
            h: b,
        };
        let upright = |x| Rect {
            x,
            y: vpad,
            w: side * scale,
            h: bar_px + 2 * b,
        };
        [
            bar(vpad),
            bar(y0 + bar_px),
            upright(left),
            upright(left + span - side * scale),
        ]
    });
    Ok(Layout {
        width,
        height,
        scale,
        row_px: bar_px,
        margin: ql,
        x0,
        y0,
        text: (!lin.text.is_empty()).then_some(TextLayout {
            size,
            top: y0 + bar_px + bearer_h * scale + 2 * size,
            above: y0,
        }),
        bearers,
        guard_px: guard_at(scale),
        // An add-on's digits sit over its bars, level with the top of the others.
        addon_top: match lin.text.iter().any(|r| r.above) {
            true => text_h_at(size).min(bar_px / 2),
            false => 0,
        },
        print: None,
    })
}
