//! SVG as one path of run-length rectangles, written into one buffer.
use super::Layout;
use crate::options::{RenderOptions, Rgba};
use crate::symbology::Symbol;

pub fn draw(sym: &Symbol, lay: &Layout, opts: &RenderOptions) -> String {
    let m = &sym.matrix;
    let mut out = String::with_capacity(256 + m.width() * m.height() / 2);
    let mut num = itoa::Buffer::new();
    // The viewBox is in modules; it covers the whole image so the
    // background fills it even when the aspect ratio differs.
    let unit = lay.scale as f64;
    let vx = -(lay.x0 as f64) / unit;
    let vy = -(lay.y0 as f64) / unit;
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    out.push_str(num.format(lay.width));
    out.push_str("\" height=\"");
    out.push_str(num.format(lay.height));
    out.push_str("\" viewBox=\"");
    push_decimal(&mut out, vx);
    out.push(' ');
    push_decimal(&mut out, vy);
    out.push(' ');
    push_decimal(&mut out, lay.width as f64 / unit);
    out.push(' ');
    push_decimal(&mut out, lay.height as f64 / unit);
    out.push_str("\" shape-rendering=\"crispEdges\">");
    if opts.background.a != 0 {
        out.push_str("<rect x=\"");
        push_decimal(&mut out, vx);
        out.push_str("\" y=\"");
        push_decimal(&mut out, vy);
        out.push_str("\" width=\"100%\" height=\"100%\"");
        push_fill(&mut out, opts.background);
        out.push_str("/>");
    }
    out.push_str("<path");
    push_fill(&mut out, opts.foreground);
    out.push_str(" d=\"");
    let mut ybuf = itoa::Buffer::new();
    for y in 0..m.height() {
        let ys = ybuf.format(y);
        for (x, len) in m.dark_runs(y) {
            out.push('M');
            out.push_str(num.format(x));
            out.push(' ');
            out.push_str(ys);
            out.push('h');
            out.push_str(num.format(len));
            out.push_str("v1H");
            out.push_str(num.format(x));
            out.push('z');
        }
    }
    out.push_str("\"/></svg>");
    out
}

fn push_fill(out: &mut String, c: Rgba) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str(" fill=\"#");
    for v in [c.r, c.g, c.b] {
        out.push(HEX[(v >> 4) as usize] as char);
        out.push(HEX[(v & 15) as usize] as char);
    }
    out.push('"');
    if c.a != 255 {
        out.push_str(" fill-opacity=\"");
        push_decimal(out, (c.a as f64 / 255.0 * 1000.0).round() / 1000.0);
        out.push('"');
    }
}

/// Up to three decimals, no trailing zeros, never exponent notation.
fn push_decimal(out: &mut String, v: f64) {
    let milli = (v * 1000.0).round() as i64;
    if milli < 0 {
        out.push('-');
    }
    let milli = milli.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(milli / 1000));
    let frac = milli % 1000;
    if frac != 0 {
        let s = format!("{frac:03}");
        out.push('.');
        out.push_str(s.trim_end_matches('0'));
    }
}
