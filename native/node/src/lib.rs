//! Thin napi-rs binding over `batchcode-core`: argument conversion, the
//! async/sync twins that share one `Task`, and the panic boundary.
mod tasks;
mod types;

use std::time::Duration;

use batchcode_core::batch::guard;
use batchcode_core::global_cache;
use napi::bindgen_prelude::*;
use napi::ScopedTask;
use napi_derive::napi;

use tasks::{batch_task, json_batch_task, BatchTask, CoreErr, JsonBatchTask};
use types::{NativeCacheConfig, NativeCacheStats, NativeJsonBatch, NativeResult};

/// Renders `items_json`, a JSON array of `NativeRequest`, on native threads
/// (at most `max_concurrent`, default 20, and at most this batch's share of
/// the cores among the batches rendering); resolves with one result per item.
#[napi(ts_return_type = "Promise<NativeResult[]>")]
pub fn render_batch_async(
    items_json: String,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<AsyncTask<BatchTask>> {
    Ok(AsyncTask::new(batch_task(
        items_json,
        max_concurrent,
        include_metadata,
    )?))
}

/// The synchronous twin of `renderBatchAsync`, sharing its task.
#[napi]
pub fn render_batch_sync<'env>(
    env: &'env Env,
    items_json: String,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<Vec<NativeResult<'env>>> {
    let mut task = batch_task(items_json, max_concurrent, include_metadata)?;
    let out = task.compute()?;
    task.resolve(env, out)
}

/// As `renderBatchAsync`, resolving with the results written as JSON (PNG
/// as base64); `ids_json` holds each item's id as `JSON.stringify` wrote it.
#[napi(ts_return_type = "Promise<NativeJsonBatch>")]
pub fn render_batch_json_async(
    items_json: String,
    ids_json: Vec<String>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<AsyncTask<JsonBatchTask>> {
    Ok(AsyncTask::new(json_batch_task(
        items_json,
        ids_json,
        max_concurrent,
        include_metadata,
    )?))
}

/// The synchronous twin of `renderBatchJsonAsync`, sharing its task.
#[napi]
pub fn render_batch_json_sync<'env>(
    env: &'env Env,
    items_json: String,
    ids_json: Vec<String>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<NativeJsonBatch<'env>> {
    let mut task = json_batch_task(items_json, ids_json, max_concurrent, include_metadata)?;
    let out = task.compute()?;
    task.resolve(env, out)
}

#[napi]
pub fn cache_stats() -> NativeCacheStats {
    global_cache().stats().into()
}

#[napi]
pub fn clear_cache() {
    global_cache().clear();
}

fn non_negative(field: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(Error::new(
            Status::InvalidArg,
            format!("{field} must be a number >= 0, got {v}"),
        ))
    }
}

#[napi]
pub fn configure_cache(config: NativeCacheConfig) -> Result<()> {
    let cache = global_cache();
    let mut c = cache.config();
    if let Some(n) = config.max_entries {
        c.max_entries = n as usize;
    }
    if let Some(b) = config.max_bytes {
        c.max_bytes = non_negative("max_bytes", b)? as usize;
    }
    if let Some(t) = config.ttl_seconds {
        c.ttl = Duration::from_secs_f64(non_negative("ttl_seconds", t)?);
    }
    cache.configure(c);
    Ok(())
}

/// Panics inside the same guard that protects every render, so tests can
/// prove that a panic becomes a JavaScript error and the process lives on.
#[napi]
pub fn panic_probe() -> Result<()> {
    guard::<()>(|| panic!("panic probe")).map_err(|e| CoreErr(e).into())
}
