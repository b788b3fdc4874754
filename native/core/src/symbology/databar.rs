//! GS1 DataBar (ISO/IEC 24724:2011): Omnidirectional (`databar_omni`, one
//! row of 96 modules, 33X high) and Stacked Omnidirectional
//! (`databar_stacked`, two 33X rows of 50 modules around a 3X separator);
//! Expanded is in `databar_expanded` (Stacked in `databar_expanded_stacked`),
//! Limited in `databar_limited`. Ported from Zint's `backend/rss.c`
//! and `rss.h` (BSD-3-Clause, Copyright (C) 2008-2026 Robin Stuart; its
//! `dbar_combins` and `dbar_getWidths` are ISO/IEC 24724 Annex B's).
//! The guards start and end with a 1X space and Zint and bwip-js add no
//! quiet zone; 1X more is kept on each side.
use super::linear::{centred, describe, finish, with_check, Bars, Finished};
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;

/// Quiet zone in modules on each side.
pub(super) const QUIET: u32 = 1;
/// Omnidirectional's height (ISO/IEC 24724 5.2), and each stacked row's minimum (5.3.2.2).
pub const ROW_MODULES: u32 = 33;

/// Number of combinations of `r` from `n` (Annex B `combins`); 1 when `r > n`.
fn combins(n: i32, r: i32) -> i64 {
    let (min_denom, max_denom) = if n - r > r { (r, n - r) } else { (n - r, r) };
    let (mut val, mut j) = (1i64, 1i32);
    let mut i = n;
    while i > max_denom {
        val *= i as i64;
        if j <= min_denom {
            val /= j as i64;
            j += 1;
        }
        i -= 1;
    }
    while j <= min_denom {
        val /= j as i64;
        j += 1;
    }
    val
}

/// The widths of one set of `N` elements (odd or even) for `val` (Annex B
/// `getRSSwidths`): `n` modules, none wider than `max_width`; `no_narrow`
/// skips patterns without a one-module element. Limited's sets have 7
/// elements, the others' 4.
pub(super) fn set_widths<const N: usize>(
    val: i32,
    n: i32,
    max_width: i32,
    no_narrow: bool,
) -> [u8; N] {
    let elements = N as i32;
    let (mut val, mut n) = (val as i64, n);
    let mut widths = [0u8; N];
    let mut narrow_mask = 0u32;
    for bar in 0..elements - 1 {
        let mut elm_width = 1;
        narrow_mask |= 1 << bar;
        let mut sub_val;
        loop {
            let left = elements - bar;
            sub_val = combins(n - elm_width - 1, left - 2);
            if no_narrow && narrow_mask == 0 && n - elm_width - (left - 1) >= left - 1 {
                sub_val -= combins(n - elm_width - left, left - 2);
            }
            if left - 1 > 1 {
                let mut less_val = 0;
                let mut mxw = n - elm_width - (left - 2);
                while mxw > max_width {
                    less_val += combins(n - elm_width - mxw - 1, left - 3);
                    mxw -= 1;
                }
                sub_val -= less_val * (left - 1) as i64;
            } else if n - elm_width > max_width {
                sub_val -= 1;
            }
            val -= sub_val;
            // The bound only matters for values outside the set, which no caller passes.
            if val < 0 || elm_width >= n {
                break;
            }
            elm_width += 1;
            narrow_mask &= !(1 << bar);
        }
        val += sub_val;
        n -= elm_width;
        widths[bar as usize] = elm_width.clamp(0, 255) as u8;
    }
    widths[N - 1] = n.clamp(0, 255) as u8;
    widths
}

/// A symbol character's 8 element widths, odd and even interleaved
/// (Zint's `dbar_widths`); the even set's widest is `9 - max_width`.
pub(super) fn char_widths(
    odd: i32,
    even: i32,
    modules: (i32, i32),
    max_width: i32,
    no_narrow: bool,
) -> [u8; 8] {
    let o: [u8; 4] = set_widths(odd, modules.0, max_width, no_narrow);
    let e: [u8; 4] = set_widths(even, modules.1, 9 - max_width, !no_narrow);
    let mut out = [0u8; 8];
    for i in 0..4 {
        out[2 * i] = o[i];
        out[2 * i + 1] = e[i];
    }
    out
}

