//! A sheet's layout as callers send it (a template's name, or a custom
//! grid in millimetres) and as the writer uses it, checked in one place:
//! every error names the `layout` field at fault.
use super::templates::{self, Grid, Page, PAGES};
use crate::error::{CoreError, CoreResult};
use crate::facts::{js_number, Range};
use crate::options::clip;

/// Columns and rows of a custom grid.
pub const COLUMNS: Range = Range::new(1, 20);
pub const ROWS: Range = Range::new(1, 50);
/// Page sides of a custom page, in millimetres.
const PAGE_MM: (f64, f64) = (20.0, 1500.0);
/// Labels and gaps, in millimetres.
const LABEL_MM: (f64, f64) = (5.0, 1500.0);
/// A label's blank border, in millimetres.
pub const DEFAULT_PADDING_MM: f64 = 1.5;
/// Caption size in points, before it shrinks to fit the label.
pub const DEFAULT_CAPTION_PT: f64 = 9.0;
const CAPTION_PT: (f64, f64) = (4.0, 72.0);
/// Slack for sums of millimetres given to two decimals.
const EPSILON: f64 = 0.005;

/// A custom page: a name, or a size in millimetres.
#[derive(Debug, Clone, PartialEq)]
pub enum RawPage {
    Named(String),
    Size { width: f64, height: f64 },
}

/// The layout exactly as a caller passed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawLayout {
    pub template: Option<String>,
    pub page: Option<RawPage>,
    pub columns: Option<f64>,
    pub rows: Option<f64>,
    pub label_width: Option<f64>,
    pub label_height: Option<f64>,
    pub margin_top: Option<f64>,
    pub margin_left: Option<f64>,
    pub column_gap: Option<f64>,
    pub row_gap: Option<f64>,
    pub start_at: Option<f64>,
    pub crop_marks: Option<bool>,
    pub outline: Option<bool>,
    pub padding: Option<f64>,
    pub caption_size: Option<f64>,
}

/// A checked layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub grid: Grid,
    /// Labels to leave blank on the first page (`start_at` - 1).
    pub skip: u32,
    pub crop_marks: bool,
    pub outline: bool,
    pub padding: f64,
    pub caption_pt: f64,
}

impl Grid {
    pub fn per_page(&self) -> u32 {
        self.columns * self.rows
    }

    /// The top-left corner of label `i` of a page, in mm from the page's top left.
    pub fn origin(&self, i: u32) -> (f64, f64) {
        let (col, row) = (i % self.columns, i / self.columns);
        (
            self.left + col as f64 * (self.label_width + self.column_gap),
            self.top + row as f64 * (self.label_height + self.row_gap),
        )
    }
}

impl RawLayout {
    pub fn parse(&self) -> CoreResult<Layout> {
        let grid = match &self.template {
            Some(name) => self.template_grid(name)?,
            None => self.custom_grid()?,
        };
        let start_at = match self.start_at {
            None => 1,
            Some(v) => Range::new(1, grid.per_page() as u64).whole("layout.start_at", v)? as u32,
        };
        let padding =
            mm("layout.padding", self.padding, (0.0, LABEL_MM.1))?.unwrap_or(DEFAULT_PADDING_MM);
        if 2.0 * padding >= grid.label_width.min(grid.label_height) {
            return Err(CoreError::option(
                "layout.padding",
                format!(
                    "{} mm on each side leaves no room in a {} x {} mm label",
                    js_number(padding),
                    js_number(grid.label_width),
                    js_number(grid.label_height)
                ),
            ));
        }
        Ok(Layout {
            grid,
            skip: start_at - 1,
            crop_marks: self.crop_marks.unwrap_or(false),
            outline: self.outline.unwrap_or(false),
            padding,
            caption_pt: number("layout.caption_size", self.caption_size, CAPTION_PT, "pt")?
                .unwrap_or(DEFAULT_CAPTION_PT),
        })
    }

    fn template_grid(&self, name: &str) -> CoreResult<Grid> {
        let t = templates::lookup(name).ok_or_else(|| {
            CoreError::option(
                "layout.template",
                format!(
                    "must be one of {}, or leave it out and give a custom grid; got {:?}",
                    templates::names().join(", "),
                    clip(name)
                ),
            )
        })?;
        for (field, given) in [
            ("layout.page", self.page.is_some()),
            ("layout.columns", self.columns.is_some()),
            ("layout.rows", self.rows.is_some()),
            ("layout.label_width", self.label_width.is_some()),
            ("layout.label_height", self.label_height.is_some()),
            (
                "layout.margins",
                self.margin_top.is_some() || self.margin_left.is_some(),
            ),
            (
                "layout.gaps",
                self.column_gap.is_some() || self.row_gap.is_some(),
            ),
        ] {
            if given {
                return Err(CoreError::option(
                    field,
                    format!(
                        "comes from the template {}; give a template or a custom grid, not both",
                        t.name
                    ),
                ));
            }
        }
        Ok(t.grid)
    }

