//! zlib streams for PNG image data and PDF content streams.

// Level 1: a 300 px URL code is ~830 bytes (level 6: ~580) at half the time.
const COMPRESSION_LEVEL: u8 = 1;

/// `raw` as a zlib stream. Each render thread keeps one compressor: a new
/// one allocates about 230 KB of tables, which on glibc's malloc came as
/// fresh pages every time and doubled the time of a 300 px QR PNG (the
/// addon's mimalloc recycles them, and it still saved about 5% there).
pub fn zlib(raw: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
    };
    use std::cell::RefCell;
    thread_local! {
        static COMPRESSOR: RefCell<Option<Box<CompressorOxide>>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let c = cell.get_or_insert_with(|| {
            let flags = create_comp_flags_from_zip_params(COMPRESSION_LEVEL.into(), 1, 0);
            Box::new(CompressorOxide::new(flags))
        });
        c.reset();
        let mut out = vec![0; (raw.len() / 2).max(64)];
        let (mut input, mut at) = (raw, 0);
        loop {
            let (status, read, written) = compress(c, input, &mut out[at..], TDEFLFlush::Finish);
            at += written;
            input = &input[read..];
            match status {
                TDEFLStatus::Done => break,
                TDEFLStatus::Okay => {
                    if out.len() - at < 64 {
                        out.resize(out.len() * 2, 0);
                    }
                }
                other => panic!("deflate failed: {other:?}"),
            }
        }
        out.truncate(at);
        out
    })
}
