//! Check digits, validation messages and metadata across the table.
use super::*;

fn enc(name: &str, data: &str) -> CoreResult<Encoded> {
    (lookup(name)?.encode)(data, &RenderOptions::default())
}

fn text(name: &str, data: &str) -> String {
    enc(name, data).unwrap().symbol.meta.text.unwrap()
}

fn err(name: &str, data: &str) -> String {
    enc(name, data).unwrap_err().to_string()
}

#[test]
fn computes_check_digits() {
    assert_eq!(text("ean13", "400638133393"), "4006381333931");
    assert_eq!(text("ean8", "9638507"), "96385074");
    assert_eq!(text("upca", "03600029145"), "036000291452");
    assert_eq!(text("itf14", "1540014128876"), "15400141288763");
    assert_eq!(text("upce", "0425261"), "04252614");
    assert_eq!(text("upce", "042100005264"), "04252614");
}

#[test]
fn wrong_check_digits_name_the_expected_one() {
    assert_eq!(
        err("ean13", "4006381333932"),
        "EAN-13 check digit should be 1, got 2"
    );
    assert_eq!(
        err("ean8", "96385070"),
        "EAN-8 check digit should be 4, got 0"
    );
    assert_eq!(
        err("upca", "036000291450"),
        "UPC-A check digit should be 2, got 0"
    );
    assert_eq!(
        err("itf14", "15400141288760"),
        "ITF-14 check digit should be 3, got 0"
    );
    assert_eq!(
        err("upce", "04252610"),
        "UPC-E check digit should be 4, got 0"
    );
}

#[test]
fn invalid_characters_are_named_with_their_position() {
    assert_eq!(
        err("ean13", "40063813A393"),
        "EAN-13 can encode only digits 0-9; 'A' at position 9 is not allowed"
    );
    assert!(err("code39", "AB c").contains("'c' at position 4"));
    assert!(err("code128", "abcé").contains("U+00E9 at position 4"));
    assert!(err("codabar", "12B34").contains("'B' at position 3"));
    assert!(err("itf", "12345").contains("even number of digits"));
    assert!(err("ean13", "123").contains("takes 12 or 13 digits, got 3"));
    assert_eq!(enc("code93", "").unwrap_err().code(), "EMPTY_DATA");
    assert_eq!(enc("aztec", "").unwrap_err().code(), "EMPTY_DATA");
}

#[test]
fn text_beyond_latin1_is_utf8_after_eci_26() {
    for name in ["datamatrix", "pdf417", "aztec", "qr"] {
        let eci = |data| enc(name, data).unwrap().symbol.meta.eci;
        assert_eq!(eci("日本"), Some(charset::ECI_UTF8), "{name}");
        assert_eq!(eci("plain"), None, "{name}");
    }
    // Latin-1 is the default character set of the three, so it needs no ECI there.
    for name in ["datamatrix", "pdf417", "aztec"] {
        assert_eq!(enc(name, "café").unwrap().symbol.meta.eci, None, "{name}");
    }
}

#[test]
fn upca_that_cannot_be_compressed_is_a_clear_error() {
    let e = err("upce", "012345678905");
    assert!(e.contains("cannot be compressed to UPC-E"), "{e}");
    assert!(err("upce", "2123456").contains("number system must be 0 or 1"));
}

#[test]
fn gs1_types_report_hri_text() {
    assert_eq!(
        text("gs1_128", "(01)0950110153000(17)251231(10)ABC123"),
        "(01)09501101530003(17)251231(10)ABC123"
    );
    assert_eq!(text("gs1_datamatrix", "(10)A1(21)B2"), "(10)A1(21)B2");
    assert_eq!(
        err("gs1_128", "(01)09501101530004"),
        "GS1 (01) check digit should be 3, got 4"
    );
}

