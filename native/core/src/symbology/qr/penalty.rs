//! The four penalty rules of ISO/IEC 18004 §7.8.3, scored a machine word at
//! a time. Scores agree with the reference implementation (qrcodegen),
//! which the tests check mask by mask.
use super::template::PAD;

const N1: u32 = 3;
const N2: u32 = 3;
const N3: u32 = 40;
const N4: u32 = 10;

type Line<const W: usize> = [u64; W];

#[inline(always)]
fn shr<const W: usize>(r: &Line<W>, k: usize) -> Line<W> {
    let mut out = [0; W];
    for i in 0..W {
        out[i] = r[i] >> k;
        if i + 1 < W {
            out[i] |= r[i + 1] << (64 - k);
        }
    }
    out
}

#[inline(always)]
fn shl<const W: usize>(r: &Line<W>, k: usize) -> Line<W> {
    let mut out = [0; W];
    for i in 0..W {
        out[i] = r[i] << k;
        if i > 0 {
            out[i] |= r[i - 1] >> (64 - k);
        }
    }
    out
}

macro_rules! zip {
    ($w:expr, |$i:ident| $e:expr) => {{
        let mut out = [0u64; $w];
        for $i in 0..$w {
            out[$i] = $e;
        }
        out
    }};
}

#[inline(always)]
fn pop<const W: usize>(r: &Line<W>) -> u32 {
    r.iter().map(|w| w.count_ones()).sum()
}

/// Bits `from..to` set.
fn range<const W: usize>(from: usize, to: usize) -> Line<W> {
    let mut out = [0; W];
    for b in from..to {
        out[b / 64] |= 1 << (b % 64);
    }
    out
}

/// Score of one symbol given its padded rows and columns.
pub fn score(rows: &[u64], cols: &[u64], words: usize, size: usize) -> u32 {
    // The scoring is mostly popcounts, and the baseline x86-64 target has no
    // POPCNT instruction: without it each count is a dozen instructions and
    // mask selection takes about a fifth longer.
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: `score_popcnt` needs only POPCNT, which the CPU has.
        return unsafe { score_popcnt(rows, cols, words, size) };
    }
    score_any(rows, cols, words, size)
}

/// `score_any` compiled with POPCNT (everything it calls is inlined into it).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn score_popcnt(rows: &[u64], cols: &[u64], words: usize, size: usize) -> u32 {
    score_any(rows, cols, words, size)
}

#[inline(always)]
fn score_any(rows: &[u64], cols: &[u64], words: usize, size: usize) -> u32 {
    match words {
        1 => score_w::<1>(rows, cols, size),
        2 => score_w::<2>(rows, cols, size),
        _ => score_w::<3>(rows, cols, size),
    }
}

#[inline(always)]
fn score_w<const W: usize>(rows: &[u64], cols: &[u64], size: usize) -> u32 {
    let pairs = range::<W>(PAD, PAD + size - 1);
    let mut total = 0;
    let mut dark = 0;
    let mut prev: Option<(Line<W>, Line<W>)> = None;
    for chunk in rows.chunks_exact(W) {
        let r: Line<W> = chunk.try_into().unwrap();
        let eq = line_rules(&r, &pairs, &mut total);
        dark += pop(&r);
        if let Some((pr, peq)) = prev {
            let same = zip!(W, |i| eq[i] & peq[i] & !(r[i] ^ pr[i]));
            total += N2 * pop(&same);
        }
        prev = Some((r, eq));
    }
    for chunk in cols.chunks_exact(W) {
        let c: Line<W> = chunk.try_into().unwrap();
        line_rules(&c, &pairs, &mut total);
    }
    let cells = (size * size) as i64;
    let k = ((dark as i64 * 20 - cells * 10).abs() + cells - 1) / cells - 1;
    total + k as u32 * N4
}

