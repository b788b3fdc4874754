//! One item through the cache with panics contained, and many items across
//! a bounded number of threads.
use std::borrow::Cow;
use std::convert::Infallible;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use crate::cache::{global_cache, Key};
use crate::error::{CoreError, CoreResult};
use crate::facts::{Range, Setting};
use crate::render::{check, parse_request, render_parsed, Rendered, Request};

pub const MAX_CONCURRENT: usize = 20;
/// A batch's `max_concurrent`.
pub const CONCURRENCY: Range = Range::new(1, MAX_CONCURRENT as u64);

/// Items per call. Only the Node API applies the setting; the binding
/// refuses more than its top in any call.
pub const BATCH_MAX_ITEMS: Setting = Setting {
    name: "batch_max_items",
    range: Range::new(1, 10_000),
    default: 100,
    about: "Items one renderBatch call accepts (BATCH_MAX_ITEMS).",
};

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

/// Whether one request would render (see `render::check`), with panics
/// contained as in `render_guarded`.
pub fn check_guarded(req: &Request) -> CoreResult<()> {
    guard(|| check(req))
}

/// Checks every request, in order, on threads as `render_batch` renders.
pub fn check_batch(reqs: &[Request], max_concurrent: usize) -> Vec<CoreResult<()>> {
    map_batch(reqs.len(), max_concurrent, &NEVER, |i| {
        Some(check_guarded(&reqs[i]))
    })
    .unwrap_or_default()
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

/// A flag another thread sets to stop a batch: items not started when it is
/// set are not rendered, and the batch ends with `Cancelled`. Items already
/// rendering finish, since a render holds no point where it could stop.
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A batch stopped by its `Cancel` before every item was rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Why a batch over `Items` ended before every item was rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped<E> {
    /// Its `Cancel` was set.
    Cancelled,
    /// The request of item `.0` could not be made: `.1` says why.
    Item(usize, E),
}

impl From<Stopped<Infallible>> for Cancelled {
    fn from(_: Stopped<Infallible>) -> Self {
        Cancelled
    }
}

/// A batch's requests, each fetched by the thread that renders it. A
/// binding that receives the batch as JSON parses each item there, so that
/// parsing is parallel too and the pool threads wake while the calling
/// thread is already rendering.
pub trait Items: Sync {
    /// Why an item's request could not be made; it stops the batch.
    type Error: Send;
    fn count(&self) -> usize;
    fn request(&self, i: usize) -> Result<Cow<'_, Request>, Self::Error>;
}

impl Items for [Request] {
    type Error = Infallible;

    fn count(&self) -> usize {
        self.len()
    }

    fn request(&self, i: usize) -> Result<Cow<'_, Request>, Infallible> {
        Ok(Cow::Borrowed(&self[i]))
    }
}

/// A `Cancel` nobody sets, for batches that run to their end.
static NEVER: Cancel = Cancel(AtomicBool::new(false));

/// Renders every request, in order, on at most `max_concurrent` threads;
/// never more threads than items, nor than its share of the cores (see
/// `threads_for`).
pub fn render_batch(reqs: &[Request], max_concurrent: usize) -> Vec<Outcome> {
    render_batch_until(reqs, max_concurrent, &NEVER).unwrap_or_default()
}

/// As `render_batch`, stopping when `cancel` is set.
pub fn render_batch_until(
    reqs: &[Request],
    max_concurrent: usize,
    cancel: &Cancel,
) -> Result<Vec<Outcome>, Cancelled> {
    render_batch_map(reqs, max_concurrent, cancel, |_, o| o).map_err(Cancelled::from)
}

/// Batches rendering right now, across every caller in the process.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

struct InFlight;

