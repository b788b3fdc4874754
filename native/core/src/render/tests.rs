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
        let Body::Bytes(png) = out.body else { panic!() };
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

fn code128(data: &str, options: RawOptions) -> Request {
    Request {
        barcode_type: "code128".into(),
        data: data.into(),
        format: None,
        options,
    }
}

#[test]
fn a_symbol_too_wide_for_any_image_blames_the_data_not_an_unset_option() {
    // Code 128 of 3,000 characters: 33,055 modules, 66,110 pixels at the default 2 per module.
    let data = "a".repeat(3000);
    for options in [
        RawOptions::default(),
        RawOptions {
            module_width: Some(1.0),
            ..Default::default()
        },
        RawOptions {
            height: Some(80.0),
            ..Default::default()
        },
    ] {
        let r = code128(&data, options);
        let err = render(&r).unwrap_err();
        assert_eq!(err.code(), "DATA_TOO_LONG", "{err}");
        assert_eq!(
            err.to_string(),
            "data is too long for one image: its symbol is 33,055 modules wide with its quiet zones, and an image is at most 4096x4096 pixels even at 1 pixel per module; send less data"
        );
        assert_eq!(check(&r).unwrap_err(), err);
    }
}

#[test]
fn a_symbol_too_wide_at_the_default_module_size_says_what_fits() {
    // 250 characters: 2,805 modules, which fit at 1 pixel per module but not at the default 2.
    let r = code128(&"a".repeat(250), RawOptions::default());
    let err = render(&r).unwrap_err();
    assert_eq!(err.code(), "DATA_TOO_LONG");
    assert_eq!(
        err.to_string(),
        "data is too long for the default 2 pixels per module: the image would be 5610x58 pixels and the limit is 4096x4096 (its symbol is 2,805 modules wide with its quiet zones); set options.module_width to 1 (or options.width to at most 4096), or send less data"
    );
    let fixed = code128(
        &"a".repeat(250),
        RawOptions {
            module_width: Some(1.0),
            ..Default::default()
        },
    );
    assert_eq!(render(&fixed).unwrap().meta.width, 2805);
}

#[test]
fn an_image_too_large_for_a_given_module_width_names_it_and_what_fits() {
    let err = render(&req(
        &"x".repeat(500),
        "svg",
        RawOptions {
            module_width: Some(100.0),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTION");
    let text = err.to_string();
    assert_eq!(text, "options.module_width: the image would be 9300x9300 pixels and the limit is 4096x4096; at most 44 fits this symbol (93x93 modules with its quiet zones)");
}