// Tables 1 (outside characters) and 2 (inside), 4 and 5 of ISO/IEC 24724.
const G_SUM: [i32; 9] = [0, 161, 961, 2015, 2715, 0, 336, 1036, 1516];
const T_EVEN_ODD: [i32; 9] = [1, 10, 34, 70, 126, 4, 20, 48, 81];
/// Odd modules; the even set has the rest of 16 (outside) or 15 (inside).
const ODD_MODULES: [i32; 9] = [12, 10, 8, 6, 4, 5, 7, 9, 11];
const WIDEST: [i32; 9] = [8, 6, 4, 3, 1, 2, 4, 6, 8];
const FINDER: [[u8; 5]; 9] = [
    [3, 8, 2, 1, 1],
    [3, 5, 5, 1, 1],
    [3, 3, 7, 1, 1],
    [3, 1, 9, 1, 1],
    [2, 7, 4, 1, 1],
    [2, 5, 6, 1, 1],
    [2, 3, 8, 1, 1],
    [1, 5, 7, 1, 1],
    [1, 3, 9, 1, 1],
];
const WEIGHTS: [[u32; 8]; 4] = [
    [1, 3, 9, 27, 2, 6, 18, 54],
    [4, 12, 36, 29, 8, 24, 72, 58],
    [16, 48, 65, 37, 32, 17, 51, 74],
    [64, 34, 23, 69, 49, 68, 46, 59],
];

/// The group of a data character's value: 0-4 outside, 5-8 inside.
fn group(val: i32, outside: bool) -> usize {
    let (start, end) = if outside { (0, 4) } else { (5, 8) };
    (start..end).find(|&i| val < G_SUM[i + 1]).unwrap_or(end)
}

/// The 46 element widths of an Omnidirectional symbol (space first) for
/// the first 13 digits of a GTIN-14, and the right finder's value.
fn omni_widths(gtin: &[u8]) -> ([u8; 46], usize) {
    let val = gtin
        .iter()
        .take(13)
        .fold(0u64, |v, &d| v * 10 + u64::from(d));
    let (left, right) = ((val / 4537077) as i32, (val % 4537077) as i32);
    let chars = [left / 1597, left % 1597, right / 1597, right % 1597];
    let mut data = [[0u8; 8]; 4];
    for (i, &ch) in chars.iter().enumerate() {
        // Characters 1 and 3 (0-based 0 and 2) are the outside ones.
        let outside = i % 2 == 0;
        let g = group(ch, outside);
        let v = ch - G_SUM[g];
        let (div, rem) = (v / T_EVEN_ODD[g], v % T_EVEN_ODD[g]);
        let (odd, even) = if outside { (div, rem) } else { (rem, div) };
        let total = if outside { 16 } else { 15 };
        let modules = (ODD_MODULES[g], total - ODD_MODULES[g]);
        data[i] = char_widths(odd, even, modules, WIDEST[g], !outside);
    }
    let mut checksum: u32 = 0;
    for (w, row) in data.iter().zip(WEIGHTS.iter()) {
        checksum += w.iter().zip(row).map(|(&a, &b)| a as u32 * b).sum::<u32>();
    }
    let mut checksum = (checksum % 79) as usize;
    if checksum >= 8 {
        checksum += 1;
    }
    if checksum >= 72 {
        checksum += 1;
    }
    let (c_left, c_right) = (checksum / 9, checksum % 9);
    let mut t = [1u8; 46];
    for i in 0..8 {
        t[i + 2] = data[0][i];
        t[i + 15] = data[1][7 - i];
        t[i + 23] = data[3][i];
        t[i + 36] = data[2][7 - i];
    }
    for i in 0..5 {
        t[i + 10] = FINDER[c_left][i];
        t[i + 31] = FINDER[c_right][4 - i];
    }
    (t, c_right)
}

/// The GTIN-14 in `data`: 13 digits (check digit computed), 14 (verified),
/// or either after `(01)`.
pub(super) fn gtin(what: &str, data: &str) -> CoreResult<Vec<u8>> {
    if data.is_empty() {
        return Err(CoreError::EmptyData);
    }
    let (offset, digits) = match data.strip_prefix("(01)") {
        Some(rest) => (4, rest),
        None => (0, data),
    };
    for (i, c) in digits.chars().enumerate() {
        if !c.is_ascii_digit() {
            return Err(CoreError::InvalidData(format!(
                "{what} encodes a GTIN: digits 0-9, optionally after (01); {} at position {} is not allowed",
                describe(c),
                offset + i + 1
            )));
        }
    }
    if !(13..=14).contains(&digits.len()) {
        return Err(CoreError::InvalidData(format!(
            "{what} encodes a GTIN of 13 digits (the check digit is computed) or 14, optionally after (01); got {} digits",
            digits.len()
        )));
    }
    with_check(what, digits.bytes().map(|b| b - b'0').collect(), 14)
}

