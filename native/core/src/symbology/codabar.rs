//! Codabar (NW-7): digits and - $ : / . + between start and stop characters
//! A-D. Written here: one table of twenty seven-element patterns.
use super::linear::{check_chars, describe, finish_plain, Bars};
use super::Encoded;
use crate::error::{CoreError, CoreResult};
use crate::options::RenderOptions;

const CHARS: &str = "0123456789-$:/.+ABCD";
/// Seven elements each, bit set = wide, first element most significant.
const PATTERNS: [u32; 20] = [
    0x003, 0x006, 0x009, 0x060, 0x012, 0x042, 0x021, 0x024, 0x030, 0x048, 0x00C, 0x018, 0x045,
    0x051, 0x054, 0x015, 0x01A, 0x029, 0x00B, 0x00E,
];
const WIDE: u8 = 3;

fn is_guard(c: char) -> bool {
    matches!(c, 'A'..='D')
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    check_chars(
        "Codabar",
        data,
        "0-9 and - $ : / . + (with optional start/stop characters A-D)",
        |c| CHARS.contains(c) || matches!(c, 'a'..='d'),
    )?;
    let upper = data.to_ascii_uppercase();
    let chars: Vec<char> = upper.chars().collect();
    let n = chars.len();
    let guarded = n >= 2 && is_guard(chars[0]) && is_guard(chars[n - 1]);
    let text = if guarded {
        upper.clone()
    } else {
        format!("A{upper}B")
    };
    let body: Vec<char> = text.chars().collect();
    if body.len() < 3 {
        return Err(CoreError::InvalidData(
            "Codabar needs at least one character between its start and stop characters".into(),
        ));
    }
    for (i, &c) in body[1..body.len() - 1].iter().enumerate() {
        if is_guard(c) {
            let pos = if guarded { i + 2 } else { i + 1 };
            return Err(CoreError::InvalidData(format!(
                "Codabar uses A-D only as start and stop characters; {} at position {pos} is not allowed",
                describe(c)
            )));
        }
    }
    let mut bars = Bars::default();
    for (i, c) in body.iter().enumerate() {
        if i > 0 {
            bars.0.push(false);
        }
        bars.narrow_wide(PATTERNS[CHARS.find(*c).unwrap_or(0)], 7, WIDE);
    }
    finish_plain(bars, text, opts)
}
