//! Thin napi-rs binding over `batchcode-core`: argument conversion, the
//! async/sync twins that share one `Task`, and the panic boundary: every
//! export runs in `shield`, since a panic unwinding into Node aborts it.
mod args;
mod sheet;
mod tasks;
mod types;

use batchcode_core::batch::guard;
use batchcode_core::cache::{CACHE_MAX_BYTES, CACHE_MAX_ENTRIES, CACHE_TTL_SECONDS};
use batchcode_core::{global_cache, CacheConfig};
use napi::bindgen_prelude::*;
use napi::ScopedTask;
use napi_derive::napi;

use tasks::{
    batch_task, check_task, invalid_arg, json_batch_task, shield, BatchTask, CancelToken,
    CheckTask, CoreErr, Items, JsonBatchTask,
};
use types::{NativeCacheStats, NativeCheck, NativeFacts, NativeJsonBatch};

/// A render allocates and frees dozens of small buffers per code (bit
/// vectors, the module matrix, the growing SVG), from every render thread:
/// glibc's malloc spent about 9% of a render in its own bookkeeping, and the
/// threads contended for it. mimalloc's thread-local free lists cut one
/// thread's QR SVG batch by about a tenth and scale better (BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Renders `itemsJson`, a JSON array of `NativeRequest` (at most 10000), on
/// native threads (at most `maxConcurrent`, 1 to 20, default 20, and at
/// most this batch's share of the cores among the batches rendering);
/// resolves with the results packed into one Buffer (the layout is in
/// `batchcode_core::packed`; its field and kind names are `facts()`'s
/// `packed_fields` and `packed_kinds`), or rejects with `CANCELLED` once
/// `cancel` is cancelled.
#[napi(
    ts_args_type = "itemsJson: string, maxConcurrent?: number | undefined | null, includeMetadata?: boolean | undefined | null, cancel?: CancelToken | undefined | null",
    ts_return_type = "Promise<Buffer>"
)]
pub fn render_batch_async(
    items_json: Unknown,
    max_concurrent: Option<Unknown>,
    include_metadata: Option<Unknown>,
    cancel: Option<&CancelToken>,
) -> Result<AsyncTask<BatchTask>> {
    shield(|| {
        let items = Items::from_js(&items_json, max_concurrent.as_ref())?;
        Ok(AsyncTask::new(batch_task(
            items,
            include_metadata.as_ref(),
            cancel,
        )?))
    })
}

/// The synchronous twin of `renderBatchAsync`, sharing its task. Its Buffer
/// is a copy owned by V8, not the task's bytes: Node runs the finaliser of
/// an external buffer only when the event loop turns, so a loop of sync
/// calls would keep every batch's bytes until it ended.
#[napi(
    ts_args_type = "itemsJson: string, maxConcurrent?: number | undefined | null, includeMetadata?: boolean | undefined | null"
)]
pub fn render_batch_sync<'env>(
    env: &'env Env,
    items_json: Unknown,
    max_concurrent: Option<Unknown>,
    include_metadata: Option<Unknown>,
) -> Result<BufferSlice<'env>> {
    shield(|| {
        let items = Items::from_js(&items_json, max_concurrent.as_ref())?;
        let mut task = batch_task(items, include_metadata.as_ref(), None)?;
        let out = task.compute()?;
        BufferSlice::copy_from(env, &out)
    })
}

/// As `renderBatchAsync`, resolving with the results written as JSON (PNG
/// as base64); `idsJson` holds each item's id as `JSON.stringify` wrote it.
#[napi(
    ts_args_type = "itemsJson: string, idsJson: Array<string>, maxConcurrent?: number | undefined | null, includeMetadata?: boolean | undefined | null, cancel?: CancelToken | undefined | null",
    ts_return_type = "Promise<NativeJsonBatch>"
)]
pub fn render_batch_json_async(
    items_json: Unknown,
    ids_json: Vec<String>,
    max_concurrent: Option<Unknown>,
    include_metadata: Option<Unknown>,
    cancel: Option<&CancelToken>,
) -> Result<AsyncTask<JsonBatchTask>> {
    shield(|| {
        let items = Items::from_js(&items_json, max_concurrent.as_ref())?;
        Ok(AsyncTask::new(json_batch_task(
            items,
            ids_json,
            include_metadata.as_ref(),
            cancel,
        )?))
    })
}

