use batchcode_core::options::RenderOptions;
use batchcode_core::symbology::qr;
use batchcode_core::{global_cache, render, render_batch, CacheConfig, RawOptions, Request};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn url(i: usize) -> String {
    format!("https://example.com/products/{i:08}?utm_source=batch&x=1")
}

/// The i-th distinct ~50-character URL as a 300 px QR request.
fn request(i: usize, format: &str) -> Request {
    Request {
        barcode_type: "qr".into(),
        data: url(i),
        format: Some(format.into()),
        options: RawOptions {
            width: Some(300.0),
            ..Default::default()
        },
    }
}

fn bench(c: &mut Criterion) {
    c.bench_function("qr_encode_url_M", |b| {
        let mut i = 0;
        let opts = RenderOptions::default();
        b.iter(|| {
            i += 1;
            black_box(qr::encode(&url(i), &opts).unwrap())
        })
    });
    for format in ["svg", "png"] {
        c.bench_function(&format!("qr_{format}_url_M_300px"), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                black_box(render(&request(i, format)).unwrap())
            })
        });
    }
}

/// A batch of 100 on one thread and on two: the native part of a
/// `renderBatch` call, without the JavaScript-side validation and conversion.
fn batch_scaling(c: &mut Criterion) {
    let d = CacheConfig::default();
    global_cache().configure(CacheConfig::new(0, d.max_bytes() as u64, d.ttl().as_secs()).unwrap());
    let mut i = 0;
    for threads in [1, 2] {
        for format in ["svg", "png"] {
            c.bench_function(&format!("batch100_{format}_{threads}_threads"), |b| {
                b.iter(|| {
                    i += 100;
                    let reqs: Vec<Request> = (i..i + 100).map(|k| request(k, format)).collect();
                    black_box(render_batch(&reqs, threads))
                })
            });
        }
    }
}

criterion_group!(benches, bench, batch_scaling);
criterion_main!(benches);
