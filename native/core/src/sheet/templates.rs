//! Label sheets people buy, from Avery's published measurements, in
//! millimetres (inches for the US sheets). gLabels' template files agree on
//! label sizes and pitches to 0.05 mm, except where noted; its A4 entries are
//! rounded points, so the margins here are Avery's.

/// A page size in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    pub width: f64,
    pub height: f64,
}

pub const A4: Page = Page {
    width: 210.0,
    height: 297.0,
};
pub const LETTER: Page = Page {
    width: 215.9,
    height: 279.4,
};

/// The named pages a custom grid may use.
pub const PAGES: &[(&str, Page)] = &[("A4", A4), ("Letter", LETTER)];

/// A grid of labels on a page: the top-left label's corner at
/// (`left`, `top`), each next one a label plus a gap further on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub page: Page,
    pub columns: u32,
    pub rows: u32,
    pub label_width: f64,
    pub label_height: f64,
    pub left: f64,
    pub top: f64,
    pub column_gap: f64,
    pub row_gap: f64,
}

const INCH: f64 = 25.4;

pub struct Template {
    pub name: &'static str,
    pub about: &'static str,
    pub grid: Grid,
}

pub static TEMPLATES: &[Template] = &[
    Template {
        name: "L7160",
        about: "Avery L7160: A4, 21 labels of 63.5 x 38.1 mm (3 x 7)",
        grid: Grid {
            page: A4,
            columns: 3,
            rows: 7,
            label_width: 63.5,
            label_height: 38.1,
            left: 7.21,
            top: 15.15,
            column_gap: 2.54,
            row_gap: 0.0,
        },
    },
    Template {
        name: "L7163",
        about: "Avery L7163: A4, 14 labels of 99.1 x 38.1 mm (2 x 7)",
        grid: Grid {
            page: A4,
            columns: 2,
            rows: 7,
            label_width: 99.1,
            label_height: 38.1,
            left: 4.65,
            top: 15.15,
            column_gap: 2.5,
            row_gap: 0.0,
        },
    },
    Template {
        name: "L7651",
        about: "Avery L7651: A4, 65 labels of 38.1 x 21.2 mm (5 x 13)",
        grid: Grid {
            page: A4,
            columns: 5,
            rows: 13,
            label_width: 38.1,
            label_height: 21.2,
            left: 4.75,
            top: 10.7,
            column_gap: 2.5,
            row_gap: 0.0,
        },
    },
    Template {
        name: "5160",
        about: "Avery 5160: US Letter, 30 labels of 2.625 x 1 in (3 x 10)",
        grid: Grid {
            page: LETTER,
            columns: 3,
            rows: 10,
            label_width: 2.625 * INCH,
            label_height: INCH,
            left: 0.1875 * INCH,
            top: 0.5 * INCH,
            column_gap: 0.125 * INCH,
            row_gap: 0.0,
        },
    },
    Template {
        name: "5163",
        about: "Avery 5163: US Letter, 10 labels of 4 x 2 in (2 x 5)",
        grid: Grid {
            page: LETTER,
            columns: 2,
            rows: 5,
            label_width: 4.0 * INCH,
            label_height: 2.0 * INCH,
            left: 0.15625 * INCH,
            top: 0.5 * INCH,
            column_gap: 0.1875 * INCH,
            row_gap: 0.0,
        },
    },
    Template {
        name: "22805",
        // Not in gLabels: the label size and count are Avery's; the margins
        // and gaps are the even spread of 4 x 6 on the page, not checked
        // against a template file.
        about: "Avery 22805: US Letter, 24 square labels of 1.5 x 1.5 in (4 x 6)",
        grid: Grid {
            page: LETTER,
            columns: 4,
            rows: 6,
            label_width: 1.5 * INCH,
            label_height: 1.5 * INCH,
            left: 0.875 * INCH,
            top: 0.375 * INCH,
            column_gap: 0.25 * INCH,
            row_gap: 0.25 * INCH,
        },
    },
];

/// Every template's name, in the order of `TEMPLATES`.
pub fn names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|t| t.name).collect()
}

pub fn lookup(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_fits_its_page_with_even_margins() {
        for t in TEMPLATES {
            let g = &t.grid;
            let right = g.page.width
                - g.left
                - g.columns as f64 * g.label_width
                - (g.columns - 1) as f64 * g.column_gap;
            let bottom = g.page.height
                - g.top
                - g.rows as f64 * g.label_height
                - (g.rows - 1) as f64 * g.row_gap;
            assert!(
                right >= 0.0 && bottom >= 0.0,
                "{}: {right} {bottom}",
                t.name
            );
            assert!(
                (right - g.left).abs() < 0.2,
                "{}: left {} right {right}",
                t.name,
                g.left
            );
            assert!(
                (bottom - g.top).abs() < 0.2,
                "{}: top {} bottom {bottom}",
                t.name,
                g.top
            );
        }
    }
}
