//! Label sheets across the boundary: the request as one JSON string, parsed
//! and rendered off the event loop; the PDF back as a Buffer, and each
//! label's place (or error) as JSON.
use batchcode_core::sheet::grid::{RawLayout, RawPage};
use batchcode_core::sheet::{render_sheet, Label, Placed};
use batchcode_core::{CoreError, CoreResult, Request};
use napi::bindgen_prelude::*;
use napi::ScopedTask;
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::tasks::{shield, CoreErr};
use crate::types::NativeRequest;

#[derive(Deserialize)]
#[serde(untagged)]
enum NativePage {
    Named(String),
    Size { width: f64, height: f64 },
}

#[derive(Deserialize, Default)]
struct NativeMargins {
    top: Option<f64>,
    left: Option<f64>,
}

#[derive(Deserialize, Default)]
struct NativeGaps {
    column: Option<f64>,
    row: Option<f64>,
}

#[derive(Deserialize, Default)]
struct NativeLayout {
    template: Option<String>,
    page: Option<NativePage>,
    columns: Option<f64>,
    rows: Option<f64>,
    label_width: Option<f64>,
    label_height: Option<f64>,
    margins: Option<NativeMargins>,
    gaps: Option<NativeGaps>,
    start_at: Option<f64>,
    crop_marks: Option<bool>,
    outline: Option<bool>,
    padding: Option<f64>,
    caption_size: Option<f64>,
}

impl From<NativeLayout> for RawLayout {
    fn from(l: NativeLayout) -> Self {
        let (m, g) = (l.margins.unwrap_or_default(), l.gaps.unwrap_or_default());
        RawLayout {
            template: l.template,
            page: l.page.map(|p| match p {
                NativePage::Named(n) => RawPage::Named(n),
                NativePage::Size { width, height } => RawPage::Size { width, height },
            }),
            columns: l.columns,
            rows: l.rows,
            label_width: l.label_width,
            label_height: l.label_height,
            margin_top: m.top,
            margin_left: m.left,
            column_gap: g.column,
            row_gap: g.row,
            start_at: l.start_at,
            crop_marks: l.crop_marks,
            outline: l.outline,
            padding: l.padding,
            caption_size: l.caption_size,
        }
    }
}

#[derive(Deserialize)]
struct NativeLabel {
    #[serde(flatten)]
    item: NativeRequest,
    caption: Option<String>,
}

#[derive(Deserialize)]
struct NativeSheetRequest {
    layout: NativeLayout,
    labels: Vec<NativeLabel>,
}

/// A sheet: the PDF, its page count, and per label, in order, either
/// `{ page, column, row, scale, warnings }` or `{ error: { code, message } }`, as JSON.
#[napi(object, object_from_js = false)]
pub struct NativeSheet {
    pub pdf: Buffer,
    pub pages: u32,
    #[napi(js_name = "labels_json")]
    pub labels_json: String,
}

pub struct SheetTask {
    json: String,
}

impl SheetTask {
    pub fn new(json: String) -> Self {
        SheetTask { json }
    }
}

fn label_json(r: &CoreResult<Placed>) -> Value {
    match r {
        Ok(p) => json!({
            "page": p.page, "column": p.column, "row": p.row,
            "scale": (p.scale * 1000.0).round() / 1000.0, "warnings": p.warnings,
        }),
        Err(e) => json!({ "error": { "code": e.code(), "message": e.to_string() } }),
    }
}

impl<'env> ScopedTask<'env> for SheetTask {
    type Output = (Vec<u8>, u32, String);
    type JsValue = NativeSheet;

    fn compute(&mut self) -> Result<Self::Output> {
        shield(|| {
            let req: NativeSheetRequest = serde_json::from_str(&self.json).map_err(|e| {
                CoreErr(CoreError::InvalidData(format!(
                    "a sheet must be JSON {{ layout, labels }}: {e}"
                )))
            })?;
            let labels: Vec<Label> = req
                .labels
                .into_iter()
                .map(|l| Label {
                    request: Request::from(l.item),
                    caption: l.caption,
                })
                .collect();
            let sheet = render_sheet(&labels, &req.layout.into()).map_err(CoreErr)?;
            let report = Value::Array(sheet.labels.iter().map(label_json).collect());
            Ok((sheet.pdf, sheet.pages, report.to_string()))
        })
    }

    fn resolve(
        &mut self,
        _env: &'env Env,
        (pdf, pages, labels_json): Self::Output,
    ) -> Result<Self::JsValue> {
        Ok(NativeSheet {
            pdf: pdf.into(),
            pages,
            labels_json,
        })
    }
}
