//! GS1 element strings in bracketed form, `(01)09501101530003(10)ABC`:
//! application identifiers checked against a table of the common ones,
//! GTIN/SSCC/GLN check digits computed or verified, and the data stream
//! with FNC1 separators that GS1-128 and GS1 DataMatrix carry.
use super::linear::{describe, mod10};
use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Exactly this many digits; `check` means the last one is a mod-10 check digit.
    Fixed { len: usize, check: bool },
    /// Up to this many digits.
    Numeric(usize),
    /// Up to this many characters of GS1's 82-character set.
    Alnum(usize),
    /// YYMMDD.
    Date,
    /// An ISO 4217 numeric currency code (3 digits), then 1 to this many digits.
    Currency(usize),
    /// `len` digits ending in a mod-10 check digit, then `min` to `max`
    /// more: digits when `numeric`, else GS1 characters (GDTI, GCN, GRAI, ITIP).
    Keyed {
        len: usize,
        min: usize,
        max: usize,
        numeric: bool,
    },
}

use Kind::*;

/// The AI's table entry, or `None` if unknown.
fn kind(ai: &str) -> Option<Kind> {
    Some(match ai {
        "00" => Fixed {
            len: 18,
            check: true,
        },
        "01" | "02" => Fixed {
            len: 14,
            check: true,
        },
        "10" | "21" | "22" | "254" | "420" => Alnum(20),
        "235" => Alnum(28),
        "7040" => Alnum(4),
        "8004" | "8010" => Alnum(30),
        // North American coupon codes (DataBar Expanded Stacked on coupons).
        "8110" | "8112" => Alnum(70),
        "8013" => Alnum(25),
        "8011" => Numeric(12),
        "8019" => Numeric(10),
        "402" => Fixed {
            len: 17,
            check: true,
        },
        "253" => Keyed {
            len: 13,
            min: 0,
            max: 17,
            numeric: false,
        },
        "255" => Keyed {
            len: 13,
            min: 0,
            max: 12,
            numeric: true,
        },
        "8003" => Keyed {
            len: 14,
            min: 0,
            max: 16,
            numeric: false,
        },
        "8006" => Keyed {
            len: 14,
            min: 4,
            max: 4,
            numeric: true,
        },
        "11" | "13" | "15" | "17" => Date,
        "20" => Fixed {
            len: 2,
            check: false,
        },
        "30" | "37" => Numeric(8),
        "400" | "401" => Alnum(30),
        "410" | "411" | "412" | "413" | "414" | "415" | "416" | "417" => Fixed {
            len: 13,
            check: true,
        },
        "8017" | "8018" => Fixed {
            len: 18,
            check: true,
        },
        "90" => Alnum(30),
        "91" | "92" | "93" | "94" | "95" | "96" | "97" | "98" | "99" => Alnum(90),
        _ if ai.len() == 4 && ("3100".."3700").contains(&ai) => Fixed {
            len: 6,
            check: false,
        },
        // Amount payable or coupon value, the last AI digit placing the decimal point
        // (392n), and the same with its ISO 4217 currency (393n).
        _ if ai.len() == 4 && ai.starts_with("392") => Numeric(15),
        _ if ai.len() == 4 && ai.starts_with("393") => Currency(15),
        _ => return None,
    })
}

/// AIs whose length is predefined by their first two digits (GS1 General
/// Specifications 7.8.5): no separator follows them.
fn predefined(ai: &str) -> bool {
    matches!(
        &ai[..2],
        "00" | "01"
            | "02"
            | "03"
            | "04"
            | "11"
            | "12"
            | "13"
            | "14"
            | "15"
            | "16"
            | "17"
            | "18"
            | "19"
            | "20"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "41"
    )
}

fn gs1_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub ai: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gs1 {
    pub elements: Vec<Element>,
}

fn bad(msg: String) -> CoreError {
    CoreError::InvalidData(msg)
}

