//! Layout reading: [`Text`] → a [`Document`] of [`RawRow`]s, whatever the
//! layout. Owns tokenisation into cells; knows nothing of the template.
//!
//! Every line is tokenised on its own — a tabbed row, a markdown row, a
//! space-aligned row (`pdftotext -layout`), a single cell, or a
//! whitespace-only *blank cell* — so a page break that changes the layout in
//! the middle of a table costs nothing. The document-level [`Layout`] is a
//! vote over the lines; it decides only what whitespace-only lines mean and
//! whether single-value lines accumulate into the row above them.

mod glued;
mod html;
mod text;

use std::borrow::Cow;

use crate::decode::Text;
use crate::value::{CellValue, parse_cell};

/// The container format of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (e.g. from pdftotext or a Word export).
    Text,
    /// Markdown with pipe tables.
    Markdown,
    /// An HTML page.
    Html,
}

impl Format {
    /// The contract string.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Html => "html",
        }
    }
}

/// How the tables were laid out (contract `reports.layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Cells separated by tabs, one row per line.
    Tabbed,
    /// Markdown pipe tables.
    MarkdownTable,
    /// One cell per line.
    CellPerLine,
    /// Columns aligned with runs of spaces (`pdftotext -layout`).
    SpaceAligned,
    /// HTML `<table>`.
    HtmlTable,
    /// Cells run together with no separator (crawler `textContent`).
    GluedText,
    /// Several layouts, or both template versions, in one report.
    Mixed,
    /// No table rows found.
    None,
}

impl Layout {
    /// The contract string.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Tabbed => "tabbed",
            Self::MarkdownTable => "markdown_table",
            Self::CellPerLine => "cell_per_line",
            Self::SpaceAligned => "space_aligned",
            Self::HtmlTable => "html_table",
            Self::GluedText => "glued_text",
            Self::Mixed => "mixed",
            Self::None => "none",
        }
    }

    /// Empty cells are written explicitly (between tabs or pipes, as `<td>`),
    /// so their position is known only up to merged-cell padding.
    #[must_use]
    pub fn has_explicit_empty_cells(self) -> bool {
        matches!(self, Self::Tabbed | Self::MarkdownTable | Self::HtmlTable)
    }
}

/// One cell as read from the file.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    /// The cell as written (a slice of the decoded text).
    pub raw: &'a str,
    /// The cell's content: `raw` for text, tags stripped and entities decoded for HTML.
    pub text: Cow<'a, str>,
    /// Byte offset of `raw` in the decoded text.
    pub offset: u32,
    /// 1-based source line of the cell.
    pub line: u32,
    /// What `text` holds, parsed on first use: the layout vote, the row
    /// splitter and the value reader all ask about the same cells.
    value: std::cell::OnceCell<CellValue>,
}

impl<'a> Cell<'a> {
    /// The bytes `range` of `raw` as a cell of their own: one number of a
    /// glued run.
    #[must_use]
    pub fn slice(&self, range: std::ops::Range<usize>) -> Cell<'a> {
        let raw = &self.raw[range.clone()];
        Cell {
            raw,
            text: Cow::Borrowed(raw),
            offset: self.offset + range.start as u32,
            line: self.line,
            value: std::cell::OnceCell::new(),
        }
    }

    /// `parse_cell(&self.text)`, computed once per cell.
    #[must_use]
    pub fn value(&self) -> CellValue {
        *self.value.get_or_init(|| parse_cell(&self.text))
    }
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A table row on one line (tabbed, markdown, space-aligned, HTML `<tr>`).
    Physical,
    /// One cell on a line of its own (prose, or a cell-per-line cell).
    Single,
    /// A whitespace-only line in a cell-per-line layout: a blank cell.
    BlankCell,
}

/// One row of cells with its 1-based source line.
#[derive(Debug, Clone)]
pub struct RawRow<'a> {
    /// 1-based line of the decoded text.
    pub line: u32,
    /// What kind of row this is.
    pub kind: RowKind,
    /// Cells in reading order.
    pub cells: Vec<Cell<'a>>,
    /// An empty line precedes this row (text layouts only). In a one-cell-
    /// per-line table whose rows are paragraphs ([`Document::blocks`]), this
    /// is where a table row starts.
    pub gap_before: bool,
}

/// A file read into rows.
#[derive(Debug)]
pub struct Document<'a> {
    /// Container format.
    pub format: Format,
    /// Dominant table layout.
    pub layout: Layout,
    /// All rows, prose included, in reading order.
    pub rows: Vec<RawRow<'a>>,
    /// HTML only: the rowspan of the 三、本年度办理结果 cell (22 in 2021, 20 in 2019).
    pub result_rowspan: Option<u32>,
    /// One cell per line with each table row a paragraph of its own (empty
    /// lines between rows, as Word and WPS copy a table): a row's cells are
    /// the lines of its paragraph, so whitespace-only lines before its label
    /// are merged-cell padding and its values end where the paragraph ends.
    pub blocks: bool,
    /// One cell per line with every cell written (` |` terminators, a lone
    /// `|` for a blank cell) and padding for merged cells after a row's
    /// values: blank cells past a row's width before the next label are
    /// that padding.
    pub padded_rows: bool,
    /// Set when reading stopped because the file holds more cells than a
    /// report ([`MAX_CELLS`], or [`MAX_ROW_CELLS`] on one row): the 1-based
    /// line where it stopped. The rows read so far are kept; the file is
    /// `failed` (`file_too_large`).
    pub overflow: Option<u32>,
}

