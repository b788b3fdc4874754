use batchcode_core::options::RenderOptions;
use batchcode_core::symbology::qr;
use batchcode_core::{global_cache, render, render_batch, CacheConfig, RawOptions, Request};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn url(i: usize) -> String {
    format!("https://example.com/products/{i:08}?utm_source=batch&x=1")
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
                let req = Request {
                    barcode_type: "qr".into(),
                    data: url(i),
                    format: Some(format.into()),
                    options: RawOptions {
                        width: Some(300.0),
                        ..Default::default()
                    },
                };
                black_box(render(&req).unwrap())
            })
        });
    }
}

/// A batch of 100 on one thread and on two: the native part of a
/// `renderBatch` call, without the JavaScript-side validation and conversion.
fn batch_scaling(c: &mut Criterion) {
    global_cache().configure(CacheConfig {
        max_entries: 0,
        ..Default::default()
    });
    let mut i = 0;
    for threads in [1, 2] {
        for format in ["svg", "png"] {
            c.bench_function(&format!("batch100_{format}_{threads}_threads"), |b| {
                b.iter(|| {
                    let reqs: Vec<Request> = (0..100)
                        .map(|_| {
                            i += 1;
                            Request {
                                barcode_type: "qr".into(),
                                data: url(i),
                                format: Some(format.into()),
                                options: RawOptions {
                                    width: Some(300.0),
                                    ..Default::default()
                                },
                            }
                        })
                        .collect();
                    black_box(render_batch(&reqs, threads))
                })
            });
        }
    }
}

criterion_group!(benches, bench, batch_scaling);
criterion_main!(benches);
