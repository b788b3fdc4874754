//! GS1 DataBar Limited (ISO/IEC 24724:2011 clause 6): a GTIN-14 whose
//! indicator digit is 0 or 1, in one row of 79 modules (74 and the 5X space
//! that ends its right guard), 10X high. Ported from Zint's `backend/rss.c`
//! and `rss.h` (BSD-3-Clause, Copyright (C) 2008-2026 Robin Stuart).
use super::databar::{finish_row, gtin, set_widths, text};
use super::Encoded;
use crate::error::{CoreError, CoreResult};
use crate::options::RenderOptions;

/// Bar height in modules (ISO/IEC 24724 6.2: 10X minimum).
pub const ROW_MODULES: u32 = 10;
const WHAT: &str = "GS1 DataBar Limited";
/// The left character's value is the GTIN's over this, the right one's the rest.
const PAIR: u64 = 2_013_571;

// Tables 6 and 7 and Annex C of ISO/IEC 24724.
const G_SUM: [i32; 7] = [
    0, 183_064, 820_064, 1_000_776, 1_491_021, 1_979_845, 1_996_939,
];
const T_EVEN: [i32; 7] = [28, 728, 6454, 203, 2408, 1, 16632];
/// Odd modules; the even set has the rest of 26.
const ODD_MODULES: [i32; 7] = [17, 13, 9, 15, 11, 19, 7];
const WIDEST: [i32; 7] = [6, 5, 3, 5, 4, 8, 1];
const WEIGHTS: [[u32; 14]; 2] = [
    [1, 3, 9, 27, 81, 65, 17, 51, 64, 14, 42, 37, 22, 66],
    [20, 60, 2, 6, 18, 54, 73, 41, 34, 13, 39, 28, 84, 74],
];
/// The check finder patterns by checksum (mod 89).
#[rustfmt::skip]
const FINDER: [[u8; 14]; 89] = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 3, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 3, 2, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 3, 2, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 3, 1, 1, 1],
    [1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 3, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 2, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 2, 2, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 3, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 2, 2, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 3, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1],
    [1, 2, 1, 1, 1, 2, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 2, 1, 2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 3, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 3, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 2, 1, 1],
    [1, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 2, 1, 1],
    [1, 2, 1, 1, 1, 1, 1, 1, 3, 1, 1, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 3, 1, 1],
    [1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 1, 1],
    [1, 1, 1, 1, 1, 1, 2, 1, 1, 3, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1],
    [1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1],
    [1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 2, 1, 1, 1],
    [1, 1, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 1],
    [1, 1, 1, 2, 1, 2, 2, 1, 1, 1, 2, 1, 1, 1],
    [1, 1, 1, 3, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1],
    [1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1],
    [1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 2, 1, 1, 1],
    [1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1],
    [1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 2, 3, 1, 1],
    [1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1],
    [1, 1, 1, 1, 2, 1, 1, 1, 1, 3, 2, 1, 1, 1],
    [1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 2, 1, 1],
    [1, 1, 1, 1, 2, 1, 1, 2, 1, 2, 2, 1, 1, 1],
    [1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1],
    [1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 2, 2, 1, 1],
    [1, 2, 1, 1, 2, 1, 1, 1, 1, 2, 2, 1, 1, 1],
    [1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1],
    [1, 2, 1, 1, 2, 2, 1, 1, 1, 1, 2, 1, 1, 1],
    [1, 2, 1, 2, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1],
    [1, 3, 1, 1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 1, 1, 3, 2, 1, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 2, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 2, 1, 2, 2, 1, 1, 1],
    [1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 2, 1, 1, 1],
    [1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 2, 2, 1, 1],
    [1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1, 1],
    [1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2, 1, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 3, 1, 1, 2, 1, 1, 1],
    [2, 1, 1, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1, 1],
    [2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1, 1],
    [2, 1, 1, 2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1],
    [2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 2, 1, 1],
];

