//! Reed-Solomon error correction of QR data codewords, block by block, and
//! the interleaving of ISO/IEC 18004 7.6. The `qrcode` crate divided by the
//! generator one GF(256) product at a time (two table look-ups and a `% 255`
//! per coefficient per data byte: 9% of a QR render); here each generator's
//! multiples are tabulated once, so a data byte costs one shift and one XOR
//! of a 32-byte remainder held in four registers. Block sizes come from
//! ZXing's table (rxing).
use std::sync::OnceLock;

use rxing::qrcode::common::{ErrorCorrectionLevel, Version};

use crate::error::{CoreError, CoreResult};
use crate::options::EcLevel;

/// Error-correction codewords per block are at most 30 (ISO/IEC 18004 Table 9).
const MAX_EC: usize = 30;

/// 32 bytes, byte `i` of the polynomial in byte `i % 8` of word `i / 8`
/// (little-endian), highest power first: shifting the polynomial by one
/// byte is a right shift of the 256-bit number.
type Row = [u64; 4];

fn shift_one_byte(r: &mut Row) {
    r[0] = (r[0] >> 8) | (r[1] << 56);
    r[1] = (r[1] >> 8) | (r[2] << 56);
    r[2] = (r[2] >> 8) | (r[3] << 56);
    r[3] >>= 8;
}

fn byte(r: &Row, i: usize) -> u8 {
    (r[i / 8] >> (8 * (i % 8))) as u8
}

/// GF(256) with the QR primitive polynomial x^8 + x^4 + x^3 + x^2 + 1.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

fn field() -> &'static Field {
    static FIELD: OnceLock<Field> = OnceLock::new();
    FIELD.get_or_init(|| {
        let mut f = Field {
            exp: [0; 512],
            log: [0; 256],
        };
        let mut x: u16 = 1;
        for i in 0..255 {
            f.exp[i] = x as u8;
            f.log[x as usize] = i as u8;
            x <<= 1;
            if x & 0x100 != 0 {
                x ^= 0x11d;
            }
        }
        for i in 255..512 {
            f.exp[i] = f.exp[i - 255];
        }
        f
    })
}

impl Field {
    fn mul(&self, a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 {
            return 0;
        }
        self.exp[self.log[a as usize] as usize + self.log[b as usize] as usize]
    }
}

/// Row `c`: `c` times the generator of degree `n`, (x - α^0)…(x - α^(n-1)),
/// without its leading 1, highest power first, zero-padded.
fn multiples(n: usize) -> &'static [Row; 256] {
    static TABLES: [OnceLock<Box<[Row; 256]>>; MAX_EC + 1] =
        [const { OnceLock::new() }; MAX_EC + 1];
    TABLES[n].get_or_init(|| {
        let f = field();
        let mut g = vec![1u8];
        for i in 0..n {
            let a = f.exp[i];
            let mut next = vec![0u8; g.len() + 1];
            for (j, &c) in g.iter().enumerate() {
                next[j] ^= c;
                next[j + 1] ^= f.mul(a, c);
            }
            g = next;
        }
        let mut rows = Box::new([[0u64; 4]; 256]);
        for (c, row) in rows.iter_mut().enumerate() {
            for (i, &coeff) in g[1..].iter().enumerate() {
                row[i / 8] |= u64::from(f.mul(c as u8, coeff)) << (8 * (i % 8));
            }
        }
        rows
    })
}

/// The `n` error-correction codewords of one block.
fn block_ec(data: &[u8], n: usize) -> Row {
    let rows = multiples(n);
    let mut rem: Row = [0; 4];
    for &d in data {
        let lead = d ^ byte(&rem, 0);
        shift_one_byte(&mut rem);
        let row = &rows[lead as usize];
        for (r, m) in rem.iter_mut().zip(row) {
            *r ^= m;
        }
    }
    rem
}

fn level(ec: EcLevel) -> ErrorCorrectionLevel {
    match ec {
        EcLevel::L => ErrorCorrectionLevel::L,
        EcLevel::M => ErrorCorrectionLevel::M,
        EcLevel::Q => ErrorCorrectionLevel::Q,
        EcLevel::H => ErrorCorrectionLevel::H,
    }
}

/// The data codewords of `version` at `ec`, interleaved, and their
/// error-correction codewords, interleaved: what the symbol holds, in order.
pub fn codewords(data: &[u8], version: u8, ec: EcLevel) -> CoreResult<(Vec<u8>, Vec<u8>)> {
    let internal = |what: &str| CoreError::Internal(format!("QR error correction: {what}"));
    let v =
        Version::getVersionForNumber(u32::from(version)).map_err(|e| internal(&e.to_string()))?;
    let blocks = v.getECBlocksForLevel(level(ec));
    let n = blocks.getECCodewordsPerBlock() as usize;
    if n > MAX_EC {
        return Err(internal("more than 30 codewords per block"));
    }
    let mut split = Vec::with_capacity(blocks.getNumBlocks() as usize);
    let mut at = 0;
    for group in blocks.getECBlocks() {
        for _ in 0..group.getCount() {
            let len = group.getDataCodewords() as usize;
            let block = data
                .get(at..at + len)
                .ok_or_else(|| internal("too few data codewords"))?;
            split.push((block, block_ec(block, n)));
            at += len;
        }
    }
    if at != data.len() {
        return Err(internal("too many data codewords"));
    }
    let longest = split.iter().map(|(b, _)| b.len()).max().unwrap_or(0);
    let mut interleaved = Vec::with_capacity(data.len());
    for i in 0..longest {
        interleaved.extend(split.iter().filter_map(|(b, _)| b.get(i)));
    }
    let mut ecc = Vec::with_capacity(n * split.len());
    for i in 0..n {
        ecc.extend(split.iter().map(|(_, e)| byte(e, i)));
    }
    Ok((interleaved, ecc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbology::qr::segment::to_qr_level;

    #[test]
    fn agrees_with_the_qrcode_crate_for_every_version_and_level() {
        let mut seed = 0x2545_f491_u32;
        for version in 1..=40u8 {
            for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
                let v = Version::getVersionForNumber(u32::from(version)).unwrap();
                let blocks = v.getECBlocksForLevel(level(ec));
                let total = v.getTotalCodewords() - blocks.getTotalECCodewords();
                let data: Vec<u8> = (0..total)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        seed as u8
                    })
                    .collect();
                let theirs = qrcode::ec::construct_codewords(
                    &data,
                    qrcode::types::Version::Normal(version.into()),
                    to_qr_level(ec),
                )
                .unwrap();
                assert_eq!(
                    codewords(&data, version, ec).unwrap(),
                    theirs,
                    "version {version} {ec:?}"
                );
            }
        }
    }

    #[test]
    fn refuses_a_wrong_number_of_data_codewords() {
        // Version 1-M: 16 data codewords, 10 for error correction.
        assert_eq!(codewords(&[0; 16], 1, EcLevel::M).unwrap().1.len(), 10);
        for len in [15, 17] {
            let e = codewords(&vec![0; len], 1, EcLevel::M).unwrap_err();
            assert_eq!(e.code(), "INTERNAL");
        }
        assert!(codewords(&[0; 16], 41, EcLevel::M).is_err());
    }
}
