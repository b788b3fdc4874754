//! EPS (PostScript level 2): the same shapes as the PDF, the modules as
//! `rectfill`s and the text in Helvetica, centred by PostScript itself.
use super::shapes::shapes;
use super::svg::push_decimal;
use super::Layout;
use crate::options::{RenderOptions, Rgba};
use crate::symbology::Encoded;

pub fn draw(enc: &Encoded, lay: &Layout, opts: &RenderOptions) -> Vec<u8> {
    let s = shapes(enc, lay);
    let pt = lay.pt_per_px();
    let (w, h) = (lay.width as f64 * pt, lay.height as f64 * pt);
    let mut out = String::with_capacity(512 + s.rects.len() * 16);
    out.push_str("%!PS-Adobe-3.0 EPSF-3.0\n%%Creator: batchcode\n%%BoundingBox: 0 0 ");
    out.push_str(&format!(
        "{} {}\n%%HiResBoundingBox: 0 0 ",
        w.ceil(),
        h.ceil()
    ));
    push_decimal(&mut out, w);
    out.push(' ');
    push_decimal(&mut out, h);
    out.push_str("\n%%LanguageLevel: 2\n%%EndComments\n");
    // Image pixels with y down from here on, as in the SVG and the PDF.
    out.push_str("save\n/r /rectfill load def\n0 ");
    push_decimal(&mut out, h);
    out.push_str(" translate ");
    // Six places: at a print size one pixel can be a hundredth of a point.
    out.push_str(&format!("{pt:.6} {:.6}", -pt));
    out.push_str(" scale\n");
    if opts.background.a != 0 {
        push_colour(&mut out, opts.background);
        out.push_str(&format!("0 0 {} {} r\n", lay.width, lay.height));
    }
    if opts.foreground.a != 0 {
        push_colour(&mut out, opts.foreground);
        let mut num = itoa::Buffer::new();
        for r in &s.rects {
            for v in [r.x, r.y, r.w] {
                out.push_str(num.format(v));
                out.push(' ');
            }
            out.push_str(num.format(r.h));
            out.push_str(" r\n");
        }
        if let Some(size) = s.texts.first().map(|t| t.size) {
            out.push_str("/Helvetica findfont ");
            push_decimal(&mut out, size);
            out.push_str(" scalefont setfont\n");
        }
        for t in &s.texts {
            out.push_str("gsave ");
            push_decimal(&mut out, t.center);
            out.push(' ');
            push_decimal(&mut out, t.baseline);
            out.push_str(" translate 1 -1 scale (");
            for c in t.text.chars() {
                if matches!(c, '(' | ')' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push_str(") dup stringwidth pop -2 div 0 moveto show grestore\n");
        }
    }
    out.push_str("restore\nshowpage\n%%EOF\n");
    out.into_bytes()
}

/// Opaque colours only: PostScript has no transparency, which is why
/// `Format::check` refuses partial opacity for EPS.
fn push_colour(out: &mut String, c: Rgba) {
    if let Some(cmyk) = c.cmyk {
        for v in cmyk {
            push_decimal(out, v as f64 / 100.0);
            out.push(' ');
        }
        out.push_str("setcmykcolor\n");
        return;
    }
    for v in [c.r, c.g, c.b] {
        push_decimal(out, v as f64 / 255.0);
        out.push(' ');
    }
    out.push_str("setrgbcolor\n");
}