/// The synchronous twin of `renderBatchJsonAsync`, sharing its task.
#[napi(
    ts_args_type = "itemsJson: string, idsJson: Array<string>, maxConcurrent?: number | undefined | null, includeMetadata?: boolean | undefined | null"
)]
pub fn render_batch_json_sync<'env>(
    env: &'env Env,
    items_json: Unknown,
    ids_json: Vec<String>,
    max_concurrent: Option<Unknown>,
    include_metadata: Option<Unknown>,
) -> Result<NativeJsonBatch<'env>> {
    shield(|| {
        let items = Items::from_js(&items_json, max_concurrent.as_ref())?;
        let mut task = json_batch_task(items, ids_json, include_metadata.as_ref(), None)?;
        let out = task.compute()?;
        task.resolve(env, out)
    })
}

/// Checks whether each item of `itemsJson` (as for `renderBatchAsync`)
/// would render, without drawing or caching: resolves with `null` for an
/// item that would, else the `{ code, message }` its render would fail with.
#[napi(
    ts_args_type = "itemsJson: string, maxConcurrent?: number | undefined | null",
    ts_return_type = "Promise<Array<NativeCheck | null>>"
)]
pub fn check_batch_async(
    items_json: Unknown,
    max_concurrent: Option<Unknown>,
) -> Result<AsyncTask<CheckTask>> {
    shield(|| {
        let items = Items::from_js(&items_json, max_concurrent.as_ref())?;
        Ok(AsyncTask::new(check_task(items)))
    })
}

/// The synchronous twin of `checkBatchAsync`, sharing its task.
#[napi(
    ts_args_type = "itemsJson: string, maxConcurrent?: number | undefined | null",
    ts_return_type = "Array<NativeCheck | null>"
)]
pub fn check_batch_sync(
    env: &Env,
    items_json: Unknown,
    max_concurrent: Option<Unknown>,
) -> Result<Vec<Option<NativeCheck>>> {
    shield(|| {
        let mut task = check_task(Items::from_js(&items_json, max_concurrent.as_ref())?);
        let out = task.compute()?;
        task.resolve(env, out)
    })
}

#[napi]
pub fn cache_stats() -> Result<NativeCacheStats> {
    shield(|| Ok(global_cache().stats().into()))
}

#[napi]
pub fn clear_cache() -> Result<()> {
    shield(|| {
        global_cache().clear();
        Ok(())
    })
}

/// Changes the cache's bounds. Each value must be a whole number within its
/// range (see `NativeCacheConfig`), else nothing changes and the error
/// names the field, the range and the value.
#[napi(ts_args_type = "config: NativeCacheConfig")]
pub fn configure_cache(config: Unknown) -> Result<()> {
    shield(|| {
        let what = "an object of max_entries, max_bytes and ttl_seconds";
        let config = args::object("config", what, &config)?;
        let current = global_cache().config();
        let field = |name, setting: &batchcode_core::facts::Setting, now: u64| -> Result<u64> {
            let v: Option<Unknown> = config.get(name)?;
            Ok(args::whole(name, setting.range, v.as_ref())?.unwrap_or(now))
        };
        let next = CacheConfig::new(
            field(
                "max_entries",
                &CACHE_MAX_ENTRIES,
                current.max_entries() as u64,
            )?,
            field("max_bytes", &CACHE_MAX_BYTES, current.max_bytes() as u64)?,
            field("ttl_seconds", &CACHE_TTL_SECONDS, current.ttl().as_secs())?,
        )
        .map_err(invalid_arg)?;
        global_cache().configure(next);
        Ok(())
    })
}

/// The names, limits, settings and error codes the TypeScript side must
/// agree with (see `batchcode_core::facts`).
#[napi]
pub fn facts() -> Result<NativeFacts> {
    shield(|| Ok(NativeFacts::gather()))
}

/// Panics inside the same guard that protects every render, so tests can
/// prove that a panic becomes a JavaScript error and the process lives on.
#[napi]
pub fn panic_probe() -> Result<()> {
    guard::<()>(|| panic!("panic probe")).map_err(|e| CoreErr(e).into())
}

/// Lays `sheetJson`, `{ layout, labels }` (each label an item of
/// `renderBatchAsync` plus an optional `caption`), out on label sheets:
/// resolves with the PDF and each label's place, or rejects with
/// `CODE: message` for a bad layout, too many labels, or none that renders.
#[napi(
    ts_args_type = "sheetJson: string",
    ts_return_type = "Promise<NativeSheet>"
)]
pub fn render_sheet_async(sheet_json: String) -> Result<AsyncTask<sheet::SheetTask>> {
    Ok(AsyncTask::new(sheet::SheetTask::new(sheet_json)))
}

/// The synchronous twin of `renderSheetAsync`, sharing its task.
#[napi(ts_args_type = "sheetJson: string")]
pub fn render_sheet_sync(env: &Env, sheet_json: String) -> Result<sheet::NativeSheet> {
    shield(|| {
        let mut task = sheet::SheetTask::new(sheet_json);
        let out = task.compute()?;
        task.resolve(env, out)
    })
}
