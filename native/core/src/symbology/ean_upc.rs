//! EAN-13, EAN-8, UPC-A and UPC-E (ISO/IEC 15420). Written here rather than
//! taken from a crate: the patterns are a few tables, and owning them gives
//! exact check-digit messages, UPC-E compression and the text layout.
use super::linear::{digits, finish, to_text, with_check, Bars, Finished, TextRun};
use super::Encoded;
use crate::error::{CoreError, CoreResult};
use crate::options::RenderOptions;

/// Odd-parity ("L") patterns, 7 modules each; "R" is the complement and
/// even-parity "G" is "R" reversed.
const L: [u32; 10] = [0x0D, 0x19, 0x13, 0x3D, 0x23, 0x31, 0x2F, 0x3B, 0x37, 0x0B];
/// EAN-13: parity of digits 2-7 chosen by the first digit (bit set = G).
const EAN13_PARITY: [u32; 10] = [
    0b000000, 0b001011, 0b001101, 0b001110, 0b010011, 0b011001, 0b011100, 0b010101, 0b010110,
    0b011010,
];
/// UPC-E, number system 0: parity of the six digits by check digit (bit set = even/G).
const UPCE_PARITY: [u32; 10] = [
    0b111000, 0b110100, 0b110010, 0b110001, 0b101100, 0b100110, 0b100011, 0b101010, 0b101001,
    0b100101,
];

fn r(d: u8) -> u32 {
    !L[d as usize] & 0x7F
}

fn g(d: u8) -> u32 {
    let r = r(d);
    (0..7).fold(0, |acc, i| acc | (((r >> i) & 1) << (6 - i)))
}

/// Left half, centre guard, right half: EAN-13, EAN-8 and UPC-A.
fn halves(bars: &mut Bars, left: &[u8], right: &[u8], parity: u32) {
    bars.bits(0b101, 3);
    for (i, &d) in left.iter().enumerate() {
        let even = (parity >> (left.len() - 1 - i)) & 1 == 1;
        bars.bits(if even { g(d) } else { L[d as usize] }, 7);
    }
    bars.bits(0b01010, 5);
    for &d in right {
        bars.bits(r(d), 7);
    }
    bars.bits(0b101, 3);
}

fn run(text: &[u8], center: f64) -> TextRun {
    TextRun {
        text: to_text(text),
        center,
        above: false,
    }
}

/// An EAN-2 or EAN-5 add-on (ISO/IEC 15420 annex; GS1 General
/// Specifications 5.2.3.6): periodical issues, book prices. Kept as digits
/// so that options stay `Copy` and hash as the cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddOn {
    digits: [u8; 5],
    len: u8,
}

/// Blank modules between the symbol and its add-on. GS1 allows 7 to 12;
/// ZXing finds no add-on past about 10, so 9, as Zint does.
/// EAN/UPC module widths: 80% to 200% of 0.330 mm (GS1 General
/// Specifications 5.2.1.3, and its symbol specification table 1).
pub const X_DIM: super::XDim = super::XDim {
    min: 264,
    max: 660,
    nominal: Some(330),
    spec: Some("GS1"),
};

pub const ADDON_GAP: usize = 9;
/// The quiet zone right of an add-on (GS1: at least 5X).
const ADDON_QUIET: u32 = 5;

/// EAN-5: which digits take even parity ("G", bit set), by the add-on's
/// check value, first digit first.
const EAN5_PARITY: [u32; 10] = [
    0b11000, 0b10100, 0b10010, 0b10001, 0b01100, 0b00110, 0b00011, 0b01010, 0b01001, 0b00101,
];

