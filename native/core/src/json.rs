//! Results written as JSON in the shape of the HTTP batch answer (PNG as
//! base64), on the render threads. A gateway can then send the bytes as they
//! are, instead of building JavaScript objects and stringifying them on its
//! event loop, which cost more than the rendering.
use std::io::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::batch::{render_batch_map, Cancel, Items, Outcome, Stopped};
use crate::render::{Body, Metadata};

/// A batch's results as the items of a JSON array: `json` holds them joined
/// by commas, without brackets, and `ends[i]` is where item `i` ends, so a
/// caller can splice in results of its own.
#[derive(Debug, Default)]
pub struct JsonBatch {
    pub json: Vec<u8>,
    pub ends: Vec<u32>,
    pub successful: u32,
    pub cached: u32,
}

/// Renders `reqs` as `render_batch` does and writes each result with its
/// id from `ids_json` (one per request, each already a JSON string).
pub fn render_batch_json<I: Items + ?Sized>(
    reqs: &I,
    ids_json: &[String],
    max_concurrent: usize,
    include_metadata: bool,
    cancel: &Cancel,
) -> Result<JsonBatch, Stopped<I::Error>> {
    let items = render_batch_map(reqs, max_concurrent, cancel, |i, o| {
        let mut json = Vec::new();
        write_result(
            &mut json,
            ids_json.get(i).map_or("\"\"", String::as_str),
            &o,
            include_metadata,
        );
        (json, o.result.is_ok(), o.cached)
    })?;
    let mut batch = JsonBatch {
        json: Vec::with_capacity(items.iter().map(|(j, ..)| j.len() + 1).sum()),
        ..Default::default()
    };
    for (i, (json, ok, cached)) in items.into_iter().enumerate() {
        if i > 0 {
            batch.json.push(b',');
        }
        batch.json.extend_from_slice(&json);
        batch.ends.push(batch.json.len() as u32);
        batch.successful += ok as u32;
        batch.cached += (ok && cached) as u32;
    }
    Ok(batch)
}