/// Rules 1 and 3 on one line; returns the "same as right neighbour" bits for rule 2.
#[inline(always)]
fn line_rules<const W: usize>(r: &Line<W>, pairs: &Line<W>, total: &mut u32) -> Line<W> {
    let r1 = shr(r, 1);
    let eq = zip!(W, |i| !(r[i] ^ r1[i]) & pairs[i]);
    // Rule 1: a run of L >= 5 scores L - 2 = (windows of 5) + 2 per run.
    let (e1, e2, e3) = (shr(&eq, 1), shr(&eq, 2), shr(&eq, 3));
    let w5 = zip!(W, |i| eq[i] & e1[i] & e2[i] & e3[i]);
    let eql = shl(&eq, 1);
    let starts = zip!(W, |i| w5[i] & !eql[i]);
    *total += pop(&w5) + (N1 - 1) * pop(&starts);

    // Rule 3 at unit scale: 1011101 with 4 light modules before or after.
    let (r2, r3, r4, r5, r6, r7) = (
        shr(r, 2),
        shr(r, 3),
        shr(r, 4),
        shr(r, 5),
        shr(r, 6),
        shr(r, 7),
    );
    let core = zip!(W, |i| r[i]
        & !r1[i]
        & r2[i]
        & r3[i]
        & r4[i]
        & !r5[i]
        & r6[i]);
    if core.iter().any(|&w| w != 0) {
        let light4 = zip!(W, |i| !(r[i] | r1[i] | r2[i] | r3[i]));
        let (l4_before, l4_after, light_before) = (shl(&light4, 4), shr(&light4, 7), shl(r, 1));
        let a = zip!(W, |i| core[i] & l4_before[i] & !r7[i]);
        let b = zip!(W, |i| core[i] & !light_before[i] & l4_after[i]);
        *total += N3 * (pop(&a) + pop(&b));
    }
    // Larger scales need a dark run of 3n >= 6 modules; rare, so checked run by run.
    let dark6 = zip!(W, |i| r[i] & r1[i] & r2[i] & r3[i] & r4[i] & r5[i]);
    if dark6.iter().any(|&w| w != 0) {
        let (before, r8) = (shl(r, 1), shr(r, 8));
        // Runs of 7 or 8 cannot be 3n, and the finder patterns put runs of 7
        // in every symbol: leaving them out spares most calls.
        let starts = zip!(W, |i| dark6[i] & !before[i] & (!r6[i] | (r7[i] & r8[i])));
        if starts.iter().any(|&w| w != 0) {
            *total += N3 * scaled_finder_like(r, &starts);
        }
    }
    eq
}

/// Counts 1:1:3:1:1 patterns with n >= 2 whose 3n-module centre run starts at
/// one of `starts` (padded bit positions of dark runs of 6 or more).
fn scaled_finder_like<const W: usize>(r: &Line<W>, starts: &Line<W>) -> u32 {
    // Padding and everything past the words read as light, like the quiet zone.
    let dark = |i: isize| -> bool {
        i >= 0 && (i as usize) < W * 64 && (r[i as usize / 64] >> (i as usize % 64)) & 1 == 1
    };
    let all = |from: isize, to: isize, want: bool| (from..to).all(|i| dark(i) == want);
    let mut count = 0;
    for (wi, &word) in starts.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let s = (wi * 64) as isize + bits.trailing_zeros() as isize;
            bits &= bits - 1;
            let mut e = s;
            loop {
                let (w, b) = (e as usize / 64, e as usize % 64);
                let ones = if w < W {
                    (r[w] >> b).trailing_ones() as isize
                } else {
                    0
                };
                e += ones.min(64 - b as isize);
                if ones < 64 - b as isize {
                    break;
                }
            }
            let len = e - s;
            if len % 3 != 0 {
                continue;
            }
            let n = len / 3;
            let core = all(s - n, s, false)
                && all(s - 2 * n, s - n, true)
                && !dark(s - 2 * n - 1)
                && all(e, e + n, false)
                && all(e + n, e + 2 * n, true)
                && !dark(e + 2 * n);
            if !core {
                continue;
            }
            let before = |k: isize| all(s - 2 * n - k, s - 2 * n, false);
            let after = |k: isize| all(e + 2 * n, e + 2 * n + k, false);
            count += u32::from(before(4 * n) && after(n)) + u32::from(after(4 * n) && before(n));
        }
    }
    count
}