impl AddOn {
    /// Two or five digits; `field` names where they came from in the message.
    pub fn parse(field: &'static str, s: &str) -> CoreResult<AddOn> {
        let bad = || {
            format!(
                "an add-on is 2 digits (EAN-2) or 5 digits (EAN-5), got {:?}",
                crate::options::clip(s)
            )
        };
        if !(s.len() == 2 || s.len() == 5) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(match field {
                "data" => CoreError::InvalidData(bad()),
                _ => CoreError::option(field, bad()),
            });
        }
        let mut digits = [0; 5];
        for (d, b) in digits.iter_mut().zip(s.bytes()) {
            *d = b - b'0';
        }
        Ok(AddOn {
            digits,
            len: s.len() as u8,
        })
    }

    pub fn digits(&self) -> &[u8] {
        &self.digits[..self.len as usize]
    }

    /// Which digits take even parity, most significant bit first.
    fn parity(&self) -> u32 {
        let d = self.digits();
        match d.len() {
            2 => (d[0] as u32 * 10 + d[1] as u32) % 4,
            _ => {
                let sum = 3 * (d[0] + d[2] + d[4]) as u32 + 9 * (d[1] + d[3]) as u32;
                EAN5_PARITY[(sum % 10) as usize]
            }
        }
    }

    /// Start pattern 1011, then the digits with 01 between them.
    fn bars(&self, bars: &mut Bars) {
        let (d, parity) = (self.digits(), self.parity());
        bars.bits(0b1011, 4);
        for (i, &dg) in d.iter().enumerate() {
            if i > 0 {
                bars.bits(0b01, 2);
            }
            let even = (parity >> (d.len() - 1 - i)) & 1 == 1;
            bars.bits(if even { g(dg) } else { L[dg as usize] }, 7);
        }
    }
}

/// The main symbol's digits and the add-on, from `data` written as
/// `9781234567897 51299` (or with `+`, as Zint takes it) and `options.addon`.
fn split<'a>(
    what: &str,
    data: &'a str,
    opts: &RenderOptions,
) -> CoreResult<(&'a str, Option<AddOn>)> {
    let Some((main, extra)) = data.split_once([' ', '+']) else {
        return Ok((data, opts.addon));
    };
    let given = AddOn::parse("data", extra)?;
    match opts.addon {
        Some(other) if other != given => Err(CoreError::InvalidData(format!(
            "{what} data ends with the add-on {} but options.addon is {}; give it once",
            to_text(given.digits()),
            to_text(other.digits())
        ))),
        _ => Ok((main, Some(given))),
    }
}

/// EAN-13, UPC-A and UPC-E: guard bars down into the text, and the add-on.
fn finish_retail(
    mut f: Finished,
    addon: Option<AddOn>,
    opts: &RenderOptions,
) -> CoreResult<Encoded> {
    f.show_by_default = true;
    if let Some(addon) = addon {
        f.bars.0.extend(std::iter::repeat_n(false, ADDON_GAP));
        let start = f.bars.len();
        addon.bars(&mut f.bars);
        f.runs.push(TextRun {
            text: to_text(addon.digits()),
            center: (start + f.bars.len()) as f64 / 2.0,
            above: true,
        });
        f.text = format!("{} {}", f.text, to_text(addon.digits()));
        f.quiet.1 = ADDON_QUIET;
        f.addon = Some(start);
    }
    finish(f, opts)
}

pub fn encode_ean13(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let (data, addon) = split("EAN-13", data, opts)?;
    let d = with_check("EAN-13", digits("EAN-13", data, &[12, 13])?, 13)?;
    let mut bars = Bars::default();
    halves(&mut bars, &d[1..7], &d[7..], EAN13_PARITY[d[0] as usize]);
    // The first digit sits in the quiet zone, left of the guard (it is encoded by the parity).
    let runs = vec![run(&d[..1], -4.0), run(&d[1..7], 24.0), run(&d[7..], 71.0)];
    let f = Finished {
        bars,
        text: to_text(&d),
        quiet: (11, 7),
        runs,
        guards: vec![0..3, 45..50, 92..95],
        ..Default::default()
    };
    finish_retail(f, addon, opts)
}