/// Cells one document may hold. Reports hold a few hundred (790 at most in
/// the real and generated corpora, 2,064 files); every cell costs ~100 bytes
/// in the layout and the extraction, so a file of short cells (`1\n` × n,
/// `|1` × n) cost up to ~60× its size before this bound.
pub const MAX_CELLS: usize = 100_000;

/// Cells a document under ~1 MB may hold however small it is: 25× the most
/// a report holds, so no report is near it.
pub const MIN_CELL_BOUND: usize = 20_000;

/// Bytes of the file per cell a document may hold past [`MIN_CELL_BOUND`].
/// A cell costs ~100 bytes (a 64-byte [`Cell`] in its row's own allocation
/// and the 32-byte [`RawRow`]), so a file of 2-byte lines (`1\n` × n) cost
/// ~50× its size under [`MAX_CELLS`] alone (+9 MB at 0.19 MB); one cell per
/// 10 bytes keeps the cells near 10× the file. A report has one per ~10 or
/// more bytes even in a one-cell-per-line table, and under 1 MB is under
/// [`MIN_CELL_BOUND`] anyway.
pub const BYTES_PER_CELL: usize = 10;

/// Cells a document of `text_len` bytes may hold: one per
/// [`BYTES_PER_CELL`] bytes, at least [`MIN_CELL_BOUND`] and at most
/// [`MAX_CELLS`] (reached at ~1 MB).
#[must_use]
pub fn cell_limit(text_len: usize) -> usize {
    (text_len / BYTES_PER_CELL).clamp(MIN_CELL_BOUND, MAX_CELLS)
}

/// Cells one row may hold (49 at most in those corpora): a row of more is
/// not a table row, and a single line of `|1` × n must not allocate n cells
/// before [`MAX_CELLS`] is checked.
pub const MAX_ROW_CELLS: usize = 1_000;

/// Counts the cells of the rows pushed since the last call and says whether
/// the document is past its bounds (`pending` cells not yet in a row).
///
/// It also adds up the cells' text: the readers cut disjoint pieces of the
/// file, so more than twice its bytes means a reader is repeating text (an
/// HTML page of `<table>`s once held its prose n² times: 9.7 GB for
/// 512 KB), and the file is failed instead of that growing on.
pub(crate) struct CellCount {
    counted_rows: usize,
    cells: usize,
    max_cells: usize,
    bytes: usize,
    max_bytes: usize,
}

impl CellCount {
    /// For a text of `text_len` bytes.
    pub(crate) fn new(text_len: usize) -> Self {
        Self {
            counted_rows: 0,
            cells: 0,
            max_cells: cell_limit(text_len),
            bytes: 0,
            max_bytes: text_len.saturating_mul(2).saturating_add(1 << 20),
        }
    }

    /// Cells still allowed before the document is past [`cell_limit`].
    pub(crate) fn left(&self) -> usize {
        self.max_cells.saturating_sub(self.cells)
    }

    /// True when `rows` plus `pending` cells are past [`cell_limit`] or a
    /// row is past [`MAX_ROW_CELLS`].
    pub(crate) fn over(&mut self, rows: &[RawRow<'_>], pending: usize) -> bool {
        let mut wide = pending > MAX_ROW_CELLS;
        for r in &rows[self.counted_rows.min(rows.len())..] {
            self.cells += r.cells.len();
            self.bytes += r.cells.iter().map(|c| c.text.len()).sum::<usize>();
            wide |= r.cells.len() > MAX_ROW_CELLS;
        }
        self.counted_rows = rows.len();
        wide || self.cells + pending > self.max_cells || self.bytes > self.max_bytes
    }
}

/// Reads a decoded file into rows.
#[must_use]
pub fn read(text: &Text) -> Document<'_> {
    match detect_format(text.as_str()) {
        Format::Html => html::read(text),
        format => text::read(text, format),
    }
}

