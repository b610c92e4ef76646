//! Template-driven table extraction: [`RawRow`]s + [`Template`] → facts.
//!
//! Rows are *anchored on their labels* (tolerant of split labels, numbering
//! variants and missing group labels), then exactly that row's number of
//! value cells is read. A row whose cells cannot be aligned with certainty
//! gives NULLs and a `column_count_mismatch` diagnostic — never a guess.
//!
//! The same state machine serves every layout: a label line without values
//! waits (`Pending`) for the values on the next line(s) — which is how both a
//! wrapped `pdftotext -layout` label and a one-cell-per-line table look.

use std::sync::LazyLock;

use memchr::memmem;

use super::misread::OcrMarks;
use crate::diagnostics::{DiagCode, Severity};
use crate::layout::{Cell, Document, Layout, RawRow, RowKind};
use crate::normalize::{normalize, normalize_into};
use crate::report::{ActiveFact, ApplicationFact, Report, ReviewFact, Span};
use crate::template::{
    APPLICANT_LABELS, APPLICANTS, LabelMatcher, MergedMarks, REVIEW_CELLS, Template,
    TemplateVersion, version_signals,
};
use crate::value::{CellUnit, CellValue, Number};

use super::grid::Grid;
use super::split::{self, RowIdentity};
use std::borrow::Cow;

/// Which official table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    /// 二、主动公开政府信息情况
    Proactive,
    /// 三、收到和处理政府信息公开申请情况
    Applications,
    /// 四、政府信息公开行政复议、行政诉讼情况
    Reviews,
}

impl TableId {
    /// The table's Chinese number, for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Proactive => "二",
            Self::Applications => "三",
            Self::Reviews => "四",
        }
    }
}

/// Row index ranges of the three tables in a document.
#[derive(Debug, Default, Clone)]
pub struct Regions {
    /// Table 二.
    pub proactive: Option<std::ops::Range<usize>>,
    /// Table 三.
    pub applications: Option<std::ops::Range<usize>>,
    /// Table 四.
    pub reviews: Option<std::ops::Range<usize>>,
}

/// A section heading: `prefix` and one of `words` within its first 40
/// characters. Glued crawler text runs a heading on into the table's
/// header (`四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持…`).
fn is_heading(norm: &str, prefix: &str, words: &[&str]) -> bool {
    if !norm.starts_with(prefix) {
        return false;
    }
    let head = norm
        .char_indices()
        .nth(40)
        .map_or(norm, |(i, _)| &norm[..i]);
    words.iter().any(|w| head.contains(w))
}

/// Finds where each table lives. Section headings are preferred; table
/// headers are the fallback. `四、结转下年度继续办理` is a row of table 三,
/// not section 四: section 四's heading names 复议.
#[must_use]
pub fn find_regions(norms: &RowNorms) -> Regions {
    let n = norms.len();
    let t2 = norms
        .iter()
        .position(|s| is_heading(s, "二、", &["主动公开"]) || s.starts_with("第二十条"));
    let from3 = t2.map_or(0, |i| i + 1);
    // Asked of every row of table 二: searchers built once.
    static AGREEMENT: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("勾稽关系"));
    static NEW_THIS_YEAR: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("本年新收"));
    let t3 = (from3..n).find(|&i| {
        let s = &norms[i];
        is_heading(s, "三、", &["收到和处理", "申请情况"])
            || AGREEMENT.find(s.as_bytes()).is_some()
            || s.starts_with("申请人情况")
            || NEW_THIS_YEAR.find(s.as_bytes()).is_some()
    });
    let from4 = t3.map_or(from3, |i| i + 1);
    let t4 = (from4..n).find(|&i| {
        let s = &norms[i];
        is_heading(s, "四、", &["复议", "诉讼"]) || s.starts_with("行政复议")
    });
    let end_from = t4.or(t3).or(t2).map_or(0, |i| i + 1);
    let end = (end_from..n)
        .find(|&i| {
            let s = &norms[i];
            ((s.starts_with("五、") || s.starts_with("六、")) && s.chars().count() <= 40)
                || is_heading(s, "五、", &["问题", "改进", "存在"])
                || is_heading(s, "六、", &["其他", "报告"])
        })
        .unwrap_or(n);
    let t3_end = t4.unwrap_or(end);
    let t2_end = t3.unwrap_or(t3_end);
    Regions {
        proactive: t2.map(|s| s..t2_end),
        applications: t3.map(|s| s..t3_end),
        reviews: t4.map(|s| s..end),
    }
}

/// How the report's template version was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// Labels only one version prints.
    Labels,
    /// The rowspan of 三、本年度办理结果 in HTML.
    Rowspan,
    /// The report year (template.md §4, rule 4).
    Year,
    /// Nothing said.
    Unknown,
}

/// Versions per table and for the report.
#[derive(Debug, Clone, Copy)]
pub struct Versions {
    /// Report-level version.
    pub report: Option<TemplateVersion>,
    /// Table 二's version.
    pub proactive: Option<TemplateVersion>,
    /// Table 三's version.
    pub applications: Option<TemplateVersion>,
    /// How `report` was decided.
    pub source: VersionSource,
    /// Both versions' labels occur.
    pub mixed: bool,
}

fn signal_version(norms: &RowNorms, range: Option<&std::ops::Range<usize>>) -> (bool, bool) {
    let Some(r) = range else {
        return (false, false);
    };
    version_signals(norms.joined(r.clone()))
}

/// Decides the template version (template.md §4).
#[must_use]
pub fn detect_versions(
    norms: &RowNorms,
    regions: &Regions,
    rowspan: Option<u32>,
    year: Option<i32>,
) -> Versions {
    let (p19, p21) = signal_version(norms, regions.proactive.as_ref());
    let (a19, a21) = signal_version(norms, regions.applications.as_ref());
    let pick = |v19: bool, v21: bool| match (v19, v21) {
        (true, false) => Some(TemplateVersion::V2019),
        (false, true) => Some(TemplateVersion::V2021),
        _ => None,
    };
    let any19 = p19 || a19;
    let any21 = p21 || a21;
    let (report, source) = if let Some(v) = pick(any19, any21) {
        (Some(v), VersionSource::Labels)
    } else if any19 && any21 {
        (pick(p19, p21).or(pick(a19, a21)), VersionSource::Labels)
    } else if let Some(v) = rowspan.and_then(|r| match r {
        22 => Some(TemplateVersion::V2021),
        20 => Some(TemplateVersion::V2019),
        _ => None,
    }) {
        (Some(v), VersionSource::Rowspan)
    } else if let Some(v) = year.and_then(TemplateVersion::for_year) {
        (Some(v), VersionSource::Year)
    } else {
        (None, VersionSource::Unknown)
    };
    Versions {
        report,
        proactive: pick(p19, p21).or(report),
        applications: pick(a19, a21).or(report),
        source,
        mixed: any19 && any21,
    }
}

/// A row split into its label (normalised, in a buffer the caller reuses
/// across rows) and its trailing value cells.
struct RowParts<'r, 'a, 'l> {
    label: &'l str,
    values: &'r [Cell<'a>],
}

fn split_row<'r, 'a, 'l>(row: &'r RawRow<'a>, label: &'l mut String) -> RowParts<'r, 'a, 'l> {
    label.clear();
    if row.kind == RowKind::BlankCell {
        return RowParts {
            label,
            values: &row.cells[..],
        };
    }
    // `Cell::value` is memoised, so asking twice per cell costs nothing.
    let is_text = |c: &Cell<'_>| matches!(c.value(), CellValue::Text);
    let values_from = match row.cells.iter().rposition(is_text) {
        Some(last) => {
            for c in row.cells[..=last].iter().filter(|c| is_text(c)) {
                normalize_into(&c.text, label);
            }
            last + 1
        }
        None => 0,
    };
    let mut values = &row.cells[values_from..];
    // A single-cell line holding only an empty string carries no value.
    if row.kind == RowKind::Single && values.iter().all(|c| c.text.trim().is_empty()) {
        values = &values[..0];
    }
    RowParts { label, values }
}

/// The outcome for one template row.
#[derive(Debug, Clone)]
enum RowResult<'r, 'a> {
    /// The row's values, one per column: cells of the row as read, or the
    /// numbers a glued run was split into.
    Aligned {
        line: u32,
        cells: Vec<Cow<'r, Cell<'a>>>,
        /// The cells are the row's values by position alone: each value
        /// had its own cell and no padding had to be told apart.
        certain: bool,
    },
    Mismatch {
        line: u32,
        found: usize,
    },
    /// A glued run that splits several ways (or none) by itself; the
    /// table's column identities may still decide ([`resolve_glued`]).
    Glued {
        line: u32,
        candidates: Vec<Vec<Cell<'a>>>,
        /// Per column, the cell every possible split agrees on.
        certain: Vec<Option<Cell<'a>>>,
    },
    /// A row with blank cells, placed by the table's grid, whose values
    /// contradict its row total: the placement was wrong (a lost cell).
    Withdrawn {
        line: u32,
    },
    /// A row of an OCR'd text ([`super::misread`]) whose applicant columns
    /// do not add up to its 总计: a digit was misread.
    Misread {
        line: u32,
    },
    /// A label printed apart from its values, whose value row cannot be
    /// told with certainty.
    Detached {
        line: u32,
    },
    /// The row printed twice with other values (a report that quotes last
    /// year's table beside this year's): which is the report's own cannot
    /// be told.
    Conflicting {
        line: u32,
        again: u32,
    },
}

impl<'a> RowResult<'_, 'a> {
    /// The row's `width` columns: the cell read for each, or none.
    fn columns(&self, width: usize) -> Vec<Option<&Cell<'a>>> {
        let mut out: Vec<Option<&Cell<'a>>> = match self {
            Self::Aligned { cells, .. } => cells.iter().map(|c| Some(&**c)).collect(),
            Self::Glued { certain, .. } => certain.iter().map(Option::as_ref).collect(),
            Self::Mismatch { .. }
            | Self::Withdrawn { .. }
            | Self::Misread { .. }
            | Self::Detached { .. }
            | Self::Conflicting { .. } => Vec::new(),
        };
        out.resize(width, None);
        out
    }

    fn line(&self) -> u32 {
        match self {
            Self::Aligned { line, .. }
            | Self::Mismatch { line, .. }
            | Self::Glued { line, .. }
            | Self::Withdrawn { line }
            | Self::Misread { line }
            | Self::Detached { line }
            | Self::Conflicting { line, .. } => *line,
        }
    }
}

fn borrowed<'r, 'a>(cells: Vec<&'r Cell<'a>>) -> Vec<Cow<'r, Cell<'a>>> {
    cells.into_iter().map(Cow::Borrowed).collect()
}

/// A glued run (`cells`: its space-separated tokens) split into the row's
/// `width` numbers by [`split::split_run`].
fn split_glued<'r, 'a>(cells: &'r [Cell<'a>], spec: &RowSpec, line: u32) -> RowResult<'r, 'a> {
    let tokens: Vec<&str> = cells.iter().map(|c| c.raw).collect();
    // A signed number sits only in a signed column (`88-720`: 88 | -7… ).
    let sign_fits = |s: &split::Split| {
        s.iter().enumerate().all(|(j, (t, r))| {
            !tokens[*t][r.clone()].starts_with(['+', '-'])
                || spec.signed.get(j).copied().unwrap_or(false)
        })
    };
    let mut splits = split::split_run(&tokens, spec.width, spec.identity);
    splits.found.retain(|s| sign_fits(s));
    let to_cells = |s: &split::Split| -> Vec<Cell<'a>> {
        s.iter().map(|(t, r)| cells[*t].slice(r.clone())).collect()
    };
    if splits.found.len() == 1 && !splits.truncated {
        return RowResult::Aligned {
            line,
            cells: to_cells(&splits.found[0])
                .into_iter()
                .map(Cow::Owned)
                .collect(),
            certain: true,
        };
    }
    // Cells every split agrees on are read all the same; when no split
    // satisfies the identities (the source broke one), the splits by the
    // digits alone decide.
    let by_digits;
    let pool = if splits.found.is_empty() && !splits.truncated {
        by_digits = {
            let mut all = split::split_run(&tokens, spec.width, RowIdentity::None);
            all.found.retain(|s| sign_fits(s));
            all
        };
        (!by_digits.truncated).then_some(&by_digits.found)
    } else {
        (!splits.truncated).then_some(&splits.found)
    };
    // The same number in every reading is certain, wherever its digits sit.
    let text = |(t, r): &(usize, std::ops::Range<usize>)| &tokens[*t][r.clone()];
    let certain = match pool {
        Some(all) if !all.is_empty() => (0..spec.width)
            .map(|j| {
                let first = &all[0][j];
                all.iter()
                    .all(|s| text(&s[j]) == text(first))
                    .then(|| cells[first.0].slice(first.1.clone()))
            })
            .collect(),
        _ => vec![None; spec.width],
    };
    let candidates = if splits.truncated {
        Vec::new() // too many to weigh
    } else {
        splits.found.iter().map(to_cells).collect()
    };
    RowResult::Glued {
        line,
        candidates,
        certain,
    }
}

/// A row label waiting for its values on the next line(s).
struct Pending<'r, 'a> {
    row: usize,
    line: u32,
    cells: Vec<&'r Cell<'a>>,
    text_rows: usize,
}

