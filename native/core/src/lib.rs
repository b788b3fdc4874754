//! batchcode's rendering core: symbologies to bit matrices, bit matrices to
//! SVG and PNG, with a shared cache and a parallel batch runner. No Node
//! types here; the napi binding in `native/node` is a thin layer over this.
pub mod batch;
pub mod cache;
#[macro_use]
mod choice;
pub mod error;
pub mod facts;
pub mod json;
pub mod matrix;
pub mod options;
pub mod packed;
pub mod render;
pub mod sheet;
pub mod symbology;

pub use batch::{
    check_batch, check_guarded, render_batch, render_batch_until, render_guarded, Cancel,
    Cancelled, Items, Outcome, Stopped,
};
pub use cache::{global_cache, Cache, CacheConfig, CacheStats};
pub use error::{CoreError, CoreResult};
pub use options::{EcLevel, Format, RawOptions, RenderOptions, Rgba};
pub use render::{check, render, Body, Metadata, Rendered, Request};