/// HTML if tags that structure a page occur; markdown if pipe-table rows do.
#[must_use]
pub fn detect_format(s: &str) -> Format {
    let head = &s.as_bytes()[..s.len().min(1 << 20)];
    // One pass over the `<`s, whatever the number of tags looked for.
    let (mut p_open, mut p_close) = (false, false);
    for i in memchr::memchr_iter(b'<', head) {
        let after = &head[i + 1..];
        let is =
            |tag: &[u8]| after.len() >= tag.len() && after[..tag.len()].eq_ignore_ascii_case(tag);
        if is(b"table") || is(b"html") || is(b"body") || is(b"!doctype") {
            return Format::Html;
        }
        p_open |= is(b"p>");
        p_close |= is(b"/p>");
        if p_open && p_close {
            return Format::Html;
        }
    }
    if memchr::memchr(b'|', s.as_bytes()).is_none() {
        return Format::Text;
    }
    let pipe_rows = s
        .lines()
        .filter(|l| {
            let t = l.trim();
            t.len() > 2 && t.starts_with('|') && t.ends_with('|')
        })
        .take(3)
        .count();
    if pipe_rows >= 3 {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// True for a page footer/header such as `-3-`, `— 3 —`, `第 3 页`, `第3页 共6页`.
#[must_use]
pub fn is_page_number(line: &str) -> bool {
    // Called on every line: most lines are done at their first char.
    let first = line.chars().find(|&c| !crate::normalize::is_space(c));
    if !first.is_some_and(|c| matches!(crate::normalize::fold_char(c), '-' | '—' | '–' | '第'))
    {
        return false;
    }
    // Fold into a small stack buffer, no allocation.
    let mut buf = ['\0'; 24];
    let mut n = 0;
    for c in line.chars() {
        if crate::normalize::is_space(c) {
            continue;
        }
        let c = crate::normalize::fold_char(c);
        if n == buf.len() {
            return false;
        }
        buf[n] = c;
        n += 1;
    }
    let t = &buf[..n];
    let digits = |s: &[char]| !s.is_empty() && s.iter().all(char::is_ascii_digit);
    let dash = |c: &char| matches!(c, '-' | '—' | '–');
    match t {
        [first, inner @ .., last] if dash(first) && dash(last) => digits(inner),
        ['第', rest @ ..] => {
            let d = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if d == 0 {
                return false;
            }
            match &rest[d..] {
                ['页'] => true,
                ['页', '共', total @ .., '页'] => digits(total),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_count_stops_at_cells_a_wide_row_or_repeated_text() {
        let row = |cells: usize, text: &str| RawRow {
            line: 1,
            kind: RowKind::Physical,
            cells: (0..cells)
                .map(|_| Cell {
                    raw: "",
                    text: Cow::Owned(text.to_owned()),
                    offset: 0,
                    line: 1,
                    value: std::cell::OnceCell::new(),
                })
                .collect(),
            gap_before: false,
        };
        let mut count = CellCount::new(100);
        let mut rows = vec![row(MAX_ROW_CELLS, "1")];
        assert!(!count.over(&rows, 0));
        assert!(count.over(&rows, MAX_ROW_CELLS + 1), "a wide row pending");
        rows.push(row(MAX_ROW_CELLS + 1, ""));
        assert!(CellCount::new(100).over(&rows, 0), "a wide row");
        let many: Vec<_> = (0..=MAX_CELLS / 1000).map(|_| row(1000, "")).collect();
        assert!(CellCount::new(1 << 20).over(&many, 0), "too many cells");
        assert!(!CellCount::new(1 << 20).over(&many[..MAX_CELLS / 1000], 0));
        // A smaller file holds one cell per 10 bytes, at least 20,000.
        let k = MIN_CELL_BOUND / 1000;
        assert!(!CellCount::new(100).over(&many[..k], 0));
        assert!(
            CellCount::new(100).over(&many[..=k], 0),
            "20,000 cells in 100 bytes"
        );
        assert!(!CellCount::new(300_000).over(&many[..30], 0));
        assert!(
            CellCount::new(300_000).over(&many[..31], 0),
            "one per 10 bytes"
        );
        assert_eq!(cell_limit(0), MIN_CELL_BOUND);
        assert_eq!(cell_limit(400_000), 40_000);
        assert_eq!(cell_limit(1 << 20), MAX_CELLS);
        assert_eq!(cell_limit(4 << 20), MAX_CELLS);
        let text = "x".repeat(1 << 20);
        let repeated = vec![row(1, &text), row(1, &text)];
        assert!(!CellCount::new(1 << 20).over(&repeated, 0));
        assert!(
            CellCount::new(100).over(&repeated, 0),
            "more text than the file"
        );
    }

    #[test]
    fn page_numbers() {
        for s in [
            "-3-",
            "     -2-",
            "— 3 —",
            "第 3 页",
            "第3页共6页",
            "\x0c-5-",
        ] {
            assert!(is_page_number(s), "{s:?}");
        }
        for s in ["0", "-", "3", "-2", "第二十条第（一）项", "0517-87222589"] {
            assert!(!is_page_number(s), "{s:?}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(
            detect_format("<html><body><table><tr><td>1</td></tr></table>"),
            Format::Html
        );
        assert_eq!(
            detect_format("| a | b |\n|---|---|\n| 1 | 2 |\n"),
            Format::Markdown
        );
        assert_eq!(detect_format("一、总体情况\n规章\t0\t0\t0\n"), Format::Text);
    }
}
