//! Code 128 (ISO/IEC 15417) and GS1-128. Written here: one pattern table
//! and a code-set chooser (C for digit runs, A for control characters,
//! B otherwise) with FNC1 for GS1, which no small crate exposes.
use super::gs1::Gs1;
use super::linear::{check_chars, finish_plain, Bars};
use super::Encoded;
use crate::error::{CoreError, CoreResult};
use crate::options::RenderOptions;

/// Bar/space widths of values 0-105, six elements each, as decimal digits.
const PATTERNS: [u32; 106] = [
    212222, 222122, 222221, 121223, 121322, 131222, 122213, 122312, 132212, 221213, 221312, 231212,
    112232, 122132, 122231, 113222, 123122, 123221, 223211, 221132, 221231, 213212, 223112, 312131,
    311222, 321122, 321221, 312212, 322112, 322211, 212123, 212321, 232121, 111323, 131123, 131321,
    112313, 132113, 132311, 211313, 231113, 231311, 112133, 112331, 132131, 113123, 113321, 133121,
    313121, 211331, 231131, 213113, 213311, 213131, 311123, 311321, 331121, 312113, 312311, 332111,
    314111, 221411, 431111, 111224, 111422, 121124, 121421, 141122, 141221, 112214, 112412, 122114,
    122411, 142112, 142211, 241211, 221114, 413111, 241112, 134111, 111242, 121142, 121241, 114212,
    124112, 124211, 411212, 421112, 421211, 212141, 214121, 412121, 111143, 111341, 131141, 114113,
    114311, 411113, 411311, 113141, 114131, 311141, 411131, 211412, 211214, 211232,
];
const STOP: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];
const FNC1: u32 = 102;
const START: [u32; 3] = [103, 104, 105]; // A, B, C
const CODE: [u32; 3] = [101, 100, 99]; // switch to A, B, C

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Sym {
    Byte(u8),
    Fnc1,
}

#[derive(Clone, Copy, PartialEq)]
enum Set {
    A = 0,
    B = 1,
    C = 2,
}

fn digit(s: Option<&Sym>) -> bool {
    matches!(s, Some(Sym::Byte(b)) if b.is_ascii_digit())
}

/// Digits from `i` on (FNC1 ends a run).
fn digit_run(s: &[Sym], i: usize) -> usize {
    s[i..].iter().take_while(|x| digit(Some(x))).count()
}

/// A or B for the characters from `i`: A if a control character comes
/// before any lower-case letter.
fn a_or_b(s: &[Sym], i: usize) -> Set {
    for x in &s[i..] {
        if let Sym::Byte(b) = *x {
            if b < 32 {
                return Set::A;
            }
            if b >= 96 {
                return Set::B;
            }
        }
    }
    Set::B
}

/// Symbol values, start code first, without the check value.
pub fn values(s: &[Sym]) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len() + 4);
    let mut i = 0;
    let run0 = digit_run(s, 0);
    let mut set = if run0 >= 4
        || (run0 == s.len() && run0 & 1 == 0)
        || (s.first() == Some(&Sym::Fnc1) && digit_run(s, 1) >= 2)
    {
        Set::C
    } else {
        a_or_b(s, 0)
    };
    out.push(START[set as usize]);
    while i < s.len() {
        match s[i] {
            Sym::Fnc1 => {
                out.push(FNC1);
                i += 1;
                continue;
            }
            Sym::Byte(b) => {
                let run = digit_run(s, i);
                if set == Set::C {
                    if run >= 2 {
                        out.push(((b - b'0') * 10 + (digit_value(s[i + 1]))) as u32);
                        i += 2;
                        continue;
                    }
                    set = a_or_b(s, i);
                    out.push(CODE[set as usize]);
                }
                // Switch to C for an even tail of digits worth it.
                let end = i + run == s.len();
                if run >= 4 && run & 1 == 0 && (end || run >= 6) {
                    set = Set::C;
                    out.push(CODE[2]);
                    continue;
                }
                let need = if b < 32 {
                    Set::A
                } else if b >= 96 {
                    Set::B
                } else {
                    set
                };
                if need != set {
                    set = need;
                    out.push(CODE[set as usize]);
                }
                out.push(match (set, b) {
                    (Set::A, 0..=31) => b as u32 + 64,
                    _ => b as u32 - 32,
                });
                i += 1;
            }
        }
    }
    out
}

fn digit_value(s: Sym) -> u8 {
    match s {
        Sym::Byte(b) => b - b'0',
        Sym::Fnc1 => 0,
    }
}

fn bars_for(values: &[u32]) -> Bars {
    let check = values
        .iter()
        .enumerate()
        .map(|(i, &v)| v * (i.max(1) as u32))
        .sum::<u32>()
        % 103;
    let mut bars = Bars::default();
    let mut widths = [0u8; 6];
    for &v in values.iter().chain(std::iter::once(&check)) {
        let mut p = PATTERNS[v as usize];
        for w in widths.iter_mut().rev() {
            *w = (p % 10) as u8;
            p /= 10;
        }
        bars.widths(&widths, true);
    }
    bars.widths(&STOP, true);
    bars
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    check_chars("Code 128", data, "ASCII characters (0-127)", |c| {
        c.is_ascii()
    })?;
    let syms: Vec<Sym> = data.bytes().map(Sym::Byte).collect();
    let bars = bars_for(&values(&syms));
    finish_plain(bars, data.to_string(), opts)
}

pub fn encode_gs1(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let gs1 = Gs1::parse(data)?;
    let mut syms = vec![Sym::Fnc1];
    syms.extend(gs1.stream(Sym::Byte, Sym::Fnc1));
    let vals = values(&syms);
    if vals.len() > 48 {
        return Err(CoreError::InvalidData(format!(
            "GS1-128 holds at most 48 symbol characters; this data needs {}",
            vals.len()
        )));
    }
    let hri = gs1.hri();
    let bars = bars_for(&vals);
    finish_plain(bars, hri, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<u32> {
        values(&s.bytes().map(Sym::Byte).collect::<Vec<_>>())
    }

    #[test]
    fn chooses_code_sets() {
        assert_eq!(v("1234"), vec![105, 12, 34]);
        assert_eq!(v("AB"), vec![104, 33, 34]);
        assert_eq!(v("a\n"), vec![104, 65, 101, 74]);
        assert_eq!(v("X123456"), vec![104, 56, 99, 12, 34, 56]);
        assert_eq!(v("123"), vec![104, 17, 18, 19]);
    }
}