/// A value row whose label is its number alone (`2.`), held until the text
/// below it names a row: the row the form prints with that number and that
/// text takes the values; anything else makes them orphans.
struct Numbered<'r, 'a> {
    row: &'r RawRow<'a>,
    /// The number, normalised (`2.`, `(二)`).
    mark: String,
    values: &'r [Cell<'a>],
    count: usize,
    /// Unmatched text lines seen since.
    text_rows: usize,
    /// The row's index, when no label claiming it leaves it to the
    /// template's order (a table whose empty cells are written).
    unlabelled: Option<usize>,
}

impl<'r, 'a> Numbered<'r, 'a> {
    fn of(
        row: &'r RawRow<'a>,
        label: &str,
        values: &'r [Cell<'a>],
        count: usize,
        unlabelled: Option<usize>,
    ) -> Option<Self> {
        let bare = !label.is_empty() && crate::template::strip_numbering(label).is_empty();
        (bare && row.kind == RowKind::Physical).then(|| Self {
            row,
            mark: label.to_owned(),
            values,
            count,
            text_rows: 0,
            unlabelled,
        })
    }

    /// The values as the row of `width` columns they turned out to be.
    fn placed(&self, width: usize, layout: Layout, grid: &Grid) -> RowResult<'r, 'a> {
        let placed = align(self.row, self.values, width, layout, grid);
        Placed::or_mismatch(placed, self.row.line, self.values, layout)
    }

    /// No label below named the row: a row of a table whose empty cells
    /// are written goes back to the template's order ([`fill_gaps`]), any
    /// other's values are orphans.
    fn expire(self, out: &mut TableRead<'_, '_>, unlabelled: &mut Vec<usize>) {
        match self.unlabelled {
            Some(i) => unlabelled.push(i),
            None => out.orphan(self.count, self.row.line),
        }
    }

    /// Whether the form prints `spec`'s row with this number.
    fn names(&self, spec: &RowSpec) -> bool {
        !spec.alternative
            && spec
                .printed
                .as_deref()
                .is_some_and(|p| p.starts_with(self.mark.as_str()))
    }
}

/// What the state machine needs to know about one table's rows.
struct RowSpec {
    width: usize,
    alternative: bool,
    /// What a glued run of this row must satisfy to be split.
    identity: RowIdentity,
    /// The printed label, normalised, when the template has it.
    printed: Option<String>,
    /// The marks of the merged cells the form prints the row beside
    /// ([`crate::template::Template::application_marks`]).
    marks: MergedMarks,
    /// Per column, whether a signed number belongs there (`本年增/减`).
    signed: Vec<bool>,
}

struct TableRead<'r, 'a> {
    results: Vec<Option<RowResult<'r, 'a>>>,
    orphans: usize,
    first_orphan_line: Option<u32>,
    duplicates: Vec<(usize, u32)>,
}

impl TableRead<'_, '_> {
    /// Counts `n` numbers that belong to no row, the first seen on `line`.
    fn orphan(&mut self, n: usize, line: u32) {
        self.orphans += n;
        self.first_orphan_line.get_or_insert(line);
    }
}

/// A row's value cells as placed on its columns.
struct Placed<'r, 'a> {
    cells: Vec<&'r Cell<'a>>,
    /// Each value had its own cell and no padding had to be told apart:
    /// a row total or column identity the row breaks is the source's, not a
    /// misplacement. Never said of markdown, whose converters lose cells.
    certain: bool,
}

impl<'r, 'a> Placed<'r, 'a> {
    fn new(cells: impl IntoIterator<Item = &'r Cell<'a>>, certain: bool) -> Self {
        Self {
            cells: cells.into_iter().collect(),
            certain,
        }
    }

    /// The row's result: its placed cells, or a mismatch naming how many
    /// cells `values` carries.
    fn or_mismatch(
        placed: Option<Self>,
        line: u32,
        values: &[Cell<'_>],
        layout: Layout,
    ) -> RowResult<'r, 'a> {
        match placed {
            Some(p) => RowResult::Aligned {
                line,
                cells: borrowed(p.cells),
                certain: p.certain,
            },
            None => RowResult::Mismatch {
                line,
                found: written(values, layout),
            },
        }
    }
}

/// Aligns a row's value cells (`cells`, the tail of `row.cells`) with
/// `width` columns, or says it cannot.
fn align<'r, 'a>(
    row: &'r RawRow<'a>,
    cells: &'r [Cell<'a>],
    width: usize,
    layout: Layout,
    grid: &Grid,
) -> Option<Placed<'r, 'a>> {
    let kind = row.kind;
    let lossy = layout == Layout::MarkdownTable;
    if kind == RowKind::Physical && layout == Layout::HtmlTable {
        // HTML cells are explicit: the last `width` cells are the value columns.
        // Trailing empty cells beyond the row's width are padding of a wider table.
        let mut end = cells.len();
        while end > width && cells[end - 1].text.trim().is_empty() {
            end -= 1;
        }
        return (end >= width).then(|| Placed::new(&cells[end - width..end], cells.len() == width));
    }
    if kind == RowKind::Physical
        && matches!(
            layout,
            Layout::Tabbed | Layout::MarkdownTable | Layout::Mixed
        )
    {
        let is_empty = |c: &Cell<'_>| c.raw.trim().is_empty();
        let first = cells.iter().position(|c| !is_empty(c));
        let Some(first) = first else {
            // Every cell empty: every value is blank, wherever the padding is.
            return (cells.len() >= width).then(|| Placed::new(&cells[..width], false));
        };
        let values_from = row.cells.len() - cells.len();
        if let Some((placed, rule)) = grid.place(&row.cells, values_from, width) {
            return Some(Placed::new(placed, rule.certain(lossy)));
        }
        let last = cells.iter().rposition(|c| !is_empty(c)).unwrap_or(first);
        let core = &cells[first..=last];
        // Leading/trailing empty cells may be merged-cell padding; only the
        // run between the first and last written cell is certain.
        return (core.len() == width).then(|| Placed::new(core, !lossy));
    }
    (cells.len() == width).then(|| Placed::new(cells, !lossy))
}

