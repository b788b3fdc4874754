//! GS1 Digital Link: a web URI that carries GS1 identifiers, built from
//! element strings (`(01)09506000134352(10)ABC(17)270101`) or checked from a
//! URI, and encoded in a QR Code (or Data Matrix). Following the GS1 Digital
//! Link standard (URI syntax 1.2): one primary key and its key qualifiers
//! in the path, in the order the standard gives, every other element as a
//! query parameter, values percent-encoded; GTINs written as 14 digits.
use super::gs1::{element, Element, Gs1};
use super::{datamatrix, qr, Encoded};
use crate::error::{CoreError, CoreResult};
use crate::facts::Range;
use crate::options::{clip, LinkSymbol, RenderOptions};

/// Characters of `options.resolver`.
pub const RESOLVER_LENGTH: Range = Range::new(1, 120);
const RESOLVER_MAX: usize = RESOLVER_LENGTH.max as usize;

/// The resolver GS1 runs, used when `options.resolver` is not given.
pub const DEFAULT_RESOLVER: &str = "https://id.gs1.org";

/// Primary keys and, for each, the key qualifiers it takes: each list is
/// one order the path may follow, any of its qualifiers left out.
const KEYS: &[(&str, &str, &[&[&str]])] = &[
    ("01", "GTIN", &[&["22", "10", "21"], &["235"]]),
    ("00", "SSCC", &[]),
    ("414", "GLN", &[&["254"], &["7040"]]),
    ("417", "party GLN", &[&["7040"]]),
    ("8006", "ITIP", &[&["22", "10", "21"]]),
    ("8004", "GIAI", &[]),
    ("8003", "GRAI", &[]),
    ("253", "GDTI", &[]),
    ("255", "GCN", &[]),
    ("401", "GINC", &[]),
    ("402", "GSIN", &[]),
    ("8010", "CPID", &[&["8011"]]),
    ("8013", "GMN", &[]),
    ("8017", "GSRN (provider)", &[&["8019"]]),
    ("8018", "GSRN (recipient)", &[&["8019"]]),
];

fn is_key(ai: &str) -> bool {
    KEYS.iter().any(|k| k.0 == ai)
}

/// The qualifier orders the key `ai` takes (none if it is not a key).
fn orders(ai: &str) -> &'static [&'static [&'static str]] {
    KEYS.iter().find(|k| k.0 == ai).map_or(&[], |k| k.2)
}

/// The keys `ai` qualifies, e.g. "(01) or (8006)", if it is a qualifier at all.
fn qualifies(ai: &str) -> Option<String> {
    let keys: Vec<String> = KEYS
        .iter()
        .filter(|k| k.2.iter().any(|order| order.contains(&ai)))
        .map(|k| format!("({})", k.0))
        .collect();
    (!keys.is_empty()).then(|| keys.join(" or "))
}

fn bad(msg: String) -> CoreError {
    CoreError::InvalidData(msg)
}

/// A resolver origin and optional path, kept inline so that options stay
/// `Copy` and hashable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resolver {
    len: u8,
    bytes: [u8; RESOLVER_MAX],
}

