//! Thin napi-rs binding over `batchcode-core`: argument conversion, the
//! async/sync twins that share one `Task`, and the panic boundary.
mod types;

use std::time::Duration;

use batchcode_core::batch::{guard, MAX_CONCURRENT};
use batchcode_core::{global_cache, render_batch, CoreError, Request};
use napi::bindgen_prelude::*;
use napi::ScopedTask;
use napi_derive::napi;

use types::{NativeCacheConfig, NativeCacheStats, NativeRequest, NativeResult};

struct CoreErr(CoreError);

impl From<CoreErr> for napi::Error {
    fn from(e: CoreErr) -> Self {
        napi::Error::new(Status::GenericFailure, format!("{}: {}", e.0.code(), e.0))
    }
}

pub struct BatchTask {
    requests: Vec<Request>,
    max_concurrent: usize,
    include_metadata: bool,
}

impl<'env> ScopedTask<'env> for BatchTask {
    type Output = Vec<batchcode_core::Outcome>;
    type JsValue = Vec<NativeResult<'env>>;

    fn compute(&mut self) -> Result<Self::Output> {
        let requests = std::mem::take(&mut self.requests);
        let max = self.max_concurrent;
        // Items are guarded one by one in the core; this catches the rest.
        guard(|| Ok(render_batch(&requests, max))).map_err(|e| CoreErr(e).into())
    }

    fn resolve(&mut self, env: &'env Env, output: Self::Output) -> Result<Self::JsValue> {
        let meta = self.include_metadata;
        output
            .into_iter()
            .map(|o| NativeResult::from_outcome(env, o, meta))
            .collect()
    }
}

fn batch_task(
    items: Vec<NativeRequest>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<BatchTask> {
    let max_concurrent = max_concurrent.unwrap_or(MAX_CONCURRENT as u32) as usize;
    if !(1..=MAX_CONCURRENT).contains(&max_concurrent) {
        return Err(Error::new(
            Status::InvalidArg,
            format!("max_concurrent must be from 1 to {MAX_CONCURRENT}, got {max_concurrent}"),
        ));
    }
    Ok(BatchTask {
        requests: items.into_iter().map(Request::from).collect(),
        max_concurrent,
        include_metadata: include_metadata.unwrap_or(false),
    })
}

/// Renders items on native threads (at most `max_concurrent`, default 20,
/// never more than the machine's cores); resolves with one result per item.
#[napi(ts_return_type = "Promise<NativeResult[]>")]
pub fn render_batch_async(
    items: Vec<NativeRequest>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<AsyncTask<BatchTask>> {
    Ok(AsyncTask::new(batch_task(
        items,
        max_concurrent,
        include_metadata,
    )?))
}

/// The synchronous twin of `renderBatchAsync`, sharing its task.
#[napi]
pub fn render_batch_sync<'env>(
    env: &'env Env,
    items: Vec<NativeRequest>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<Vec<NativeResult<'env>>> {
    let mut task = batch_task(items, max_concurrent, include_metadata)?;
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