/// Cells a row actually carries, for messages: in tabbed and markdown rows,
/// the run between the first and last written cell (edge padding excluded).
fn written(cells: &[Cell<'_>], layout: Layout) -> usize {
    if matches!(
        layout,
        Layout::Tabbed | Layout::MarkdownTable | Layout::Mixed
    ) {
        let first = cells.iter().position(|c| !c.raw.trim().is_empty());
        let last = cells.iter().rposition(|c| !c.raw.trim().is_empty());
        if let (Some(a), Some(b)) = (first, last) {
            return b - a + 1;
        }
    }
    cells.len()
}

/// A report whose table 四 heading is missing or garbled (seed 001: the
/// header came out one character per cell) still has its unique signature:
/// one row of exactly 15 numbers and no label, after table 三. When table 四
/// was not found, such a row ends table 三 and starts table 四.
pub fn find_headless_reviews(rows: &[RawRow<'_>], regions: &mut Regions) -> Option<u32> {
    if regions.reviews.is_some() {
        return None;
    }
    let t3 = regions.applications.clone()?;
    let i = t3.clone().find(|&i| {
        let r = &rows[i];
        let written: Vec<&Cell<'_>> = r
            .cells
            .iter()
            .filter(|c| !c.raw.trim().is_empty())
            .collect();
        let numbers_only = written
            .iter()
            .all(|c| matches!(c.value(), CellValue::Number(_)));
        // All fifteen written, or fifteen cells with blanks among them.
        r.kind == RowKind::Physical
            && numbers_only
            && (written.len() == REVIEW_CELLS.len()
                || (r.cells.len() == REVIEW_CELLS.len() && written.len() >= 5))
    })?;
    // Start table 四 at the blank-line gap before the row (its garbled header).
    let mut start = i;
    while start > t3.start + 1
        && rows[start - 1].line + 1 == rows[start].line
        && rows[start - 1].kind == RowKind::Physical
    {
        start -= 1;
    }
    regions.applications = Some(t3.start..start);
    regions.reviews = Some(start..t3.end);
    Some(rows[i].line)
}

/// A label a converter cut short (`8、属于行`, `2、没有现`), read the way a
/// careful reader reads it: as the row that comes next in the form, when
/// its last label cell is the beginning of that row's printed label,
/// numbering included, with at least one character after the numbering.
fn cut_short(
    row: &RawRow<'_>,
    specs: &[RowSpec],
    results: &[Option<RowResult<'_, '_>>],
    last_matched: Option<usize>,
) -> Option<usize> {
    let next = (last_matched.map_or(0, |i| i + 1)..specs.len())
        .find(|&i| results[i].is_none() && !specs[i].alternative)?;
    let printed = specs[next].printed.as_deref()?;
    let cell = row
        .cells
        .iter()
        .rev()
        .find(|c| matches!(c.value(), CellValue::Text))?;
    let normalized = normalize(&cell.text);
    // `(三)4.保护第三方合法权`, `不予5.属于三类内部事`: the text of the merged
    // cell beside the row before its own number.
    let label = match crate::template::split_group_mark(&normalized) {
        Some((mark, rest))
            if !mark.starts_with('(')
                || specs[next].marks.group.is_some_and(|g| g.starts_with(mark)) =>
        {
            rest
        }
        _ => normalized.as_str(),
    };
    let stripped = crate::template::strip_numbering(label);
    let numbered = stripped.len() < label.len();
    (numbered && !stripped.is_empty() && label.len() < printed.len() && printed.starts_with(label))
        .then_some(next)
}

/// Whether the row's last label cell starts with a sub-row number (`1.`).
fn last_label_numbered(row: &RawRow<'_>) -> bool {
    row.cells
        .iter()
        .rev()
        .find(|c| matches!(c.value(), CellValue::Text))
        .is_some_and(|c| {
            let n = normalize(&c.text);
            n.bytes().next().is_some_and(|b| b.is_ascii_digit())
        })
}

/// How a document's rows are to be read (see [`Document`]).
#[derive(Debug, Clone, Copy)]
struct Mode<'d> {
    layout: Layout,
    blocks: bool,
    padded_rows: bool,
    /// Markdown whose rows all put their values right after their labels.
    values_follow_label: bool,
    /// The document's OCR marks, looked for on demand.
    misread: &'d OcrMarks<'d>,
}

impl<'d> Mode<'d> {
    fn of(doc: &Document<'_>, misread: &'d OcrMarks<'d>) -> Self {
        Self {
            layout: doc.layout,
            blocks: doc.blocks,
            padded_rows: doc.padded_rows,
            values_follow_label: doc.layout == Layout::MarkdownTable
                && values_follow_labels(&doc.rows),
            misread,
        }
    }
}

/// Whether a markdown document's tables put a row's values right after its
/// label: every row that shows a label, then one unbroken run of values,
/// then only empty cells, starts that run in the cell after the label —
/// at least three rows, and at most one in ten showing a gap. (A converter
/// that expands merged label cells into empty ones shows gaps throughout.)
fn values_follow_labels(rows: &[RawRow<'_>]) -> bool {
    let mut seen = 0;
    let mut gaps = 0;
    for row in rows.iter().filter(|r| r.kind == RowKind::Physical) {
        let Some(last_text) = row
            .cells
            .iter()
            .rposition(|c| matches!(c.value(), CellValue::Text))
        else {
            continue;
        };
        let rest = &row.cells[last_text + 1..];
        let written = |c: &Cell<'_>| !c.raw.trim().is_empty();
        let Some(first) = rest.iter().position(written) else {
            continue;
        };
        let run = rest[first..].iter().take_while(|c| written(c)).count();
        if rest[first + run..].iter().any(written) {
            continue; // blanks inside: says nothing
        }
        // A gap may be padding, or a blank first value (2019 收费's empty
        // 上一年项目数量): gaps must be rare, not absent.
        if first == 0 {
            seen += 1;
        } else {
            gaps += 1;
        }
    }
    seen >= 3 && gaps * 10 <= seen
}

/// The column grid of a table whose empty cells are written (tabs, pipes):
/// its complete rows by shape, and the header's columns named `header`.
fn learn_grid(
    rows: &[RawRow<'_>],
    specs: &[RowSpec],
    labels: &LabelMatcher,
    layout: Layout,
    header: Option<(&str, &str)>,
) -> Grid {
    let mut grid = Grid::default();
    if !matches!(
        layout,
        Layout::Tabbed | Layout::MarkdownTable | Layout::Mixed
    ) {
        return grid;
    }
    let mut label = String::new();
    let mut in_header = true;
    for row in rows.iter().filter(|r| r.kind == RowKind::Physical) {
        let parts = split_row(row, &mut label);
        let matched = (!parts.label.is_empty())
            .then(|| labels.best(parts.label))
            .flatten();
        // A label the matcher does not know (cut short) still shows the
        // row's shape when every row of the table has the same width.
        let same_width = specs.iter().all(|s| s.width == specs[0].width);
        let width = match matched {
            Some((idx, _)) => Some(specs[idx].width),
            None if same_width && !parts.label.is_empty() && !in_header => Some(specs[0].width),
            None => None,
        };
        match (matched, width) {
            (_, Some(width)) if !parts.values.is_empty() => {
                in_header = false;
                let values_from = row.cells.len() - parts.values.len();
                grid.learn(&row.cells, values_from, width);
            }
            (Some(_), _) => in_header = false,
            (None, _) => {
                if let (true, Some((first, last))) = (in_header, header) {
                    grid.learn_header(&row.cells, first, last);
                }
                grid.learn_section(&row.cells);
            }
        }
    }
    grid
}

fn read_labelled<'r, 'a>(
    rows: &'r [RawRow<'a>],
    specs: &[RowSpec],
    labels: &LabelMatcher,
    mode: Mode<'_>,
    header: Option<(&str, &str)>,
) -> TableRead<'r, 'a> {
    let Mode {
        layout,
        blocks,
        padded_rows,
        values_follow_label,
        misread,
    } = mode;
    let mut grid = learn_grid(rows, specs, labels, layout, header);
    grid.values_follow_label = values_follow_label;
    let mut out = TableRead {
        results: vec![None; specs.len()],
        orphans: 0,
        first_orphan_line: None,
        duplicates: Vec::new(),
    };
    let mut pending: Option<Pending<'r, 'a>> = None;
    let mut last_matched: Option<usize> = None;
    let mut carry: Vec<String> = Vec::new();
    let mut label = String::new();

    let finish =
        |pending: &mut Option<Pending<'r, 'a>>, specs: &[RowSpec], out: &mut TableRead<'r, 'a>| {
            if let Some(mut p) = pending.take() {
                if p.cells.is_empty() {
                    return; // a label with no values: the row stays missing
                }
                let width = specs[p.row].width;
                let mut certain = true;
                if padded_rows
                    && p.cells.len() > width
                    && p.cells[width..].iter().all(|c| c.text.trim().is_empty())
                {
                    p.cells.truncate(width); // merged-cell padding after the values
                    certain = false;
                }
                out.results[p.row] = Some(if p.cells.len() == width {
                    RowResult::Aligned {
                        line: p.line,
                        cells: borrowed(p.cells),
                        certain,
                    }
                } else {
                    RowResult::Mismatch {
                        line: p.line,
                        found: p.cells.len(),
                    }
                });
            }
        };

    // Row labels printed one after another with no values yet (converter
    // markdown prints a group's labels, then its value rows).
    let mut waiting: Vec<(usize, u32)> = Vec::new();
    // Value rows with no label and no label waiting for them.
    let mut unlabelled: Vec<usize> = Vec::new();
    // A value row labelled by its number alone (`2\.  0  0 …`, pandoc's
    // multiline tables), waiting for the text below it to name its row.
    let mut numbered: Option<Numbered<'r, 'a>> = None;
    let mut next = 0;
    while next < rows.len() {
        let row = &rows[next];
        next += 1;
        if blocks && row.gap_before {
            // A paragraph is a table row: the previous row's values end here.
            carry.clear();
            finish(&mut pending, specs, &mut out);
        }
        let parts = split_row(row, &mut label);
        let matched = if parts.label.is_empty() {
            None
        } else {
            labels
                .best(parts.label)
                .or_else(|| {
                    // Glued text: the label is whatever text follows the
                    // previous row's values, headers included.
                    (layout == Layout::GluedText)
                        .then(|| labels.best_trailing(parts.label))
                        .flatten()
                })
                .map(|(i, _)| i)
                // The collapsed （六）其他处理 of some 2021 reports has its
                // values beside it and no sub-row after it (`1.申请人无正…`
                // cut short is the first sub-row, not the collapsed row).
                .filter(|&i| {
                    !specs[i].alternative || (!parts.values.is_empty() && !last_label_numbered(row))
                })
                .or_else(|| cut_short(row, specs, &out.results, last_matched))
        };
        if let Some(i) = matched {
            last_matched = Some(i);
        }
        if let Some(n) = numbered.take() {
            if let Some(idx) = matched.filter(|&i| n.names(&specs[i]) && out.results[i].is_none())
                && parts.values.is_empty()
            {
                // The label below the numbered values names their row.
                carry.clear();
                finish(&mut pending, specs, &mut out);
                out.results[idx] = Some(n.placed(specs[idx].width, layout, &grid));
                continue;
            }
            if parts.values.is_empty() && matched.is_none() && n.text_rows < 2 {
                // The label may go on over another line first.
                numbered = Some(Numbered {
                    text_rows: n.text_rows + 1,
                    ..n
                });
            } else {
                n.expire(&mut out, &mut unlabelled);
            }
        }
        if let Some(idx) = matched {
            carry.clear();
            match &pending {
                Some(p) if p.cells.is_empty() && layout.has_explicit_empty_cells() => {
                    waiting.push((p.row, p.line));
                }
                _ => waiting.clear(),
            }
            finish(&mut pending, specs, &mut out);
            if let Some(first) = &out.results[idx] {
                if let RowResult::Aligned { line, cells, .. } = first
                    && differ(cells, parts.values)
                {
                    out.results[idx] = Some(RowResult::Conflicting {
                        line: *line,
                        again: row.line,
                    });
                } else {
                    out.duplicates.push((idx, row.line));
                }
                continue;
            }
            if parts.values.is_empty() {
                pending = Some(Pending {
                    row: idx,
                    line: row.line,
                    cells: Vec::new(),
                    text_rows: 0,
                });
            } else {
                let width = specs[idx].width;
                let placed = align(row, parts.values, width, layout, &grid)
                    .or_else(|| {
                        // A cap at a fixed number of columns shows only
                        // where cells are delimited, and never in OCR'd
                        // text: there a short row lost a cell somewhere,
                        // its last value may be the total.
                        if !delimited(layout) || misread.seen() {
                            return None;
                        }
                        grid.cut_at_edge(row, parts.values, width)
                            .map(|cells| Placed::new(cells, false))
                    })
                    .or_else(|| {
                        let rest =
                            wrapped_values(rows.get(next)?, parts.values.len(), width, layout)?;
                        next += 1; // the continuation line is this row's
                        Some(Placed::new(parts.values.iter().chain(rest), false))
                    })
                    .or_else(|| spanned_copies(parts.values, width, layout));
                out.results[idx] =
                    Some(Placed::or_mismatch(placed, row.line, parts.values, layout));
            }
            continue;
        }
        if parts.values.is_empty() {
            // A label wrapped so that no single line names its row
            // (`1．申请人无正当理由逾` / `期不补正、行政机关不再` / …): join the
            // last few unmatched text lines and try again.
            if pending.is_none() && !parts.label.is_empty() {
                if carry.len() == 3 {
                    carry.remove(0);
                }
                carry.push(parts.label.to_owned());
                let joined = carry.concat();
                let found = labels
                    .best(&joined)
                    .map(|(i, _)| i)
                    .filter(|&i| !specs[i].alternative && out.results[i].is_none());
                if let Some(idx) = found {
                    carry.clear();
                    if let Some(n) = numbered.take_if(|n| n.names(&specs[idx])) {
                        // A label wrapped over lines below numbered values.
                        out.results[idx] = Some(n.placed(specs[idx].width, layout, &grid));
                        last_matched = Some(idx);
                        continue;
                    }
                    pending = Some(Pending {
                        row: idx,
                        line: row.line,
                        cells: Vec::new(),
                        text_rows: 0,
                    });
                    continue;
                }
            }
            // Text that is no row label: a wrapped label's continuation, a
            // group label, a header. It ends a run of one-per-line values.
            if let Some(p) = pending.as_mut() {
                // A piece of the waiting row's own printed label: the label
                // goes on over more lines (a narrow column, `费通知要求缴纳费`
                // / `用、行政机关不再` / …), before its values.
                let own_label = p.cells.is_empty()
                    && parts.label.chars().count() >= 2
                    && specs[p.row]
                        .printed
                        .as_deref()
                        .is_some_and(|printed| printed.contains(parts.label));
                if !own_label {
                    p.text_rows += 1;
                }
                if !p.cells.is_empty() || p.text_rows > 3 {
                    finish(&mut pending, specs, &mut out);
                }
            }
            continue;
        }
        carry.clear();
        // A converter's column index (`| 0 | 1 | 2 | 3 |`) holds no values.
        let values_count = if parts.label.is_empty() && column_numbering(parts.values) {
            0
        } else {
            parts
                .values
                .iter()
                .filter(|c| !c.raw.trim().is_empty() || row.kind == RowKind::BlankCell)
                .count()
        };
        match pending.as_mut() {
            Some(p)
                if row.kind == RowKind::Physical && p.cells.is_empty() && !waiting.is_empty() =>
            {
                // Labels printed apart from their values: the block of value
                // rows that follows belongs to them one to one, in order, if
                // it has as many rows as there are labels; otherwise no row
                // can be matched with certainty.
                waiting.push((p.row, p.line));
                pending = None;
                let block = rows[next - 1..]
                    .iter()
                    .take_while(|r| {
                        r.kind == RowKind::Physical
                            && r.cells
                                .iter()
                                .all(|c| !matches!(c.value(), CellValue::Text))
                    })
                    .count();
                let labelled = std::mem::take(&mut waiting);
                if block == labelled.len() {
                    for (&(idx, _), vrow) in labelled.iter().zip(&rows[next - 1..]) {
                        let placed = align(vrow, &vrow.cells, specs[idx].width, layout, &grid);
                        out.results[idx] =
                            Some(Placed::or_mismatch(placed, vrow.line, &vrow.cells, layout));
                    }
                } else {
                    for &(idx, line) in &labelled {
                        out.results[idx] = Some(RowResult::Detached { line });
                    }
                }
                next += block - 1;
            }
            Some(p) if row.kind == RowKind::Physical => {
                waiting.clear();
                // A line that starts with an item number of its own (`3.其他`
                // the matcher did not know) is a row of its own, not the
                // rest of the waiting label: its values are not the label's.
                // The mark of a merged cell the waiting row is printed
                // beside (`三、` or `(四)` written down a narrow column) is
                // no row's number.
                let merged_cell = specs[p.row].marks.is_mark(parts.label);
                // In OCR'd text, so is a line whose label is text the
                // waiting row does not print (`2 重复中请`: OCR lost the
                // numbering's point and misread 申): a row the matcher did
                // not know. (Elsewhere such text is the rest of a wrapped
                // label, written as a converter wrote it.)
                let foreign = parts.label.chars().count() >= 2
                    && specs[p.row]
                        .printed
                        .as_deref()
                        .is_some_and(|printed| !printed.contains(parts.label))
                    && misread.seen();
                let own_row = !parts.label.is_empty()
                    && !merged_cell
                    && (foreign
                        || crate::template::strip_numbering(parts.label).len() < parts.label.len());
                if p.cells.is_empty() && own_row {
                    finish(&mut pending, specs, &mut out);
                    numbered = Numbered::of(row, parts.label, parts.values, values_count, None);
                    if numbered.is_none() {
                        out.orphan(values_count, row.line);
                    }
                } else if p.cells.is_empty() {
                    let width = specs[p.row].width;
                    let line = p.line;
                    let idx = p.row;
                    pending = None;
                    if layout == Layout::GluedText {
                        out.results[idx] = Some(split_glued(parts.values, &specs[idx], row.line));
                        continue;
                    }
                    let placed = align(row, parts.values, width, layout, &grid);
                    out.results[idx] = Some(Placed::or_mismatch(
                        placed,
                        row.line.max(line),
                        parts.values,
                        layout,
                    ));
                } else {
                    finish(&mut pending, specs, &mut out);
                    out.orphan(values_count, row.line);
                }
            }
            Some(p) => {
                p.cells.extend(parts.values.iter());
                if p.cells.len() >= specs[p.row].width && layout != Layout::CellPerLine {
                    finish(&mut pending, specs, &mut out);
                }
            }
            None => {
                // In a paragraph-per-row table, blank cells before a row's
                // label are the padding of merged label cells.
                let padding = blocks && row.kind == RowKind::BlankCell;
                if values_count > 0 && !padding {
                    let placeable = (row.kind == RowKind::Physical
                        && layout.has_explicit_empty_cells())
                    .then_some(next - 1);
                    numbered =
                        Numbered::of(row, parts.label, parts.values, values_count, placeable);
                    if numbered.is_none() {
                        match placeable {
                            Some(i) => unlabelled.push(i),
                            None => out.orphan(values_count, row.line),
                        }
                    }
                }
            }
        }
    }
    finish(&mut pending, specs, &mut out);
    if let Some(n) = numbered {
        n.expire(&mut out, &mut unlabelled);
    }
    fill_gaps(rows, &unlabelled, specs, layout, &grid, &mut out);
    out
}

/// Value rows printed without labels (`（三）不予公开（续表）` over eight
/// rows of numbers) take their labels from the template's order: a run of
/// such rows between two rows that were read stands for the rows the
/// template has between those two and that were not read — when their
/// number is the same. Otherwise the run's values belong to no row.
fn fill_gaps<'r, 'a>(
    rows: &'r [RawRow<'a>],
    unlabelled: &[usize],
    specs: &[RowSpec],
    layout: Layout,
    grid: &Grid,
    out: &mut TableRead<'r, 'a>,
) {
    let mut i = 0;
    while i < unlabelled.len() {
        // A run of consecutive unlabelled rows.
        let mut j = i + 1;
        while j < unlabelled.len() && unlabelled[j] == unlabelled[j - 1] + 1 {
            j += 1;
        }
        let run = &unlabelled[i..j];
        i = j;
        let (first, last) = (rows[run[0]].line, rows[run[run.len() - 1]].line);
        let read_rows = || {
            out.results
                .iter()
                .enumerate()
                .filter_map(|(k, r)| r.as_ref().map(|r| (k, r.line())))
        };
        let before = read_rows()
            .filter(|&(_, l)| l < first)
            .max_by_key(|&(_, l)| l);
        let after = read_rows()
            .filter(|&(_, l)| l > last)
            .min_by_key(|&(_, l)| l);
        let from = before.map_or(0, |(k, _)| k + 1);
        let to = after.map_or(specs.len(), |(k, _)| k);
        let gap: Vec<usize> = (from..to.max(from))
            .filter(|&k| out.results[k].is_none() && !specs[k].alternative)
            .collect();
        if gap.len() == run.len() && to >= from {
            let mut label = String::new();
            for (&k, &r) in gap.iter().zip(run) {
                let vrow = &rows[r];
                // A label the matcher did not know (garbled: `其他对外管理服 事项`)
                // is no value: the values are the cells after the last text.
                let values = split_row(vrow, &mut label).values;
                let placed = align(vrow, values, specs[k].width, layout, grid);
                out.results[k] = Some(Placed::or_mismatch(placed, vrow.line, values, layout));
            }
        } else {
            // The numbers left over: a header row padded with `&nbsp;`
            // cells (`信息内容 | 上一年项目数量 | 本年增/减 | &nbsp;`) leaves none.
            let n: usize = run
                .iter()
                .map(|&r| {
                    rows[r]
                        .cells
                        .iter()
                        .filter(|c| matches!(c.value(), CellValue::Number(_)))
                        .count()
                })
                .sum();
            if n > 0 {
                out.orphan(n, first);
            }
        }
    }
}

/// Everything extracted from the three tables.
#[derive(Debug, Default)]
pub struct TablesOutcome {
    /// All three tables were found complete.
    pub complete: bool,
    /// How many of the three tables were found at all.
    pub tables_found: usize,
}

impl TablesOutcome {
    /// Records a table whose values were not read: its `region` was not
    /// found, or it was found but no template version applies to it.
    fn not_read(
        &mut self,
        report: &mut Report,
        doc: &Document<'_>,
        region: Option<std::ops::Range<usize>>,
        table: &str,
        title: &str,
    ) {
        self.complete = false;
        match region {
            None => report.diag(
                Severity::Warning,
                DiagCode::TableMissing,
                None,
                format!("{table} ({title}) not found"),
            ),
            Some(range) => {
                self.tables_found += 1;
                report.diag(
                    Severity::Warning,
                    DiagCode::UnsupportedTemplate,
                    doc.rows.get(range.start).map(|r| r.line),
                    format!("{table} found but no template version applies; values not read"),
                );
            }
        }
    }
}

/// Extracts tables 二, 三 and 四 into `report`'s facts and diagnostics.
pub fn extract_tables(
    doc: &Document<'_>,
    norms: &RowNorms,
    regions: &Regions,
    versions: &Versions,
    ocr: bool,
    report: &mut Report,
) -> TablesOutcome {
    let mut outcome = TablesOutcome {
        complete: true,
        tables_found: 0,
    };
    let layout = doc.layout;
    let tables = [&regions.proactive, &regions.applications, &regions.reviews]
        .into_iter()
        .flatten()
        .filter_map(|range| doc.rows.get(range.clone()))
        .collect();
    let misread = OcrMarks::new(tables, ocr);
    let mode = Mode::of(doc, &misread);

    match (regions.proactive.clone(), versions.proactive) {
        (Some(range), Some(v)) => {
            outcome.tables_found += 1;
            let complete = extract_proactive(
                &one_label_per_row(&doc.rows[range.clone()]),
                norms.joined(range),
                v.template(),
                mode,
                report,
            );
            outcome.complete &= complete;
        }
        (region, _) => outcome.not_read(report, doc, region, "table 二", "主动公开政府信息情况"),
    }
    match (regions.applications.clone(), versions.applications) {
        (Some(range), Some(v)) => {
            outcome.tables_found += 1;
            outcome.complete &= extract_applications(
                &one_label_per_row(&doc.rows[range]),
                v.template(),
                mode,
                report,
            );
        }
        (region, _) => outcome.not_read(
            report,
            doc,
            region,
            "table 三",
            "收到和处理政府信息公开申请情况",
        ),
    }
    // Text extracted without layout scrambles every table of a document the
    // same way: when table 二 or 三 showed it, table 四's run of values is no
    // more trustworthy (its count may come out right by chance).
    let line_by_line = matches!(layout, Layout::CellPerLine | Layout::None);
    let scrambled = line_by_line && report.has_diag(DiagCode::ReadingOrderScrambled);
    match regions.reviews.clone() {
        Some(range) if scrambled => {
            outcome.tables_found += 1;
            outcome.complete = false;
            report.diag(
                Severity::Warning,
                DiagCode::ReadingOrderScrambled,
                doc.rows.get(range.start).map(|r| r.line),
                "table 四: the document's text is out of order (tables 二/三); no value of this table is trusted",
            );
        }
        Some(range) => {
            outcome.tables_found += 1;
            // A text whose table 三 showed misreads, or with OCR marks.
            let shown = report.has_diag(DiagCode::MisreadSuspected);
            let misread = || shown || mode.misread.seen();
            outcome.complete &=
                extract_reviews(&doc.rows[range], layout, doc.blocks, &misread, report);
        }
        None => outcome.not_read(report, doc, None, "table 四", "行政复议、行政诉讼"),
    }
    // Table 二 has no totals: in a text read off images, nothing tells a
    // misread digit there (`33` read as `3`) from the one printed.
    // Marks are looked for in table 二's rows, and in every table's only
    // when something there went wrong already (most reports: nothing).
    let ocr = report.has_diag(DiagCode::MisreadSuspected)
        || regions
            .proactive
            .clone()
            .and_then(|range| doc.rows.get(range))
            .is_some_and(|rows| misread.seen_in(rows))
        || (report
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
            && misread.seen());
    if ocr && withdraw_proactive(report) {
        outcome.complete = false;
    }
    outcome
}

/// Leaves NULL every table 二 value of a text read off images (OCR),
/// their raw text kept; whether there was one.
fn withdraw_proactive(report: &mut Report) -> bool {
    let mut first = None;
    let mut withdrawn = 0;
    for fact in report.active.iter_mut().filter(|f| f.value.is_some()) {
        fact.value = None;
        first.get_or_insert(fact.source_line);
        withdrawn += 1;
    }
    if withdrawn == 0 {
        return false;
    }
    report.cells_found -= withdrawn;
    report.diag(
        Severity::Warning,
        DiagCode::MisreadSuspected,
        first,
        format!(
            "table 二: the text was read off images (OCR) and table 二 has no totals to check its digits against; its {withdrawn} values are left NULL"
        ),
    );
    true
}

/// Whether a repeated row's `values` say other numbers than the cells read
/// for its first occurrence (a repeat with no values says nothing).
fn differ(first: &[Cow<'_, Cell<'_>>], values: &[Cell<'_>]) -> bool {
    let written = |cells: Vec<Option<f64>>| cells.into_iter().flatten().collect::<Vec<_>>();
    let again = written(numbers(values.iter()));
    !again.is_empty() && again != written(numbers(first.iter().map(|c| &**c)))
}

/// The values a row of `found` values (of `width`) continues with on the
/// next line, when a converter wrapped it there (`（六）其他处理 1. 申请人无正
/// 当理由…申请 0 0 0 0` / `0 0 0`, lynx at 60 columns): the next line holds
/// values only, exactly the missing ones, right below (no empty line). Only
/// in layouts that set cells apart by spaces, where a wrapped line is a
/// line of its own.
fn wrapped_values<'r, 'a>(
    next: &'r RawRow<'a>,
    found: usize,
    width: usize,
    layout: Layout,
) -> Option<&'r [Cell<'a>]> {
    let spaced = matches!(layout, Layout::SpaceAligned | Layout::None);
    let values_only = next
        .cells
        .iter()
        .all(|c| !matches!(c.value(), CellValue::Text));
    (spaced
        && found > 0
        && found < width
        && !next.gap_before
        && next.kind != RowKind::BlankCell
        && values_only
        && found + next.cells.len() == width)
        .then_some(&next.cells[..])
}

/// `rows` with every line that holds two labelled runs of values
/// (`二、上年结转…  0 … 0  （一）予以公开  62 … 64`: a PDF's text extracted
/// line by line puts a row's label beside the one before it) cut into one
/// row per label: a text cell after a number starts a new row. Borrowed
/// when no line does (nearly every document).
fn one_label_per_row<'r, 'a>(rows: &'r [RawRow<'a>]) -> Cow<'r, [RawRow<'a>]> {
    // Where new rows start: the text cells that follow a number after an
    // earlier text cell.
    let starts = |row: &RawRow<'_>| -> Vec<usize> {
        let mut out = Vec::new();
        if row.kind != RowKind::Physical {
            return out;
        }
        let (mut text_seen, mut number_since) = (false, false);
        for (i, c) in row.cells.iter().enumerate() {
            match c.value() {
                CellValue::Text => {
                    if text_seen && number_since {
                        out.push(i);
                    }
                    text_seen = true;
                    number_since = false;
                }
                CellValue::Number(_) => number_since = true,
                CellValue::Blank => {}
            }
        }
        out
    };
    if rows.iter().all(|r| starts(r).is_empty()) {
        return Cow::Borrowed(rows);
    }
    let mut out = Vec::with_capacity(rows.len() + 1);
    for row in rows {
        let mut from = 0;
        let cuts = starts(row);
        for (k, &to) in cuts.iter().chain([&row.cells.len()]).enumerate() {
            out.push(RawRow {
                line: row.line,
                kind: row.kind,
                cells: row.cells[from..to].to_vec(),
                gap_before: row.gap_before && k == 0,
            });
            from = to;
        }
    }
    Cow::Owned(out)
}