impl Gs1 {
    /// Parses and validates `(AI)value(AI)value...`.
    pub fn parse(data: &str) -> CoreResult<Gs1> {
        if data.is_empty() {
            return Err(CoreError::EmptyData);
        }
        if !data.starts_with('(') {
            return Err(bad(
                "GS1 data must be element strings like (01)09501101530003(10)ABC123, starting with '('".into(),
            ));
        }
        let mut elements = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            let close = rest
                .find(')')
                .ok_or_else(|| bad("GS1 data has a '(' without its ')'".into()))?;
            let ai = &rest[1..close];
            let after = &rest[close + 1..];
            let end = after.find('(').unwrap_or(after.len());
            let value = &after[..end];
            rest = &after[end..];
            elements.push(element(ai, value)?);
        }
        Ok(Gs1 { elements })
    }

    /// The bracketed form as a reader's HRI shows it, check digits included.
    pub fn hri(&self) -> String {
        let mut s = String::new();
        for e in &self.elements {
            s.push('(');
            s.push_str(&e.ai);
            s.push(')');
            s.push_str(&e.value);
        }
        s
    }

    /// The data after FNC1 in first position: AIs and values, with `sep`
    /// after every variable-length element that is not last.
    pub fn stream<T>(&self, byte: impl Fn(u8) -> T, sep: T) -> Vec<T>
    where
        T: Clone,
    {
        let mut out = Vec::new();
        for (i, e) in self.elements.iter().enumerate() {
            out.extend(e.ai.bytes().chain(e.value.bytes()).map(&byte));
            if i + 1 < self.elements.len() && !predefined(&e.ai) {
                out.push(sep.clone());
            }
        }
        out
    }
}