#[test]
fn every_type_encodes_a_typical_value() {
    for (name, data) in [
        ("qr", "hello"),
        ("microqr", "12345"),
        ("datamatrix", "hello"),
        ("gs1_datamatrix", "(01)09501101530003"),
        ("pdf417", "hello"),
        ("aztec", "hello"),
        ("code128", "hello"),
        ("gs1_128", "(01)09501101530003"),
        ("ean13", "400638133393"),
        ("ean8", "9638507"),
        ("upca", "03600029145"),
        ("upce", "0425261"),
        ("code39", "HELLO"),
        ("code93", "Hello"),
        ("itf", "123456"),
        ("itf14", "1540014128876"),
        ("codabar", "A123B"),
        ("databar_omni", "0950110153000"),
        ("databar_stacked", "0950110153000"),
        ("databar_expanded", "(01)09501101530003(10)A"),
        ("databar_expanded_stacked", "(01)09501101530003(10)A"),
        ("databar_limited", "1501234567890"),
    ] {
        let e = enc(name, data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(e.symbol.matrix.width() > 0, "{name}");
        assert_eq!(e.linear.is_some(), e.symbol.matrix.height() == 1, "{name}");
    }
    assert_eq!(
        enc("ean13", "400638133393").unwrap().symbol.matrix.width(),
        95
    );
    assert_eq!(enc("upce", "0425261").unwrap().symbol.matrix.width(), 51);
}

#[test]
fn error_correction_is_honoured_or_refused_per_type() {
    let given = |ec: Option<EcLevel>, pdf417: Option<u32>, aztec: Option<u32>| RenderOptions {
        error_correction: ec,
        pdf417_ec_level: pdf417,
        aztec_ec_percent: aztec,
        ..Default::default()
    };
    let norm = |name: &str, o: RenderOptions| lookup(name).unwrap().normalise(o);
    let ec = |o: RenderOptions| (o.error_correction, o.pdf417_ec_level, o.aztec_ec_percent);
    let h = Some(EcLevel::H);
    // The letter picks the level; an explicit level wins and the letter is dropped with it.
    assert_eq!(
        ec(norm("pdf417", given(h, None, None)).unwrap()),
        (h, Some(5), None)
    );
    assert_eq!(
        ec(norm("pdf417", given(h, Some(8), Some(50))).unwrap()),
        (None, Some(8), None)
    );
    assert_eq!(
        ec(norm("pdf417", given(None, None, None)).unwrap()),
        (None, Some(2), None)
    );
    assert_eq!(
        ec(norm("aztec", given(h, Some(8), None)).unwrap()),
        (h, None, Some(50))
    );
    assert_eq!(
        ec(norm("aztec", given(None, None, Some(80))).unwrap()),
        (None, None, Some(80))
    );
    assert_eq!(
        ec(norm("aztec", given(None, None, None)).unwrap()),
        (None, None, Some(23))
    );
    assert_eq!(
        ec(norm("qr", given(None, Some(8), Some(50))).unwrap()),
        (Some(EcLevel::M), None, None)
    );
    assert_eq!(
        ec(norm("code128", given(h, Some(8), Some(50))).unwrap()),
        (None, None, None)
    );
    for name in ["datamatrix", "gs1_datamatrix"] {
        let e = norm(name, given(Some(EcLevel::L), None, None)).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(
            e.to_string().starts_with("options.error_correction: "),
            "{e}"
        );
        assert!(
            norm(name, given(None, Some(3), Some(40))).is_ok(),
            "{name}: the other types' options are ignored"
        );
    }
}

#[test]
fn more_error_correction_makes_bigger_symbols() {
    let size = |name: &str, o: RenderOptions| {
        let s = lookup(name).unwrap();
        let m = (s.encode)("Error correction 0123456789", &s.normalise(o).unwrap())
            .unwrap()
            .symbol
            .matrix;
        m.width() * m.height()
    };
    let pdf417: Vec<usize> = (0..=8)
        .map(|l| {
            size(
                "pdf417",
                RenderOptions {
                    pdf417_ec_level: Some(l),
                    ..Default::default()
                },
            )
        })
        .collect();
    assert!(
        pdf417.windows(2).all(|w| w[0] <= w[1]) && pdf417[8] > 4 * pdf417[2],
        "{pdf417:?}"
    );
    let aztec: Vec<usize> = [5, 23, 50, 95]
        .map(|p| {
            size(
                "aztec",
                RenderOptions {
                    aztec_ec_percent: Some(p),
                    ..Default::default()
                },
            )
        })
        .into();
    assert!(
        aztec.windows(2).all(|w| w[0] <= w[1]) && aztec[3] > aztec[0],
        "{aztec:?}"
    );
}

#[test]
fn databar_segments_is_kept_for_expanded_stacked_only() {
    let norm = |name: &str, segments: Option<u32>| {
        lookup(name)
            .unwrap()
            .normalise(RenderOptions {
                databar_segments: segments,
                ..Default::default()
            })
            .unwrap()
    };
    let stacked = "databar_expanded_stacked";
    assert_eq!(norm(stacked, None).databar_segments, Some(4));
    assert_eq!(norm(stacked, Some(22)).databar_segments, Some(22));
    // Ignored elsewhere, as bearer is, so that the same image has one cache key.
    for name in ["databar_expanded", "databar_limited", "qr", "itf14"] {
        assert_eq!(norm(name, Some(6)), norm(name, None), "{name}");
        assert_eq!(norm(name, Some(6)).databar_segments, None, "{name}");
    }
}