fn span_of(cell: &Cell<'_>) -> Span {
    Span {
        start: cell.offset,
        end: cell.offset + cell.raw.len() as u32,
    }
}

/// Reading-order check for text extracted without layout: in a one-cell-per-
/// line table every label is followed by exactly its values. Orphan numbers or
/// runs of the wrong length mean the extractor scrambled the order, and then
/// even runs of the right length may belong to another row.
fn scrambled(read: &TableRead<'_, '_>, specs: &[RowSpec], layout: Layout) -> bool {
    // One row with a lost or extra cell is that row's problem (its label
    // and the next one fence it in); numbers outside any row, or several
    // misfits, mean the reading order itself is broken.
    let misfits = read
        .results
        .iter()
        .filter(|r| matches!(r, Some(RowResult::Mismatch { .. })))
        .count();
    // Rows that all came out short, between labels found in the form's
    // order, lost cells (a converter that drops empty cells): each is its
    // own row's problem. A row with too many values took another's.
    let all_short = read.results.iter().zip(specs).all(|(r, spec)| match r {
        Some(RowResult::Mismatch { found, .. }) => *found < spec.width,
        _ => true,
    });
    let misfits = if all_short { misfits.min(1) } else { misfits };
    // A document whose lines showed no table layout at all (text extracted
    // column by column: labels, then header cells, then the numbers) is read
    // line by line as well.
    matches!(layout, Layout::CellPerLine | Layout::None) && (read.orphans > 0 || misfits > 1)
}

fn report_table_issues(
    table: TableId,
    read: &TableRead<'_, '_>,
    specs: &[RowSpec],
    layout: Layout,
    report: &mut Report,
) -> bool {
    for &(_, line) in &read.duplicates {
        report.diag(
            Severity::Warning,
            DiagCode::DuplicateRow,
            Some(line),
            format!(
                "table {} row label repeated; the first occurrence is kept",
                table.name()
            ),
        );
    }
    if scrambled(read, specs, layout) {
        let line = read
            .first_orphan_line
            .or_else(|| read.results.iter().flatten().map(RowResult::line).next());
        report.diag(
            Severity::Warning,
            DiagCode::ReadingOrderScrambled,
            line,
            format!("table {}: labels and numbers are out of order (text extracted without layout); no value of this table is trusted", table.name()),
        );
        return true;
    }
    if read.orphans > 0 {
        report.diag(
            Severity::Warning,
            DiagCode::OrphanValues,
            read.first_orphan_line,
            format!(
                "table {}: {} number(s) belong to no row label and were not used",
                table.name(),
                read.orphans
            ),
        );
    }
    false
}

/// Says why some of a row's values are NULL (cells that cannot be aligned,
/// a glued run that splits several ways or none, columns cut off at the
/// table's edge); true when every column was read.
fn explain(
    result: &RowResult<'_, '_>,
    table: &str,
    code: &str,
    width: usize,
    report: &mut Report,
) -> bool {
    let (diag, message) = match result {
        RowResult::Aligned { cells, .. } if cells.len() >= width => return true,
        RowResult::Aligned { cells, .. } => (
            DiagCode::TableTruncated,
            format!(
                "table {table} row {code}: the last {} column(s) are cut off at the table's right edge; left NULL",
                width - cells.len()
            ),
        ),
        RowResult::Glued {
            candidates,
            certain,
            ..
        } => {
            let read = certain.iter().flatten().count();
            let ways = if candidates.is_empty() {
                "in no way that satisfies the table's identities (or in too many ways)".to_owned()
            } else {
                format!(
                    "in {} ways the identities cannot tell apart",
                    candidates.len()
                )
            };
            (
                DiagCode::AmbiguousSplit,
                format!(
                    "table {table} row {code}: the glued digits split into {width} cells {ways}; {read} cell(s) are the same in every split and read, the rest left NULL"
                ),
            )
        }
        RowResult::Mismatch { found, .. } => (
            DiagCode::ColumnCountMismatch,
            format!(
                "table {table} row {code}: {found} value cells where {width} are expected; values left NULL"
            ),
        ),
        RowResult::Detached { .. } => (
            DiagCode::UncertainRow,
            format!(
                "table {table} row {code}: its label is printed apart from its values and the value rows that follow do not match the labels one to one; values left NULL"
            ),
        ),
        RowResult::Conflicting { line, again } => (
            DiagCode::DuplicateRow,
            format!(
                "table {table} row {code}: printed on lines {line} and {again} with different values; which is this report's cannot be told: values left NULL"
            ),
        ),
        RowResult::Misread { .. } => (
            DiagCode::MisreadSuspected,
            format!(
                "table {table} row {code}: the text was read off images (OCR) and the row's applicant columns are not all there or do not add up to its 总计; values left NULL"
            ),
        ),
        RowResult::Withdrawn { .. } => (
            DiagCode::UncertainRow,
            format!(
                "table {table} row {code}: the row has blank cells and its values, placed by the table's columns, exceed its 总计 (a cell was lost); values left NULL"
            ),
        ),
    };
    report.diag(Severity::Warning, diag, Some(result.line()), message);
    false
}

