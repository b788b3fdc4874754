use super::*;

fn req(data: &str, format: &str, options: RawOptions) -> Request {
    Request {
        barcode_type: "qr".into(),
        data: data.into(),
        format: Some(format.into()),
        options,
    }
}

#[test]
fn png_has_exactly_the_requested_size() {
    for width in [37, 100, 299, 300, 1024] {
        let out = render(&req(
            "https://example.com",
            "png",
            RawOptions {
                width: Some(width as f64),
                ..Default::default()
            },
        ))
        .unwrap();
        let Body::Png(png) = out.body else { panic!() };
        assert_eq!(&png[1..4], b"PNG");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), width);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), width);
        assert_eq!((out.meta.width, out.meta.height), (width, width));
    }
}

#[test]
fn too_small_a_width_names_the_minimum() {
    let err = render(&req(
        "https://example.com",
        "svg",
        RawOptions {
            width: Some(20.0),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTION");
    assert!(
        err.to_string().contains("needs at least 33x33 pixels"),
        "{err}"
    );
}

#[test]
fn svg_is_compact_and_carries_only_parsed_colours() {
    let out = render(&req(
        "https://example.com",
        "svg",
        RawOptions {
            width: Some(300.0),
            foreground: Some("#0A0".into()),
            background: Some("#ffffff80".into()),
            ..Default::default()
        },
    ))
    .unwrap();
    let Body::Svg(svg) = out.body else { panic!() };
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"300\"")
    );
    assert!(svg.contains("stroke=\"#00aa00\""));
    assert!(svg.contains("fill-opacity=\"0.502\""));
    // Run-length paths: far fewer rectangles than dark modules.
    // One relative move per run, one absolute move per row: no per-module shapes.
    assert!(svg.matches('M').count() <= 25, "{svg}");
    assert!(svg.len() < 2500, "{}", svg.len());
}

#[test]
fn transparent_background_draws_no_rectangle() {
    let out = render(&req(
        "x",
        "svg",
        RawOptions {
            background: Some("transparent".into()),
            ..Default::default()
        },
    ))
    .unwrap();
    let Body::Svg(svg) = out.body else { panic!() };
    assert!(!svg.contains("<rect"));
}

#[test]
fn unknown_type_and_format_are_errors() {
    let mut r = req("x", "gif", RawOptions::default());
    assert_eq!(render(&r).unwrap_err().code(), "INVALID_OPTION");
    r.format = None;
    r.barcode_type = "<script>".into();
    let err = render(&r).unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED_TYPE");
}
