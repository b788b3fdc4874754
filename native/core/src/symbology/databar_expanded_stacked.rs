//! GS1 DataBar Expanded Stacked (ISO/IEC 24724:2011 7.2.8): Expanded's
//! symbol characters in rows of `databar_segments` (an even number, 2 to
//! 22), each row 34X high, with a separator pattern of three 1X rows
//! between rows. Even rows read right to left when their segment pairs are
//! even in number, so that every finder pattern keeps its reading
//! direction; the last row of such a symbol, when it is even and holds an
//! odd number of pairs, reads left to right from one module further in.
//! Ported from Zint's `backend/rss.c` (BSD-3-Clause, Copyright (C)
//! 2008-2026 Robin Stuart), which follows 7.2.8 and the GS1 General
//! Specifications 5.5.2.7.2.
use super::databar::QUIET;
use super::databar_expanded::{encode_elements, ROW_MODULES};
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::facts::{js_number, Range};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;

/// `databar_segments`: segments (symbol characters) per row.
pub const DATABAR_SEGMENTS: Range = Range::new(2, 22);
/// Zint's and bwip-js's default, and the US coupon symbols' usual width.
pub const DEFAULT_SEGMENTS: u32 = 4;
const WHAT: &str = "GS1 DataBar Expanded Stacked";
/// Elements of a segment pair: two characters (8 each) around a finder (5).
const PAIR_ELEMENTS: usize = 21;
/// Modules of a segment pair: 17 per character, 15 for the finder.
const PAIR_MODULES: usize = 49;

/// Parses `databar_segments`: a finder pattern sits between the two
/// characters of each pair, so rows hold whole pairs.
pub fn segments(field: &'static str, v: Option<f64>) -> CoreResult<Option<u32>> {
    let Some(v) = v else { return Ok(None) };
    match DATABAR_SEGMENTS.whole(field, v) {
        Ok(n) if n % 2 == 0 => Ok(Some(n as u32)),
        _ => Err(CoreError::option(
            field,
            format!(
                "must be an even whole number from {} to {} (each row holds whole pairs of segments around a finder pattern), got {}",
                DATABAR_SEGMENTS.min,
                DATABAR_SEGMENTS.max,
                js_number(v)
            ),
        )),
    }
}

/// One row of modules from element widths, the first dark if `dark`.
fn expand(widths: &[u8], mut dark: bool) -> Vec<bool> {
    let mut row = Vec::with_capacity(widths.iter().map(|&w| usize::from(w)).sum());
    for &w in widths {
        row.extend(std::iter::repeat_n(dark, usize::from(w)));
        dark = !dark;
    }
    row
}

/// How a row is laid out: its pairs, whether it reads left to right, and
/// whether it is the shifted last row.
struct RowShape {
    pairs: usize,
    forward: bool,
    shifted: bool,
}

/// The separator next to `row` (Zint's `dbar_exp_separator`): its
/// complement inside the guards, and over each finder alternating dark and
/// light where the finder is light. `second` is whether the row's first
/// finder is the second of a finder pair (`B`, drawn reversed); the result
/// says it for the pair after the row. `short_first` shifts a reversed
/// row's finders 17 modules left, its leftmost pair having one character.
fn separator(row: &[bool], shape: &RowShape, short_first: bool, second: bool) -> (Vec<bool>, bool) {
    let shift = usize::from(shape.shifted);
    let inside = row.len().saturating_sub(4);
    let mut sep = vec![false; row.len()];
    for (s, &m) in sep.iter_mut().zip(row).take(inside).skip(4 + shift) {
        *s = !m;
    }
    let (mut second, mut light) = (second, false);
    for pair in 0..shape.pairs {
        let mut k = PAIR_MODULES * pair + 19 + shift;
        // The 13 modules of the finder after its first bar or before its last.
        let span: Vec<usize> = match (shape.forward, second) {
            (true, false) => (0..13).collect(),
            (true, true) => (2..15).collect(),
            (false, false) => (0..=12).rev().collect(),
            (false, true) => (2..=14).rev().collect(),
        };
        if !shape.forward && short_first {
            k -= 17;
        }
        for i in span {
            let x = k + i;
            let (Some(&dark), Some(s)) = (row.get(x), sep.get_mut(x)) else {
                continue;
            };
            if dark {
                *s = false;
                light = false;
            } else {
                *s = !light;
                light = !light;
            }
        }
        second = !second;
    }
    (sep, second)
}