/// A symbol character's 14 element widths, odd and even interleaved.
fn char_widths(value: i32) -> [u8; 14] {
    let g = (0..7).rev().find(|&i| value >= G_SUM[i]).unwrap_or(0);
    let v = value - G_SUM[g];
    let odd: [u8; 7] = set_widths(v / T_EVEN[g], ODD_MODULES[g], WIDEST[g], false);
    let even: [u8; 7] = set_widths(v % T_EVEN[g], 26 - ODD_MODULES[g], 9 - WIDEST[g], true);
    let mut out = [0u8; 14];
    for i in 0..7 {
        out[2 * i] = odd[i];
        out[2 * i + 1] = even[i];
    }
    out
}

/// The 47 element widths (space first) for the first 13 digits of a GTIN-14:
/// guard, left character, check finder, right character, guard.
fn widths(gtin: &[u8]) -> [u8; 47] {
    let val = gtin
        .iter()
        .take(13)
        .fold(0u64, |v, &d| v * 10 + u64::from(d));
    // Below 2 * 10^12, so both halves fit in i32.
    let (left, right) = (
        char_widths((val / PAIR) as i32),
        char_widths((val % PAIR) as i32),
    );
    let checksum: u32 = (0..14)
        .map(|i| WEIGHTS[0][i] * u32::from(left[i]) + WEIGHTS[1][i] * u32::from(right[i]))
        .sum();
    let mut t = [1u8; 47];
    t[2..16].copy_from_slice(&left);
    t[16..30].copy_from_slice(&FINDER[(checksum % 89) as usize]);
    t[30..44].copy_from_slice(&right);
    t[46] = 5;
    t
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let g = gtin(WHAT, data)?;
    // Limited's two characters hold values up to 1999999999999 only (6.1).
    if let Some(&d) = g.first().filter(|&&d| d > 1) {
        return Err(CoreError::InvalidData(format!(
            "{WHAT} encodes only GTINs whose indicator digit (the first of 14) is 0 or 1, got {d}; a GTIN-8, GTIN-12 or GTIN-13 written as 14 digits starts with 0, and other GTIN-14s need databar_omni or databar_expanded"
        )));
    }
    finish_row(&widths(&g), text(&g), ROW_MODULES, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbology::databar_expanded_stacked::vectors;

    #[test]
    fn matches_published_symbols() {
        let mut n = 0;
        for v in vectors().filter(|v| v.kind == "limited") {
            let e = encode(v.data, &RenderOptions::default()).unwrap();
            let m = &e.symbol.matrix;
            let row: String = (0..m.width())
                .map(|x| if m.get(x, 0) { '1' } else { '0' })
                .collect();
            assert_eq!(row, v.rows[0], "{}", v.data);
            n += 1;
        }
        assert!(n >= 25, "{n} vectors");
    }

    #[test]
    fn takes_indicator_0_or_1_only() {
        let ok = |d: &str| encode(d, &RenderOptions::default()).map(|e| e.symbol.meta.text);
        assert_eq!(
            ok("1501234567890").unwrap().as_deref(),
            Some("(01)15012345678907")
        );
        assert_eq!(
            ok("(01)00312345678906").unwrap().as_deref(),
            Some("(01)00312345678906")
        );
        assert_eq!(
            ok("1999999999999").unwrap().as_deref(),
            Some("(01)19999999999991")
        );
        for (data, want) in [
            (
                "2000000000000",
                "indicator digit (the first of 14) is 0 or 1, got 2",
            ),
            ("(01)95012345678903", "got 9"),
            (
                "15012345678900",
                "GS1 DataBar Limited check digit should be 7, got 0",
            ),
            ("150123456789", "got 12 digits"),
            ("15012345678907X", "'X' at position 15"),
            ("", "data is empty"),
        ] {
            let e = ok(data).unwrap_err();
            assert!(e.to_string().contains(want), "{data}: {e}");
            assert!(["INVALID_DATA", "EMPTY_DATA"].contains(&e.code()));
        }
    }

    #[test]
    fn char_widths_is_total_for_any_value() {
        for v in [
            -1,
            0,
            183_063,
            1_996_938,
            2_013_570,
            2_013_571,
            i32::MAX / 4,
        ] {
            let w = char_widths(v);
            assert!(w.iter().all(|&x| x <= 26), "{v}");
        }
    }
}