impl Resolver {
    /// `http(s)://host[:port][/path]`, without query or fragment; a trailing
    /// `/` is dropped.
    pub fn parse(s: &str) -> CoreResult<Resolver> {
        let refuse =
            |why: &str| CoreError::option("options.resolver", format!("{why}, got {:?}", clip(s)));
        let trimmed = s.strip_suffix('/').unwrap_or(s);
        if trimmed.is_empty() || trimmed.len() > RESOLVER_MAX {
            return Err(refuse(&format!(
                "must be a URL of 1 to {RESOLVER_MAX} characters like {DEFAULT_RESOLVER}"
            )));
        }
        let (_, rest) =
            scheme(trimmed).ok_or_else(|| refuse("must start with https:// or http://"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if !valid_host(host) {
            return Err(refuse(
                "must name a host (letters, digits, '-' and '.', with an optional :port)",
            ));
        }
        if !path.bytes().all(|b| b == b'/' || unreserved(b)) || path.contains("//") {
            return Err(refuse(
                "may have a path of letters, digits and -._~ only, with no query or fragment",
            ));
        }
        let mut bytes = [0; RESOLVER_MAX];
        bytes[..trimmed.len()].copy_from_slice(trimmed.as_bytes());
        Ok(Resolver {
            len: trimmed.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (checked in `parse`).
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or(DEFAULT_RESOLVER)
    }
}

fn scheme(s: &str) -> Option<(&str, &str)> {
    ["https://", "http://"].into_iter().find_map(|p| {
        s.get(..p.len())
            .filter(|h| h.eq_ignore_ascii_case(p))
            .map(|_| (p, &s[p.len()..]))
    })
}

fn valid_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let labels_ok = name.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    port_ok && labels_ok
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// RFC 3986 percent-encoding of everything but unreserved characters, as
/// the Digital Link standard asks of AI values.
fn encode_value(out: &mut String, v: &str) {
    for b in v.bytes() {
        if unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

fn decode_value(v: &str, what: &str) -> CoreResult<String> {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = v
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(b) = hex else {
                return Err(bad(format!(
                    "{what} has a '%' not followed by two hex digits"
                )));
            };
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| bad(format!("{what} percent-encodes bytes that are not UTF-8")))
}

/// A Digital Link taken apart: where it resolves, its key and qualifiers in
/// path order, the other elements, and any non-GS1 query parameters.
struct Link {
    base: String,
    path: Vec<Element>,
    attributes: Vec<Element>,
    extra: Vec<String>,
}

impl Link {
    /// From element strings: the qualifiers are put in the standard's order.
    fn from_elements(data: &str, resolver: &str) -> CoreResult<Link> {
        let gs1 = Gs1::parse(data)?;
        let mut keys = gs1.elements.iter().filter(|e| is_key(&e.ai));
        let primary = keys.next().ok_or_else(no_key)?.clone();
        if let Some(second) = keys.next() {
            return Err(bad(format!(
                "a GS1 Digital Link has one primary key, but ({}) and ({}) are both keys",
                primary.ai, second.ai
            )));
        }
        duplicates(&gs1.elements)?;
        let orders = orders(&primary.ai);
        let qualifiers: Vec<&Element> = gs1
            .elements
            .iter()
            .filter(|e| orders.iter().any(|o| o.contains(&e.ai.as_str())))
            .collect();
        let none: &[&str] = &[];
        let order = orders
            .iter()
            .copied()
            .find(|o| qualifiers.iter().all(|q| o.contains(&q.ai.as_str())))
            .or(qualifiers.is_empty().then_some(none))
            .ok_or_else(|| {
                let names: Vec<String> = qualifiers.iter().map(|q| format!("({})", q.ai)).collect();
                bad(format!(
                    "({}) takes the key qualifiers {} in one path, not all of them together",
                    primary.ai,
                    names.join(" and ")
                ))
            })?;
        let mut path = vec![primary.clone()];
        for ai in order.iter() {
            path.extend(
                qualifiers
                    .iter()
                    .filter(|q| q.ai == *ai)
                    .map(|q| (*q).clone()),
            );
        }
        let attributes = gs1
            .elements
            .iter()
            .filter(|e| !path.iter().any(|p| p.ai == e.ai))
            .cloned()
            .collect();
        let link = Link {
            base: resolver.to_string(),
            path,
            attributes,
            extra: Vec::new(),
        };
        link.stray_qualifiers()?;
        Ok(link)
    }

    /// From a URI: checked and rewritten in its canonical form, keeping its
    /// own resolver and path prefix.
    fn from_uri(data: &str) -> CoreResult<Link> {
        if data.contains('#') {
            return Err(bad("a GS1 Digital Link URI has no fragment ('#')".into()));
        }
        if let Some(c) = data.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(bad(format!(
                "a URI has no {}; percent-encode it",
                super::linear::describe(c)
            )));
        }
        let (scheme, rest) = scheme(data)
            .ok_or_else(|| bad("a GS1 Digital Link URI starts with https:// or http://".into()))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if !valid_host(host) {
            return Err(bad(format!(
                "the URI's host {:?} is not a valid host name",
                clip(host)
            )));
        }
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        // The prefix before the key may be any path the resolver uses.
        let start = segments
            .iter()
            .enumerate()
            .position(|(i, s)| is_key(s) && (segments.len() - i).is_multiple_of(2))
            .ok_or_else(no_key)?;
        let mut base = format!(
            "{}{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        );
        for s in &segments[..start] {
            base.push('/');
            base.push_str(s);
        }
        let mut path = Vec::new();
        for pair in segments[start..].chunks(2) {
            let (ai, raw) = (pair[0], pair[1]);
            let what = format!("the value of /{}/", clip(ai));
            let mut value = decode_value(raw, &what)?;
            if ai == "01" && [8, 12, 13].contains(&value.len()) {
                value = format!("{value:0>14}");
            }
            path.push(element(ai, &value)?);
        }
        let (primary, qualifiers) = path.split_first().ok_or_else(no_key)?;
        let orders = orders(&primary.ai);
        let ais: Vec<&str> = qualifiers.iter().map(|q| q.ai.as_str()).collect();
        if !orders.iter().any(|o| in_order(&ais, o)) {
            let allowed: Vec<String> = orders.iter().map(|o| o.join("/")).collect();
            return Err(bad(format!(
                "after /{}/ the path takes key qualifiers in the order {}, got /{}",
                primary.ai,
                if allowed.is_empty() {
                    "(none)".to_string()
                } else {
                    allowed.join(" or ")
                },
                ais.join("/")
            )));
        }
        let mut attributes = Vec::new();
        let mut extra = Vec::new();
        for param in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = param.split_once('=').unwrap_or((param, ""));
            if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) {
                let value = decode_value(v, &format!("the value of {}=", clip(k)))?;
                attributes.push(element(k, &value)?);
            } else {
                let ok = |s: &str| {
                    s.bytes()
                        .all(|b| unreserved(b) || b"%:@/!$'()*+,;".contains(&b))
                };
                if k.is_empty() || !ok(k) || !ok(v) {
                    return Err(bad(format!(
                        "the query parameter {:?} may hold letters, digits, -._~:@/!$'()*+,; and %XX only",
                        clip(param)
                    )));
                }
                decode_value(param, "a query parameter")?;
                extra.push(param.to_string());
            }
        }
        let mut all = path.clone();
        all.extend(attributes.iter().cloned());
        duplicates(&all)?;
        if let Some(k) = attributes.iter().find(|a| is_key(&a.ai)) {
            return Err(bad(format!(
                "({}) is a primary key; a GS1 Digital Link has one, in the path: /{}/",
                k.ai, primary.ai
            )));
        }
        let link = Link {
            base,
            path,
            attributes,
            extra,
        };
        link.stray_qualifiers()?;
        Ok(link)
    }

    /// A qualifier of another key (a serial number beside an SSCC) has no
    /// meaning as a query parameter.
    fn stray_qualifiers(&self) -> CoreResult<()> {
        for a in &self.attributes {
            if let Some(keys) = qualifies(&a.ai) {
                return Err(bad(format!(
                    "({}) is a key qualifier of {keys}, not of ({})",
                    a.ai, self.path[0].ai
                )));
            }
        }
        Ok(())
    }

    fn uri(&self) -> String {
        let mut s = self.base.clone();
        for e in &self.path {
            s.push('/');
            s.push_str(&e.ai);
            s.push('/');
            encode_value(&mut s, &e.value);
        }
        let params = self
            .attributes
            .iter()
            .map(|e| {
                let mut p = format!("{}=", e.ai);
                encode_value(&mut p, &e.value);
                p
            })
            .chain(self.extra.iter().cloned());
        for (i, p) in params.enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&p);
        }
        s
    }
}

fn in_order(given: &[&str], order: &[&str]) -> bool {
    let mut rest = order.iter();
    given.iter().all(|g| rest.any(|o| o == g))
}

fn duplicates(elements: &[Element]) -> CoreResult<()> {
    for (i, e) in elements.iter().enumerate() {
        if elements[..i].iter().any(|p| p.ai == e.ai) {
            return Err(bad(format!("({}) is given twice", e.ai)));
        }
    }
    Ok(())
}

fn no_key() -> CoreError {
    let names: Vec<String> = KEYS
        .iter()
        .map(|(ai, name, _)| format!("({ai}) {name}"))
        .collect();
    bad(format!(
        "a GS1 Digital Link needs a primary key: one of {}",
        names.join(", ")
    ))
}

/// The canonical Digital Link URI for `data`.
pub fn uri(data: &str, opts: &RenderOptions) -> CoreResult<String> {
    if data.is_empty() {
        return Err(CoreError::EmptyData);
    }
    let link = if data.starts_with('(') {
        let resolver = opts
            .resolver
            .as_ref()
            .map_or(DEFAULT_RESOLVER, |r| r.as_str());
        Link::from_elements(data, resolver)?
    } else if scheme(data).is_some() {
        Link::from_uri(data)?
    } else {
        return Err(bad(
            "GS1 Digital Link data must be element strings like (01)09506000134352(10)ABC or a URI like https://id.gs1.org/01/09506000134352".into(),
        ));
    };
    Ok(link.uri())
}

pub fn encode(data: &str, opts: &RenderOptions) -> CoreResult<Encoded> {
    let uri = uri(data, opts)?;
    let mut encoded = match opts.symbol.unwrap_or(LinkSymbol::Qr) {
        LinkSymbol::Qr => Encoded::from(qr::encode(&uri, opts)?),
        LinkSymbol::Datamatrix => datamatrix::encode(&uri, opts)?,
    };
    encoded.symbol.meta.text = Some(uri);
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(data: &str) -> CoreResult<String> {
        uri(data, &RenderOptions::default())
    }

    #[test]
    fn builds_uris_from_element_strings_in_the_standard_order() {
        for (data, want) in [
            (
                "(01)09506000134352(10)ABC(17)270101",
                "https://id.gs1.org/01/09506000134352/10/ABC?17=270101",
            ),
            (
                "(21)A/B%1(17)270101(10)L1(01)0950600013435",
                "https://id.gs1.org/01/09506000134352/10/L1/21/A%2FB%251?17=270101",
            ),
            (
                "(00)106141411234567897",
                "https://id.gs1.org/00/106141411234567897",
            ),
            (
                "(414)9506000000008(254)A1",
                "https://id.gs1.org/414/9506000000008/254/A1",
            ),
            (
                "(01)09506000134352(3103)000195(15)261231",
                "https://id.gs1.org/01/09506000134352?3103=000195&15=261231",
            ),
            (
                "(253)9506000000008ABC",
                "https://id.gs1.org/253/9506000000008ABC",
            ),
        ] {
            assert_eq!(link(data).unwrap(), want, "{data}");
        }
    }

    #[test]
    fn checks_and_canonicalises_uris() {
        for (data, want) in [
            (
                "https://example.com/01/9506000134352/10/ABC?17=270101",
                "https://example.com/01/09506000134352/10/ABC?17=270101",
            ),
            (
                "https://id.gs1.org/8006/095060001343521234/21/7?linkType=gs1:pip",
                "https://id.gs1.org/8006/095060001343521234/21/7?linkType=gs1:pip",
            ),
            (
                "https://id.gs1.org/01/09506000134352?3103=000195&linkType=all",
                "https://id.gs1.org/01/09506000134352?3103=000195&linkType=all",
            ),
        ] {
            assert_eq!(link(data).unwrap(), want, "{data}");
        }
        assert_eq!(
            link("HTTPS://Example.COM/shop/01/09506000134352/21/A%2fB?linkType=all").unwrap(),
            "https://example.com/shop/01/09506000134352/21/A%2FB?linkType=all"
        );
    }

    #[test]
    fn refuses_what_the_standard_does_not_allow() {
        let msg = |d: &str| link(d).unwrap_err().to_string();
        assert!(msg("(01)09506000134353").contains("check digit should be 2"));
        assert!(msg("(10)ABC(17)270101").contains("needs a primary key"));
        assert!(msg("(01)09506000134352(00)106141411234567897").contains("one primary key"));
        assert!(msg("(01)09506000134352(235)X(10)A").contains("not all of them together"));
        let stray = msg("(00)106141411234567897(21)X");
        assert!(stray.contains("key qualifier of (01) or (8006)"), "{stray}");
        assert!(msg("(01)09506000134352(10)A(10)B").contains("given twice"));
        assert!(
            msg("https://id.gs1.org/01/09506000134352/21/X/10/A").contains("in the order 22/10/21")
        );
        assert!(msg("https://id.gs1.org/01/09506000134352/10/A%G1").contains("two hex digits"));
        assert!(msg("https://id.gs1.org/01/09506000134352#x").contains("fragment"));
        assert!(msg("https://id.gs1.org/gtin/09506000134352").contains("needs a primary key"));
        assert!(
            msg("https://id.gs1.org/01/09506000134352?00=106141411234567897")
                .contains("one, in the path")
        );
        assert!(msg("https://id gs1.org/01/09506000134352").contains("percent-encode"));
        assert!(msg("ftp://x/01/09506000134352").contains("element strings"));
        assert!(msg("https://id.gs1.org/01/09506000134352?x=<b>").contains("query parameter"));
    }

    #[test]
    fn takes_a_resolver_and_refuses_a_bad_one() {
        let opts = RenderOptions {
            resolver: Some(Resolver::parse("https://qr.example.com:8443/r/").unwrap()),
            ..RenderOptions::default()
        };
        assert_eq!(
            uri("(01)09506000134352", &opts).unwrap(),
            "https://qr.example.com:8443/r/01/09506000134352"
        );
        for bad in [
            "id.gs1.org",
            "https://",
            "https://a b",
            "https://x.org/?q",
            "javascript:alert(1)",
            "https://x.org/a#b",
            "https://-x.org",
        ] {
            let e = Resolver::parse(bad).unwrap_err().to_string();
            assert!(e.contains("options.resolver"), "{bad}: {e}");
        }
        assert!(Resolver::parse(&format!("https://{}.org", "a".repeat(200))).is_err());
    }
}
