//! Label sheets: codes on the labels of a multi-page PDF, in order (left to
//! right, top to bottom, page after page), each at its print size and
//! centred with its caption, or scaled down to fit with a warning. A label
//! whose code fails takes no place on the sheet; its error is reported.
mod draw;
pub mod grid;
pub mod templates;

use crate::batch::guard;
use crate::error::{thousands, CoreError, CoreResult};
use crate::options::{Rgba, Unit};
use crate::render::pdf::helvetica_width;
use crate::render::shapes::Shapes;
use crate::render::{self, Layout, Request};
use grid::RawLayout;
use rayon::prelude::*;

/// Labels one sheet PDF may hold.
pub const MAX_LABELS: usize = 10_000;
/// Between a code and its caption, in millimetres.
const CAPTION_GAP_MM: f64 = 1.0;
/// Line height over font size.
const LINE: f64 = 1.2;
/// The smallest size a caption shrinks to before it is cut short, in points.
const MIN_CAPTION_PT: f64 = 5.0;
pub(crate) const MM_PER_PT: f64 = 25.4 / 72.0;

pub struct Label {
    pub request: Request,
    /// Text under the code, fitted to the label.
    pub caption: Option<String>,
}

/// Where a label landed: page, column and row count from 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub page: u32,
    pub column: u32,
    pub row: u32,
    /// 1 at the code's print size; less when it was scaled down to fit.
    pub scale: f64,
    pub warnings: Vec<String>,
}

pub struct Sheet {
    pub pdf: Vec<u8>,
    pub pages: u32,
    /// One per label, in order.
    pub labels: Vec<CoreResult<Placed>>,
}

/// A label ready to draw: its code's shapes and where they go inside it.
pub(crate) struct Prepared {
    pub shapes: Shapes,
    pub lay: Layout,
    pub colours: [Rgba; 2],
    /// The code's size on paper at scale 1, in millimetres.
    pub size_mm: (f64, f64),
    pub scale: f64,
    /// The caption in WinAnsi bytes (Helvetica's encoding), and its size in points.
    pub caption: Option<(Vec<u8>, f64)>,
    pub warnings: Vec<String>,
}

pub fn render_sheet(labels: &[Label], layout: &RawLayout) -> CoreResult<Sheet> {
    if labels.len() > MAX_LABELS {
        return Err(CoreError::DataTooLong {
            len: thousands(labels.len()),
            unit: "labels",
            what: "a sheet".into(),
            max: thousands(MAX_LABELS),
        });
    }
    let layout = layout.parse()?;
    let prepared: Vec<CoreResult<Prepared>> = labels
        .par_iter()
        .map(|l| guard(|| prepare(l, &layout)))
        .collect();
    let per_page = layout.grid.per_page();
    let mut slot = layout.skip;
    let mut pages: Vec<Vec<(u32, &Prepared)>> = Vec::new();
    let mut placed = Vec::with_capacity(labels.len());
    for p in &prepared {
        match p {
            Ok(p) => {
                let (page, at) = (slot / per_page, slot % per_page);
                if pages.len() <= page as usize {
                    pages.resize_with(page as usize + 1, Vec::new);
                }
                pages[page as usize].push((at, p));
                placed.push(Ok(Placed {
                    page: page + 1,
                    column: at % layout.grid.columns + 1,
                    row: at / layout.grid.columns + 1,
                    scale: p.scale,
                    warnings: p.warnings.clone(),
                }));
                slot += 1;
            }
            Err(e) => placed.push(Err(e.clone())),
        }
    }
    if pages.is_empty() {
        let first = placed.iter().find_map(|p| p.as_ref().err());
        return Err(CoreError::InvalidData(match first {
            Some(e) => format!("no label could be drawn; the first error: {e}"),
            None => "a sheet needs at least one label".into(),
        }));
    }
    let contents: Vec<Vec<u8>> = pages
        .par_iter()
        .map(|labels| draw::page(&layout, labels))
        .collect();
    Ok(Sheet {
        pdf: draw::document(&layout, &contents),
        pages: contents.len() as u32,
        labels: placed,
    })
}

