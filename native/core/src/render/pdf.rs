//! PDF: one page the size of the image, the modules as filled rectangles
//! (merged runs), the human-readable text in Helvetica, one of the standard
//! 14 fonts every reader has, so nothing is embedded.
use super::shapes::{shapes, Shapes};
use super::zlib::zlib;
use super::Layout;
use crate::options::{RenderOptions, Rgba};
use crate::symbology::Encoded;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// Helvetica's advance widths (per 1000 em) for ASCII 32 to 126 in
/// WinAnsiEncoding, from Adobe's Helvetica AFM, to centre text runs.
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The width of `text` (WinAnsi bytes) in Helvetica at 1 unit per em;
/// bytes past ASCII count as a digit's width.
pub(crate) fn helvetica_width(text: &[u8]) -> f64 {
    text.iter()
        .map(|&b| match b {
            32..=126 => HELVETICA[(b - 32) as usize],
            127.. => HELVETICA[(b'0' - 32) as usize],
            _ => HELVETICA[0],
        } as f64)
        .sum::<f64>()
        / 1000.0
}

const CATALOG: Ref = Ref::new(1);
const PAGES: Ref = Ref::new(2);
const PAGE: Ref = Ref::new(3);
const CONTENT: Ref = Ref::new(4);
const FONT: Ref = Ref::new(5);
const FONT_NAME: Name = Name(b"F1");

/// Graphics states for partial opacity: the background's, the foreground's.
const ALPHA: [(Ref, Name); 2] = [(Ref::new(6), Name(b"A0")), (Ref::new(7), Name(b"A1"))];

pub fn draw(enc: &Encoded, lay: &Layout, opts: &RenderOptions) -> Vec<u8> {
    let s = shapes(enc, lay);
    let pt = lay.pt_per_px() as f32;
    let (w, h) = (lay.width as f32 * pt, lay.height as f32 * pt);
    let paints = [opts.background, opts.foreground];
    let content = zlib(&content(&s, lay, paints).finish());

    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG).pages(PAGES);
    pdf.pages(PAGES).kids([PAGE]).count(1);
    let mut page = pdf.page(PAGE);
    page.parent(PAGES)
        .media_box(Rect::new(0.0, 0.0, w, h))
        .contents(CONTENT);
    let mut res = page.resources();
    if !s.texts.is_empty() {
        res.fonts().pair(FONT_NAME, FONT);
    }
    let translucent = |c: Rgba| c.a != 0 && c.a != 255;
    if paints.iter().any(|&c| translucent(c)) {
        let mut states = res.ext_g_states();
        for ((id, name), c) in ALPHA.iter().zip(paints) {
            if translucent(c) {
                states.pair(*name, *id);
            }
        }
    }
    res.finish();
    page.finish();
    pdf.stream(CONTENT, &content).filter(Filter::FlateDecode);
    if !s.texts.is_empty() {
        pdf.type1_font(FONT)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for ((id, _), c) in ALPHA.iter().zip(paints) {
        if translucent(c) {
            let a = c.a as f32 / 255.0;
            pdf.ext_graphics(*id).non_stroking_alpha(a);
        }
    }
    pdf.finish()
}

/// The page's drawing, in image pixels with y down (one transform maps them
/// to points), so it reads like the SVG.
fn content(s: &Shapes, lay: &Layout, paints: [Rgba; 2]) -> Content {
    let mut c = Content::new();
    let pt = lay.pt_per_px() as f32;
    c.transform([pt, 0.0, 0.0, -pt, 0.0, lay.height as f32 * pt]);
    draw_shapes(&mut c, s, lay, paints, FONT_NAME);
    c
}

/// Sets a fill colour: DeviceCMYK for a `cmyk()` colour, else DeviceRGB.
pub(crate) fn set_fill(c: &mut Content, colour: Rgba) {
    match colour.cmyk {
        Some([cy, m, y, k]) => {
            let v = |x: u8| x as f32 / 100.0;
            c.set_fill_cmyk(v(cy), v(m), v(y), v(k));
        }
        None => {
            let v = |x: u8| x as f32 / 255.0;
            c.set_fill_rgb(v(colour.r), v(colour.g), v(colour.b));
        }
    }
}

/// The background and shapes in image pixels, y down, with Helvetica as
/// `font`; translucent colours use the graphics states `ALPHA` names.
pub(crate) fn draw_shapes(
    c: &mut Content,
    s: &Shapes,
    lay: &Layout,
    [bg, fg]: [Rgba; 2],
    font: Name,
) {
    let paint = |c: &mut Content, colour: Rgba, alpha: Name| {
        if colour.a != 255 {
            c.set_parameters(alpha);
        }
        set_fill(c, colour);
    };
    if bg.a != 0 {
        c.save_state();
        paint(c, bg, ALPHA[0].1);
        c.rect(0.0, 0.0, lay.width as f32, lay.height as f32);
        c.fill_nonzero();
        c.restore_state();
    }
    if fg.a == 0 {
        return;
    }
    paint(c, fg, ALPHA[1].1);
    for r in &s.rects {
        c.rect(r.x as f32, r.y as f32, r.w as f32, r.h as f32);
    }
    if !s.rects.is_empty() {
        c.fill_nonzero();
    }
    for t in &s.texts {
        let x = t.center - helvetica_width(t.text.as_bytes()) * t.size / 2.0;
        c.begin_text();
        c.set_font(font, t.size as f32);
        // Flipped back, or the glyphs would stand on their heads.
        c.set_text_matrix([1.0, 0.0, 0.0, -1.0, x as f32, t.baseline as f32]);
        c.show(Str(t.text.as_bytes()));
        c.end_text();
    }
}