/// Guards placements by position. A table 三 row with blank cells was
/// placed by the table's grid (not cell for cell: see [`Placed`]); if that
/// placement contradicts what the
/// source cannot have got wrong by a lost cell — its known applicant values
/// add up to more than its 总计 (counts are never negative), or a column
/// identity that holds without it (新收 + 结转 = 总计 + 结转下年度; 总计 =
/// the outcome rows) fails with it — a cell of the row was lost, and the
/// row is withdrawn.
fn withdraw_contradicted(template: &Template, results: &mut [Option<RowResult<'_, '_>>]) {
    let rows = read_values(results);
    let placed: Vec<usize> = (0..results.len())
        .filter(|&i| match &results[i] {
            Some(RowResult::Aligned {
                cells,
                certain: false,
                ..
            }) => {
                cells.len() == APPLICANTS.len()
                    && cells.iter().any(|c| matches!(c.value(), CellValue::Blank))
            }
            _ => false,
        })
        .collect();
    let Some(checks) = ColumnChecks::new(template, results) else {
        return;
    };
    for &i in &placed {
        let Some(values) = &rows[i] else { continue };
        let exceeds =
            values[6].is_some_and(|total| values[..6].iter().flatten().sum::<f64>() > total);
        // Columns where this row holds a number: their identities, checked
        // with this row as placed and every other row as read.
        let breaks = (0..APPLICANTS.len())
            .filter(|&c| values[c].is_some())
            .any(|c| checks.fails(&rows, c, i));
        if exceeds || breaks {
            let line = results[i].as_ref().map_or(0, RowResult::line);
            results[i] = Some(RowResult::Withdrawn { line });
        }
    }
}

/// Leaves NULL the table 三 rows of an OCR'd text ([`super::misread`])
/// that do not prove themselves by adding up to their own totals. A text
/// with two broken rows or more counts as OCR'd.
fn withdraw_misread(results: &mut [Option<RowResult<'_, '_>>], misread: &OcrMarks<'_>) {
    // Per row, its seven numbers (total last), when it was read whole.
    let parts: Vec<Option<Vec<Option<f64>>>> = results
        .iter()
        .map(|r| match r {
            Some(RowResult::Aligned { cells, .. }) if cells.len() == APPLICANTS.len() => {
                Some(numbers(cells.iter().map(|c| &**c)))
            }
            _ => None,
        })
        .collect();
    let broken = parts
        .iter()
        .flatten()
        .filter(|p| super::misread::breaks_total(p))
        .count();
    let unverified: Vec<bool> = parts
        .iter()
        .map(|p| p.as_deref().is_some_and(super::misread::unverified))
        .collect();
    if broken < 2 && !(unverified.contains(&true) && misread.seen()) {
        return;
    }
    for (result, _) in results.iter_mut().zip(unverified).filter(|(_, u)| *u) {
        let line = result.as_ref().map_or(0, RowResult::line);
        *result = Some(RowResult::Misread { line });
    }
}

/// The column identities of table 三 (template.md §6) over rows read so far.
struct ColumnChecks {
    new: usize,
    carried: usize,
    total: usize,
    forward: usize,
    outcomes: Vec<usize>,
}

impl ColumnChecks {
    fn new(template: &Template, results: &[Option<RowResult<'_, '_>>]) -> Option<Self> {
        let index = |code: &str| {
            template
                .applications
                .iter()
                .position(|r| r.row_code == code)
        };
        let alt_found = template
            .applications
            .iter()
            .zip(results.iter())
            .any(|(r, res)| r.alternative && res.is_some());
        let (new, carried, total, forward) = (
            index("new_received")?,
            index("carried_over")?,
            index("total_handled")?,
            index("carried_forward")?,
        );
        let outcomes = (0..template.applications.len())
            .filter(|&i| ![new, carried, total, forward].contains(&i))
            .filter(|&i| {
                let r = &template.applications[i];
                if alt_found {
                    r.alternative || !r.row_code.starts_with("other_")
                } else {
                    !r.alternative
                }
            })
            .collect();
        Some(Self {
            new,
            carried,
            total,
            forward,
            outcomes,
        })
    }

    /// Whether an identity of column `c` that involves row `row` is
    /// checkable (every cell it needs is a number) and fails.
    fn fails(&self, rows: &[Option<Vec<Option<f64>>>], c: usize, row: usize) -> bool {
        let cell = |r: usize| rows[r].as_ref().and_then(|v| v[c]);
        ([self.new, self.carried, self.total, self.forward].contains(&row)
            && self.balance_fails(cell))
            || ((row == self.total || self.outcomes.contains(&row)) && self.outcome_fails(cell))
    }

    /// 新收 + 上年结转 ≠ 总计 + 结转下年度 in one column (`cell`: a row's value
    /// there); false when a cell is not a number.
    fn balance_fails(&self, cell: impl Fn(usize) -> Option<f64>) -> bool {
        match (
            cell(self.new),
            cell(self.carried),
            cell(self.total),
            cell(self.forward),
        ) {
            (Some(a), Some(b), Some(t), Some(f)) => a + b != t + f,
            _ => false,
        }
    }

    /// 总计 ≠ the outcome rows in one column; false when a cell is not a number.
    fn outcome_fails(&self, cell: impl Fn(usize) -> Option<f64>) -> bool {
        let sum: Option<f64> = self.outcomes.iter().map(|&r| cell(r)).sum();
        match (cell(self.total), sum) {
            (Some(t), Some(sum)) => t != sum,
            _ => false,
        }
    }
}

/// The numbers of cells, `None` for a blank or text cell.
fn numbers<'c, 'a: 'c>(cells: impl Iterator<Item = &'c Cell<'a>>) -> Vec<Option<f64>> {
    cells
        .map(|c| match c.value() {
            CellValue::Number(n) if n.is_single() => Some(n.value),
            _ => None,
        })
        .collect()
}

/// Per row, the numbers of a row read whole (`None` for any other row).
fn read_values(results: &[Option<RowResult<'_, '_>>]) -> Vec<Option<Vec<Option<f64>>>> {
    results
        .iter()
        .map(|r| match r {
            Some(RowResult::Aligned { cells, .. }) if cells.len() == APPLICANTS.len() => {
                Some(numbers(cells.iter().map(|c| &**c)))
            }
            _ => None,
        })
        .collect()
}

