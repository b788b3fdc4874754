//! A batch's results packed into one byte buffer, so that they cross to
//! JavaScript as one Buffer instead of one object and one string per item:
//! building those on the event loop was a third of its serial time per item.
//!
//! Layout, for `n` items: a header of `n * FIELDS` little-endian `f64`, item
//! `i`'s fields at `i * FIELDS` in the order of `Field::ALL`; then, item
//! after item, each item's body (`body_len` bytes) and metadata JSON
//! (`meta_len` bytes). The body is the SVG text (UTF-8; `Kind::SvgAscii`
//! when it is ASCII, so it can be read as Latin-1), the PNG bytes, or for a
//! failure its code, a newline and its message. The metadata is empty for
//! a failure and when it was not asked for. The header comes first and
//! holds only `f64`s, so it is 8-aligned wherever the buffer starts.
use std::sync::Arc;

use crate::batch::{render_batch_map, Cancel, Items, Outcome, Stopped};
use crate::json::write_metadata;
use crate::options::Format;
use crate::render::{Body, Rendered};

choice!(
    /// One item's header fields, in their order in the header.
    Field, "packed field", {
        /// The item's `Kind`, as its index in `Kind::ALL`.
        Kind => "kind",
        /// 1 if the result came from the cache, else 0.
        Cached => "cached",
        /// Milliseconds the item took, cache look-up included.
        TimeMs => "time_ms",
        /// Bytes of the body.
        BodyLen => "body_len",
        /// Bytes of the metadata JSON.
        MetaLen => "meta_len",
    }
);

impl Field {
    /// Its position in an item's header.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// `f64`s per item in the header.
pub const FIELDS: usize = Field::ALL.len();

choice!(
    /// What an item's body holds.
    Kind, "packed kind", {
        /// SVG text, UTF-8 with characters past ASCII.
        Svg => "svg",
        /// SVG text, all ASCII (readable as Latin-1, which is cheaper in V8).
        SvgAscii => "svg_ascii",
        /// PNG bytes.
        Png => "png",
        /// PDF bytes.
        Pdf => "pdf",
        /// EPS bytes (PostScript text).
        Eps => "eps",
        /// A failure: its code, `\n`, its message.
        Error => "error",
    }
);

impl Kind {
    /// Its value in the header's `kind` field.
    pub const fn index(self) -> usize {
        self as usize
    }

    fn of(r: &Rendered) -> Self {
        match &r.body {
            Body::Svg(s) if s.is_ascii() => Kind::SvgAscii,
            Body::Svg(_) => Kind::Svg,
            Body::Bytes(_) => match r.format {
                Format::Pdf => Kind::Pdf,
                Format::Eps => Kind::Eps,
                _ => Kind::Png,
            },
        }
    }
}

/// One item as the render thread leaves it: its header, the image (shared
/// with the cache, copied once, into the buffer) or the failure text, and
/// the metadata JSON.
struct Item {
    header: [f64; FIELDS],
    image: Option<Arc<Rendered>>,
    text: Vec<u8>,
    meta: Vec<u8>,
}

impl Item {
    fn new(o: Outcome, include_metadata: bool) -> Self {
        let mut header = [0.0; FIELDS];
        header[Field::Cached.index()] = if o.cached { 1.0 } else { 0.0 };
        header[Field::TimeMs.index()] = o.time_ms;
        let (kind, image, text, meta) = match o.result {
            Ok(r) => {
                let mut meta = Vec::new();
                if include_metadata {
                    write_metadata(&mut meta, &r.meta);
                }
                (Kind::of(&r), Some(r), Vec::new(), meta)
            }
            Err(e) => {
                let text = format!("{}\n{e}", e.code()).into_bytes();
                (Kind::Error, None, text, Vec::new())
            }
        };
        header[Field::Kind.index()] = kind.index() as f64;
        header[Field::MetaLen.index()] = meta.len() as f64;
        let mut item = Item {
            header,
            image,
            text,
            meta,
        };
        item.header[Field::BodyLen.index()] = item.body().len() as f64;
        item
    }

    fn body(&self) -> &[u8] {
        match self.image.as_deref().map(|r| &r.body) {
            Some(Body::Svg(s)) => s.as_bytes(),
            Some(Body::Bytes(b)) => b,
            None => &self.text,
        }
    }
}

/// Renders `reqs` as `render_batch_map` does (same threads, cache,
/// cancellation and per-item failures) and packs the results (see the
/// module's documentation). Each item's metadata is written on its render
/// thread; the bodies are copied once, into the packed buffer.
pub fn render_batch_packed<I: Items + ?Sized>(
    reqs: &I,
    max_concurrent: usize,
    include_metadata: bool,
    cancel: &Cancel,
) -> Result<Vec<u8>, Stopped<I::Error>> {
    let items = render_batch_map(reqs, max_concurrent, cancel, |_, o| {
        Item::new(o, include_metadata)
    })?;
    Ok(pack(&items))
}

fn pack(items: &[Item]) -> Vec<u8> {
    let header_len = items.len() * FIELDS * 8;
    let data_len: usize = items.iter().map(|i| i.body().len() + i.meta.len()).sum();
    let mut out = Vec::with_capacity(header_len + data_len);
    for item in items {
        for v in item.header {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for item in items {
        out.extend_from_slice(item.body());
        out.extend_from_slice(&item.meta);
    }
    out
}

/// One item read back from a packed buffer (for tests and other readers in Rust).
#[derive(Debug, Clone, PartialEq)]
pub struct Unpacked<'a> {
    pub kind: Kind,
    pub cached: bool,
    pub time_ms: f64,
    pub body: &'a [u8],
    pub meta: &'a [u8],
}

/// Reads `count` items from `buf`, or `None` if it is not a packed buffer
/// of exactly that many items.
pub fn unpack(buf: &[u8], count: usize) -> Option<Vec<Unpacked<'_>>> {
    let header_len = count.checked_mul(FIELDS * 8)?;
    let header = buf.get(..header_len)?;
    let field = |i: usize, f: Field| {
        let at = (i * FIELDS + f.index()) * 8;
        f64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"))
    };
    let len = |v: f64| (v >= 0.0 && v.fract() == 0.0).then_some(v as usize);
    let mut at = header_len;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let kind = *Kind::ALL.get(len(field(i, Field::Kind))?)?;
        let body_len = len(field(i, Field::BodyLen))?;
        let meta_len = len(field(i, Field::MetaLen))?;
        let body = buf.get(at..at.checked_add(body_len)?)?;
        at += body_len;
        let meta = buf.get(at..at.checked_add(meta_len)?)?;
        at += meta_len;
        out.push(Unpacked {
            kind,
            cached: field(i, Field::Cached) != 0.0,
            time_ms: field(i, Field::TimeMs),
            body,
            meta,
        });
    }
    (at == buf.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render_guarded, RawOptions, Request};

