//! What every linear (1-D) code shares: a module row built from bar widths,
//! quiet zones, human-readable text, GS1 mod-10 check digits and the
//! character validation whose messages name the character and its position.
use super::{Encoded, Symbol, SymbolMeta};
use crate::error::{CoreError, CoreResult};
use crate::matrix::BitMatrix;
use crate::options::RenderOptions;
use std::ops::Range;

/// Layout facts of a linear symbol, used by the renderer.
#[derive(Debug, Clone, Default)]
pub struct Linear {
    /// Quiet zones in modules when the caller gives no `margin`.
    pub quiet_left: u32,
    pub quiet_right: u32,
    /// Text under the bars (empty when not shown).
    pub text: Vec<TextRun>,
    /// Module ranges drawn down into the text area (EAN/UPC guard bars);
    /// empty when no text is shown.
    pub guards: Vec<Range<usize>>,
    /// First module of an EAN-2/EAN-5 add-on, whose bars start below its
    /// text (when shown) and end with the guard bars.
    pub addon: Option<usize>,
    /// Bar height in modules when no `height` is given; `None` is the
    /// renderer's default (GS1 DataBar's is fixed by its standard).
    pub bar_modules: Option<u32>,
}

/// One piece of readable text, centred on `center` (in modules from the
/// first module of the symbol; negative means inside the left quiet zone).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: String,
    pub center: f64,
    /// Over the bars rather than under them (an add-on's digits).
    pub above: bool,
}

/// Modules of a linear symbol, left to right (true = bar).
#[derive(Debug, Default)]
pub struct Bars(pub Vec<bool>);

impl Bars {
    /// Appends alternating elements of the given widths, the first one dark
    /// when `dark` is true.
    pub fn widths(&mut self, widths: &[u8], mut dark: bool) {
        for &w in widths {
            self.0.extend(std::iter::repeat_n(dark, w as usize));
            dark = !dark;
        }
    }

    /// Appends `len` modules given as bits, most significant first.
    pub fn bits(&mut self, bits: u32, len: u32) {
        for i in (0..len).rev() {
            self.0.push((bits >> i) & 1 == 1);
        }
    }

    /// Appends `count` elements whose widths are narrow (1) or wide (`wide`)
    /// as the bits of `pattern` say, most significant first, alternating
    /// bar and space starting with a bar.
    pub fn narrow_wide(&mut self, pattern: u32, count: u32, wide: u8) {
        for i in 0..count {
            let w = if (pattern >> (count - 1 - i)) & 1 == 1 {
                wide
            } else {
                1
            };
            self.0.extend(std::iter::repeat_n(i % 2 == 0, w as usize));
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Everything a linear encoder hands over.
#[derive(Default)]
pub struct Finished {
    pub bars: Bars,
    /// The encoded text as a reader returns it (check digits included).
    pub text: String,
    pub quiet: (u32, u32),
    /// Text runs to draw when shown.
    pub runs: Vec<TextRun>,
    /// Whether text is shown when `options.show_text` is absent.
    pub show_by_default: bool,
    /// See `Linear::guards` and `Linear::addon`.
    pub guards: Vec<Range<usize>>,
    pub addon: Option<usize>,
}

/// The common case: 10-module quiet zones, the text centred under the
/// bars and shown only on request.
pub fn finish_plain(bars: Bars, text: String, opts: &RenderOptions) -> CoreResult<Encoded> {
    let runs = centred(&text, bars.len());
    finish(
        Finished {
            bars,
            text,
            quiet: (10, 10),
            runs,
            show_by_default: false,
            guards: Vec::new(),
            addon: None,
        },
        opts,
    )
}

pub fn finish(f: Finished, opts: &RenderOptions) -> CoreResult<Encoded> {
    let mut matrix = BitMatrix::new(f.bars.len(), 1);
    for (x, &dark) in f.bars.0.iter().enumerate() {
        if dark {
            matrix.set(x, 0, true);
        }
    }
    let show = opts.show_text.unwrap_or(f.show_by_default);
    Ok(Encoded {
        symbol: Symbol {
            matrix,
            default_margin: f.quiet.0.max(f.quiet.1),
            meta: SymbolMeta {
                version: None,
                error_correction: None,
                text: Some(f.text),
                eci: None,
            },
        },
        linear: Some(Linear {
            quiet_left: f.quiet.0,
            quiet_right: f.quiet.1,
            text: if show { f.runs } else { Vec::new() },
            // Guards frame the digits: without them they stay as long as the other bars.
            guards: if show { f.guards } else { Vec::new() },
            addon: f.addon,
            bar_modules: None,
        }),
        rows: Some(1),
        columns: None,
    })
}

/// The one text run of most linear codes: `text` centred under the bars.
pub fn centred(text: &str, modules: usize) -> Vec<TextRun> {
    vec![TextRun {
        text: text
            .chars()
            .map(|c| if c.is_ascii_graphic() { c } else { ' ' })
            .collect(),
        center: modules as f64 / 2.0,
        above: false,
    }]
}

/// Fails on the first character that `ok` rejects, naming it and its
/// 1-based position.
pub fn check_chars(
    what: &str,
    data: &str,
    allowed: &str,
    ok: impl Fn(char) -> bool,
) -> CoreResult<()> {
    if data.is_empty() {
        return Err(CoreError::EmptyData);
    }
    for (i, c) in data.chars().enumerate() {
        if !ok(c) {
            return Err(CoreError::InvalidData(format!(
                "{what} can encode only {allowed}; {} at position {} is not allowed",
                describe(c),
                i + 1
            )));
        }
    }
    Ok(())
}

/// A character as messages show it: printable ones quoted, others as U+XXXX.
pub fn describe(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("'{c}'")
    } else if c == ' ' {
        "a space".into()
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Digits only, with a length from the list.
pub fn digits(what: &str, data: &str, lengths: &[usize]) -> CoreResult<Vec<u8>> {
    check_chars(what, data, "digits 0-9", |c| c.is_ascii_digit())?;
    if !lengths.contains(&data.len()) {
        let list: Vec<String> = lengths.iter().map(|n| n.to_string()).collect();
        let list = match list.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => list.join(""),
        };
        return Err(CoreError::InvalidData(format!(
            "{what} takes {list} digits, got {}",
            data.len()
        )));
    }
    Ok(data.bytes().map(|b| b - b'0').collect())
}

/// GS1 mod-10 check digit of `digits` (weights 3, 1, 3, ... from the right).
pub fn mod10(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| d as u32 * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Appends the check digit to `digits` when it has `full - 1` digits, or
/// checks the last digit when it has `full`.
pub fn with_check(what: &str, mut digits: Vec<u8>, full: usize) -> CoreResult<Vec<u8>> {
    if digits.len() + 1 == full {
        digits.push(mod10(&digits));
        return Ok(digits);
    }
    let (body, last) = digits.split_at(full - 1);
    let expected = mod10(body);
    if last[0] != expected {
        return Err(CoreError::InvalidData(format!(
            "{what} check digit should be {expected}, got {}",
            last[0]
        )));
    }
    Ok(digits)
}

pub fn to_text(digits: &[u8]) -> String {
    digits.iter().map(|d| (b'0' + d) as char).collect()
}