    fn custom_grid(&self) -> CoreResult<Grid> {
        let page = match &self.page {
            None => {
                return Err(CoreError::option(
                    "layout",
                    format!(
                        "needs a template ({}) or a custom grid with page, columns, rows, label_width and label_height",
                        templates::names().join(", ")
                    ),
                ))
            }
            Some(RawPage::Named(name)) => PAGES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, p)| *p)
                .ok_or_else(|| {
                    let names: Vec<&str> = PAGES.iter().map(|(n, _)| *n).collect();
                    CoreError::option(
                        "layout.page",
                        format!(
                            "must be {} or {{ width, height }} in mm, got {:?}",
                            names.join(" or "),
                            clip(name)
                        ),
                    )
                })?,
            Some(RawPage::Size { width, height }) => Page {
                width: required("layout.page.width", Some(*width), PAGE_MM)?,
                height: required("layout.page.height", Some(*height), PAGE_MM)?,
            },
        };
        let columns = COLUMNS.whole(
            "layout.columns",
            self.columns.ok_or_else(|| missing("layout.columns"))?,
        )? as u32;
        let rows = ROWS.whole(
            "layout.rows",
            self.rows.ok_or_else(|| missing("layout.rows"))?,
        )? as u32;
        let label_width = required("layout.label_width", self.label_width, LABEL_MM)?;
        let label_height = required("layout.label_height", self.label_height, LABEL_MM)?;
        let column_gap =
            mm("layout.gaps.column", self.column_gap, (0.0, LABEL_MM.1))?.unwrap_or(0.0);
        let row_gap = mm("layout.gaps.row", self.row_gap, (0.0, LABEL_MM.1))?.unwrap_or(0.0);
        let across = columns as f64 * label_width + (columns - 1) as f64 * column_gap;
        let down = rows as f64 * label_height + (rows - 1) as f64 * row_gap;
        // Without margins, the grid is centred on the page.
        let left = mm("layout.margins.left", self.margin_left, (0.0, PAGE_MM.1))?
            .unwrap_or((page.width - across) / 2.0);
        let top = mm("layout.margins.top", self.margin_top, (0.0, PAGE_MM.1))?
            .unwrap_or((page.height - down) / 2.0);
        for (field, need, have, what) in [
            ("layout.columns", left.max(0.0) + across, page.width, "wide"),
            ("layout.rows", top.max(0.0) + down, page.height, "high"),
        ] {
            if need > have + EPSILON {
                let (n, size, gap, margin) = match what {
                    "wide" => (columns, label_width, column_gap, left),
                    _ => (rows, label_height, row_gap, top),
                };
                return Err(CoreError::option(
                    field,
                    format!(
                        "the labels do not fit the page: {n} of {} mm with {} mm gaps and a {} mm margin need {} mm, and the page is {} mm {what}",
                        js_number(size),
                        js_number(gap),
                        js_number(round2(margin.max(0.0))),
                        js_number(round2(need)),
                        js_number(have)
                    ),
                ));
            }
        }
        Ok(Grid {
            page,
            columns,
            rows,
            label_width,
            label_height,
            left,
            top,
            column_gap,
            row_gap,
        })
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn missing(field: &'static str) -> CoreError {
    CoreError::option(field, "is required for a custom grid")
}

fn required(field: &'static str, v: Option<f64>, range: (f64, f64)) -> CoreResult<f64> {
    mm(field, v, range)?.ok_or_else(|| missing(field))
}

fn mm(field: &'static str, v: Option<f64>, range: (f64, f64)) -> CoreResult<Option<f64>> {
    number(field, v, range, "mm")
}

fn number(
    field: &'static str,
    v: Option<f64>,
    (min, max): (f64, f64),
    unit: &str,
) -> CoreResult<Option<f64>> {
    match v {
        None => Ok(None),
        Some(x) if x.is_finite() && x >= min && x <= max => Ok(Some(x)),
        Some(x) => Err(CoreError::option(
            field,
            format!(
                "must be from {} to {} {unit}, got {}",
                js_number(min),
                js_number(max),
                js_number(x)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom() -> RawLayout {
        RawLayout {
            page: Some(RawPage::Named("A4".into())),
            columns: Some(3.0),
            rows: Some(7.0),
            label_width: Some(63.5),
            label_height: Some(38.1),
            ..Default::default()
        }
    }

    #[test]
    fn a_custom_grid_without_margins_is_centred() {
        let l = custom().parse().unwrap();
        assert!((l.grid.left - 9.75).abs() < 1e-9);
        assert!((l.grid.top - 15.15).abs() < 1e-9);
        let (x, y) = l.grid.origin(4);
        assert!((x - (9.75 + 63.5)).abs() < 1e-9 && (y - (15.15 + 38.1)).abs() < 1e-9);
    }

    #[test]
    fn bad_layouts_name_the_field() {
        let field = |raw: RawLayout| match raw.parse().unwrap_err() {
            CoreError::InvalidOption { field, .. } => field,
            e => panic!("{e:?}"),
        };
        assert_eq!(
            field(RawLayout {
                columns: Some(4.0),
                ..custom()
            }),
            "layout.columns"
        );
        assert_eq!(
            field(RawLayout {
                rows: Some(8.0),
                ..custom()
            }),
            "layout.rows"
        );
        assert_eq!(
            field(RawLayout {
                columns: Some(0.0),
                ..custom()
            }),
            "layout.columns"
        );
        assert_eq!(
            field(RawLayout {
                template: Some("L9999".into()),
                ..Default::default()
            }),
            "layout.template"
        );
        assert_eq!(
            field(RawLayout {
                template: Some("L7160".into()),
                ..custom()
            }),
            "layout.page"
        );
        assert_eq!(field(RawLayout::default()), "layout");
        assert_eq!(
            field(RawLayout {
                start_at: Some(22.0),
                template: Some("L7160".into()),
                ..Default::default()
            }),
            "layout.start_at"
        );
        assert_eq!(
            field(RawLayout {
                label_height: None,
                ..custom()
            }),
            "layout.label_height"
        );
        assert_eq!(
            field(RawLayout {
                padding: Some(20.0),
                ..custom()
            }),
            "layout.padding"
        );
        assert_eq!(
            field(RawLayout {
                page: Some(RawPage::Named("A3".into())),
                ..custom()
            }),
            "layout.page"
        );
    }
}