    fn req(format: &str, data: &str, text: Option<&str>) -> Request {
        Request {
            barcode_type: if text.is_some() { "code128" } else { "qr" }.into(),
            data: data.into(),
            format: Some(format.into()),
            options: RawOptions {
                show_text: text.map(|_| true),
                ..Default::default()
            },
        }
    }

    #[test]
    fn names_are_in_the_order_of_their_values() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.index(), i, "{}", f.as_str());
        }
        for (i, k) in Kind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i, "{}", k.as_str());
        }
    }

    #[test]
    fn an_empty_batch_packs_to_nothing() {
        let buf = render_batch_packed(&[][..], 4, true, &Cancel::default()).unwrap();
        assert!(buf.is_empty());
        assert_eq!(unpack(&buf, 0), Some(vec![]));
        assert_eq!(unpack(&buf, 1), None);
    }

    #[test]
    fn items_round_trip_with_their_bodies_and_metadata() {
        let reqs = vec![
            req("svg", "packed svg", None),
            req("png", "packed png", None),
            req("svg", "", None),
            req("svg", "PACKED-é", Some("text")),
            Request {
                barcode_type: "nope".into(),
                data: "x".into(),
                ..Default::default()
            },
            req("png", "packed png", None),
        ];
        for meta in [true, false] {
            let buf = render_batch_packed(&reqs[..], 2, meta, &Cancel::default()).unwrap();
            let items = unpack(&buf, reqs.len()).expect("a packed batch");
            assert_eq!(unpack(&buf, reqs.len() - 1), None);
            assert_eq!(unpack(&buf[..buf.len() - 1], reqs.len()), None);
            let kinds: Vec<_> = items.iter().map(|i| i.kind).collect();
            assert_eq!(kinds[..3], [Kind::SvgAscii, Kind::Png, Kind::Error]);
            assert_eq!(kinds[4..], [Kind::Error, Kind::Png]);
            for (i, (item, r)) in items.iter().zip(&reqs).enumerate() {
                let alone = render_guarded(r);
                match alone.result {
                    Ok(rendered) => {
                        assert_eq!(item.kind, Kind::of(&rendered), "item {i}");
                        let expected: &[u8] = match &rendered.body {
                            Body::Svg(s) => s.as_bytes(),
                            Body::Bytes(b) => b,
                        };
                        assert_eq!(item.body, expected, "item {i}");
                        let mut json = Vec::new();
                        if meta {
                            write_metadata(&mut json, &rendered.meta);
                        }
                        assert_eq!(item.meta, json.as_slice(), "item {i}");
                    }
                    Err(e) => {
                        assert_eq!(item.kind, Kind::Error, "item {i}");
                        let text = std::str::from_utf8(item.body).unwrap();
                        assert_eq!(text, format!("{}\n{e}", e.code()), "item {i}");
                        assert!(item.meta.is_empty());
                        assert!(!item.cached);
                    }
                }
                assert!(item.time_ms >= 0.0 && item.time_ms.is_finite());
            }
            assert!(std::str::from_utf8(items[0].meta)
                .unwrap()
                .starts_with(if meta { "{\"type\":\"qr\"" } else { "" }));
        }
    }

    #[test]
    fn non_ascii_svg_is_marked_so() {
        let o = render_guarded(&Request {
            barcode_type: "code128".into(),
            data: "packed ascii".into(),
            format: None,
            options: RawOptions::default(),
        });
        let r = o.result.unwrap();
        assert_eq!(Kind::of(&r), Kind::SvgAscii);
        let utf8 = Rendered {
            format: crate::Format::Svg,
            body: Body::Svg("<svg>é</svg>".into()),
            meta: r.meta.clone(),
        };
        assert_eq!(Kind::of(&utf8), Kind::Svg);
    }

    #[test]
    fn a_set_cancel_packs_nothing() {
        let cancel = Cancel::default();
        cancel.cancel();
        let reqs = [req("svg", "cancelled", None)];
        assert_eq!(
            render_batch_packed(&reqs[..], 1, false, &cancel),
            Err(Stopped::Cancelled)
        );
    }
}