/// One element, validated as `Gs1::parse` does; check digits left out are
/// added where the value is only the digits before them.
pub fn element(ai: &str, value: &str) -> CoreResult<Element> {
    if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "GS1 application identifier ({}) must be 2 to 4 digits",
            crate::options::clip(ai)
        )));
    }
    let k = kind(ai).ok_or_else(|| {
        bad(format!(
            "GS1 application identifier ({ai}) is not supported"
        ))
    })?;
    if value.is_empty() {
        return Err(bad(format!("GS1 ({ai}) has no value")));
    }
    for (i, c) in value.chars().enumerate() {
        let numeric = match k {
            Alnum(_) => false,
            Keyed { len, numeric, .. } => i < len || numeric,
            _ => true,
        };
        let ok = if numeric {
            c.is_ascii_digit()
        } else {
            gs1_char(c)
        };
        if !ok {
            let class = if numeric {
                "digits"
            } else {
                "GS1 characters (A-Z a-z 0-9 and !\"%&'()*+,-./:;<=>?_)"
            };
            return Err(bad(format!(
                "GS1 ({ai}) takes only {class}; {} at position {} of its value is not allowed",
                describe(c),
                i + 1
            )));
        }
    }
    let n = value.chars().count();
    let mut value = value.to_string();
    match k {
        Fixed { len, check } => {
            if check && n + 1 == len {
                let d: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
                value.push((b'0' + mod10(&d)) as char);
            } else if n != len {
                return Err(bad(format!(
                    "GS1 ({ai}) takes exactly {len} digits, got {n}"
                )));
            } else if check {
                let d: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
                let expected = mod10(&d[..len - 1]);
                if d[len - 1] != expected {
                    return Err(bad(format!(
                        "GS1 ({ai}) check digit should be {expected}, got {}",
                        d[len - 1]
                    )));
                }
            }
        }
        Date => {
            if n != 6 {
                return Err(bad(format!(
                    "GS1 ({ai}) takes a date as YYMMDD (6 digits), got {n}"
                )));
            }
            let month: u32 = value[2..4].parse().unwrap_or(0);
            let day: u32 = value[4..6].parse().unwrap_or(99);
            if !(1..=12).contains(&month) || day > 31 {
                return Err(bad(format!(
                    "GS1 ({ai}) date {value} is not a valid YYMMDD"
                )));
            }
        }
        Keyed { len, min, max, .. } => {
            let d: Vec<u8> = value.bytes().take(len).map(|b| b - b'0').collect();
            if n < len + min || n > len + max {
                let tail = if min == max {
                    format!("{max}")
                } else {
                    format!("{min} to {max}")
                };
                return Err(bad(format!(
                    "GS1 ({ai}) takes {len} digits (the last a check digit) and then {tail} more, got {n} characters"
                )));
            }
            let expected = mod10(&d[..len - 1]);
            if d[len - 1] != expected {
                return Err(bad(format!(
                    "GS1 ({ai}) check digit (character {len}) should be {expected}, got {}",
                    d[len - 1]
                )));
            }
        }
        Currency(max) => {
            if !(4..=3 + max).contains(&n) {
                return Err(bad(format!(
                    "GS1 ({ai}) takes a 3-digit ISO 4217 currency code and then 1 to {max} digits, got {n} digits"
                )));
            }
        }
        Numeric(max) | Alnum(max) => {
            if n > max {
                return Err(bad(format!(
                    "GS1 ({ai}) holds at most {max} characters, got {n}"
                )));
            }
        }
    }
    Ok(Element {
        ai: ai.to_string(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_completes_check_digits() {
        let g = Gs1::parse("(01)0950110153000(17)251231(10)ABC123(21)X").unwrap();
        assert_eq!(g.hri(), "(01)09501101530003(17)251231(10)ABC123(21)X");
        let s = g.stream(|b| b as u16, 29);
        let text: String = s
            .iter()
            .map(|&b| if b == 29 { '|' } else { b as u8 as char })
            .collect();
        assert_eq!(text, "01095011015300031725123110ABC123|21X");
    }

    #[test]
    fn takes_prices_with_and_without_currency() {
        for (data, stream) in [
            ("(01)90012345678908(3922)795", "01900123456789083922795"),
            (
                "(3920)1(3939)9781(8110)10614141011111275110111",
                "39201|39399781|811010614141011111275110111",
            ),
            (
                "(3925)123456789012345(3935)978123456789012345",
                "3925123456789012345|3935978123456789012345",
            ),
        ] {
            let s: String = Gs1::parse(data)
                .unwrap()
                .stream(|b| b as char, '|')
                .into_iter()
                .collect();
            assert_eq!(s, stream, "{data}");
        }
    }

    #[test]
    fn rejects_bad_elements_with_clear_messages() {
        let msg = |d: &str| Gs1::parse(d).unwrap_err().to_string();
        assert_eq!(
            msg("(01)09501101530004"),
            "GS1 (01) check digit should be 3, got 4"
        );
        assert!(msg("(01)123").contains("exactly 14 digits"));
        assert!(msg("(10)AB#C").contains("'#' at position 3"));
        assert!(msg("(17)251331").contains("not a valid YYMMDD"));
        assert!(msg("(555)1").contains("not supported"));
        assert!(msg("01123").contains("starting with '('"));
        assert!(msg("(10)").contains("no value"));
        assert!(msg("(10)123456789012345678901").contains("at most 20"));
        assert!(msg("(3103)12345A").contains("takes only digits"));
        assert!(msg("(3932)978").contains("currency code and then 1 to 15 digits, got 3"));
        assert!(msg("(3932)A781").contains("takes only digits; 'A' at position 1"));
        assert!(msg("(3922)1234567890123456").contains("at most 15"));
        assert!(msg("(392)1").contains("not supported"));
        assert!(msg("(39220)1").contains("2 to 4 digits"));
        assert!(
            Gs1::parse("(00)106141411234567897(3103)000123(8018)123456789012345675(99)x").is_ok()
        );
    }
}
