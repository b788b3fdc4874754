//! The drawing as vector shapes in image pixels (y down), shared by the PDF
//! and EPS writers: filled rectangles for the dark modules, bars and bearer
//! bars, and the human-readable text runs.
use super::font::GLYPH_H;
use super::linear::segments;
use super::{Layout, Rect};
use crate::symbology::Encoded;

/// Human-readable text: `text` centred on `center`, its baseline at
/// `baseline`, `size` pixels high (the em), all in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub text: String,
    pub center: f64,
    pub baseline: f64,
    pub size: f64,
}

#[derive(Debug, Default)]
pub struct Shapes {
    pub rects: Vec<Rect>,
    pub texts: Vec<Text>,
}

/// Font size over glyph height, as the SVG's `font-size` has it: a font's
/// digits are about 0.7 em high, so text matches the PNG's bitmap glyphs.
const EM_PER_GLYPH_H: f64 = 10.0 / 7.0;

pub fn shapes(enc: &Encoded, lay: &Layout) -> Shapes {
    let mut out = Shapes::default();
    let s = lay.scale;
    if enc.linear.is_none() {
        out.rects = merged_runs(enc, lay);
        return out;
    }
    for (x, len, part) in segments(enc) {
        let (top, bottom) = lay.extent(part);
        out.rects.push(Rect {
            x: lay.x0 + x as u32 * s,
            y: lay.y0 + top,
            w: len as u32 * s,
            h: bottom - top,
        });
    }
    out.rects
        .extend(lay.bearers.iter().flatten().filter(|r| r.w > 0));
    if let (Some(t), Some(lin)) = (lay.text, &enc.linear) {
        for run in &lin.text {
            let top = if run.above { t.above } else { t.top };
            out.texts.push(Text {
                text: printable(&run.text),
                center: lay.x0 as f64 + run.center * s as f64,
                baseline: (top + GLYPH_H * t.size) as f64,
                size: (GLYPH_H * t.size) as f64 * EM_PER_GLYPH_H,
            });
        }
    }
    out
}

/// A 2-D symbol's dark runs, each run continued down while the rows below
/// repeat it, so a finder pattern or a stacked code's tall rows are one
/// rectangle each instead of one per row.
fn merged_runs(enc: &Encoded, lay: &Layout) -> Vec<Rect> {
    let m = &enc.symbol.matrix;
    let s = lay.scale;
    let mut done = Vec::new();
    // Runs still open, by first module; sorted, as `dark_runs` yields them.
    let mut open: Vec<(usize, usize, Rect)> = Vec::new();
    let mut next = Vec::new();
    for y in 0..m.height() {
        let mut prev = open.drain(..).peekable();
        for (x, len) in m.dark_runs(y) {
            while let Some(&(px, _, r)) = prev.peek() {
                if px >= x {
                    break;
                }
                done.push(r);
                prev.next();
            }
            match prev.peek() {
                Some(&(px, plen, mut r)) if px == x && plen == len => {
                    prev.next();
                    r.h += s;
                    next.push((x, len, r));
                }
                _ => next.push((
                    x,
                    len,
                    Rect {
                        x: lay.x0 + x as u32 * s,
                        y: lay.y0 + y as u32 * s,
                        w: len as u32 * s,
                        h: s,
                    },
                )),
            }
        }
        done.extend(prev.map(|(_, _, r)| r));
        std::mem::swap(&mut open, &mut next);
    }
    done.extend(open.into_iter().map(|(_, _, r)| r));
    done
}

/// Only printable ASCII reaches the text (the symbologies validate it);
/// anything else would become a space, as in the SVG.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_graphic() { c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{layout, Request};

    fn encoded(t: &str, data: &str) -> (Encoded, Layout) {
        let req = Request {
            barcode_type: t.into(),
            data: data.into(),
            ..Default::default()
        };
        let (sym, _, opts) = crate::render::parse_request(&req).unwrap();
        let enc = (sym.encode)(data, &opts).unwrap();
        let lay = layout(&enc, &opts).unwrap();
        (enc, lay)
    }

    #[test]
    fn merged_rectangles_cover_exactly_the_dark_modules() {
        for (t, data) in [
            ("qr", "https://example.com/merge"),
            ("pdf417", "stacked rows"),
            ("aztec", "A"),
        ] {
            let (enc, lay) = encoded(t, data);
            let m = &enc.symbol.matrix;
            let mut covered = vec![0u32; m.width() * m.height()];
            let rects = merged_runs(&enc, &lay);
            for r in &rects {
                for y in (r.y - lay.y0) / lay.scale..(r.y + r.h - lay.y0) / lay.scale {
                    for x in (r.x - lay.x0) / lay.scale..(r.x + r.w - lay.x0) / lay.scale {
                        covered[y as usize * m.width() + x as usize] += 1;
                    }
                }
            }
            let runs: usize = (0..m.height()).map(|y| m.dark_runs(y).count()).sum();
            assert!(
                rects.len() < runs,
                "{t}: {} rectangles for {runs} runs",
                rects.len()
            );
            for y in 0..m.height() {
                for x in 0..m.width() {
                    let want = u32::from(m.get(x, y));
                    assert_eq!(covered[y * m.width() + x], want, "{t} module ({x}, {y})");
                }
            }
        }
    }
}