/// Whether `s` is exactly one JSON string, quotes included, as an id must
/// be: it is spliced into the answer as it is. Escapes of lone surrogates
/// (`"\ud800"`) are valid JSON, and `JSON.stringify` writes them.
pub fn is_json_string(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'"' || b[b.len() - 1] != b'"' {
        return false;
    }
    let inner = &b[1..b.len() - 1];
    let mut i = 0;
    while i < inner.len() {
        match inner[i] {
            b'"' | 0..=0x1f => return false,
            b'\\' => match inner.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u')
                    if inner.len() >= i + 6
                        && inner[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit) =>
                {
                    i += 6
                }
                _ => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// Appends one result object. `id_json` is the id already encoded as a JSON
/// string, quotes included: the caller holds the id in its own encoding
/// (UTF-16 in JavaScript) and is the one that can escape it losslessly.
pub fn write_result(out: &mut Vec<u8>, id_json: &str, o: &Outcome, include_metadata: bool) {
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(id_json.as_bytes());
    match &o.result {
        Ok(r) => {
            out.extend_from_slice(b",\"success\":true,\"format\":");
            write_str(out, r.format.as_str());
            match &r.body {
                Body::Svg(svg) => {
                    out.extend_from_slice(b",\"svg\":");
                    write_str(out, svg);
                }
                Body::Bytes(bytes) => {
                    // Base64 under the format's name: "png", "pdf" or "eps".
                    out.push(b',');
                    write_str(out, r.format.as_str());
                    out.extend_from_slice(b":\"");
                    let start = out.len();
                    out.resize(start + bytes.len().div_ceil(3) * 4, 0);
                    let written = STANDARD
                        .encode_slice(bytes, &mut out[start..])
                        .expect("buffer sized for base64");
                    out.truncate(start + written);
                    out.push(b'"');
                }
            }
            out.extend_from_slice(if o.cached {
                b",\"cached\":true"
            } else {
                b",\"cached\":false"
            });
            out.extend_from_slice(b",\"generation_time_ms\":");
            write_f64(out, o.time_ms);
            if include_metadata {
                out.extend_from_slice(b",\"metadata\":");
                write_metadata(out, &r.meta);
            }
        }
        Err(e) => {
            out.extend_from_slice(b",\"success\":false,\"error\":{\"code\":");
            write_str(out, e.code());
            out.extend_from_slice(b",\"message\":");
            write_str(out, &e.to_string());
            out.push(b'}');
        }
    }
    out.push(b'}');
}

/// Appends `m` as a JSON object, its fields in the order of `Metadata`.
pub fn write_metadata(out: &mut Vec<u8>, m: &Metadata) {
    out.extend_from_slice(b"{\"type\":");
    write_str(out, m.barcode_type);
    out.extend_from_slice(b",\"symbology\":");
    write_str(out, m.symbology);
    if let Some(v) = m.version {
        write_u32_field(out, "version", v);
    }
    write_u32_field(out, "modules", m.modules);
    write_u32_field(out, "rows", m.rows);
    write_u32_field(out, "columns", m.columns);
    if let Some(ec) = m.error_correction {
        out.extend_from_slice(b",\"error_correction\":");
        write_str(out, ec.as_str());
    }
    if let Some(level) = m.pdf417_ec_level {
        write_u32_field(out, "pdf417_ec_level", level);
    }
    if let Some(percent) = m.aztec_ec_percent {
        write_u32_field(out, "aztec_ec_percent", percent);
    }
    if let Some(text) = &m.text {
        out.extend_from_slice(b",\"text\":");
        write_str(out, text);
    }
    if let Some(eci) = m.eci {
        write_u32_field(out, "eci", eci);
    }
    let choices = [
        ("bearer", m.bearer.map(|b| b.as_str())),
        ("datamatrix_shape", m.datamatrix_shape.map(|s| s.as_str())),
        ("symbol", m.symbol.map(|s| s.as_str())),
    ];
    for (name, value) in choices {
        if let Some(v) = value {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            write_str(out, v);
        }
    }
    if let Some(segments) = m.databar_segments {
        write_u32_field(out, "databar_segments", segments);
    }
    write_u32_field(out, "width", m.width);
    write_u32_field(out, "height", m.height);
    if let Some(p) = &m.print {
        if let Some(dpi) = p.dpi {
            write_u32_field(out, "dpi", dpi);
        }
        write_f64_field(out, "x_dim_mm", p.x_dim_mm);
        write_f64_field(out, "width_mm", p.width_mm);
        write_f64_field(out, "height_mm", p.height_mm);
        if let Some(mag) = p.magnification {
            write_f64_field(out, "magnification", mag);
        }
    }
    out.push(b'}');
}

fn write_f64_field(out: &mut Vec<u8>, name: &str, v: f64) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    write_f64(out, v);
}

fn write_u32_field(out: &mut Vec<u8>, name: &str, v: u32) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// JSON has no NaN or infinity; a time is never either, but the output must
/// stay valid JSON whatever it is given.
fn write_f64(out: &mut Vec<u8>, v: f64) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{}", if v.is_finite() { v } else { 0.0 });
}

/// Bytes that must be escaped in a JSON string: `"`, `\` and controls.
const ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Appends `s` as a JSON string; everything but `ESCAPE`, UTF-8 included,
/// is copied in runs.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(n) = bytes[start..].iter().position(|&b| ESCAPE[b as usize]) {
        let i = start + n;
        out.extend_from_slice(&bytes[start..i]);
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(c >> 4) as usize],
                HEX[(c & 0xf) as usize],
            ]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Request;
    use crate::{render_guarded, RawOptions};

    fn json_str(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ids_must_be_exactly_one_json_string() {
        for ok in [
            r#""""#,
            r#""a""#,
            r#""a\"b\\c\/\b\f\n\r\t""#,
            r#""\ud800 lone""#,
            r#""\u00e9 é 💥""#,
        ] {
            assert!(is_json_string(ok), "{ok}");
        }
        for bad in [
            "",
            "\"",
            "a",
            r#"1},{"x":2"#,
            r#""a"#,
            r#""a"b""#,
            r#""a","b""#,
            r#""\""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"\n\"",
            r#" "a""#,
        ] {
            assert!(!is_json_string(bad), "{bad}");
        }
        for s in ["a\"b", "\u{0}\u{1f}\n", "é 世界"] {
            assert!(is_json_string(&json_str(s)), "{s}");
        }
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(json_str(""), r#""""#);
        assert_eq!(json_str(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_str("\n\r\t\u{0}\u{1f}"), r#""\n\r\t\u0000\u001f""#);
        assert_eq!(
            json_str("é 世界 \u{2028} </svg>"),
            "\"é 世界 \u{2028} </svg>\""
        );
    }

    fn outcome(format: &str, data: &str) -> Outcome {
        render_guarded(&Request {
            barcode_type: "qr".into(),
            data: data.into(),
            format: Some(format.into()),
            options: RawOptions::default(),
        })
    }

    #[test]
    fn results_carry_the_image_and_metadata() {
        let mut out = Vec::new();
        write_result(&mut out, r#""a\"b""#, &outcome("svg", "json svg"), true);
        let text = String::from_utf8(out).unwrap();
        assert!(text
            .starts_with(r#"{"id":"a\"b","success":true,"format":"svg","svg":"<svg xmlns=\"http"#));
        assert!(text.contains(
            r#","metadata":{"type":"qr","symbology":"QR Code","version":1,"modules":21"#
        ));
        assert!(text.ends_with(r#","width":116,"height":116}}"#), "{text}");

        let o = outcome("png", "json png");
        let Ok(r) = &o.result else { panic!() };
        let Body::Bytes(png) = &r.body else { panic!() };
        let mut out = Vec::new();
        write_result(&mut out, r#""p""#, &o, false);
        let text = String::from_utf8(out).unwrap();
        let b64 = text
            .split(r#""png":""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(STANDARD.decode(b64).unwrap(), *png);
        assert!(!text.contains("metadata"));
    }

    #[test]
    fn failures_carry_code_and_message() {
        let mut out = Vec::new();
        write_result(&mut out, r#""e""#, &outcome("svg", ""), true);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":"e","success":false,"error":{"code":"EMPTY_DATA","message":"data is empty"}}"#
        );
    }

    #[test]
    fn a_batch_joins_items_with_commas_and_marks_their_ends() {
        let reqs: Vec<Request> = ["one", "", "three"]
            .iter()
            .map(|d| Request {
                barcode_type: "qr".into(),
                data: if d.is_empty() {
                    String::new()
                } else {
                    format!("batch json {d}")
                },
                format: None,
                options: RawOptions::default(),
            })
            .collect();
        let ids: Vec<String> = ["\"a\"", "\"b\"", "\"c\""].map(String::from).to_vec();
        let batch = render_batch_json(&reqs[..], &ids, 2, false, &Cancel::default()).unwrap();
        assert_eq!(batch.ends.len(), 3);
        assert_eq!((batch.successful, batch.cached), (2, 0));
        let mut start = 0;
        for (i, &end) in batch.ends.iter().enumerate() {
            let item = std::str::from_utf8(&batch.json[start..end as usize]).unwrap();
            assert!(item.starts_with(&format!("{{\"id\":{}", ids[i])), "{item}");
            assert!(item.ends_with('}'));
            assert_eq!(item.contains("\"success\":false"), i == 1);
            start = end as usize + 1;
        }
        assert_eq!(start, batch.json.len() + 1);
    }
}
