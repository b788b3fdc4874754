//! Cross-checks against qrcodegen, an independent implementation of the
//! standard: same data codewords in, same mask and every module out.
use super::*;
use qrcodegen::{Mask, QrCode, QrCodeEcc, Version as GenVersion};

fn gen_level(ec: EcLevel) -> QrCodeEcc {
    match ec {
        EcLevel::L => QrCodeEcc::Low,
        EcLevel::M => QrCodeEcc::Medium,
        EcLevel::Q => QrCodeEcc::Quartile,
        EcLevel::H => QrCodeEcc::High,
    }
}

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn assert_same(data: &[u8], ec: EcLevel, forced: Option<u8>) -> u8 {
    let cw = segment::encode(data, ec).expect("fits");
    let (ours, mask) = build(cw.version, ec, &cw.data, forced).unwrap();
    let reference = QrCode::encode_codewords(
        GenVersion::new(cw.version),
        gen_level(ec),
        &cw.data,
        forced.map(Mask::new),
    );
    assert_eq!(
        mask,
        reference.mask().value(),
        "mask for {:?} at {ec:?} (v{})",
        String::from_utf8_lossy(data),
        cw.version
    );
    assert_eq!(ours.width() as i32, reference.size());
    for y in 0..ours.height() {
        for x in 0..ours.width() {
            assert_eq!(
                ours.get(x, y),
                reference.get_module(x as i32, y as i32),
                "module ({x},{y}) of v{} mask {mask}",
                cw.version
            );
        }
    }
    cw.version
}

#[test]
fn every_forced_mask_matches_the_reference() {
    for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
        for m in 0..8 {
            assert_same(b"https://example.com/products/12345?ref=batch", ec, Some(m));
        }
    }
}

#[test]
fn chosen_mask_matches_the_reference_on_random_data_of_every_version() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabets: [&[u8]; 4] = [
        b"0123456789",
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
        b"abcdefghijklmnopqrstuvwxyz0123456789/:.?=&-_",
        b"\x00\x01\x7f !\"#'<>&",
    ];
    let mut versions = [false; 41];
    for i in 0..1200 {
        let ec = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H][i % 4];
        let alphabet = alphabets[rng.below(alphabets.len())];
        // Spread lengths so that every version is reached.
        let len = 1 + rng.below(if i % 3 == 0 { 2900 } else { 300 });
        let data: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        if segment::encode(&data, ec).is_ok() {
            versions[assert_same(&data, ec, None) as usize] = true;
        }
    }
    let missing: Vec<usize> = (1..=40).filter(|&v| !versions[v]).collect();
    assert!(missing.len() <= 4, "versions not exercised: {missing:?}");
}

#[test]
fn scaled_finder_like_patterns_score_like_the_reference() {
    // Long runs of one byte give large same-colour areas where 2:2:6:2:2
    // patterns appear under some masks.
    for ec in [EcLevel::L, EcLevel::H] {
        for len in [10, 50, 200, 700] {
            for byte in [b'0', b'A', 0xFF, 0x00, b'~'] {
                let data = vec![byte; len];
                if segment::encode(&data, ec).is_ok() {
                    assert_same(&data, ec, None);
                }
            }
        }
    }
}

#[test]
fn picks_the_smallest_version_and_reports_capacity() {
    let opts = RenderOptions::default();
    let sym = encode(
        "HELLO WORLD",
        &RenderOptions {
            error_correction: Some(EcLevel::Q),
            ..opts
        },
    )
    .unwrap();
    assert_eq!(sym.meta.version, Some(1));
    let err = encode(
        &"x".repeat(3120),
        &RenderOptions {
            error_correction: Some(EcLevel::H),
            ..opts
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "data is 3,120 bytes; a QR code at level H holds at most 1,273"
    );
    let err = encode(
        &"7".repeat(8000),
        &RenderOptions {
            error_correction: Some(EcLevel::L),
            ..opts
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "data is 8,000 digits; a QR code at level L holds at most 7,089"
    );
    assert_eq!(encode("", &opts).unwrap_err().code(), "EMPTY_DATA");
}

#[test]
fn maximum_capacity_payloads_fit_version_40() {
    for (ec, bytes) in [
        (EcLevel::L, 2953),
        (EcLevel::M, 2331),
        (EcLevel::Q, 1663),
        (EcLevel::H, 1273),
    ] {
        let opts = RenderOptions {
            error_correction: Some(ec),
            ..Default::default()
        };
        assert_eq!(
            encode(&"a".repeat(bytes), &opts).unwrap().meta.version,
            Some(40)
        );
        assert!(encode(&"a".repeat(bytes + 1), &opts).is_err());
    }
}