fn prepare(label: &Label, layout: &grid::Layout) -> CoreResult<Prepared> {
    let mut req = label.request.clone();
    req.format = Some("pdf".into());
    let o = &mut req.options;
    // Labels are paper: a code without pixel sizes is laid out in millimetres.
    if o.unit.is_none() && o.width.is_none() && o.module_width.is_none() && o.height.is_none() {
        o.unit = Some(Unit::Mm.as_str().into());
    }
    // A design made for PNG keeps its sizes; the sheet is vector, so its dpi has no say.
    o.dpi = None;
    let (shapes, lay, opts) = render::vector(&req)?;
    opts.require_opaque(|_| {
        "labels are printed, so colours must be opaque (or the background transparent)".into()
    })?;
    let mm_per_px = lay.pt_per_px() * MM_PER_PT;
    let size_mm = (lay.width as f64 * mm_per_px, lay.height as f64 * mm_per_px);
    let g = &layout.grid;
    let inner_w = g.label_width - 2.0 * layout.padding;
    let mut inner_h = g.label_height - 2.0 * layout.padding;
    let mut warnings = Vec::new();
    let caption = match label.caption.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => {
            let (bytes, pt) = fit_caption(text, inner_w, layout.caption_pt, &mut warnings);
            inner_h -= pt * LINE * MM_PER_PT + CAPTION_GAP_MM;
            Some((bytes, pt))
        }
    };
    if inner_h < 1.0 {
        return Err(CoreError::option(
            "layout.caption_size",
            format!(
                "the caption leaves no room for the code in a {} mm high label; give a smaller caption_size or padding",
                g.label_height
            ),
        ));
    }
    let scale = (inner_w / size_mm.0).min(inner_h / size_mm.1).min(1.0);
    if scale < 0.9995 {
        warnings.push(format!(
            "the code is {:.1} x {:.1} mm and the label leaves {:.1} x {:.1} mm for it, so it is scaled to {:.0}%",
            size_mm.0,
            size_mm.1,
            inner_w,
            inner_h,
            scale * 100.0
        ));
    }
    Ok(Prepared {
        shapes,
        lay,
        colours: [opts.background, opts.foreground],
        size_mm,
        scale,
        caption,
        warnings,
    })
}

/// The caption in WinAnsi at the largest size up to `pt` that fits `width`
/// mm, down to `MIN_CAPTION_PT`; past that it is cut short with an ellipsis.
fn fit_caption(text: &str, width: f64, pt: f64, warnings: &mut Vec<String>) -> (Vec<u8>, f64) {
    let mut bytes = win_ansi(text, warnings);
    let width_pt = width / MM_PER_PT;
    let em = helvetica_width(&bytes);
    if em * pt <= width_pt {
        return (bytes, pt);
    }
    let fitted = width_pt / em;
    if fitted >= MIN_CAPTION_PT {
        return (bytes, fitted);
    }
    const ELLIPSIS: u8 = 0x85;
    while !bytes.is_empty()
        && (helvetica_width(&bytes) + helvetica_width(&[ELLIPSIS])) * MIN_CAPTION_PT > width_pt
    {
        bytes.pop();
    }
    bytes.push(ELLIPSIS);
    warnings.push(format!(
        "the caption is too long for the label even at {MIN_CAPTION_PT} pt, so it is cut short"
    ));
    (bytes, MIN_CAPTION_PT)
}

/// Text in Windows-1252, the encoding Helvetica is set in; what it cannot
/// hold prints as `?` (with a warning), controls as spaces.
fn win_ansi(text: &str, warnings: &mut Vec<String>) -> Vec<u8> {
    const HIGH: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
    let mut lost = false;
    let out = text
        .chars()
        .map(|c| match c as u32 {
            0x20..=0x7e | 0xa0..=0xff => c as u8,
            0..=0x1f | 0x7f => b' ',
            _ => match HIGH.chars().position(|h| h == c) {
                Some(i) if !matches!(i, 1 | 13 | 15 | 16 | 29) => 0x80 + i as u8,
                _ => {
                    lost = true;
                    b'?'
                }
            },
        })
        .collect();
    if lost {
        warnings.push("the caption has characters Helvetica cannot print (outside Windows-1252); they print as ?".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_keep_windows_1252_and_mark_the_rest() {
        let mut w = Vec::new();
        assert_eq!(win_ansi("SKU – 5 €", &mut w), b"SKU \x96 5 \x80");
        assert!(w.is_empty());
        assert_eq!(win_ansi("Größe ✓", &mut w), b"Gr\xf6\xdfe ?");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn long_captions_shrink_then_are_cut() {
        let mut w = Vec::new();
        let (b, pt) = fit_caption("short", 50.0, 9.0, &mut w);
        assert_eq!((b.as_slice(), pt), (&b"short"[..], 9.0));
        let (_, pt) = fit_caption("a somewhat longer caption here", 40.0, 9.0, &mut w);
        assert!(pt < 9.0 && pt >= MIN_CAPTION_PT, "{pt}");
        assert!(w.is_empty());
        let (b, pt) = fit_caption(&"x".repeat(200), 30.0, 9.0, &mut w);
        assert_eq!(pt, MIN_CAPTION_PT);
        assert_eq!(*b.last().unwrap(), 0x85);
        assert!(helvetica_width(&b) * pt <= 30.0 / MM_PER_PT);
        assert_eq!(w.len(), 1);
    }
}
