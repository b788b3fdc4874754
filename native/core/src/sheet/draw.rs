//! A sheet's pages: each label's code drawn with the PDF writer's shapes
//! under one transform (pixels to the label's place, y down), captions in
//! Helvetica, and the optional crop marks and outlines, each page's content
//! deflated on its own thread.
use super::grid::Layout;
use super::{Prepared, CAPTION_GAP_MM, LINE, MM_PER_PT};
use crate::render::pdf::{draw_shapes, helvetica_width, set_fill};
use crate::render::zlib::zlib;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

const CATALOG: Ref = Ref::new(1);
const PAGES: Ref = Ref::new(2);
const FONT: Ref = Ref::new(3);
const FONT_NAME: Name = Name(b"F1");
/// Crop marks and outlines: hairlines, in points.
const HAIRLINE_PT: f32 = 0.25;
/// Crop marks stop this far short of the labels, in millimetres.
const MARK_OFFSET_MM: f64 = 1.0;
const MARK_LENGTH_MM: f64 = 5.0;

fn pt(mm: f64) -> f32 {
    (mm / MM_PER_PT) as f32
}

/// Page `labels` as a deflated content stream; each is (place on the page, label).
pub(crate) fn page(layout: &Layout, labels: &[(u32, &Prepared)]) -> Vec<u8> {
    let g = &layout.grid;
    let page_h = g.page.height;
    let mut c = Content::new();
    for &(at, p) in labels {
        let (x, y) = g.origin(at);
        let (w, h) = (p.size_mm.0 * p.scale, p.size_mm.1 * p.scale);
        let caption_h = p
            .caption
            .as_ref()
            .map_or(0.0, |(_, size)| size * LINE * MM_PER_PT + CAPTION_GAP_MM);
        let left = x + (g.label_width - w) / 2.0;
        let top = y + (g.label_height - h - caption_h) / 2.0;
        let s = (p.lay.pt_per_px() * p.scale) as f32;
        c.save_state();
        c.transform([s, 0.0, 0.0, -s, pt(left), pt(page_h - top)]);
        draw_shapes(&mut c, &p.shapes, &p.lay, p.colours, FONT_NAME);
        c.restore_state();
        if let Some((text, size)) = &p.caption {
            let width_mm = helvetica_width(text) * size * MM_PER_PT;
            // The line's first baseline, a font size below its top (Helvetica's ascent is 0.72 em).
            let baseline = top + h + CAPTION_GAP_MM + size * MM_PER_PT;
            c.save_state();
            set_fill(&mut c, p.colours[1]);
            c.begin_text();
            c.set_font(FONT_NAME, *size as f32);
            c.set_text_matrix([
                1.0,
                0.0,
                0.0,
                1.0,
                pt(x + (g.label_width - width_mm) / 2.0),
                pt(page_h - baseline),
            ]);
            c.show(Str(text));
            c.end_text();
            c.restore_state();
        }
    }
    if layout.outline || layout.crop_marks {
        c.set_line_width(HAIRLINE_PT);
        c.set_stroke_gray(0.0);
    }
    if layout.outline {
        for at in 0..g.per_page() {
            let (x, y) = g.origin(at);
            c.rect(
                pt(x),
                pt(page_h - y - g.label_height),
                pt(g.label_width),
                pt(g.label_height),
            );
        }
        c.stroke();
    }
    if layout.crop_marks {
        crop_marks(&mut c, layout);
    }
    zlib(&c.finish())
}

/// Short lines in the margins in line with every label edge, as a cutter
/// aligns to; left out on a side whose margin is too narrow to hold them.
fn crop_marks(c: &mut Content, layout: &Layout) {
    let g = &layout.grid;
    let (pw, ph) = (g.page.width, g.page.height);
    let right = g.left + g.columns as f64 * g.label_width + (g.columns - 1) as f64 * g.column_gap;
    let bottom = g.top + g.rows as f64 * g.label_height + (g.rows - 1) as f64 * g.row_gap;
    let mut xs = Vec::new();
    for col in 0..g.columns {
        let x = g.left + col as f64 * (g.label_width + g.column_gap);
        xs.extend([x, x + g.label_width]);
    }
    let mut ys = Vec::new();
    for row in 0..g.rows {
        let y = g.top + row as f64 * (g.label_height + g.row_gap);
        ys.extend([y, y + g.label_height]);
    }
    let len = |margin: f64| (margin - 2.0 * MARK_OFFSET_MM).min(MARK_LENGTH_MM);
    let mut line = |x1: f64, y1: f64, x2: f64, y2: f64| {
        c.move_to(pt(x1), pt(ph - y1));
        c.line_to(pt(x2), pt(ph - y2));
    };
    for (edge, margin, dir) in [(g.top, g.top, -1.0), (bottom, ph - bottom, 1.0)] {
        let l = len(margin);
        if l > 0.5 {
            for &x in &xs {
                let y = edge + dir * MARK_OFFSET_MM;
                line(x, y, x, y + dir * l);
            }
        }
    }
    for (edge, margin, dir) in [(g.left, g.left, -1.0), (right, pw - right, 1.0)] {
        let l = len(margin);
        if l > 0.5 {
            for &y in &ys {
                let x = edge + dir * MARK_OFFSET_MM;
                line(x, y, x + dir * l, y);
            }
        }
    }
    c.stroke();
}

/// The PDF around the pages' deflated contents.
pub(crate) fn document(layout: &Layout, contents: &[Vec<u8>]) -> Vec<u8> {
    let page_ref = |i: usize| Ref::new(4 + 2 * i as i32);
    let content_ref = |i: usize| Ref::new(5 + 2 * i as i32);
    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG).pages(PAGES);
    pdf.pages(PAGES)
        .kids((0..contents.len()).map(page_ref))
        .count(contents.len() as i32);
    let (w, h) = (pt(layout.grid.page.width), pt(layout.grid.page.height));
    for (i, content) in contents.iter().enumerate() {
        let mut page = pdf.page(page_ref(i));
        page.parent(PAGES)
            .media_box(Rect::new(0.0, 0.0, w, h))
            .contents(content_ref(i));
        page.resources().fonts().pair(FONT_NAME, FONT);
        page.finish();
        pdf.stream(content_ref(i), content)
            .filter(Filter::FlateDecode);
    }
    pdf.type1_font(FONT)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.finish()
}