/// The rows of modules with their heights: data rows and, between two, the
/// separator below the first, the alternating middle row and the separator
/// above the second.
fn stack(elements: &[u8], segments: usize) -> Vec<(Vec<bool>, u32)> {
    let cols = (segments / 2).max(1);
    let data = elements
        .get(2..elements.len().saturating_sub(2))
        .unwrap_or(&[]);
    let pairs: Vec<&[u8]> = data.chunks(PAIR_ELEMENTS).collect();
    let row_count = pairs.len().div_ceil(cols);
    // An odd number of symbol characters leaves the last pair one character.
    let short_last = data.len() % PAIR_ELEMENTS != 0;
    let mut out = Vec::new();
    let mut second = false;
    for (r, row_pairs) in pairs.chunks(cols).enumerate() {
        let (odd_row, last) = (r % 2 == 0, r + 1 == row_count);
        let n = row_pairs.len();
        let shifted = last && n != cols && !odd_row && cols.is_multiple_of(2) && n % 2 == 1;
        let shape = RowShape {
            pairs: n,
            forward: cols % 2 == 1 || odd_row || shifted,
            shifted,
        };
        let mut widths = vec![1 + u8::from(shape.shifted), 1];
        if shape.forward {
            row_pairs.iter().for_each(|p| widths.extend_from_slice(p));
        } else {
            row_pairs
                .iter()
                .rev()
                .for_each(|p| widths.extend(p.iter().rev()));
        }
        widths.extend([1, 1]);
        // Reversed rows start with the bar that ends the forward ones.
        let row = expand(&widths, !(odd_row || shape.shifted));
        if r > 0 {
            let mut middle = vec![false; PAIR_MODULES * cols];
            middle.iter_mut().skip(5).step_by(2).for_each(|m| *m = true);
            out.push((middle, 1));
            out.push((separator(&row, &shape, last && short_last, second).0, 1));
        }
        let below = (!last).then(|| separator(&row, &shape, false, second));
        out.push((row, ROW_MODULES));
        if let Some((sep, next)) = below {
            second = next;
            out.push((sep, 1));
        }
    }
    out
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    // Parsing refuses any other count; this keeps options built by hand from
    // padding for one row width and laying out another.
    let (min, max) = (DATABAR_SEGMENTS.min as u32, DATABAR_SEGMENTS.max as u32);
    let segments = (opts
        .databar_segments
        .unwrap_or(DEFAULT_SEGMENTS)
        .clamp(min, max)
        & !1) as usize;
    let (elements, text) = encode_elements(WHAT, data, segments)?;
    let rows = stack(&elements, segments);
    let width = rows.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
    let mut matrix = BitMatrix::new(width, rows.iter().map(|&(_, h)| h as usize).sum());
    let mut y = 0;
    for (row, h) in &rows {
        for _ in 0..*h {
            for (x, _) in row.iter().enumerate().filter(|(_, &d)| d) {
                matrix.set(x, y, true);
            }
            y += 1;
        }
    }
    let data_rows = rows.iter().filter(|&&(_, h)| h == ROW_MODULES).count();
    Ok(Encoded {
        symbol: Symbol {
            matrix,
            default_margin: QUIET,
            meta: SymbolMeta {
                text: Some(text),
                ..Default::default()
            },
        },
        linear: None,
        rows: Some(data_rows as u32),
        columns: None,
    })
}

/// Test vectors shared by the DataBar modules, from `databar_vectors.txt`.
#[cfg(test)]
pub(crate) struct Vector {
    pub kind: &'static str,
    pub segments: u32,
    pub data: &'static str,
    pub rows: Vec<&'static str>,
}

