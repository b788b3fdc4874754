//! The tasks behind the async/sync twins: each splits its items' JSON on the
//! calling thread (a libuv worker for the async twin), parses and renders
//! each item on the thread that takes it, then converts the output to
//! JavaScript values on the main thread. Every step runs in `shield`, so no
//! panic reaches Node.
use std::borrow::Cow;
use std::sync::Arc;

use batchcode_core::batch::{check_batch, guard, BATCH_MAX_ITEMS, CONCURRENCY, MAX_CONCURRENT};
use batchcode_core::json::{is_json_string, render_batch_json, JsonBatch};
use batchcode_core::packed::render_batch_packed;
use batchcode_core::{Cancel, CoreError, CoreResult, Request, Stopped};
use napi::bindgen_prelude::*;
use napi::ScopedTask;
use napi_derive::napi;
use serde_json::value::RawValue;

use crate::args;
use crate::types::{NativeCheck, NativeJsonBatch, NativeRequest};

pub struct CoreErr(pub CoreError);

impl From<CoreErr> for napi::Error {
    fn from(e: CoreErr) -> Self {
        napi::Error::new(Status::GenericFailure, format!("{}: {}", e.0.code(), e.0))
    }
}

/// Runs `f` with panics turned into an `INTERNAL` error: a panic unwinding
/// into Node aborts the process.
pub fn shield<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    guard(|| Ok(f())).map_err(|e| napi::Error::from(CoreErr(e)))?
}

/// What a stopped batch rejects with: `CANCELLED`, or the malformed item
/// (the Node API answers a cancel with its signal's reason instead).
fn stopped(s: Stopped<String>) -> napi::Error {
    match s {
        Stopped::Cancelled => napi::Error::new(
            Status::Cancelled,
            "CANCELLED: the batch was cancelled before every item was rendered",
        ),
        Stopped::Item(i, e) => malformed(format!("items[{i}]: {e}")),
    }
}

fn malformed(e: impl std::fmt::Display) -> napi::Error {
    Error::new(
        Status::InvalidArg,
        format!("items must be a JSON array of requests: {e}"),
    )
}

/// A misuse of the binding, as napi's `InvalidArg`, the message unprefixed.
pub fn invalid_arg(e: CoreError) -> napi::Error {
    napi::Error::new(Status::InvalidArg, e.to_string())
}

/// A call's items, still as the JSON array of `NativeRequest` it crossed
/// napi as, and its thread bound.
pub struct Items {
    json: String,
    max_concurrent: usize,
}

impl Items {
    /// The arguments every export starts with: `itemsJson` and `maxConcurrent`
    /// (1 to 20, default 20).
    pub fn from_js(items_json: &Unknown, max_concurrent: Option<&Unknown>) -> Result<Self> {
        Ok(Items {
            json: args::string("items_json", "a JSON array of requests", items_json)?,
            max_concurrent: args::whole("max_concurrent", CONCURRENCY, max_concurrent)?
                .map_or(MAX_CONCURRENT, |n| n as usize),
        })
    }

    /// The array split into its items, each still JSON: checking the
    /// syntax and finding the items' ends is all that happens before the
    /// render threads start; each item is parsed by the thread that renders it.
    fn raw(&self) -> Result<RawItems<'_>> {
        let raw: Vec<&RawValue> = serde_json::from_str(&self.json).map_err(malformed)?;
        let max = BATCH_MAX_ITEMS.range.max as usize;
        if raw.len() > max {
            return Err(Error::new(
                Status::InvalidArg,
                format!("items: at most {max} items per call, got {}", raw.len()),
            ));
        }
        Ok(RawItems(raw))
    }

    /// Every item parsed, on the calling thread.
    fn requests(&self) -> Result<Vec<Request>> {
        let raw = self.raw()?;
        (0..raw.0.len())
            .map(|i| {
                raw.parse(i)
                    .map_err(|e| stopped(Stopped::Item(i, e.to_string())))
            })
            .collect()
    }
}

/// A batch's items as JSON, parsed one by one where they render.
struct RawItems<'a>(Vec<&'a RawValue>);

impl RawItems<'_> {
    fn parse(&self, i: usize) -> serde_json::Result<Request> {
        serde_json::from_str::<NativeRequest>(self.0[i].get()).map(Request::from)
    }
}

impl batchcode_core::Items for RawItems<'_> {
    type Error = String;

    fn count(&self) -> usize {
        self.0.len()
    }

    fn request(&self, i: usize) -> std::result::Result<Cow<'_, Request>, String> {
        self.parse(i).map(Cow::Owned).map_err(|e| e.to_string())
    }
}

