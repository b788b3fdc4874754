//! SVG as one run-length path, written into one buffer.
use super::font::GLYPH_H;
use super::linear::segments;
use super::Layout;
use crate::options::{RenderOptions, Rgba};
use crate::symbology::Encoded;

pub fn draw(enc: &Encoded, lay: &Layout, opts: &RenderOptions) -> String {
    let m = &enc.symbol.matrix;
    let mut out = String::with_capacity(256 + m.width() * m.height() / 2);
    let mut num = itoa::Buffer::new();
    // The viewBox is in modules; it covers the whole image so the
    // background fills it even when the aspect ratio differs.
    let unit = lay.scale as f64;
    let vx = -(lay.x0 as f64) / unit;
    let vy = -(lay.y0 as f64) / unit;
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    // SVG takes no dpi, so a print scale means `unit: "mm"`.
    match lay.print {
        // Four places: a micrometre's tenth, well inside any printer's dot.
        Some(p) => {
            let mm = |px: u32| px as f64 * p.um_per_px / 1000.0;
            out.push_str(&format!(
                "{:.4}mm\" height=\"{:.4}mm",
                mm(lay.width),
                mm(lay.height)
            ));
        }
        None => {
            out.push_str(num.format(lay.width));
            out.push_str("\" height=\"");
            out.push_str(num.format(lay.height));
        }
    }
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
        push_paint(&mut out, "fill", opts.background);
        out.push_str("/>");
    }
    if enc.linear.is_some() {
        out.push_str("<path");
        push_paint(&mut out, "fill", opts.foreground);
        out.push_str(" d=\"");
        // Linear codes: one row of bars, each part as high as the layout says.
        for (x, len, part) in segments(enc) {
            let (top, bottom) = lay.extent(part);
            out.push('M');
            out.push_str(num.format(x));
            out.push(' ');
            push_decimal(&mut out, top as f64 / unit);
            out.push('h');
            out.push_str(num.format(len));
            out.push('v');
            push_decimal(&mut out, (bottom - top) as f64 / unit);
            out.push('H');
            out.push_str(num.format(x));
            out.push('z');
        }
        for r in lay.bearers.iter().flatten().filter(|r| r.w > 0) {
            // In module units from the symbol's origin, as the bars are.
            out.push('M');
            push_decimal(&mut out, (r.x as f64 - lay.x0 as f64) / unit);
            out.push(' ');
            push_decimal(&mut out, (r.y as f64 - lay.y0 as f64) / unit);
            out.push('h');
            push_decimal(&mut out, r.w as f64 / unit);
            out.push('v');
            push_decimal(&mut out, r.h as f64 / unit);
            out.push('h');
            push_decimal(&mut out, -(r.w as f64) / unit);
            out.push('z');
        }
        out.push_str("\"/>");
        push_text(&mut out, enc, lay, opts);
        out.push_str("</svg>");
        return out;
    }
    // Square modules: each run is a horizontal stroke one module wide along
    // the middle of its row, written relative to the previous run, which
    // makes the path about half as long as closed rectangles.
    out.push_str("<path");
    push_paint(&mut out, "stroke", opts.foreground);
    out.push_str(" d=\"");
    for y in 0..m.height() {
        let mut end = None;
        for (x, len) in m.dark_runs(y) {
            match end {
                None => {
                    out.push('M');
                    push_count(&mut out, x);
                    out.push(' ');
                    push_count(&mut out, y);
                    push_ascii(&mut out, b".5h");
                }
                Some(prev) => {
                    out.push('m');
                    push_count(&mut out, x - prev);
                    push_ascii(&mut out, b" 0h");
                }
            }
            push_count(&mut out, len);
            end = Some(x + len);
        }
    }
    out.push_str("\"/></svg>");
    out
}

/// Human-readable text as real `<text>` elements, in module units. Only
/// validated characters reach here; they are XML-escaped all the same.
fn push_text(out: &mut String, enc: &Encoded, lay: &Layout, opts: &RenderOptions) {
    let (Some(t), Some(lin)) = (lay.text, &enc.linear) else {
        return;
    };
    let unit = lay.scale as f64;
    let baseline = |top: u32| (top + GLYPH_H * t.size) as f64 / unit - lay.y0 as f64 / unit;
    let font = (GLYPH_H * t.size) as f64 * 10.0 / 7.0 / unit;
    out.push_str("<g font-family=\"monospace\" text-anchor=\"middle\" font-size=\"");
    push_decimal(out, font);
    out.push('"');
    push_paint(out, "fill", opts.foreground);
    out.push('>');
    for run in &lin.text {
        out.push_str("<text x=\"");
        push_decimal(out, run.center);
        out.push_str("\" y=\"");
        push_decimal(out, baseline(if run.above { t.above } else { t.top }));
        out.push_str("\">");
        for c in run.text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c if c.is_ascii_graphic() || c == ' ' => out.push(c),
                _ => out.push(' '),
            }
        }
        out.push_str("</text>");
    }
    out.push_str("</g>");
}

/// ` fill="#rrggbb"` (or stroke), with an opacity attribute when not opaque.
fn push_paint(out: &mut String, what: &str, c: Rgba) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(' ');
    out.push_str(what);
    out.push_str("=\"#");
    for v in [c.r, c.g, c.b] {
        out.push(HEX[(v >> 4) as usize] as char);
        out.push(HEX[(v & 15) as usize] as char);
    }
    out.push('"');
    if c.a != 255 {
        out.push(' ');
        out.push_str(what);
        out.push_str("-opacity=\"");
        push_decimal(out, (c.a as f64 / 255.0 * 1000.0).round() / 1000.0);
        out.push('"');
    }
}

/// A module count: nearly always one or two digits, which `push` writes in
/// place, where `push_str` calls `memcpy` for each, a fifth of the writing.
#[inline(always)]
fn push_count(out: &mut String, n: usize) {
    if n < 100 {
        if n >= 10 {
            out.push(char::from(b'0' + (n / 10) as u8));
        }
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        out.push_str(itoa::Buffer::new().format(n));
    }
}

/// A short constant, byte by byte for the same reason.
#[inline(always)]
fn push_ascii<const N: usize>(out: &mut String, s: &[u8; N]) {
    s.iter().for_each(|&b| out.push(char::from(b)));
}

/// Up to three decimals, no trailing zeros, never exponent notation.
pub(super) fn push_decimal(out: &mut String, v: f64) {
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
