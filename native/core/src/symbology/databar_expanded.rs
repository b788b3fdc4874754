//! GS1 DataBar Expanded (ISO/IEC 24724:2011 clause 7), single row: GS1
//! element strings in 12-bit symbol characters (at most 21, plus the check
//! character), encodation methods 1 and 00 (general purpose) and the
//! compressed ones for variable-weight items (0100, 0101, 0111000-0111111)
//! and for their price (01100, 01101), the mod-211 check character and the
//! finder pattern sequences; `databar_expanded_stacked` lays the same
//! elements out in rows. Ported
//! from Zint's `backend/rss.c`, `general_field.c` and `rss.h`
//! (BSD-3-Clause, Copyright (C) 2008-2026 Robin Stuart).
use super::databar::{char_widths, finish_row};
use super::gs1::Gs1;
use super::Encoded;
use crate::error::{thousands, CoreError, CoreResult};
use crate::options::RenderOptions;

/// Bar height in modules (ISO/IEC 24724 7.2.1: 34X minimum).
pub const ROW_MODULES: u32 = 34;
/// Data characters of 12 bits; with the check character, 22 (11 segment pairs).
const MAX_DATA_CHARS: usize = 21;
const GS: u8 = 0x1D;

// Tables 8, 14, 15 and 16 of ISO/IEC 24724.
const G_SUM: [i32; 5] = [0, 348, 1388, 2948, 3988];
const T_EVEN: [i32; 5] = [4, 20, 52, 104, 204];
/// Odd modules; the even set has the rest of 17.
const ODD_MODULES: [i32; 5] = [12, 10, 8, 6, 4];
const WIDEST: [i32; 5] = [7, 5, 4, 3, 1];
const WEIGHTS: [[u32; 8]; 23] = [
    [1, 3, 9, 27, 81, 32, 96, 77],
    [20, 60, 180, 118, 143, 7, 21, 63],
    [189, 145, 13, 39, 117, 140, 209, 205],
    [193, 157, 49, 147, 19, 57, 171, 91],
    [62, 186, 136, 197, 169, 85, 44, 132],
    [185, 133, 188, 142, 4, 12, 36, 108],
    [113, 128, 173, 97, 80, 29, 87, 50],
    [150, 28, 84, 41, 123, 158, 52, 156],
    [46, 138, 203, 187, 139, 206, 196, 166],
    [76, 17, 51, 153, 37, 111, 122, 155],
    [43, 129, 176, 106, 107, 110, 119, 146],
    [16, 48, 144, 10, 30, 90, 59, 177],
    [109, 116, 137, 200, 178, 112, 125, 164],
    [70, 210, 208, 202, 184, 130, 179, 115],
    [134, 191, 151, 31, 93, 68, 204, 190],
    [148, 22, 66, 198, 172, 94, 71, 2],
    [6, 18, 54, 162, 64, 192, 154, 40],
    [120, 149, 25, 75, 14, 42, 126, 167],
    [79, 26, 78, 23, 69, 207, 199, 175],
    [103, 98, 83, 38, 114, 131, 182, 124],
    [161, 61, 183, 127, 170, 88, 53, 159],
    [55, 165, 73, 8, 24, 72, 5, 15],
    [45, 135, 194, 160, 58, 174, 100, 89],
];
const FINDER: [[u8; 5]; 12] = [
    [1, 8, 4, 1, 1],
    [1, 1, 4, 8, 1],
    [3, 6, 4, 1, 1],
    [1, 1, 4, 6, 3],
    [3, 4, 6, 1, 1],
    [1, 1, 6, 4, 3],
    [3, 2, 8, 1, 1],
    [1, 1, 8, 2, 3],
    [2, 6, 5, 1, 1],
    [1, 1, 5, 6, 2],
    [2, 2, 9, 1, 1],
    [1, 1, 9, 2, 2],
];
/// Finder sequences (1-based finders) by (symbol characters - 1) / 2 - 1.
const SEQUENCE: [[u8; 11]; 10] = [
    [1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 6, 3, 8, 0, 0, 0, 0, 0, 0, 0],
    [1, 10, 3, 8, 5, 0, 0, 0, 0, 0, 0],
    [1, 10, 3, 8, 7, 12, 0, 0, 0, 0, 0],
    [1, 10, 3, 8, 9, 12, 11, 0, 0, 0, 0],
    [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0],
    [1, 2, 3, 4, 5, 6, 7, 10, 9, 0, 0],
    [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 0],
    [1, 2, 3, 4, 5, 8, 7, 10, 9, 12, 11],
];
/// Weight rows of the data characters by (data characters - 2) / 2.
#[rustfmt::skip]
const WEIGHT_ROWS: [[u8; 21]; 10] = [
    [0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 5, 6, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 9, 10, 3, 4, 13, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 3, 4, 13, 14, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 3, 4, 13, 14, 11, 12, 21, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 3, 4, 13, 14, 15, 16, 21, 22, 19, 20, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 0, 0, 0, 0, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18, 15, 16, 0, 0, 0, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18, 19, 20, 21, 22, 0, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 11, 12, 17, 18, 15, 16, 21, 22, 19, 20],
];