pub fn encode_ean8(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    if data.contains([' ', '+']) {
        return Err(CoreError::InvalidData(
            "EAN-8 takes no add-on (GS1 defines add-ons for EAN-13, UPC-A and UPC-E only); send the 7 or 8 digits alone".into(),
        ));
    }
    let d = with_check("EAN-8", digits("EAN-8", data, &[7, 8])?, 8)?;
    let mut bars = Bars::default();
    halves(&mut bars, &d[..4], &d[4..], 0);
    let runs = vec![run(&d[..4], 17.0), run(&d[4..], 50.0)];
    let f = Finished {
        bars,
        text: to_text(&d),
        quiet: (7, 7),
        runs,
        guards: vec![0..3, 31..36, 64..67],
        ..Default::default()
    };
    finish_retail(f, None, opts)
}

pub fn encode_upca(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let (data, addon) = split("UPC-A", data, opts)?;
    let d = with_check("UPC-A", digits("UPC-A", data, &[11, 12])?, 12)?;
    let mut bars = Bars::default();
    halves(&mut bars, &d[..6], &d[6..], 0);
    // The number system and check digits sit outside, and their bars are as long as the guards'.
    let runs = vec![
        run(&d[..1], -4.0),
        run(&d[1..6], 27.5),
        run(&d[6..11], 67.5),
        run(&d[11..], 99.0),
    ];
    let f = Finished {
        bars,
        text: to_text(&d),
        quiet: (9, 9),
        runs,
        guards: vec![0..10, 45..50, 85..95],
        ..Default::default()
    };
    finish_retail(f, addon, opts)
}
/// The UPC-A number (11 digits, no check digit) that UPC-E digits stand for.
pub fn upce_to_upca(ns: u8, e: &[u8]) -> Vec<u8> {
    let mut a = vec![ns];
    let (d1, d2, d3, d4, d5, d6) = (e[0], e[1], e[2], e[3], e[4], e[5]);
    match d6 {
        0..=2 => a.extend([d1, d2, d6, 0, 0, 0, 0, d3, d4, d5]),
        3 => a.extend([d1, d2, d3, 0, 0, 0, 0, 0, d4, d5]),
        4 => a.extend([d1, d2, d3, d4, 0, 0, 0, 0, 0, d5]),
        _ => a.extend([d1, d2, d3, d4, d5, 0, 0, 0, 0, d6]),
    }
    a
}

/// The six UPC-E digits for an 11-digit UPC-A number, if it compresses.
pub fn upca_to_upce(a: &[u8]) -> Option<[u8; 6]> {
    if a.len() != 11 || a[0] > 1 {
        return None;
    }
    let (m, p) = (&a[1..6], &a[6..11]);
    let candidates = [
        [m[0], m[1], p[2], p[3], p[4], m[2]],
        [m[0], m[1], m[2], p[3], p[4], 3],
        [m[0], m[1], m[2], m[3], p[4], 4],
        [m[0], m[1], m[2], m[3], m[4], p[4]],
    ];
    candidates.into_iter().find(|e| upce_to_upca(a[0], e) == a)
}