#[cfg(test)]
pub(crate) fn vectors() -> impl Iterator<Item = Vector> {
    include_str!("databar_vectors.txt")
        .split("\n\n")
        .filter_map(|block| {
            let mut lines = block
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty());
            let mut head = lines.next()?.split(' ');
            let kind = head.next()?;
            let segments = if kind == "expanded_stacked" {
                head.next()?.parse().ok()?
            } else {
                0
            };
            Some(Vector {
                kind,
                segments,
                data: head.next()?,
                rows: lines.collect(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(segments: u32) -> RenderOptions {
        RenderOptions {
            databar_segments: Some(segments),
            ..Default::default()
        }
    }

    /// The distinct rows of modules, each data row once.
    fn rows(e: &Encoded) -> Vec<String> {
        let m = &e.symbol.matrix;
        let (mut out, mut y) = (Vec::new(), 0);
        while y < m.height() {
            out.push(
                (0..m.width())
                    .map(|x| if m.get(x, y) { '1' } else { '0' })
                    .collect(),
            );
            // A data row is followed by three separator rows.
            y += if out.len() % 4 == 1 {
                ROW_MODULES as usize
            } else {
                1
            };
        }
        out
    }

    #[test]
    fn matches_published_symbols() {
        let mut seen = std::collections::BTreeSet::new();
        for v in vectors().filter(|v| v.kind == "expanded_stacked") {
            let e = encode(v.data, &opts(v.segments)).unwrap();
            assert_eq!(rows(&e), v.rows, "{} segments {}", v.data, v.segments);
            assert_eq!(e.rows, Some(v.rows.len() as u32 / 4 + 1));
            seen.insert(v.segments);
        }
        // Every segment count from 2 to 22.
        assert_eq!(seen.len(), 11, "{seen:?}");
    }

    #[test]
    fn never_leaves_one_segment_alone_in_the_last_row() {
        // Symbol characters from the element count: 5 per finder, 8 per character, 4 of guards.
        let chars = |data: &str, per_row: usize| {
            let n = encode_elements(WHAT, data, per_row).unwrap().0.len();
            (4..=22)
                .find(|sc: &usize| sc.div_ceil(2) * 5 + sc * 8 + 4 == n)
                .unwrap()
        };
        let mut padded = 0;
        for len in 1..=60 {
            let data = format!("(91){}", "1234567890".repeat(7).get(..len).unwrap());
            let alone = chars(&data, 0);
            for per_row in (2..=22).step_by(2) {
                let sc = chars(&data, per_row);
                assert_ne!(sc % per_row, 1, "{data} {per_row}");
                let want = if alone % per_row == 1 {
                    alone + 1
                } else {
                    alone
                };
                assert_eq!(sc, want, "{data} {per_row}");
                padded += usize::from(sc != alone);
            }
        }
        assert!(padded > 50, "{padded}");
    }

    #[test]
    fn refuses_segment_counts_that_are_not_even_from_2_to_22() {
        assert_eq!(segments("options.databar_segments", None), Ok(None));
        for ok in [2.0, 4.0, 22.0] {
            assert_eq!(
                segments("options.databar_segments", Some(ok)),
                Ok(Some(ok as u32))
            );
        }
        for (bad, got) in [
            (0.0, "0"),
            (1.0, "1"),
            (3.0, "3"),
            (23.0, "23"),
            (24.0, "24"),
            (-2.0, "-2"),
            (4.5, "4.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
        ] {
            let e = segments("options.databar_segments", Some(bad)).unwrap_err();
            assert_eq!(e.code(), "INVALID_OPTION");
            assert_eq!(
                e.to_string(),
                format!("options.databar_segments: must be an even whole number from 2 to 22 (each row holds whole pairs of segments around a finder pattern), got {got}")
            );
        }
    }

    #[test]
    fn hostile_data_and_segments_never_panic() {
        let long = format!("(91){}", "A".repeat(40));
        for data in [
            "",
            "(",
            "()",
            "(01)",
            "(91)",
            "(91)\u{0}",
            &long,
            "(01)1234",
            "(21)é",
        ] {
            for s in [0, 1, 2, 3, 4, 22, 23, 1000, u32::MAX] {
                if let Err(e) = encode(data, &opts(s)) {
                    assert!(
                        ["INVALID_DATA", "DATA_TOO_LONG", "EMPTY_DATA"].contains(&e.code()),
                        "{data} {s}: {e}"
                    );
                }
            }
        }
        let e = encode(&long, &opts(4)).unwrap_err();
        assert!(
            e.to_string()
                .contains("GS1 DataBar Expanded Stacked holds at most 21"),
            "{e}"
        );
        assert!(stack(&[], 4).is_empty());
        assert!(stack(&[1, 1, 1], 0).is_empty());
    }

    #[test]
    fn random_element_strings_stack_in_every_width() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..500 {
            let len = 1 + next(60) as usize;
            let d: String = (0..len).map(|_| (b'0' + next(10) as u8) as char).collect();
            let data = format!("(91){}", &d[..len.min(90)]);
            let s = 2 * (1 + next(11) as u32);
            let e = match encode(&data, &opts(s)) {
                Ok(e) => e,
                Err(e) => {
                    assert_eq!(e.code(), "DATA_TOO_LONG", "{data}");
                    continue;
                }
            };
            let m = &e.symbol.matrix;
            let r = e.rows.unwrap() as usize;
            assert_eq!(m.height(), r * 34 + (r - 1) * 3, "{data} {s}");
            assert!(m.width() <= 4 + 49 * s as usize / 2 + 1, "{data} {s}");
        }
    }
}
