/// A bit-packed grid of modules (true = dark), one row after another; the
/// shared output of every symbology and the only input of every renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitMatrix {
    width: usize,
    height: usize,
    stride: usize,
    words: Vec<u64>,
}

impl BitMatrix {
    pub fn new(width: usize, height: usize) -> Self {
        let stride = width.div_ceil(64).max(1);
        BitMatrix {
            width,
            height,
            stride,
            words: vec![0; stride * height],
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    #[inline]
    pub fn get(&self, x: usize, y: usize) -> bool {
        (self.words[y * self.stride + x / 64] >> (x % 64)) & 1 == 1
    }

    #[inline]
    pub fn set(&mut self, x: usize, y: usize, dark: bool) {
        let word = &mut self.words[y * self.stride + x / 64];
        let bit = 1u64 << (x % 64);
        if dark {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    /// The words of row `y`; bit `x % 64` of word `x / 64` is module `x`.
    pub fn row(&self, y: usize) -> &[u64] {
        &self.words[y * self.stride..(y + 1) * self.stride]
    }

    pub fn row_mut(&mut self, y: usize) -> &mut [u64] {
        &mut self.words[y * self.stride..(y + 1) * self.stride]
    }

    /// Runs of dark modules in row `y` as `(start, length)`, found a word at a time.
    pub fn dark_runs(&self, y: usize) -> DarkRuns<'_> {
        DarkRuns {
            row: self.row(y),
            width: self.width,
            x: 0,
        }
    }
}

pub struct DarkRuns<'a> {
    row: &'a [u64],
    width: usize,
    x: usize,
}

impl DarkRuns<'_> {
    /// First position >= `from` whose bit equals `dark`, or `width`.
    fn seek(&self, from: usize, dark: bool) -> usize {
        let mut x = from;
        while x < self.width {
            let mut w = self.row[x / 64];
            if !dark {
                w = !w;
            }
            w >>= x % 64;
            if w != 0 {
                return (x + w.trailing_zeros() as usize).min(self.width);
            }
            x = (x / 64 + 1) * 64;
        }
        self.width
    }
}

impl Iterator for DarkRuns<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.seek(self.x, true);
        if start >= self.width {
            return None;
        }
        let end = self.seek(start, false);
        self.x = end;
        Some((start, end - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_runs_cross_word_boundaries() {
        let mut m = BitMatrix::new(140, 1);
        for x in (0..3).chain(60..70).chain(127..140) {
            m.set(x, 0, true);
        }
        let runs: Vec<_> = m.dark_runs(0).collect();
        assert_eq!(runs, vec![(0, 3), (60, 10), (127, 13)]);
    }

    #[test]
    fn empty_row_has_no_runs() {
        let m = BitMatrix::new(10, 2);
        assert_eq!(m.dark_runs(1).count(), 0);
    }
}