impl InFlight {
    /// Counts this batch in and returns how many are rendering, this one included.
    fn enter() -> (Self, usize) {
        (Self, IN_FLIGHT.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Threads for one batch: at most `max_concurrent`, never more than items,
/// and the cores shared among the batches in flight. Concurrent batches are
/// parallel already; fanning each out over every core too only makes each
/// batch wait at its join for items preempted by the others.
fn threads_for(max_concurrent: usize, items: usize, cores: usize, in_flight: usize) -> usize {
    max_concurrent
        .clamp(1, MAX_CONCURRENT)
        .min(items)
        .min((cores / in_flight.max(1)).max(1))
}

/// As `render_batch_until`, with each request fetched from `items` on its
/// render thread and each item's index and outcome passed through `f`
/// there, so per-item input and output work is parallel too. The first
/// item whose request cannot be made stops the batch.
pub fn render_batch_map<I: Items + ?Sized, T: Send>(
    items: &I,
    max_concurrent: usize,
    cancel: &Cancel,
    f: impl Fn(usize, Outcome) -> T + Sync,
) -> Result<Vec<T>, Stopped<I::Error>> {
    let failed = Mutex::new(None);
    let out = map_batch(items.count(), max_concurrent, cancel, |i| {
        match items.request(i) {
            Ok(req) => Some(f(i, render_guarded(&req))),
            Err(e) => {
                let mut first = failed.lock().unwrap_or_else(|e| e.into_inner());
                if first.as_ref().is_none_or(|(at, _)| i < *at) {
                    *first = Some((i, e));
                }
                None
            }
        }
    });
    out.map_err(
        |Cancelled| match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some((i, e)) => Stopped::Item(i, e),
            None => Stopped::Cancelled,
        },
    )
}

/// Runs `f` on each index below `len`, in order, on at most
/// `max_concurrent` threads, until `cancel` is set or `f` returns `None`;
/// `f` must contain its own panics.
fn map_batch<T: Send>(
    len: usize,
    max_concurrent: usize,
    cancel: &Cancel,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Result<Vec<T>, Cancelled> {
    let (_counted, in_flight) = InFlight::enter();
    let threads = threads_for(max_concurrent, len, cores(), in_flight);
    // Items are handed out one at a time from a shared counter, each result
    // going to its item's slot; a set flag (the caller's, or `stop` once `f`
    // gives up) stops every thread before its next item, so an empty slot
    // means the batch was stopped.
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let slots: Vec<Mutex<Option<T>>> = std::iter::repeat_with(|| Mutex::new(None))
        .take(len)
        .collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = slots.get(i) else {
            break;
        };
        if cancel.is_cancelled() || stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(out) = f(i) else {
            stop.store(true, Ordering::Relaxed);
            break;
        };
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
    };
    // The calling thread renders too, beside `threads - 1` pool threads:
    // waking one thread fewer, and not sleeping while they work, is most of
    // what a second thread gains on a batch of 100 small codes.
    match (threads > 1).then(|| pool(threads - 1)).flatten() {
        Some(pool) => pool.in_place_scope(|s| {
            for _ in 1..threads {
                s.spawn(|_| work());
            }
            work();
        }),
        // If the OS refused the threads, render on the calling thread alone.
        None => work(),
    }
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect::<Option<Vec<T>>>()
        .ok_or(Cancelled)
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
    fn concurrent_batches_share_the_cores() {
        assert_eq!(threads_for(20, 100, 2, 1), 2, "alone: every core");
        assert_eq!(threads_for(20, 100, 2, 2), 1);
        assert_eq!(threads_for(20, 100, 8, 3), 2);
        assert_eq!(threads_for(20, 100, 8, 9), 1, "never fewer than one");
        assert_eq!(threads_for(3, 100, 8, 1), 3, "max_concurrent bounds it");
        assert_eq!(threads_for(20, 1, 8, 1), 1, "no more threads than items");
    }

    #[test]
    fn check_agrees_with_render_without_drawing() {
        let req = |t: &str, d: &str, ec: Option<&str>, width: Option<f64>| Request {
            barcode_type: t.into(),
            data: d.into(),
            format: None,
            options: crate::RawOptions {
                error_correction: ec.map(Into::into),
                width,
                ..Default::default()
            },
        };
        let reqs = vec![
            req("qr", "fits", None, None),
            req("qr", &"x".repeat(2000), Some("H"), None),
            req("qr", &"x".repeat(2000), Some("L"), None),
            req("ean13", "4006381333932", None, None),
            req("code39", "AB c", None, None),
            req("qr", "x", None, Some(10.0)),
            req("nope", "x", None, None),
            req("code128", &"x".repeat(8193), None, None),
            req("qr", "", None, None),
        ];
        let checks = check_batch(&reqs, 4);
        let renders = render_batch(&reqs, 4);
        let codes: Vec<_> = checks
            .iter()
            .map(|c| c.as_ref().err().map(|e| e.code()))
            .collect();
        assert_eq!(
            codes,
            [
                None,
                Some("DATA_TOO_LONG"),
                None,
                Some("INVALID_DATA"),
                Some("INVALID_DATA"),
                Some("INVALID_OPTION"),
                Some("UNSUPPORTED_TYPE"),
                Some("DATA_TOO_LONG"),
                Some("EMPTY_DATA"),
            ]
        );
        for (c, r) in checks.iter().zip(&renders) {
            assert_eq!(c.as_ref().err(), r.result.as_ref().err());
        }
    }

    #[test]
    fn data_past_the_limit_fails_before_encoding() {
        let r = crate::render(&Request {
            barcode_type: "code128".into(),
            data: "é".repeat(8193),
            ..Default::default()
        });
        assert_eq!(
            r.unwrap_err().to_string(),
            "data is 8,193 characters; a request holds at most 8,192"
        );
        // 8,192 characters in more bytes is within the limit (and past Code 128's set).
        let r = check(&Request {
            barcode_type: "code128".into(),
            data: "é".repeat(8192),
            ..Default::default()
        });
        assert_eq!(r.unwrap_err().code(), "INVALID_DATA");
    }

    fn qr_items(n: usize) -> Vec<Request> {
        (0..n)
            .map(|i| Request {
                barcode_type: "qr".into(),
                data: format!("cancel test {i} {:?}", Instant::now()),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn a_set_cancel_renders_nothing() {
        let cancel = Cancel::default();
        cancel.cancel();
        let calls = AtomicUsize::new(0);
        let out = render_batch_map(&qr_items(10)[..], 2, &cancel, |_, _| {
            calls.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(out, Err(Stopped::Cancelled));
        assert_eq!(calls.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn cancel_stops_the_items_not_started() {
        for threads in [1, 2] {
            let cancel = Cancel::default();
            let calls = AtomicUsize::new(0);
            let out = render_batch_map(&qr_items(50)[..], threads, &cancel, |_, o| {
                assert!(o.result.is_ok());
                if calls.fetch_add(1, Ordering::Relaxed) == 2 {
                    cancel.cancel();
                }
            });
            assert_eq!(out, Err(Stopped::Cancelled));
            // Each thread may have started one more item before it saw the flag.
            let rendered = calls.load(Ordering::Relaxed);
            assert!(
                (3..3 + threads).contains(&rendered),
                "{threads} threads: {rendered}"
            );
        }
        let cancel = Cancel::default();
        assert_eq!(
            render_batch_until(&qr_items(5), 2, &cancel).map(|o| o.len()),
            Ok(5)
        );
    }

    /// Items whose request `bad` cannot be made, counting the requests made.
    struct Failing {
        reqs: Vec<Request>,
        bad: usize,
        made: AtomicUsize,
    }

    impl Items for Failing {
        type Error = String;

        fn count(&self) -> usize {
            self.reqs.len()
        }

        fn request(&self, i: usize) -> Result<Cow<'_, Request>, String> {
            self.made.fetch_add(1, Ordering::Relaxed);
            if i == self.bad {
                return Err(format!("item {i} is bad"));
            }
            Ok(Cow::Borrowed(&self.reqs[i]))
        }
    }

    #[test]
    fn an_item_without_a_request_stops_the_batch() {
        for threads in [1, 2] {
            let items = Failing {
                reqs: qr_items(50),
                bad: 3,
                made: AtomicUsize::new(0),
            };
            let out = render_batch_map(&items, threads, &NEVER, |_, o| o.result.is_ok());
            assert_eq!(out, Err(Stopped::Item(3, "item 3 is bad".into())));
            // Each thread may have fetched one more item before it saw the stop.
            let made = items.made.load(Ordering::Relaxed);
            assert!(
                (4..4 + threads).contains(&made),
                "{threads} threads: {made}"
            );
        }
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