pub(super) fn text(gtin: &[u8]) -> String {
    let mut s = String::from("(01)");
    s.extend(gtin.iter().map(|&d| (b'0' + d) as char));
    s
}

pub fn encode_omni(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let g = gtin("GS1 DataBar Omnidirectional", data)?;
    let (widths, _) = omni_widths(&g);
    finish_row(&widths, text(&g), ROW_MODULES, opts)
}

/// A one-row DataBar symbol from its element widths (it starts with a
/// space): the text centred under it, bars `height` modules high.
pub(super) fn finish_row(
    widths: &[u8],
    text: String,
    height: u32,
    opts: &RenderOptions,
) -> CoreResult<Encoded> {
    let mut bars = Bars::default();
    bars.widths(widths, false);
    let runs = centred(&text, bars.len());
    let mut enc = finish(
        Finished {
            bars,
            text,
            quiet: (QUIET, QUIET),
            runs,
            ..Default::default()
        },
        opts,
    )?;
    if let Some(lin) = enc.linear.as_mut() {
        lin.bar_modules = Some(height);
    }
    Ok(enc)
}

/// The separator row next to `row` (ISO/IEC 24724 5.3.2.2, Zint's
/// `dbar_omn_separator`): its complement from module 4 to 46, and over the
/// finder at `finder` alternating dark and light where the finder is light
/// (or, for a bottom-row finder of value 3, one dark module over its wide bar).
fn separator(row: &[bool; 50], finder: usize, value_3: bool) -> [bool; 50] {
    let mut sep = [false; 50];
    for i in 4..46 {
        sep[i] = !row[i];
    }
    if value_3 {
        for (i, s) in sep.iter_mut().enumerate().skip(finder).take(13) {
            *s = i == finder + 10;
        }
    } else {
        let mut latch = true;
        for i in finder..finder + 13 {
            if row[i] {
                sep[i] = false;
                latch = true;
            } else {
                sep[i] = latch;
                latch = !latch;
            }
        }
    }
    sep
}

/// Stacked Omnidirectional's five module rows: top row, top separator,
/// middle separator, bottom separator, bottom row.
fn stacked_rows(widths: &[u8; 46], c_right: usize) -> [[bool; 50]; 5] {
    let mut top = Bars::default();
    top.widths(&widths[..23], false);
    top.widths(&[1, 1], true);
    let mut bottom = Bars::default();
    bottom.widths(&[1, 1], true);
    bottom.widths(&widths[23..], true);
    let (mut t, mut b) = ([false; 50], [false; 50]);
    for (dst, src) in [(&mut t, &top), (&mut b, &bottom)] {
        for (d, &s) in dst.iter_mut().zip(src.0.iter()) {
            *d = s;
        }
    }
    let mut middle = [false; 50];
    for m in middle.iter_mut().take(46).skip(5).step_by(2) {
        *m = true;
    }
    // Top finder: 2 (guard) + 16 (outside character); bottom one: 2 + 15,
    // + 2 to skip its first two elements (it reads right to left).
    [
        t,
        separator(&t, 18, false),
        middle,
        separator(&b, 19, c_right == 3),
        b,
    ]
}

