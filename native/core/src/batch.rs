//! One item through the cache with panics contained, and many items across
//! a bounded number of threads.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::cache::{global_cache, Key};
use crate::error::{CoreError, CoreResult};
use crate::render::{parse_request, render_parsed, Rendered, Request};

pub const MAX_CONCURRENT: usize = 20;

#[derive(Debug, Clone)]
pub struct Outcome {
    pub result: CoreResult<Arc<Rendered>>,
    pub cached: bool,
    pub time_ms: f64,
}

fn render_cached(req: &Request) -> CoreResult<(Arc<Rendered>, bool)> {
    let (symbology, format, options) = parse_request(req)?;
    let key = Key {
        barcode_type: symbology.name,
        data: req.data.clone(),
        format,
        options,
    };
    let cache = global_cache();
    if let Some(hit) = cache.get(&key) {
        return Ok((hit, true));
    }
    let rendered = Arc::new(render_parsed(symbology, &req.data, format, &options)?);
    cache.put(key, rendered.clone());
    Ok((rendered, false))
}

/// Renders one request through the global cache. A panic anywhere inside
/// becomes this item's `INTERNAL` error instead of unwinding further.
pub fn render_guarded(req: &Request) -> Outcome {
    let start = Instant::now();
    let (result, cached) = match guard(|| render_cached(req)) {
        Ok((r, cached)) => (Ok(r), cached),
        Err(e) => (Err(e), false),
    };
    Outcome {
        result,
        cached,
        time_ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Runs `f`, turning a panic into `CoreError::Internal` with its message.
pub fn guard<T>(f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(CoreError::Internal(msg))
    })
}

fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A persistent pool per parallelism, so a batch wakes sleeping threads
/// instead of spawning new ones (spawning costs more than a small batch).
fn pool(threads: usize) -> Option<&'static rayon::ThreadPool> {
    static POOLS: [OnceLock<Option<rayon::ThreadPool>>; MAX_CONCURRENT] =
        [const { OnceLock::new() }; MAX_CONCURRENT];
    POOLS[threads - 1]
        .get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("batchcode-{i}"))
                .build()
                .ok()
        })
        .as_ref()
}

/// Renders every request, in order, on at most `max_concurrent` threads;
/// never more threads than cores or items.
pub fn render_batch(reqs: &[Request], max_concurrent: usize) -> Vec<Outcome> {
    let threads = max_concurrent
        .clamp(1, MAX_CONCURRENT)
        .min(cores())
        .min(reqs.len());
    match (threads > 1).then(|| pool(threads)).flatten() {
        // If the OS refused the threads, render on the calling thread.
        Some(pool) => pool.install(|| {
            reqs.par_iter()
                .with_max_len(1)
                .map(render_guarded)
                .collect()
        }),
        None => reqs.iter().map(render_guarded).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_an_internal_error() {
        let r: CoreResult<()> = guard(|| panic!("boom"));
        assert_eq!(r.unwrap_err(), CoreError::Internal("boom".into()));
    }

    #[test]
    fn batch_keeps_order_and_isolates_failures() {
        let reqs: Vec<Request> = (0..50)
            .map(|i| Request {
                barcode_type: "qr".into(),
                data: if i % 7 == 3 {
                    String::new()
                } else {
                    format!("item {i}")
                },
                format: Some(if i % 2 == 0 { "svg" } else { "png" }.into()),
                options: Default::default(),
            })
            .collect();
        let out = render_batch(&reqs, 4);
        assert_eq!(out.len(), 50);
        for (i, o) in out.iter().enumerate() {
            assert_eq!(o.result.is_err(), i % 7 == 3, "item {i}");
        }
    }
}
