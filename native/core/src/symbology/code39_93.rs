//! Code 39 (ISO/IEC 16388) and Code 93: the same 43-character set, so one
//! file. Written here: a pattern table each, Code 93's two check
//! characters and its full-ASCII shift pairs.
use super::linear::{check_chars, finish_plain, Bars};
use super::Encoded;
use crate::error::CoreResult;
use crate::options::RenderOptions;

const CHARS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

/// Code 39: nine elements each, bit set = wide, first element most significant.
const C39: [u32; 44] = [
    0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064, 0x109, 0x049, 0x148,
    0x019, 0x118, 0x058, 0x00D, 0x10C, 0x04C, 0x01C, 0x103, 0x043, 0x142, 0x013, 0x112, 0x052,
    0x007, 0x106, 0x046, 0x016, 0x181, 0x0C1, 0x1C0, 0x091, 0x190, 0x0D0, 0x085, 0x184, 0x0C4,
    0x0A8, 0x0A2, 0x08A, 0x02A, 0x094, // '*' start/stop
];
const WIDE: u8 = 3;

fn index(c: char) -> Option<usize> {
    CHARS.find(c)
}

pub fn encode_code39(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    check_chars(
        "Code 39",
        data,
        "0-9, A-Z (upper case), space and - . $ / + %",
        |c| index(c).is_some(),
    )?;
    let mut bars = Bars::default();
    let star = C39[43];
    bars.narrow_wide(star, 9, WIDE);
    for c in data.chars() {
        bars.0.push(false);
        bars.narrow_wide(C39[index(c).unwrap_or(0)], 9, WIDE);
    }
    bars.0.push(false);
    bars.narrow_wide(star, 9, WIDE);
    finish_plain(bars, data.to_string(), opts)
}

/// Code 93: nine modules each as bits; 43-46 are the shifts ($) (%) (/) (+),
/// 47 is the start/stop character.
const C93: [u32; 48] = [
    0x114, 0x148, 0x144, 0x142, 0x128, 0x124, 0x122, 0x150, 0x112, 0x10A, 0x1A8, 0x1A4, 0x1A2,
    0x194, 0x192, 0x18A, 0x168, 0x164, 0x162, 0x134, 0x11A, 0x158, 0x14C, 0x146, 0x12C, 0x116,
    0x1B4, 0x1B2, 0x1AC, 0x1A6, 0x196, 0x19A, 0x16C, 0x166, 0x136, 0x13A, 0x12E, 0x1D4, 0x1D2,
    0x1CA, 0x16E, 0x176, 0x1AE, 0x126, 0x1DA, 0x1D6, 0x132, 0x15E,
];
const SH_DOLLAR: u32 = 43;
const SH_PERCENT: u32 = 44;
const SH_SLASH: u32 = 45;
const SH_PLUS: u32 = 46;

/// Code 93 values for one ASCII character (full ASCII through shift pairs).
fn values93(b: u8, out: &mut Vec<u32>) {
    if let Some(i) = index(b as char) {
        out.push(i as u32);
        return;
    }
    let letter = |off: u8| 10 + off as u32; // value of 'A' + off
    let (shift, v) = match b {
        0 => (SH_PERCENT, letter(20)),              // %U
        1..=26 => (SH_DOLLAR, letter(b - 1)),       // $A-$Z
        27..=31 => (SH_PERCENT, letter(b - 27)),    // %A-%E
        33..=44 => (SH_SLASH, letter(b - 33)),      // /A-/L
        b'/' => (SH_SLASH, letter(14)),             // /O
        b':' => (SH_SLASH, letter(25)),             // /Z
        59..=63 => (SH_PERCENT, letter(b - 54)),    // %F-%J
        b'@' => (SH_PERCENT, letter(21)),           // %V
        91..=95 => (SH_PERCENT, letter(b - 81)),    // %K-%O
        b'`' => (SH_PERCENT, letter(22)),           // %W
        b'a'..=b'z' => (SH_PLUS, letter(b - b'a')), // +A-+Z
        _ => (SH_PERCENT, letter(b - 108)),         // 123-127: %P-%T
    };
    out.push(shift);
    out.push(v);
}

fn check93(values: &[u32], max_weight: u32) -> u32 {
    values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| v * (i as u32 % max_weight + 1))
        .sum::<u32>()
        % 47
}

pub fn encode_code93(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    check_chars("Code 93", data, "ASCII characters (0-127)", |c| {
        c.is_ascii()
    })?;
    let mut vals = Vec::with_capacity(data.len() + 2);
    for b in data.bytes() {
        values93(b, &mut vals);
    }
    let c = check93(&vals, 20);
    vals.push(c);
    let k = check93(&vals, 15);
    vals.push(k);
    let mut bars = Bars::default();
    bars.bits(C93[47], 9);
    for &v in &vals {
        bars.bits(C93[v as usize], 9);
    }
    bars.bits(C93[47], 9);
    bars.0.push(true); // termination bar
    finish_plain(bars, data.to_string(), opts)
}
