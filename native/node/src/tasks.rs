//! The batch tasks behind the async/sync twins: each parses its items and
//! renders on the calling thread (a libuv worker for the async twin), then
//! converts the output to JavaScript values on the main thread.
use batchcode_core::batch::{guard, MAX_CONCURRENT};
use batchcode_core::json::{render_batch_json, JsonBatch};
use batchcode_core::{render_batch, CoreError, Request};
use napi::bindgen_prelude::*;
use napi::ScopedTask;

use crate::types::{NativeJsonBatch, NativeRequest, NativeResult};

pub struct CoreErr(pub CoreError);

impl From<CoreErr> for napi::Error {
    fn from(e: CoreErr) -> Self {
        napi::Error::new(Status::GenericFailure, format!("{}: {}", e.0.code(), e.0))
    }
}

pub struct BatchTask {
    /// A JSON array of `NativeRequest`.
    items_json: String,
    max_concurrent: usize,
    include_metadata: bool,
}

impl BatchTask {
    /// Parses the items on the thread that renders them.
    fn requests(&mut self) -> Result<Vec<Request>> {
        let json = std::mem::take(&mut self.items_json);
        let items: Vec<NativeRequest> = serde_json::from_str(&json).map_err(|e| {
            Error::new(
                Status::InvalidArg,
                format!("items must be a JSON array of requests: {e}"),
            )
        })?;
        Ok(items.into_iter().map(Request::from).collect())
    }
}

impl<'env> ScopedTask<'env> for BatchTask {
    type Output = Vec<batchcode_core::Outcome>;
    type JsValue = Vec<NativeResult<'env>>;

    fn compute(&mut self) -> Result<Self::Output> {
        let requests = self.requests()?;
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

pub fn batch_task(
    items_json: String,
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
        items_json,
        max_concurrent,
        include_metadata: include_metadata.unwrap_or(false),
    })
}

/// A batch whose results come back as JSON bytes (see `batchcode_core::json`).
pub struct JsonBatchTask {
    batch: BatchTask,
    ids_json: Vec<String>,
}

impl<'env> ScopedTask<'env> for JsonBatchTask {
    type Output = JsonBatch;
    type JsValue = NativeJsonBatch<'env>;

    fn compute(&mut self) -> Result<Self::Output> {
        let requests = self.batch.requests()?;
        if requests.len() != self.ids_json.len() {
            return Err(Error::new(
                Status::InvalidArg,
                format!("{} items but {} ids", requests.len(), self.ids_json.len()),
            ));
        }
        let (max, meta) = (self.batch.max_concurrent, self.batch.include_metadata);
        let ids = &self.ids_json;
        guard(|| Ok(render_batch_json(&requests, ids, max, meta))).map_err(|e| CoreErr(e).into())
    }

    fn resolve(&mut self, env: &'env Env, output: Self::Output) -> Result<Self::JsValue> {
        NativeJsonBatch::new(env, output)
    }
}

pub fn json_batch_task(
    items_json: String,
    ids_json: Vec<String>,
    max_concurrent: Option<u32>,
    include_metadata: Option<bool>,
) -> Result<JsonBatchTask> {
    Ok(JsonBatchTask {
        batch: batch_task(items_json, max_concurrent, include_metadata)?,
        ids_json,
    })
}