#[derive(Default)]
struct Bits(Vec<bool>);

impl Bits {
    fn push(&mut self, value: u32, len: u32) {
        self.0.extend((0..len).rev().map(|i| (value >> i) & 1 == 1));
    }
}

/// The number in the ASCII digits `s[from..from + len]`, `None` unless all are digits.
fn num(s: &[u8], from: usize, len: usize) -> Option<u32> {
    let d = s.get(from..from + len)?;
    d.iter().try_fold(0u32, |v, &b| {
        b.is_ascii_digit().then(|| v * 10 + u32::from(b - b'0'))
    })
}

/// The compressed date of YYMMDD at `from` (7.2.5.4.4).
fn date(s: &[u8], from: usize) -> Option<u32> {
    let (yy, mm, dd) = (num(s, from, 2)?, num(s, from + 2, 2)?, num(s, from + 4, 2)?);
    ((1..=12).contains(&mm) && dd <= 31).then(|| yy * 384 + (mm - 1) * 32 + dd)
}

/// The encodation method (Table 10; 3-14 as Zint numbers them).
fn method(s: &[u8]) -> u32 {
    let len = s.len();
    if !(len >= 16 && s.starts_with(b"01")) {
        return 2;
    }
    // Variable-measure items: indicator digit 9, (01) then (310x), (320x),
    // or a price (392x), or one with its currency (393x), for x up to 3.
    if len < 20 || s[2] != b'9' || s[16] != b'3' {
        return 1;
    }
    if s[17] == b'9' && (b'0'..=b'3').contains(&s[19]) {
        return match s[18] {
            b'2' => 5,
            b'3' if num(s, 20, 3).is_some() => 6,
            _ => 1,
        };
    }
    if len < 26 || s[18] != b'0' {
        return 1;
    }
    let Some(weight) = num(s, 20, 6).filter(|&w| w <= 99_999) else {
        return 1;
    };
    let dated = len == 34
        && s[26] == b'1'
        && matches!(s[27], b'1' | b'3' | b'5' | b'7')
        && date(s, 28).is_some();
    let d = u32::from(s[27.min(len - 1)].wrapping_sub(b'0'));
    match (s[17], s[19]) {
        (b'1', b'3') if len == 26 && weight <= 32_767 => 3,
        (b'1', _) if len == 26 => 7,
        (b'1', _) if dated => 6 + d,
        (b'2', b'2') if len == 26 && weight <= 9_999 => 4,
        (b'2', b'3') if len == 26 && weight <= 22_767 => 4,
        (b'2', _) if len == 26 => 8,
        (b'2', _) if dated => 7 + d,
        _ => 1,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Numeric,
    Alnum,
    Iso,
}

/// FNC1 counts as numeric.
fn kind(c: u8) -> Mode {
    if c == GS || c.is_ascii_digit() {
        Mode::Numeric
    } else if c.is_ascii_uppercase() || b"*,-./".contains(&c) {
        Mode::Alnum
    } else {
        Mode::Iso
    }
}

/// The general-purpose data field (7.2.5.5.1-3); returns the mode it ends
/// in and a last odd digit left to encode.
fn general(s: &[u8], bits: &mut Bits) -> (Mode, Option<u8>) {
    let (mut i, mut mode, len) = (0, Mode::Numeric, s.len());
    let all = |from: usize, n: usize, ok: &dyn Fn(Mode) -> bool| {
        from + n <= len && s[from..from + n].iter().all(|&c| ok(kind(c)))
    };
    while i < len {
        let c = s[i];
        let k = kind(c);
        match mode {
            Mode::Numeric => {
                if i + 1 < len {
                    if k != Mode::Numeric || kind(s[i + 1]) != Mode::Numeric {
                        bits.push(0, 4);
                        mode = Mode::Alnum;
                    } else {
                        let v = |c: u8| if c == GS { 10 } else { u32::from(c - b'0') };
                        bits.push(11 * v(c) + v(s[i + 1]) + 8, 7);
                        i += 2;
                    }
                } else if k != Mode::Numeric || c == GS {
                    bits.push(0, 4);
                    mode = Mode::Alnum;
                } else {
                    return (mode, Some(c));
                }
            }
            _ if c == GS => {
                bits.push(15, 5);
                mode = Mode::Numeric;
                i += 1;
            }
            Mode::Alnum => {
                let numeric = |m| m == Mode::Numeric;
                // The rest is 4 or 5 digits, or 6 digits follow.
                let tail = len - i <= 5 && len - i >= 4 && all(i, len - i, &numeric);
                if k == Mode::Iso {
                    bits.push(4, 5);
                    mode = Mode::Iso;
                } else if all(i, 6, &numeric) || tail {
                    bits.push(0, 3);
                    mode = Mode::Numeric;
                } else {
                    bits.push(alnum_value(c), if c.is_ascii_digit() { 5 } else { 6 });
                    i += 1;
                }
            }
            Mode::Iso => {
                let end = (i + 10).min(len);
                let no_iso = s[i..end].iter().all(|&c| kind(c) != Mode::Iso);
                if no_iso && all(i, 4, &|m| m == Mode::Numeric) {
                    bits.push(0, 3);
                    mode = Mode::Numeric;
                } else if no_iso && all(i, 5, &|m| m != Mode::Iso) {
                    bits.push(4, 5);
                    mode = Mode::Alnum;
                } else {
                    let (v, n) = iso_value(c);
                    bits.push(v, n);
                    i += 1;
                }
            }
        }
    }
    (mode, None)
}

fn alnum_value(c: u8) -> u32 {
    let c = u32::from(c);
    match c as u8 {
        b'0'..=b'9' => c - 43,
        b'A'..=b'Z' => c - 33,
        p => b"*,-./".iter().position(|&x| x == p).unwrap_or(0) as u32 + 58,
    }
}

fn iso_value(c: u8) -> (u32, u32) {
    const PUNCT: &[u8] = b"!\"%&'()*+,-./:;<=>?_ ";
    let v = u32::from(c);
    match c {
        b'0'..=b'9' => (v - 43, 5),
        b'A'..=b'Z' => (v - 1, 7),
        b'a'..=b'z' => (v - 7, 7),
        p => (
            PUNCT.iter().position(|&x| x == p).unwrap_or(0) as u32 + 232,
            8,
        ),
    }
}

/// Symbol characters for `n` bits, the check character included: at least
/// 4, and never one alone in the last of rows of `per_row` (7.2.8; 0 for
/// one row), which then takes a padding character more.
fn symbol_chars(n: usize, per_row: usize) -> usize {
    let chars = (n.div_ceil(12) + 1).max(4);
    if per_row > 0 && chars % per_row == 1 {
        chars + 1
    } else {
        chars
    }
}

/// The binary data (7.2.5) as 12-bit data characters, or the number of data
/// characters it would need when over the limit.
fn data_chars(s: &[u8], per_row: usize) -> Result<Vec<u32>, usize> {
    let m = method(s);
    let mut b = Bits::default();
    b.push(0, 1); // no 2D component linkage
    let read = match m {
        1 => {
            b.push(4, 3); // "1XX"
            16
        }
        2 => {
            b.push(0, 4); // "00XX"
            0
        }
        3 | 4 => {
            b.push(4 + (m - 3), 4);
            26
        }
        5 => {
            b.push(0x30, 7); // "01100XX"
            20
        }
        6 => {
            b.push(0x34, 7); // "01101XX"
            23
        }
        _ => {
            b.push(56 + (m - 7), 7);
            s.len()
        }
    };
    let n = |from, len| num(s, from, len).unwrap_or(0);
    if m == 1 {
        b.push(n(2, 1), 4);
    }
    if m != 2 {
        // The 12 digits after the indicator, without the check digit.
        for i in (3..15).step_by(3) {
            b.push(n(i, 3), 10);
        }
    }
    match m {
        3 => b.push(n(20, 6), 15),
        4 => b.push(n(20, 6) + if s[19] == b'3' { 10_000 } else { 0 }, 15),
        // The x of 392x/393x, and 393x's currency; the price goes in the general field.
        5 => b.push(n(19, 1), 2),
        6 => {
            b.push(n(19, 1), 2);
            b.push(n(20, 3), 10);
        }
        7..=14 => {
            b.push(n(19, 1) * 100_000 + n(21, 5), 20);
            b.push(
                if s.len() == 34 {
                    date(s, 28).unwrap_or(0)
                } else {
                    38_400
                },
                16,
            );
        }
        _ => {}
    }
    let (mode, last) = general(s.get(read..).unwrap_or(&[]), &mut b);
    let mut chars = symbol_chars(b.0.len(), per_row);
    if let Some(d) = last {
        let d = u32::from(d - b'0');
        let room = 12 * (chars - 1) - b.0.len();
        if (4..=6).contains(&room) {
            b.push(d + 1, 4);
        } else {
            b.push(d * 11 + 10 + 8, 7);
        }
        chars = symbol_chars(b.0.len(), per_row);
    }
    if b.0.len() > 12 * MAX_DATA_CHARS {
        return Err(b.0.len().div_ceil(12));
    }
    let mut room = (12 * (chars - 1)) as i64 - b.0.len() as i64;
    if mode == Mode::Numeric {
        b.push(0, 4);
        room -= 4;
    }
    while room > 0 {
        b.push(4, 5);
        room -= 5;
    }
    // The variable length field: symbol characters odd, and over 14.
    let at = match m {
        1 => 2,
        2 => 3,
        _ => 6,
    };
    if matches!(m, 1 | 2 | 5 | 6) {
        b.0[at] = chars % 2 == 1;
        b.0[at + 1] = chars > 14;
    }
    Ok(b.0[..12 * (chars - 1)]
        .chunks(12)
        .map(|c| c.iter().fold(0, |v, &x| v << 1 | u32::from(x)))
        .collect())
}

/// The widths of a value's symbol character (Table 8).
fn widths(v: u32) -> [u8; 8] {
    let v = v as i32;
    let g = (0..4).find(|&i| v < G_SUM[i + 1]).unwrap_or(4);
    let (odd, even) = ((v - G_SUM[g]) / T_EVEN[g], (v - G_SUM[g]) % T_EVEN[g]);
    char_widths(
        odd,
        even,
        (ODD_MODULES[g], 17 - ODD_MODULES[g]),
        WIDEST[g],
        true,
    )
}

/// All element widths, space first: guard, check character, then per
/// segment pair a finder between a reversed and a forward data character.
/// The pairs are 21 elements from index 2 on, the last one 13 when the
/// symbol characters are odd.
pub(super) fn elements(data: &[u32]) -> Vec<u8> {
    let chars: Vec<[u8; 8]> = data.iter().map(|&v| widths(v)).collect();
    let dc = chars.len();
    let mut checksum = 0u32;
    for (i, w) in chars.iter().enumerate() {
        let row = WEIGHT_ROWS[(dc.saturating_sub(2) / 2).min(9)][i.min(20)] as usize;
        checksum += w
            .iter()
            .zip(&WEIGHTS[row])
            .map(|(&a, &b)| a as u32 * b)
            .sum::<u32>();
    }
    let sc = dc + 1;
    let check = widths(211 * (sc as u32 - 4) + checksum % 211);
    let blocks = sc.div_ceil(2);
    let mut e = vec![1u8; blocks * 5 + sc * 8 + 4];
    let seq = &SEQUENCE[((sc - 1) / 2).saturating_sub(1).min(9)];
    for (i, &f) in seq.iter().take(blocks).enumerate() {
        let f = &FINDER[usize::from(f.max(1) - 1)];
        e[21 * i + 10..21 * i + 15].copy_from_slice(f);
    }
    e[2..10].copy_from_slice(&check);
    for (i, w) in chars.iter().enumerate() {
        let k = (i / 2) * 21 + if i % 2 == 0 { 15 } else { 23 };
        for j in 0..8 {
            e[k + j] = if i % 2 == 0 { w[7 - j] } else { w[j] };
        }
    }
    e
}

/// The element widths of `data` and its text, for rows of `per_row` symbol
/// characters (0: one row).
pub(super) fn encode_elements(
    what: &str,
    data: &str,
    per_row: usize,
) -> CoreResult<(Vec<u8>, String)> {
    let gs1 = Gs1::parse(data)?;
    let stream = gs1.stream(|b| b, GS);
    let data = data_chars(&stream, per_row).map_err(|needed| CoreError::DataTooLong {
        len: thousands(stream.iter().filter(|&&b| b != GS).count()),
        unit: "characters",
        what: what.into(),
        max: format!(
            "{MAX_DATA_CHARS} data characters of 12 bits (74 digits or 41 letters, AIs included) and this data needs {needed}"
        ),
    })?;
    Ok((elements(&data), gs1.hri()))
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let (elements, text) = encode_elements("GS1 DataBar Expanded", data, 0)?;
    finish_row(&elements, text, ROW_MODULES, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(data: &str) -> String {
        let e = encode(data, &RenderOptions::default()).unwrap();
        let m = &e.symbol.matrix;
        (0..m.width())
            .map(|x| if m.get(x, 0) { '1' } else { '0' })
            .collect()
    }

    #[test]
    fn matches_published_symbols() {
        // Zint's test vectors (backend/tests/test_rss.c): ISO/IEC 24724
        // figures and GS1 General Specifications examples.
        let cases = [
            // Method 00, Figure F.3.
            ("(10)12A", "010100000110100000101111111100001010001000000010110101111100100111001011110000000010011101111111010101"),
            // Method 1, 7.2.5.4.1.
            ("(01)00012345678905(10)ABC123", "0100011000001011011011111111000010110011000010111101011110011011111010111110000001100010110000110111000111101101011110001111110000101110001100100001010011101111110110101111111100111001011011111101110011011100101111100011110000001010"),
            // Method 0100, Figure 11.
            ("(01)90012345678908(3103)001750", "0101110010000010011011111111000010111000010011000101011110111001100010111100000011100101110001110111011110101111000110001111110000101011000010011111010"),
            // Method 0101, GS1 General Specifications Figure 5.5.2.3.1-1.
            ("(01)90614141000015(3202)000150", "0101100011001100001011111111000010100100010000111101110011100010100010111100000011100111010111111011010100000100000110001111110000101000000100011010010"),
            // Method 0111101 (weight in pounds and best-before date), Figure 10.
            ("(01)98898765432106(3202)012345(15)991231", "01001000011000110110111111110000101110000110010100011010000001100010101111110000111010011100000010010100111110111001100011111100001011101100000100100100011110010110001011111111001110001101111010000101"),
        ];
        for (data, want) in cases {
            assert_eq!(row(data), want, "{data}");
        }
    }

    #[test]
    fn compresses_prices_of_variable_measure_items() {
        // Zint's vectors for methods 01100 (392x) and 01101 (393x), with
        // and without an element string after the price.
        let mut n = 0;
        for v in
            crate::symbology::databar_expanded_stacked::vectors().filter(|v| v.kind == "expanded")
        {
            assert_eq!(row(v.data), v.rows[0], "{}", v.data);
            n += 1;
        }
        assert_eq!(n, 4);
        // Without indicator 9, or past x = 3, the price goes in the general field.
        for data in ["(01)00012345678905(3922)795", "(01)90012345678908(3924)795"] {
            assert_eq!(
                method(&Gs1::parse(data).unwrap().stream(|b| b, GS)),
                1,
                "{data}"
            );
        }
    }

    #[test]
    fn fills_up_to_21_data_characters() {
        // 74 digits fit in (01) plus a numeric (91)...
        let ok = format!("(01)00012345678905(91){}", "1".repeat(56));
        assert!(encode(&ok, &RenderOptions::default()).is_ok());
        // ... but not 76.
        let long = format!("(01)00012345678905(91){}", "1".repeat(58));
        let e = encode(&long, &RenderOptions::default()).unwrap_err();
        assert_eq!(e.code(), "DATA_TOO_LONG");
        assert!(
            e.to_string().contains(
                "data is 76 characters; GS1 DataBar Expanded holds at most 21 data characters"
            ),
            "{e}"
        );
        // 41 alphanumeric characters: (91) and 39 letters, but not 40.
        let alnum = |n| {
            format!(
                "(91){}",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    .get(..n)
                    .unwrap()
            )
        };
        assert!(encode(&alnum(39), &RenderOptions::default()).is_ok());
        let e = encode(&alnum(40), &RenderOptions::default()).unwrap_err();
        assert!(
            e.to_string().contains("data is 42 characters") && e.to_string().contains("needs 22"),
            "{e}"
        );
    }

    #[test]
    fn errors_come_from_the_element_strings() {
        let err = |d: &str| {
            encode(d, &RenderOptions::default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("(01)09501101530004"),
            "GS1 (01) check digit should be 3, got 4"
        );
        assert!(err("0109501101530003").contains("starting with '('"));
        assert!(err("(555)1").contains("not supported"));
        assert_eq!(err(""), "data is empty");
    }

    #[test]
    fn any_element_strings_encode_without_panicking() {
        for data in [
            "(01)90012345678908(3103)999999",
            "(01)90012345678908(3103)001750(11)991200",
            "(01)90012345678908(3103)001750(17)250101(10)A",
            "(01)90012345678908(3203)022768",
            "(01)90012345678908(3202)001750(13)250101",
            "(21)a",
            "(21)1",
            "(21)12",
            "(91)1234ab!\"%&'*+,-./:;<=>?_x",
            "(10)A1(21)B(30)1(91)abc",
            "(91)a1234567890b",
        ] {
            let e = encode(data, &RenderOptions::default()).unwrap();
            // Guards, then 17 modules per symbol character and 15 per finder.
            let w = e.symbol.matrix.width();
            assert!(
                (4..=22).any(|sc: usize| 4 + 17 * sc + 15 * sc.div_ceil(2) == w),
                "{data}: {w}"
            );
            assert_eq!(e.symbol.meta.text.unwrap(), Gs1::parse(data).unwrap().hri());
        }
    }

    #[test]
    fn random_element_strings_encode_or_fail_cleanly() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let chars = b"0123456789ABCXYZabcxyz!%&*+,-./:;<=>?_";
        for _ in 0..3000 {
            let mut d = String::new();
            if next(2) == 0 {
                d.push_str(if next(2) == 0 { "(01)9" } else { "(01)0" });
                (0..12).for_each(|_| d.push((b'0' + next(10) as u8) as char));
            }
            for _ in 0..next(4) {
                match next(5) {
                    0 => d.push_str(&format!(
                        "(3{}0{}){:06}",
                        1 + next(2),
                        next(10),
                        next(1_000_000)
                    )),
                    1 => d.push_str(&format!(
                        "(1{}){:02}{:02}{:02}",
                        [1, 3, 5, 7][next(4) as usize],
                        next(100),
                        1 + next(12),
                        next(32)
                    )),
                    _ => {
                        d.push_str(["(10)", "(21)", "(91)"][next(3) as usize]);
                        (0..1 + next(20))
                            .for_each(|_| d.push(chars[next(chars.len() as u64) as usize] as char));
                    }
                }
            }
            match encode(&d, &RenderOptions::default()) {
                Ok(e) => {
                    let w = e.symbol.matrix.width();
                    assert!(
                        (4..=22).any(|sc: usize| 4 + 17 * sc + 15 * sc.div_ceil(2) == w),
                        "{d}: {w}"
                    );
                }
                Err(e) => assert!(
                    ["INVALID_DATA", "DATA_TOO_LONG", "EMPTY_DATA"].contains(&e.code()),
                    "{d}: {e}"
                ),
            }
        }
    }
}