/// A batch whose results come back packed into one Buffer (see
/// `batchcode_core::packed`): one napi value per batch, not several per item.
pub struct BatchTask {
    items: Items,
    include_metadata: bool,
    cancel: Arc<Cancel>,
}

impl<'env> ScopedTask<'env> for BatchTask {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        shield(|| {
            let items = self.items.raw()?;
            let (max, meta) = (self.items.max_concurrent, self.include_metadata);
            render_batch_packed(&items, max, meta, &self.cancel).map_err(stopped)
        })
    }

    /// The bytes become the Buffer's memory as they are (an external buffer,
    /// one finaliser per batch), with no copy on the main thread. Node runs
    /// that finaliser once the event loop turns, which it does between async
    /// batches; `renderBatchSync` copies instead (see there).
    fn resolve(&mut self, _env: &'env Env, output: Self::Output) -> Result<Self::JsValue> {
        shield(|| Ok(Buffer::from(output)))
    }
}

/// A batch task; `cancel` stops it (the async twins take one, see `CancelToken`).
pub fn batch_task(
    items: Items,
    include_metadata: Option<&Unknown>,
    cancel: Option<&CancelToken>,
) -> Result<BatchTask> {
    Ok(BatchTask {
        items,
        include_metadata: args::flag("include_metadata", include_metadata)?.unwrap_or(false),
        cancel: cancel.map_or_else(Default::default, |t| t.0.clone()),
    })
}

/// Stops the async batch it is passed to: items not started when `cancel()`
/// is called are not rendered, and the batch rejects with `CANCELLED`.
/// One token may serve several batches.
#[napi]
pub struct CancelToken(Arc<Cancel>);

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken(Arc::default())
    }

    #[napi]
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// Whether each item would render, without drawing (see `batchcode_core::check`).
pub struct CheckTask {
    items: Items,
}

impl<'env> ScopedTask<'env> for CheckTask {
    type Output = Vec<CoreResult<()>>;
    type JsValue = Vec<Option<NativeCheck>>;

    fn compute(&mut self) -> Result<Self::Output> {
        shield(|| {
            let requests = self.items.requests()?;
            Ok(check_batch(&requests, self.items.max_concurrent))
        })
    }

    fn resolve(&mut self, _env: &'env Env, output: Self::Output) -> Result<Self::JsValue> {
        shield(|| {
            Ok(output
                .into_iter()
                .map(|r| r.err().map(NativeCheck::from))
                .collect())
        })
    }
}

pub fn check_task(items: Items) -> CheckTask {
    CheckTask { items }
}

/// A batch whose results come back as JSON bytes (see `batchcode_core::json`).
pub struct JsonBatchTask {
    batch: BatchTask,
    ids_json: Vec<String>,
}

impl JsonBatchTask {
    /// Each id is spliced into the answer as it is, so anything but one JSON
    /// string would corrupt the whole answer.
    fn check_ids(&self) -> Result<()> {
        for (i, id) in self.ids_json.iter().enumerate() {
            if !is_json_string(id) {
                let shown: String = id.chars().take(40).collect();
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("ids_json[{i}] must be a JSON string, as JSON.stringify writes one, got {shown:?}"),
                ));
            }
        }
        Ok(())
    }
}

impl<'env> ScopedTask<'env> for JsonBatchTask {
    type Output = JsonBatch;
    type JsValue = NativeJsonBatch<'env>;

    fn compute(&mut self) -> Result<Self::Output> {
        shield(|| {
            let items = self.batch.items.raw()?;
            if items.0.len() != self.ids_json.len() {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("{} items but {} ids", items.0.len(), self.ids_json.len()),
                ));
            }
            self.check_ids()?;
            let (max, meta) = (self.batch.items.max_concurrent, self.batch.include_metadata);
            render_batch_json(&items, &self.ids_json, max, meta, &self.batch.cancel)
                .map_err(stopped)
        })
    }

    fn resolve(&mut self, env: &'env Env, output: Self::Output) -> Result<Self::JsValue> {
        shield(|| NativeJsonBatch::new(env, output))
    }
}

pub fn json_batch_task(
    items: Items,
    ids_json: Vec<String>,
    include_metadata: Option<&Unknown>,
    cancel: Option<&CancelToken>,
) -> Result<JsonBatchTask> {
    Ok(JsonBatchTask {
        batch: batch_task(items, include_metadata, cancel)?,
        ids_json,
    })
}