/// Decides glued table 三 rows that split several ways by themselves with
/// the column identities (新收 + 上年结转 = 总计 + 结转下年度; 总计 = the
/// outcome rows), which tie the rows together: every combination of the
/// candidates is tried, and a row is read when every combination that
/// satisfies all the identities it can be checked against picks the same
/// split for it.
fn resolve_glued(template: &Template, results: &mut [Option<RowResult<'_, '_>>]) {
    let glued: Vec<usize> = (0..results.len())
        .filter(|&i| matches!(&results[i], Some(RowResult::Glued { candidates, .. }) if !candidates.is_empty()))
        .collect();
    if glued.is_empty() {
        return;
    }
    let combos = glued.iter().try_fold(1usize, |n, &i| match &results[i] {
        Some(RowResult::Glued { candidates, .. }) => n.checked_mul(candidates.len()),
        _ => Some(n),
    });
    if combos.is_none_or(|n| n > 4096) {
        return;
    }
    let width = APPLICANTS.len();
    // Per row: its values when read whole, per glued row its candidates'.
    let known = read_values(results);
    let options: Vec<Vec<Vec<Option<f64>>>> = glued
        .iter()
        .map(|&i| match &results[i] {
            Some(RowResult::Glued { candidates, .. }) => {
                candidates.iter().map(|c| numbers(c.iter())).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let Some(checks) = ColumnChecks::new(template, results) else {
        return;
    };
    let mut chosen: Vec<Option<Option<usize>>> = vec![None; glued.len()];
    let mut pick = vec![0usize; glued.len()];
    let mut any_consistent = false;
    loop {
        let cell = |row: usize, col: usize| -> Option<f64> {
            match glued.iter().position(|&g| g == row) {
                Some(k) => options[k][pick[k]][col],
                None => known[row].as_ref().and_then(|v| v[col]),
            }
        };
        let consistent = (0..width).all(|c| {
            !checks.balance_fails(|r| cell(r, c)) && !checks.outcome_fails(|r| cell(r, c))
        });
        if consistent {
            any_consistent = true;
            for (k, &p) in pick.iter().enumerate() {
                chosen[k] = match chosen[k] {
                    None => Some(Some(p)),
                    Some(Some(q)) if q == p => Some(Some(p)),
                    _ => Some(None),
                };
            }
        }
        // Next combination.
        let mut k = 0;
        while k < pick.len() {
            pick[k] += 1;
            if pick[k] < options[k].len() {
                break;
            }
            pick[k] = 0;
            k += 1;
        }
        if k == pick.len() {
            break;
        }
    }
    if !any_consistent {
        return;
    }
    for (k, &row) in glued.iter().enumerate() {
        if let Some(Some(p)) = chosen[k]
            && let Some(RowResult::Glued {
                line, candidates, ..
            }) = results[row].take()
        {
            let cells = candidates.into_iter().nth(p).unwrap_or_default();
            results[row] = Some(RowResult::Aligned {
                line,
                cells: cells.into_iter().map(Cow::Owned).collect(),
                certain: true,
            });
        }
    }
}

fn missing_rows(table: TableId, codes: &[&str], first_line: Option<u32>, report: &mut Report) {
    if codes.is_empty() {
        return;
    }
    report.diag(
        Severity::Warning,
        DiagCode::RowMissing,
        first_line,
        format!(
            "table {}: {} row(s) not found: {}",
            table.name(),
            codes.len(),
            codes.join(", ")
        ),
    );
}

/// The line of a table 二 row read before the caption of its article
/// (`第二十条第（五）项` after `行政许可`): the text runs out of the form's
/// order, as `pdftotext` without `-layout` writes a table whose row lost its
/// empty cells (`规章 / 18 / 11 / 66 / 行政规范性文件`: the next row's values
/// come before its label). Only articles whose caption is printed count.
fn before_caption(
    rows: &[RawRow<'_>],
    template: &Template,
    read: &TableRead<'_, '_>,
) -> Option<u32> {
    const NUMERALS: &str = "一二三四五六七八九";
    static ARTICLE: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("第二十条".as_bytes()));
    // (the article's number after `20.`, the caption's line)
    let mut captions: Vec<(usize, u32)> = Vec::new();
    let mut norm = String::new();
    for row in rows {
        for cell in &row.cells {
            if ARTICLE.find(cell.text.as_bytes()).is_none() {
                continue;
            }
            norm.clear();
            normalize_into(&cell.text, &mut norm);
            let Some(at) = norm.find("第二十条第(") else {
                continue;
            };
            let numeral = norm[at + "第二十条第(".len()..].chars().next();
            if let Some(n) = numeral.and_then(|c| NUMERALS.chars().position(|d| d == c))
                && !captions.iter().any(|&(a, _)| a == n + 1)
            {
                captions.push((n + 1, row.line));
            }
        }
    }
    template
        .proactive
        .iter()
        .zip(&read.results)
        .filter_map(|(row, result)| {
            let line = result.as_ref()?.line();
            let article: usize = row.article.strip_prefix("20.")?.parse().ok()?;
            let &(_, caption) = captions.iter().find(|&&(a, _)| a == article)?;
            (line < caption).then_some(line)
        })
        .min()
}

fn extract_proactive(
    rows: &[RawRow<'_>],
    region_norm: &str,
    template: &Template,
    mode: Mode<'_>,
    report: &mut Report,
) -> bool {
    let layout = mode.layout;
    let specs: Vec<RowSpec> = template
        .proactive
        .iter()
        .map(|r| RowSpec {
            width: r.metrics.len(),
            alternative: false,
            identity: RowIdentity::None,
            printed: None,
            marks: MergedMarks::default(),
            signed: r.metrics.iter().map(|m| m.signed).collect(),
        })
        .collect();
    report
        .active
        .reserve(template.proactive.iter().map(|r| r.metrics.len()).sum());
    let read = read_labelled(rows, &specs, &template.proactive_labels, mode, None);
    let mut refused = report_table_issues(TableId::Proactive, &read, &specs, layout, report);
    if !refused && let Some(line) = before_caption(rows, template, &read) {
        report.diag(
            Severity::Warning,
            DiagCode::ReadingOrderScrambled,
            Some(line),
            "table 二: a row's label comes before its 第二十条第（X）项 caption (text extracted without layout); no value of this table is trusted",
        );
        refused = true;
    }
    let money_unit_stated = region_norm.contains("万元");
    let yuan_stated = region_norm.contains("(元)") || region_norm.contains("单位:元");
    let mut complete = !refused;
    let mut missing = Vec::new();
    for (row, result) in template.proactive.iter().zip(&read.results) {
        let Some(result) = result else {
            complete = false;
            missing.push(row.item_code);
            continue;
        };
        let width = row.metrics.len();
        if !refused {
            complete &= explain(result, "二", row.item_code, width, report);
        }
        let line = result.line();
        let cells = if refused {
            vec![None; width]
        } else {
            result.columns(width)
        };
        for (m, cell) in row.metrics.iter().zip(cells) {
            let Some(cell) = cell else {
                report.active.push(ActiveFact {
                    article: row.article,
                    item_code: row.item_code,
                    metric_code: m.code,
                    value: None,
                    unit: m.unit,
                    raw: None,
                    source_line: line,
                });
                continue;
            };
            let line = &cell.line;
            let parsed = cell.value();
            let value = match parsed {
                CellValue::Blank => {
                    report.cells_blank += 1;
                    report.diag(
                        Severity::Info,
                        DiagCode::BlankCell,
                        Some(*line),
                        format!(
                            "table 二 {} {}: blank cell {:?} → NULL",
                            row.item_code, m.code, cell.raw
                        ),
                    );
                    None
                }
                CellValue::Number(n) if n.is_single() => proactive_value(
                    n,
                    m,
                    row.item_code,
                    *line,
                    money_unit_stated,
                    yuan_stated,
                    report,
                ),
                // Text, or a glued run read as one cell (numbers, but no
                // one number).
                CellValue::Text | CellValue::Number(_) => {
                    complete = false;
                    report.diag(
                        Severity::Warning,
                        DiagCode::InvalidValue,
                        Some(*line),
                        format!(
                            "table 二 {} {}: {:?} is not a number",
                            row.item_code, m.code, cell.raw
                        ),
                    );
                    None
                }
            };
            if value.is_some() {
                report.cells_found += 1;
            } else if matches!(parsed, CellValue::Number(_)) {
                complete = false;
            }
            report.active.push(ActiveFact {
                article: row.article,
                item_code: row.item_code,
                metric_code: m.code,
                value,
                unit: m.unit,
                raw: Some(span_of(cell)),
                source_line: *line,
            });
        }
    }
    missing_rows(
        TableId::Proactive,
        &missing,
        rows.first().map(|r| r.line),
        report,
    );
    complete
}

fn proactive_value(
    n: Number,
    m: &crate::template::Metric,
    item: &str,
    line: u32,
    wan_stated: bool,
    yuan_stated: bool,
    report: &mut Report,
) -> Option<f64> {
    if n.approximate {
        report.diag(
            Severity::Warning,
            DiagCode::ApproximateValue,
            Some(line),
            format!("table 二 {item} {}: approximate value → NULL", m.code),
        );
        return None;
    }
    if m.money {
        if n.value < 0.0 {
            report.diag(
                Severity::Warning,
                DiagCode::InvalidValue,
                Some(line),
                format!("table 二 {item} {}: negative amount → NULL", m.code),
            );
            return None;
        }
        return match n.unit {
            Some(CellUnit::Yuan) => {
                report.diag(
                    Severity::Info,
                    DiagCode::UnitConverted,
                    Some(line),
                    format!(
                        "table 二 {item} {}: {} 元 converted to 万元",
                        m.code, n.value
                    ),
                );
                Some(n.value / 10_000.0)
            }
            Some(CellUnit::WanYuan) => Some(n.value),
            Some(CellUnit::Count) => {
                report.diag(
                    Severity::Warning,
                    DiagCode::InvalidValue,
                    Some(line),
                    format!(
                        "table 二 {item} {}: a count unit in a money cell → NULL",
                        m.code
                    ),
                );
                None
            }
            None if m.code == "fee_amount" || (wan_stated && !yuan_stated) || n.value == 0.0 => {
                Some(n.value)
            }
            None if yuan_stated && !wan_stated => Some(n.value / 10_000.0),
            // Reports that write 元 say so (`251000元`, `采购总金额（元）`); a
            // bare amount is in the 万元 the table's other money column uses
            // (template.md: "other reports write 万元") — unless it is a
            // number so large that in 万元 it would be over 1 亿元: then it
            // may as well be 元.
            None if !n.is_integer && decimals(n.value) > 2 => Some(n.value),
            None if n.value < BARE_WAN_YUAN_LIMIT => Some(n.value),
            None => {
                report.diag(
                    Severity::Warning,
                    DiagCode::UnitUnknown,
                    Some(line),
                    format!("table 二 {item} {}: {} has no unit (元 or 万元?) in the cell or header → NULL", m.code, n.value),
                );
                None
            }
        };
    }
    if !n.is_integer
        || matches!(n.unit, Some(CellUnit::Yuan | CellUnit::WanYuan))
        || (n.value < 0.0 && !m.signed)
    {
        report.diag(
            Severity::Warning,
            DiagCode::InvalidValue,
            Some(line),
            format!(
                "table 二 {item} {}: {} is not a valid count → NULL",
                m.code, n.value
            ),
        );
        return None;
    }
    Some(n.value)
}

/// A bare (unitless) amount at or above this many 万元 (1 亿元) may as well
/// be written in 元: left NULL with `unit_unknown`.
const BARE_WAN_YUAN_LIMIT: f64 = 10_000.0;

/// Decimal places of a parsed value (at most 12 are ever parsed).
fn decimals(v: f64) -> usize {
    let s = format!("{v}");
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

fn count_value(
    cell: &Cell<'_>,
    what: &dyn Fn() -> String,
    line: u32,
    report: &mut Report,
) -> (Option<i64>, bool) {
    match cell.value() {
        CellValue::Blank => {
            report.cells_blank += 1;
            report.diag(
                Severity::Info,
                DiagCode::BlankCell,
                Some(line),
                format!("{}: blank cell {:?} → NULL", what(), cell.raw),
            );
            (None, true)
        }
        CellValue::Number(n) if n.is_single() => {
            if n.approximate {
                report.diag(
                    Severity::Warning,
                    DiagCode::ApproximateValue,
                    Some(line),
                    format!("{}: approximate value {:?} → NULL", what(), cell.raw),
                );
                (None, false)
            } else if !n.is_integer
                || n.value < 0.0
                || n.signed && n.value != 0.0
                || matches!(n.unit, Some(CellUnit::Yuan | CellUnit::WanYuan))
            {
                report.diag(
                    Severity::Warning,
                    DiagCode::InvalidValue,
                    Some(line),
                    format!("{}: {:?} is not a count → NULL", what(), cell.raw),
                );
                (None, false)
            } else {
                report.cells_found += 1;
                (Some(n.value as i64), true)
            }
        }
        // Text, or a glued run read as one cell (numbers, but no one number).
        CellValue::Text | CellValue::Number(_) => {
            report.diag(
                Severity::Warning,
                DiagCode::InvalidValue,
                Some(line),
                format!("{}: {:?} is not a number → NULL", what(), cell.raw),
            );
            (None, false)
        }
    }
}

fn extract_applications(
    rows: &[RawRow<'_>],
    template: &Template,
    mode: Mode<'_>,
    report: &mut Report,
) -> bool {
    let layout = mode.layout;
    let width = APPLICANTS.len();
    let specs: Vec<RowSpec> = template
        .applications
        .iter()
        .zip(template.application_marks())
        .map(|(r, marks)| RowSpec {
            width,
            alternative: r.alternative,
            identity: RowIdentity::LastIsSum,
            printed: Some(normalize(r.printed)),
            marks,
            signed: Vec::new(),
        })
        .collect();
    // Every row yields `width` facts, blank or not: one allocation, not a doubling series.
    report.applications.reserve(specs.len() * width);
    let mut read = read_labelled(
        rows,
        &specs,
        &template.application_labels,
        mode,
        Some((APPLICANT_LABELS[0], APPLICANT_LABELS[APPLICANTS.len() - 1])),
    );
    resolve_glued(template, &mut read.results);
    withdraw_contradicted(template, &mut read.results);
    withdraw_misread(&mut read.results, mode.misread);
    let refused = report_table_issues(TableId::Applications, &read, &specs, layout, report);
    let mut complete = !refused;

    // The collapsed （六） of some 2021 reports stands in for its three sub-rows.
    let alt_found = template
        .applications
        .iter()
        .zip(&read.results)
        .any(|(r, res)| r.alternative && res.is_some());
    if alt_found {
        report.diag(
            Severity::Info,
            DiagCode::OtherHandlingCollapsed,
            None,
            "table 三: （六）其他处理 printed as one row (row_code other_handling)",
        );
    }
    let sub_rows = ["other_no_correction", "other_no_fee", "other_other"];
    let mut missing = Vec::new();
    let mut last_found = None;
    for (i, (row, result)) in template.applications.iter().zip(&read.results).enumerate() {
        let Some(result) = result else {
            let stands_in = alt_found && sub_rows.contains(&row.row_code);
            if !row.alternative && !stands_in {
                complete = false;
                missing.push(row.row_code);
            }
            continue;
        };
        last_found = Some(i);
        if !refused {
            complete &= explain(result, "三", row.row_code, width, report);
        }
        let line = result.line();
        let cells = if refused {
            vec![None; width]
        } else {
            result.columns(width)
        };
        for (j, cell) in cells.into_iter().enumerate() {
            let Some(cell) = cell else {
                report.applications.push(ApplicationFact {
                    row_code: row.row_code,
                    applicant: APPLICANTS[j],
                    count: None,
                    raw: None,
                    source_line: line,
                });
                continue;
            };
            let what = || format!("table 三 {} {}", row.row_code, APPLICANT_LABELS[j]);
            let (count, ok) = count_value(cell, &what, cell.line, report);
            complete &= ok;
            report.applications.push(ApplicationFact {
                row_code: row.row_code,
                applicant: APPLICANTS[j],
                count,
                raw: Some(span_of(cell)),
                source_line: cell.line,
            });
        }
    }
    let truncated = last_found.is_some_and(|last| {
        template.applications[last + 1..]
            .iter()
            .all(|r| r.alternative || missing.contains(&r.row_code))
            && last + 1
                < template.applications.len()
                    - usize::from(template.applications.iter().any(|r| r.alternative))
    });
    if truncated && !missing.is_empty() {
        let line = rows.last().map(|r| r.line);
        report.diag(
            Severity::Warning,
            DiagCode::TableTruncated,
            line,
            format!(
                "table 三 stops after row {}",
                template.applications[last_found.unwrap_or(0)].row_code
            ),
        );
    }
    missing_rows(
        TableId::Applications,
        &missing,
        rows.first().map(|r| r.line),
        report,
    );
    complete
}

fn extract_reviews(
    rows: &[RawRow<'_>],
    layout: Layout,
    blocks: bool,
    misread: &dyn Fn() -> bool,
    report: &mut Report,
) -> bool {
    let width = REVIEW_CELLS.len();
    let mut run: Vec<&Cell<'_>> = Vec::new();
    let mut run_line = 0;
    let mut result: Option<Result<Vec<Cow<'_, Cell<'_>>>, usize>> = None;
    let mut ambiguous = false;
    let mut certain: Vec<Option<Cell<'_>>> = Vec::new();
    let mut blank_row: Option<(u32, &[Cell<'_>])> = None;
    let mut header_seen = false;
    let mut label = String::new();
    for row in rows {
        let parts = split_row(row, &mut label);
        if layout == Layout::GluedText && row.kind == RowKind::Physical && !parts.values.is_empty()
        {
            let spec = RowSpec {
                width,
                alternative: false,
                identity: RowIdentity::GroupsOfFive,
                printed: None,
                marks: MergedMarks::default(),
                signed: Vec::new(),
            };
            run_line = row.line;
            result = Some(match split_glued(parts.values, &spec, row.line) {
                RowResult::Aligned { cells, .. } => Ok(cells),
                RowResult::Glued { certain: c, .. } => {
                    certain = c;
                    Err(parts.values.len())
                }
                RowResult::Mismatch { .. }
                | RowResult::Withdrawn { .. }
                | RowResult::Misread { .. }
                | RowResult::Detached { .. }
                | RowResult::Conflicting { .. } => Err(parts.values.len()),
            });
            ambiguous = true;
            break;
        }
        if blocks {
            // The values are the one paragraph made only of value cells;
            // paragraphs of header text carry blank padding cells too.
            if row.gap_before && !run.is_empty() {
                let has_number = run
                    .iter()
                    .any(|c| matches!(c.value(), CellValue::Number(_)));
                if has_number || run.len() == width {
                    break;
                }
                run.clear();
            }
            if !parts.label.is_empty() {
                run.clear();
                continue;
            }
        }
        if row.kind == RowKind::Physical {
            if !run.is_empty() {
                break;
            }
            let numbers = parts
                .values
                .iter()
                .filter(|c| matches!(c.value(), CellValue::Number(_)))
                .count();
            let written = parts
                .values
                .iter()
                .filter(|c| !c.text.trim().is_empty())
                .count();
            // An all-empty row is header padding (markdown `| | | |`), not 15
            // blanks; but below the header's words, when no row of values
            // follows, a table row of exactly 15 empty cells (`<td>`, a Word
            // or PDF cell, a pipe row) is the values row, every cell blank.
            header_seen |= !parts.label.is_empty();
            if written == 0
                && header_seen
                && matches!(
                    layout,
                    Layout::HtmlTable | Layout::MarkdownTable | Layout::Mixed
                )
                && parts.label.is_empty()
                && parts.values.len() == width
            {
                blank_row.get_or_insert((row.line, parts.values));
            }
            if written == 0
                || (numbers < 5 && parts.values.len() < width)
                || column_numbering(parts.values)
            {
                continue;
            }
            let aligned = if layout.has_explicit_empty_cells()
                && parts.label.is_empty()
                && parts.values.len() == width
            {
                Some(parts.values.iter().collect())
            } else {
                align(row, parts.values, width, layout, &Grid::default()).map(|p| p.cells)
            };
            run_line = row.line;
            result = Some(aligned.map(borrowed).ok_or(parts.values.len()));
            break;
        }
        if parts.values.is_empty() {
            if !run.is_empty() {
                break;
            }
            continue;
        }
        if run.is_empty() {
            run_line = row.line;
        }
        run.extend(parts.values.iter());
    }
    if result.is_none() && !run.is_empty() {
        result = Some(if run.len() == width {
            Ok(borrowed(run))
        } else {
            Err(run.len())
        });
    }
    if result.is_none()
        && let Some((line, cells)) = blank_row
    {
        run_line = line;
        result = Some(Ok(borrowed(cells.iter().collect())));
    }
    if !matches!(result, Some(Ok(_)))
        && let Some(cells) = three_sub_tables(rows)
    {
        result = Some(Ok(cells));
    }
    match result {
        None => {
            report.diag(
                Severity::Warning,
                DiagCode::TableMissing,
                rows.first().map(|r| r.line),
                "table 四: heading found but no row of values",
            );
            false
        }
        Some(Err(found)) => {
            let code = if ambiguous {
                DiagCode::AmbiguousSplit
            } else if layout == Layout::CellPerLine {
                DiagCode::ReadingOrderScrambled
            } else {
                DiagCode::ColumnCountMismatch
            };
            let message = if ambiguous {
                format!(
                    "table 四: the glued digits split into 15 cells in no single way that satisfies the totals; {} cell(s) are the same in every split and read, the rest left NULL",
                    certain.iter().flatten().count()
                )
            } else {
                format!("table 四: {found} value cells where 15 are expected; values left NULL")
            };
            report.diag(Severity::Warning, code, Some(run_line), message);
            certain.resize(REVIEW_CELLS.len(), None);
            for ((proceeding, outcome), cell) in REVIEW_CELLS.into_iter().zip(&certain) {
                let (count, raw, source_line) = match cell {
                    Some(cell) => {
                        let what = || format!("table 四 {proceeding} {outcome}");
                        (
                            count_value(cell, &what, cell.line, report).0,
                            Some(span_of(cell)),
                            cell.line,
                        )
                    }
                    None => (None, None, run_line),
                };
                report.reviews.push(ReviewFact {
                    proceeding,
                    outcome,
                    count,
                    raw,
                    source_line,
                });
            }
            false
        }
        Some(Ok(cells)) => {
            let mut complete = true;
            // Per proceeding (five cells, 总计 last): misread in an OCR'd text.
            let numbers = numbers(cells.iter().map(|c| &**c));
            let misread: Vec<bool> = numbers
                .chunks(5)
                .map(|parts| super::misread::unverified(parts) && misread())
                .collect();
            for (i, ((proceeding, outcome), cell)) in REVIEW_CELLS.iter().zip(&cells).enumerate() {
                let what = || format!("table 四 {proceeding} {outcome}");
                let line = cell.line;
                if misread[i / 5] {
                    if i % 5 == 0 {
                        report.diag(
                            Severity::Warning,
                            DiagCode::MisreadSuspected,
                            Some(line),
                            format!(
                                "table 四 {proceeding}: the text was read off images (OCR) and the four outcomes are not all there or do not add up to its 总计; values left NULL"
                            ),
                        );
                    }
                    complete = false;
                    report.reviews.push(ReviewFact {
                        proceeding,
                        outcome,
                        count: None,
                        raw: Some(span_of(cell)),
                        source_line: line,
                    });
                    continue;
                }
                let (count, ok) = count_value(cell, &what, line, report);
                complete &= ok;
                report.reviews.push(ReviewFact {
                    proceeding,
                    outcome,
                    count,
                    raw: Some(span_of(cell)),
                    source_line: line,
                });
            }
            complete
        }
    }
}

/// Whether the layout sets a row's cells apart by separators (tabs, pipes,
/// `<td>`; a mixed document has them too), not by position.
fn delimited(layout: Layout) -> bool {
    layout.has_explicit_empty_cells() || layout == Layout::Mixed
}

/// A one-value row whose cell spans the table's columns, written once per
/// column it covers (`| 行政许可 | 8922 | 8922 | 8922 |`: pandas'
/// `read_html` and the converters that unroll spans repeat a merged cell's
/// text): every cell the same number or placeholder, in a layout whose
/// cells are delimited.
fn spanned_copies<'r, 'a>(
    values: &'r [Cell<'a>],
    width: usize,
    layout: Layout,
) -> Option<Placed<'r, 'a>> {
    let first = values.first()?;
    (delimited(layout)
        && width == 1
        && values.len() > 1
        && !first.raw.trim().is_empty()
        && first.value().is_value_like()
        && values.iter().all(|c| c.raw.trim() == first.raw.trim()))
    .then(|| Placed::new([first], false))
}

/// Cells numbered 0, 1, 2, … or 1, 2, 3, …: a converter's column index
/// (pandas' `to_markdown` heads a table with `| 0 | 1 | … | 14 |`), not
/// counts — whose totals they would all break (0 + 1 + 2 + 3 ≠ 4).
fn column_numbering(cells: &[Cell<'_>]) -> bool {
    let mut numbers = cells.iter().map(|c| match c.value() {
        CellValue::Number(n) if n.value.fract() == 0.0 => Some(n.value),
        _ => None,
    });
    let Some(Some(first)) = numbers.next() else {
        return false;
    };
    let mut expect = first + 1.0;
    (first == 0.0 || first == 1.0)
        && cells.len() > 2
        && numbers.all(|n| {
            let ok = n == Some(expect);
            expect += 1.0;
            ok
        })
}

/// Table 四 printed as three small tables, one per proceeding, each under a
/// heading that names it (`### 行政复议`, `### 行政诉讼（未经复议直接起诉）`,
/// `### 行政诉讼（复议后起诉）`) with one row of five values: the 15 cells,
/// when each proceeding is named exactly once.
fn three_sub_tables<'r, 'a>(rows: &'r [RawRow<'a>]) -> Option<Vec<Cow<'r, Cell<'a>>>> {
    let mut found: [Option<&'r [Cell<'a>]>; 3] = [None, None, None];
    let mut heading: Option<usize> = None;
    let mut label = String::new();
    for row in rows {
        let parts = split_row(row, &mut label);
        let written = parts
            .values
            .iter()
            .filter(|c| !c.raw.trim().is_empty())
            .count();
        if row.kind == RowKind::Single && parts.values.is_empty() {
            let n = &*label;
            heading = if n.contains("复议后起诉") {
                Some(2)
            } else if n.contains("直接起诉") || n.contains("未经复议") {
                Some(1)
            } else if n.contains("行政复议") && !n.contains("诉讼") {
                Some(0)
            } else {
                None
            };
            continue;
        }
        if row.kind == RowKind::Physical && parts.label.is_empty() && written > 0 {
            let Some(h) = heading.take() else {
                return None; // values under no heading
            };
            if parts.values.len() != 5 || found[h].is_some() {
                return None;
            }
            found[h] = Some(parts.values);
        }
    }
    let mut cells = Vec::with_capacity(15);
    for part in found {
        cells.extend(part?.iter().map(Cow::Borrowed));
    }
    Some(cells)
}

/// Normalised text of every row (all cells joined), computed once per file
/// into one buffer: row `i` is a slice of it, and a run of rows (a table's
/// text, for version detection) is a slice too, with no joining.
#[derive(Debug, Default)]
pub struct RowNorms {
    text: String,
    /// Per row, where its text ends in `text`.
    ends: Vec<u32>,
}

impl RowNorms {
    /// Normalises every row of `rows`.
    #[must_use]
    pub fn new(rows: &[RawRow<'_>]) -> Self {
        let mut norms = Self {
            text: String::with_capacity(
                rows.iter()
                    .map(|r| r.cells.iter().map(|c| c.text.len()).sum::<usize>())
                    .sum(),
            ),
            ends: Vec::with_capacity(rows.len()),
        };
        for r in rows {
            for c in &r.cells {
                normalize_into(&c.text, &mut norms.text);
            }
            norms.ends.push(norms.text.len() as u32);
        }
        norms
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The rows `range`, joined.
    #[must_use]
    pub fn joined(&self, range: std::ops::Range<usize>) -> &str {
        if range.is_empty() {
            return "";
        }
        let start = if range.start == 0 {
            0
        } else {
            self.ends[range.start - 1] as usize
        };
        &self.text[start..self.ends[range.end - 1] as usize]
    }

    /// Every row's text in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        (0..self.len()).map(|i| &self[i])
    }
}

impl std::ops::Index<usize> for RowNorms {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        self.joined(i..i + 1)
    }
}

/// Normalises once for tests and callers that have a single label.
#[must_use]
pub fn normalized(s: &str) -> String {
    normalize(s)
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::DiagCode;
    use crate::parse::parse_bytes;
    use crate::template::{APPLICANT_LABELS, ApplicationRow, TemplateVersion};

    /// A 2021 report's title and table 三: `header` under the table's
    /// heading, then what `row` writes for each row of the form, given the
    /// row and its number `n` in the form (tests give it the values
    /// `n 0 0 0 0 0 n`).
    fn table_three(header: &str, row: impl Fn(&ApplicationRow, usize) -> String) -> String {
        let mut text = format!(
            "某县人民政府2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n{header}\n"
        );
        for (i, r) in TemplateVersion::V2021
            .template()
            .applications
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.alternative)
        {
            text += &row(r, i + 1);
            text.push('\n');
        }
        text
    }

    /// A 2021 report whose table 三 is space-aligned, each row `label  v…`,
    /// with the rows `edit` returns in place of a printed label's line.
    fn report(edit: impl Fn(&str, &str) -> Option<String>) -> String {
        table_three(
            "          自然人    商业企业  科研机构  社会公益组织  法律服务机构  其他  总计",
            |row, n| {
                let values = format!("{n}    0    0    0    0    0    {n}");
                edit(row.row_code, &values)
                    .unwrap_or_else(|| format!("{}        {values}", row.printed))
            },
        )
    }

    fn counts(text: &str, row_code: &str) -> Vec<Option<i64>> {
        let r = parse_bytes("r.txt", text.as_bytes());
        r.applications
            .iter()
            .filter(|f| f.row_code == row_code)
            .map(|f| f.count)
            .collect()
    }

    /// OCR'd text (its prose shows `〈…)`): a row label whose values were
    /// lost, then a row the matcher does not know (`2 重复中请`, the point
    /// and 申 misread): those values are that row's, not the waiting label's.
    #[test]
    fn in_ocr_text_an_unknown_row_keeps_its_values_from_the_label_above() {
        let text = report(|code, values| match code {
            "not_processed_petition" => Some("(五) 1. 信访举报投诉类申请".to_owned()),
            "not_processed_repeat" => Some(format!("2 重复中请  {values}")),
            _ => None,
        });
        let ocr = format!("根据《条例》〈国令第 711 号) 编制。\n{text}");
        let petition = counts(&ocr, "not_processed_petition");
        assert!(petition.iter().all(Option::is_none), "{petition:?}");
    }

    #[test]
    fn a_table_four_row_of_fifteen_empty_cells_is_fifteen_blanks() {
        let outcomes =
            "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>";
        let html = format!(
            "<html><body><h1>某县人民政府2023年政府信息公开工作年度报告</h1>\n<p>四、政府信息公开行政复议、行政诉讼情况</p>\n<table>\n<tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>\n<tr>{outcomes}{outcomes}{outcomes}</tr>\n<tr>{}</tr>\n</table>\n<p>五、存在的主要问题及改进情况</p></body></html>",
            "<td>&nbsp;</td>".repeat(15)
        );
        let r = parse_bytes("r.html", html.as_bytes());
        assert_eq!(r.reviews.len(), 15);
        assert!(
            r.reviews
                .iter()
                .all(|f| f.count.is_none() && f.raw.is_some())
        );
        assert!(
            !r.diagnostics
                .iter()
                .any(|d| d.code == DiagCode::TableMissing && d.message.contains("table 四"))
        );
        // Above a row of values, it is padding.
        let padded = html.replace(
            "<tr><td colspan=\"5\">",
            &format!(
                "<tr>{}</tr>\n<tr><td colspan=\"5\">",
                "<td></td>".repeat(15)
            ),
        );
        let padded = padded.replace(&"<td>&nbsp;</td>".repeat(15), &"<td>1</td>".repeat(15));
        let r = parse_bytes("r.html", padded.as_bytes());
        assert!(
            r.reviews.iter().all(|f| f.count == Some(1)),
            "{:?}",
            r.reviews
        );
        // Markdown's empty rows stay header padding.
        let md = format!(
            "某县人民政府2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n\n|{}\n|{}\n",
            " |".repeat(15),
            "---|".repeat(15)
        );
        let r = parse_bytes("r.md", md.as_bytes());
        assert!(r.reviews.iter().all(|f| f.raw.is_none()), "{:?}", r.reviews);
        // Below the header's words (pandas' `to_markdown` of an all-blank
        // table 四), the empty row is the values row.
        let words = format!("|{}\n", " 结果维持 |".repeat(15));
        let md = md.replace(
            &format!("|{}\n", "---|".repeat(15)),
            &format!("|{}\n{words}|{}\n", "---|".repeat(15), " |".repeat(15)),
        );
        let r = parse_bytes("r.md", md.as_bytes());
        assert_eq!(r.reviews.len(), 15, "{:?}", r.diagnostics);
        assert!(
            r.reviews
                .iter()
                .all(|f| f.count.is_none() && f.raw.is_some())
        );
    }

    #[test]
    fn a_first_value_one_space_after_the_label_is_read() {
        let printed = |code: &str| {
            TemplateVersion::V2021
                .template()
                .applications
                .iter()
                .find(|r| r.row_code == code)
                .unwrap()
                .printed
        };
        let glued = report(|code, values| {
            (code == "other_no_fee").then(|| format!("{} {values}", printed(code)))
        });
        let n = counts(&glued, "other_no_fee");
        assert_eq!(n.first().copied().flatten(), n.last().copied().flatten());
        assert!(n.iter().all(Option::is_some), "{n:?}");
        // The total disagrees: the values are read as written (the check
        // on the row fails), none taken from the label or put elsewhere.
        let broken = report(|code, _| {
            (code == "other_no_fee")
                .then(|| format!("{} 3    0    0    0    0    0    4", printed(code)))
        });
        assert_eq!(
            counts(&broken, "other_no_fee"),
            [3, 0, 0, 0, 0, 0, 4].map(Some)
        );
        // A numbering mark after the label (`… 1. 22    0 …`) is not a value,
        // and a label ending in one does not give up the number after it:
        // the row is one value short and refused, never read as `1, 22, 0 …`.
        let numbered = report(|code, values| {
            (code == "other_no_fee").then(|| format!("{} 1. {values}", printed(code)))
        });
        assert_eq!(counts(&numbered, "other_no_fee"), [None; 7]);
    }

    #[test]
    fn a_numbered_line_the_matcher_does_not_know_keeps_its_values() {
        // `2.` with its values, the rest of its label on the next line, then
        // a `3.` row whose label is unknown: the waiting label
        // `申请人逾期未按收费…` must not take the `3.` row's values.
        let text = report(|code, values| match code {
            "other_no_fee" => Some(format!(
                "2.        {values}\n          申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            )),
            "other_other" => Some(format!("3.其它情形        {values}")),
            _ => None,
        });
        let other_other_total = counts(&report(|_, _| None), "other_other");
        assert!(
            other_other_total.iter().any(Option::is_some),
            "the plain report reads"
        );
        // `2.`'s values are its own: the label below names the form's row 2.
        assert_eq!(
            counts(&text, "other_no_fee"),
            [22, 0, 0, 0, 0, 0, 22].map(Some),
        );
    }

    /// A markdown table 三 laid out as pandoc writes a Word table (three
    /// label columns, empty cells written), one row holding a value cell no
    /// column reads (`见附件`): the numbers after it are not its first columns.
    #[test]
    fn values_after_an_unreadable_cell_are_not_read_as_the_first_columns() {
        let header = format!(
            "| | | | {} |\n|---|---|---|---|---|---|---|---|---|---|",
            APPLICANT_LABELS.join(" | ")
        );
        let text = table_three(&header, |row, n| {
            let label = if row.printed.starts_with(['一', '二', '四']) {
                format!("{} | |", row.printed)
            } else {
                format!("| {} |", row.printed)
            };
            let values = if row.row_code == "granted" {
                format!("{n} | 0 | | 见附件 | 1 | 无 | {n}")
            } else {
                format!("{n} | 0 | 0 | 0 | 0 | 0 | {n}")
            };
            format!("| {label} {values} |")
        });
        assert_eq!(
            counts(&text, "new_received"),
            [1, 0, 0, 0, 0, 0, 1].map(Some)
        );
        let granted = counts(&text, "granted");
        assert!(granted.iter().all(Option::is_none), "{granted:?}");
    }

    /// Two rows on one line (a PDF's text extracted line by line puts
    /// `（一）予以公开`, centred in its merged cells, beside the row above):
    /// each label takes its own values, never the other's.
    #[test]
    fn two_labelled_runs_on_one_line_are_two_rows() {
        let text = report(|code, values| match code {
            "carried_over" => Some(format!(
                "二、上年结转政府信息公开申请数量    {values}    （一）予以公开    3    0    0    0    0    0    3"
            )),
            "granted" => Some(String::new()),
            _ => None,
        });
        assert_eq!(
            counts(&text, "carried_over"),
            [2, 0, 0, 0, 0, 0, 2].map(Some)
        );
        assert_eq!(counts(&text, "granted"), [3, 0, 0, 0, 0, 0, 3].map(Some));
    }

    /// Text a PDF library extracted column by column (labels, then the
    /// header cells, then the numbers, one a line): no number is given to a
    /// label, in any table.
    #[test]
    fn a_table_read_column_by_column_gives_no_values() {
        let para = |cells: &[&str]| cells.iter().map(|c| format!("{c}\n\n")).collect::<String>();
        let mut text = String::from(
            "某县人民政府2023年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n",
        );
        text += &para(&["第二十条第（一）项", "信息内容", "规章", "行政规范性文件"]);
        text += &para(&[
            "本年制发件数",
            "本年废止件数",
            "现行有效件数",
            "0",
            "1",
            "0",
            "0",
            "0",
            "5",
        ]);
        text += "三、收到和处理政府信息公开申请情况\n\n";
        let labels: Vec<&str> = TemplateVersion::V2021
            .template()
            .applications
            .iter()
            .filter(|r| !r.alternative)
            .map(|r| r.printed)
            .collect();
        text += &para(&labels);
        text += &para(&APPLICANT_LABELS);
        text += &para(&["1"; 7 * 25]);
        text += "四、政府信息公开行政复议、行政诉讼情况\n\n";
        text += &para(&[
            "行政复议",
            "行政诉讼",
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
        ]);
        text += &para(&["2"; 15]);
        let r = parse_bytes("r.txt", text.as_bytes());
        assert!(r.active.iter().all(|f| f.value.is_none()), "{:?}", r.active);
        assert!(r.applications.iter().all(|f| f.count.is_none()));
        assert!(
            r.reviews.iter().all(|f| f.count.is_none()),
            "{:?}",
            r.reviews
        );
    }

    /// One cell per line from a converter that drops empty cells: rows
    /// that came out short are NULL, the others read; a row that came out
    /// long means the order is broken, and nothing of the table is read.
    #[test]
    fn short_rows_of_a_cell_per_line_table_lost_cells_long_ones_broke_it() {
        let table = |edit: &dyn Fn(&str, Vec<String>) -> Vec<String>| {
            table_three(&APPLICANT_LABELS.join("\n"), |row, n| {
                let n = n.to_string();
                let values = [&n, "0", "0", "0", "0", "0", &n]
                    .map(str::to_owned)
                    .to_vec();
                format!("{}\n{}", row.printed, edit(row.row_code, values).join("\n"))
            })
        };
        let short = table(&|code, mut v| {
            if matches!(code, "granted" | "denied_query_matter") {
                v.remove(3);
            }
            v
        });
        assert!(counts(&short, "granted").iter().all(Option::is_none));
        assert_eq!(
            counts(&short, "carried_over"),
            [2, 0, 0, 0, 0, 0, 2].map(Some)
        );
        let long = table(&|code, mut v| {
            if matches!(code, "granted" | "denied_query_matter") {
                v.remove(3);
            }
            if code == "partially_granted" {
                v.push("9".to_owned());
            }
            v
        });
        assert!(counts(&long, "carried_over").iter().all(Option::is_none));
    }

    /// A row a narrow dump wrapped after its fourth value (lynx at 60
    /// columns): the values-only line right below holds the rest. With an
    /// empty line between, or a count that does not add up, it does not.
    #[test]
    fn a_row_wrapped_onto_a_line_of_values_reads_whole() {
        let wrapped = |gap: &'static str, rest: &'static str| {
            report(move |code, values| {
                (code == "other_no_fee").then(|| {
                    let (head, _) = values.match_indices("    ").nth(3).map_or((values, ""), |(i, _)| values.split_at(i));
                    format!("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 {head}\n{gap}   {rest}")
                })
            })
        };
        assert_eq!(
            counts(&wrapped("", "0    0    22"), "other_no_fee"),
            [22, 0, 0, 0, 0, 0, 22].map(Some)
        );
        for text in [wrapped("\n", "0    0    22"), wrapped("", "0    22")] {
            let got = counts(&text, "other_no_fee");
            assert!(got.iter().all(Option::is_none), "{got:?}");
        }
    }

    /// A report that prints a row twice (last year's table beside this
    /// year's): with other numbers neither is read; the same numbers again
    /// change nothing.
    #[test]
    fn a_row_printed_twice_with_other_values_is_not_read() {
        let other = report(|code, values| {
            (code == "granted").then(|| {
                format!(
                    "（一）予以公开    {values}\n（一）予以公开    9    9    0    0    0    0    18"
                )
            })
        });
        let got = counts(&other, "granted");
        assert!(got.iter().all(Option::is_none), "{got:?}");
        let same = report(|code, values| {
            (code == "granted")
                .then(|| format!("（一）予以公开    {values}\n（一）予以公开    {values}"))
        });
        assert_eq!(counts(&same, "granted"), [3, 0, 0, 0, 0, 0, 3].map(Some));
    }

    /// A label wrapped over five lines of a narrow column before its values
    /// (PyMuPDF's text of a PDF): its pieces are its own, the values too.
    #[test]
    fn a_label_wrapped_over_many_lines_keeps_its_values() {
        let text = report(|code, values| {
            (code == "other_no_fee").then(|| {
                format!("2.申请人逾期未按收\n费通知要求缴纳费\n用、行政机关不再\n处理其政府信息公\n开申请\n{values}")
            })
        });
        assert_eq!(
            counts(&text, "other_no_fee"),
            [22, 0, 0, 0, 0, 0, 22].map(Some)
        );
    }

    /// A value row labelled by its number alone takes the row the text below
    /// names only when the form prints that row with that number.
    #[test]
    fn numbered_values_wait_for_the_label_below_them() {
        // pandoc's multiline table: `(二)` and `2.` with the values, the
        // label's words on the lines below.
        let text = report(|code, values| match code {
            "partially_granted" => Some(format!(
                "(二)        {values}\n     部分公开（区分处理的，只计这一情形，\n     不计其他情形）"
            )),
            "denied_prohibited_by_law" => {
                Some(format!("2.        {values}\n     其他法律行政法规禁止公开"))
            }
            // The number is another row's: `3.` over 重复申请 (row 2).
            "not_processed_repeat" => Some(format!("3.        {values}\n     重复申请")),
            _ => None,
        });
        assert_eq!(
            counts(&text, "partially_granted"),
            [4, 0, 0, 0, 0, 0, 4].map(Some)
        );
        assert_eq!(
            counts(&text, "denied_prohibited_by_law"),
            [6, 0, 0, 0, 0, 0, 6].map(Some)
        );
        let repeat = counts(&text, "not_processed_repeat");
        assert!(repeat.iter().all(Option::is_none), "{repeat:?}");
    }

    /// `pdftotext -layout` of a PDF whose label cells wrap: a row's values
    /// sit on the middle line of its label, and the merged cells of the
    /// section (`三、本年度办理结果`) and of the groups (`（三）不予公开`) are
    /// written down narrow columns, a character or a mark on a row's lines.
    #[test]
    fn marks_of_merged_cells_beside_a_wrapped_label_are_no_row_numbers() {
        let text = report(|code, values| match code {
            "denied_third_party" => Some(format!(
                "  （三） 4.保护第三方合法权     {values}\n   不予         益"
            )),
            "denied_internal_affairs" => Some(format!(
                "   不予 5、属于三类内部事\n   公开                {values}\n         务信息"
            )),
            "unable_not_held" => Some(format!(
                "           1．本机关不掌握相关\n三、                 {values}\n              政府信息"
            )),
            "not_processed_publication" => Some(format!(
                "      3.要求提供公开出版\n  （五）                {values}\n           物"
            )),
            _ => None,
        });
        for (code, n) in [
            ("denied_third_party", 8),
            ("denied_internal_affairs", 9),
            ("unable_not_held", 13),
            ("not_processed_publication", 18),
        ] {
            let got = counts(&text, code);
            assert_eq!(got.first(), Some(&Some(n)), "{code}: {got:?}");
            assert_eq!(got.last(), Some(&Some(n)), "{code}: {got:?}");
        }
    }

    /// The same marks are a row's own number when they are not its merged
    /// cell's: `四、` is no mark of （七）总计's, `（五）` none of a （四） row's.
    #[test]
    fn a_mark_of_another_section_or_group_is_a_row_of_its_own() {
        let text = report(|code, values| match code {
            "unable_not_held" => Some("           1．本机关不掌握相关政府信息".to_owned()),
            "unable_needs_creation" => Some(format!(
                "  （五）                {values}\n     没有现成信息需要另行制作"
            )),
            "total_handled" => Some("（七）总计".to_owned()),
            "carried_forward" => Some(format!("四、                 {values}\n结转下年度继续办理")),
            _ => None,
        });
        for code in ["unable_not_held", "total_handled"] {
            let got = counts(&text, code);
            assert!(got.iter().all(Option::is_none), "{code}: {got:?}");
        }
    }
}