pub fn encode_upce(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let (data, addon) = split("UPC-E", data, opts)?;
    let d = digits("UPC-E", data, &[6, 7, 8, 11, 12])?;
    let (ns, six, given_check) = match d.len() {
        6 => (0, d.clone(), None),
        7 => (d[0], d[1..].to_vec(), None),
        8 => (d[0], d[1..7].to_vec(), Some(d[7])),
        _ => {
            let a = with_check("UPC-A", d.clone(), 12)?;
            let e = upca_to_upce(&a[..11]).ok_or_else(|| {
                CoreError::InvalidData(format!(
                    "UPC-A number {} cannot be compressed to UPC-E (it needs number system 0 or 1 and a manufacturer/product code with enough zeros)",
                    to_text(&a)
                ))
            })?;
            (a[0], e.to_vec(), Some(a[11]))
        }
    };
    if ns > 1 {
        return Err(CoreError::InvalidData(format!(
            "UPC-E number system must be 0 or 1, got {ns}"
        )));
    }
    let a = upce_to_upca(ns, &six);
    let full = with_check("UPC-E", a.iter().copied().chain(given_check).collect(), 12)?;
    let check = full[11];
    let mut parity = UPCE_PARITY[check as usize];
    if ns == 1 {
        parity = !parity & 0x3F;
    }
    let mut bars = Bars::default();
    bars.bits(0b101, 3);
    for (i, &dg) in six.iter().enumerate() {
        let even = (parity >> (5 - i)) & 1 == 1;
        bars.bits(if even { g(dg) } else { L[dg as usize] }, 7);
    }
    bars.bits(0b010101, 6);
    let mut text = vec![ns];
    text.extend(&six);
    text.push(check);
    let runs = vec![run(&[ns], -4.0), run(&six, 24.0), run(&[check], 55.0)];
    let f = Finished {
        bars,
        text: to_text(&text),
        quiet: (9, 7),
        runs,
        guards: vec![0..3, 45..51],
        ..Default::default()
    };
    finish_retail(f, addon, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upce_round_trips_through_upca() {
        for e in [
            [1, 2, 3, 4, 5, 0],
            [4, 2, 5, 2, 6, 1],
            [1, 2, 3, 4, 5, 3],
            [1, 2, 3, 4, 5, 4],
            [1, 2, 3, 4, 5, 7],
        ] {
            let a = upce_to_upca(0, &e);
            assert_eq!(upca_to_upce(&a), Some(e), "{a:?}");
        }
        // 012345678905 has no zeros to drop.
        assert_eq!(upca_to_upce(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]), None);
    }

    #[test]
    fn addon_parity_follows_the_standard() {
        let p = |s| AddOn::parse("options.addon", s).unwrap().parity();
        // 3*(5+4+5) + 9*(2+9) = 141, so check value 1: G L G L L.
        assert_eq!(p("52495"), 0b10100);
        // EAN-2: the value modulo 4, 34 % 4 = 2: G L.
        assert_eq!(p("34"), 0b10);
        assert_eq!(p("00"), 0b00);
        let mut bars = Bars::default();
        AddOn::parse("data", "12").unwrap().bars(&mut bars);
        assert_eq!(bars.len(), 4 + 7 + 2 + 7);
    }

    #[test]
    fn addon_comes_from_data_or_options_once() {
        let opts = |addon: Option<&str>| RenderOptions {
            addon: addon.map(|a| AddOn::parse("options.addon", a).unwrap()),
            ..Default::default()
        };
        let (main, a) = split("EAN-13", "9781234567897 51299", &opts(None)).unwrap();
        assert_eq!(
            (main, a.map(|a| a.digits().to_vec())),
            ("9781234567897", Some(vec![5, 1, 2, 9, 9]))
        );
        assert!(split("EAN-13", "9781234567897+51299", &opts(Some("51299"))).is_ok());
        let err = split("EAN-13", "9781234567897 51299", &opts(Some("12"))).unwrap_err();
        assert!(err.to_string().contains("options.addon is 12"), "{err}");
        for bad in ["123", "1", "12a45", "", "12 34"] {
            let err = split("EAN-13", &format!("9781234567897 {bad}"), &opts(None)).unwrap_err();
            assert_eq!(err.code(), "INVALID_DATA", "{bad}");
            assert!(
                err.to_string()
                    .contains("2 digits (EAN-2) or 5 digits (EAN-5)"),
                "{err}"
            );
        }
        let err = AddOn::parse("options.addon", "1234").unwrap_err();
        assert!(err.to_string().starts_with("options.addon:"), "{err}");
        let err = encode_ean8("95012346 12", &opts(None)).unwrap_err();
        assert!(err.to_string().contains("EAN-8 takes no add-on"), "{err}");
    }

    #[test]
    fn g_is_r_reversed() {
        assert_eq!(g(0), 0b0100111);
        assert_eq!(r(0), 0b1110010);
    }
}