pub fn encode_stacked(data: &str, _opts: &RenderOptions) -> CoreResult<Encoded> {
    let g = gtin("GS1 DataBar Stacked Omnidirectional", data)?;
    let (widths, c_right) = omni_widths(&g);
    let rows = stacked_rows(&widths, c_right);
    let r = ROW_MODULES as usize;
    let heights = [r, 1, 1, 1, r];
    let mut matrix = BitMatrix::new(50, heights.iter().sum());
    let mut y = 0;
    for (row, &h) in rows.iter().zip(heights.iter()) {
        for _ in 0..h {
            for (x, &dark) in row.iter().enumerate() {
                if dark {
                    matrix.set(x, y, true);
                }
            }
            y += 1;
        }
    }
    Ok(Encoded {
        symbol: Symbol {
            matrix,
            default_margin: QUIET,
            meta: SymbolMeta {
                text: Some(text(&g)),
                ..Default::default()
            },
        },
        linear: None,
        rows: Some(2),
        columns: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(row: &[bool]) -> String {
        row.iter().map(|&b| if b { '1' } else { '0' }).collect()
    }

    fn omni_row(data: &str) -> String {
        let e = encode_omni(data, &RenderOptions::default()).unwrap();
        let m = &e.symbol.matrix;
        bits(&(0..m.width()).map(|x| m.get(x, 0)).collect::<Vec<_>>())
    }

    #[test]
    fn omni_matches_published_symbols() {
        // Zint's test vectors (backend/tests/test_rss.c), checked against
        // ISO/IEC 24724, the GS1 General Specifications and BWIPP.
        let cases = [
            ("0950110153001", "010000010100000101000111110000010111101101011100100011011101000101100000000111001110110111001101"),
            ("1234567890123", "010111010010000001001110000000010100001011111010110100011001100101111111110001011011000111000101"),
            ("0000004537077", "010101001000000001000111000000010111111101001010101010110000000101111100000111011111111011010101"),
            ("0000000000000", "010101001000000001000111111110010111111100101010101010110000000101111111110111011111111011010101"),
            ("0000009607386", "010101001000000001011111000000010111111101010010100111001011110101111111110111011100011011110101"),
        ];
        for (data, want) in cases {
            let got = omni_row(data);
            assert_eq!(got.len(), 96, "{data}");
            assert_eq!(got, want, "{data}");
        }
    }

    #[test]
    fn omni_takes_13_or_14_digits_or_01() {
        let t = |d: &str| {
            encode_omni(d, &RenderOptions::default())
                .unwrap()
                .symbol
                .meta
                .text
                .unwrap()
        };
        for d in ["0950110153000", "09501101530003", "(01)09501101530003"] {
            assert_eq!(t(d), "(01)09501101530003");
        }
        assert_eq!(omni_row("(01)24012345678905"), omni_row("2401234567890"));
        let e = encode_omni("0950110153000", &RenderOptions::default()).unwrap();
        assert_eq!(e.linear.unwrap().bar_modules, Some(ROW_MODULES));
    }

    #[test]
    fn stacked_matches_published_symbols() {
        let cases = [
            (
                "0003456789012",
                [
                    "01010100100000000100111110000001010011100110011010",
                    "00001011011111111010000001010100101100011001100000",
                    "00000101010101010101010101010101010101010101010000",
                    "00001000100010111010010101010000111101001101110000",
                    "10110111011101000101100000000111000010110010001101",
                ],
            ),
            // Right finder of value 3: the shifted dark module (5.3.2.2).
            (
                "12380000000008",
                [
                    "01011101001000000100010000000001010000001101011010",
                    "00000010110111111010101010101010101111110010100000",
                    "00000101010101010101010101010101010101010101010000",
                    "00001101100011001010000000000100101100111011110000",
                    "10100010011100110101111111110111010011000100001101",
                ],
            ),
            (
                "99991234912372",
                [
                    "01001011101110000101110000000001011111011100101010",
                    "00000100010001111010001010101010100000100011010000",
                    "00000101010101010101010101010101010101010101010000",
                    "00001000100011001010000000010100100001000100100000",
                    "10100111011100110101111111100011011110111011011101",
                ],
            ),
        ];
        for (data, want) in cases {
            let e = encode_stacked(data, &RenderOptions::default()).unwrap();
            let m = &e.symbol.matrix;
            assert_eq!((m.width(), m.height()), (50, 69), "{data}");
            assert_eq!(e.rows, Some(2));
            for (i, y) in [0, 33, 34, 35, 36].into_iter().enumerate() {
                let row: Vec<bool> = (0..50).map(|x| m.get(x, y)).collect();
                assert_eq!(bits(&row), want[i], "{data} row {i}");
            }
            // Each 33X row is one row of modules repeated.
            assert!((0..50).all(|x| m.get(x, 0) == m.get(x, 32) && m.get(x, 36) == m.get(x, 68)));
        }
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let err = |d: &str| {
            encode_omni(d, &RenderOptions::default())
                .unwrap_err()
                .to_string()
        };
        let cases = [
            ("09501101530004", "GS1 DataBar Omnidirectional check digit should be 3, got 4"),
            ("095011015300A", "GS1 DataBar Omnidirectional encodes a GTIN: digits 0-9, optionally after (01); 'A' at position 13 is not allowed"),
            ("(01)0950110153000X", "'X' at position 18"),
            ("(02)09501101530003", "'(' at position 1"),
            ("123", "got 3 digits"),
            ("095011015300031", "got 15 digits"),
            ("", "data is empty"),
        ];
        for (data, want) in cases {
            assert!(err(data).contains(want), "{data}: {}", err(data));
        }
        let e = encode_stacked("12345678901234", &RenderOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GS1 DataBar Stacked Omnidirectional check digit should be 1, got 4"
        );
    }

    #[test]
    fn set_widths_is_total_for_any_value() {
        // Values outside a set never panic or loop.
        for val in [-5, 0, 10_000, i32::MAX / 2] {
            let w: [u8; 4] = set_widths(val, 12, 8, false);
            assert!(w.iter().all(|&x| x <= 12));
        }
    }
}
