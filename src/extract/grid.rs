//! Column grids: where a row's values sit when some of its cells are blank.
//!
//! In layouts that write empty cells explicitly (tabs, pipes) a row with a
//! blank cell still has all its cells, but merged label cells leave padding
//! around them: `一、本年新收…\t\t12\t\t3\t…` may hold a padding cell before
//! the values, after them, or none, and where it goes depends on how the
//! table was converted. A careful reader places such a row by position:
//!
//! 1. the cells after the label are exactly the row's width → they are the
//!    values;
//! 2. complete rows of the same table *with the same shape* (where the label
//!    ends, how many cells the row has) show where the values start;
//! 3. the header's own columns (自然人 … 总计 in table 三) show it;
//!
//! and in every case the cells the window leaves out must be empty. A row
//! that none of these places is not read.

use crate::layout::Cell;
use crate::normalize::normalize;

/// Which rule of the module doc placed a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Exactly the row's width after the label (1), in a table whose
    /// complete rows of that width have no padding; in layouts whose
    /// converters lose cells it is still not proof.
    Exact,
    /// Complete rows of the same shape (2), or the exact count where the
    /// table pads rows. Not proof: a row that lost a value and one that
    /// lost its padding have the same shape, and padding can make up for a
    /// lost value.
    Shape,
    /// The header's columns, for a row as wide as the header row (3): a
    /// row that lost a cell is narrower.
    Header,
    /// The values follow the label, by the document's or the table's habit.
    AfterLabel,
}

impl Rule {
    /// Whether the placement stands even if the row lost a cell in a
    /// converter (`lossy`): then the row's total or a column identity it
    /// breaks is the source's, not a misplacement.
    #[must_use]
    pub fn certain(self, lossy: bool) -> bool {
        match self {
            Self::Header => true,
            Self::Exact => !lossy,
            Self::Shape | Self::AfterLabel => false,
        }
    }
}

/// A row's shape: where its label ends and how many cells it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Index of the first cell after the label.
    pub values_from: usize,
    /// Number of cells of the row.
    pub cells: usize,
    /// Values the row should have.
    pub width: usize,
}

/// What one table's complete rows and header say about its columns.
#[derive(Debug, Default)]
pub struct Grid {
    /// Per shape, the offset (from `values_from`) of the first value in the
    /// complete rows of that shape; `None` when they disagree.
    learned: Vec<(Shape, Option<usize>)>,
    /// The header's value columns: absolute index of the first and last
    /// (table 三: 自然人 and 总计), as far as found.
    header_cells: (Option<usize>, Option<usize>),
    /// Cells of the header row that names the first value column: only a
    /// row as wide is laid out on the header's columns.
    header_row_cells: usize,
    /// Cells of the table's widest row: a row as wide reaches its right edge.
    max_cells: usize,
    /// Rows whose cells after the label are exactly their values, the last
    /// one written: (where the label ends, cells of the row).
    full_rows: Vec<(usize, usize)>,
    /// The document's rows all put their values right after their labels
    /// (markdown whose converter writes no padding after a label): a row
    /// no other rule places starts its values there, when the cells after
    /// them are empty.
    pub values_follow_label: bool,
    /// What this table's rows with padding say of where values start:
    /// see [`Grid::observe`].
    after_label: AfterLabel,
    /// Table 二's section headers (`信息内容 | 上一年项目数量 | 本年增/减 |`):
    /// their line, how many cells they have, and where their named columns
    /// start and end.
    sections: Vec<SectionHeader>,
}

#[derive(Debug, Clone, Copy)]
struct SectionHeader {
    line: u32,
    cells: usize,
    first: usize,
    last: usize,
}

/// Evidence, from rows with more cells than values, that a table writes a
/// row's values right after its label and pads the row at its end (a
/// converter that drops merged label cells), rather than padding after the
/// label and ending the values at the table's edge.
#[derive(Debug, Default)]
struct AfterLabel {
    /// Rows with a value where edge alignment puts padding.
    for_label: usize,
    /// Rows with a value beyond the window that starts at the label.
    against: usize,
    /// Per row: where its label ends and where its last value sits
    /// relative to that; `None` once two rows of the same depth disagree.
    last_values: Vec<(usize, Option<usize>)>,
}

impl AfterLabel {
    /// The values follow the label: no row contradicts it, and either rows
    /// show values where edge alignment has padding, or rows whose labels
    /// end in different columns all end their values at the same distance
    /// from the label (edge alignment would end them in the same column).
    fn holds(&self) -> bool {
        if self.against > 0 {
            return false;
        }
        let first = self.last_values.first().and_then(|&(_, k)| k);
        let aligned = self.last_values.len() >= 2
            && first.is_some()
            && self.last_values.iter().all(|&(_, k)| k == first);
        self.for_label >= 2 || aligned
    }
}

fn is_empty(c: &Cell<'_>) -> bool {
    c.raw.trim().is_empty()
}

impl Grid {
    /// Records a row whose written cells after its label are exactly `width`
    /// contiguous cells: its shape and where those cells start.
    pub fn learn(&mut self, cells: &[Cell<'_>], values_from: usize, width: usize) {
        self.max_cells = self.max_cells.max(cells.len());
        self.observe(cells, values_from, width);
        let values = &cells[values_from..];
        if values.len() == width && values.last().is_some_and(|c| !is_empty(c)) {
            self.full_rows.push((values_from, cells.len()));
        }
        let (Some(first), Some(last)) = (
            values.iter().position(|c| !is_empty(c)),
            values.iter().rposition(|c| !is_empty(c)),
        ) else {
            return;
        };
        if last + 1 - first != width || values[first..=last].iter().any(is_empty) {
            return;
        }
        let shape = Shape {
            values_from,
            cells: cells.len(),
            width,
        };
        match self.learned.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, offset)) if *offset != Some(first) => *offset = None,
            Some(_) => {}
            None => self.learned.push((shape, Some(first))),
        }
    }

    /// Weighs a row with more cells after its label than values: do its
    /// written cells sit right after the label, or at the row's end?
    fn observe(&mut self, cells: &[Cell<'_>], values_from: usize, width: usize) {
        let values = &cells[values_from..];
        if values.len() <= width {
            return;
        }
        let Some(last) = values.iter().rposition(|c| !is_empty(c)) else {
            return;
        };
        let first = values.iter().position(|c| !is_empty(c)).unwrap_or(last);
        let ev = &mut self.after_label;
        if last >= width {
            ev.against += 1;
            return;
        }
        if first < values.len() - width {
            ev.for_label += 1;
        }
        match ev
            .last_values
            .iter_mut()
            .find(|(from, _)| *from == values_from)
        {
            Some((_, k)) if *k != Some(last) => *k = None,
            Some(_) => {}
            None => ev.last_values.push((values_from, Some(last))),
        }
    }

    /// Records a section header of table 二: a row whose first written cell
    /// is 信息内容 and whose other written cells name the section's columns,
    /// one after another.
    pub fn learn_section(&mut self, cells: &[Cell<'_>]) {
        if !cells.iter().any(|c| c.text.contains("信息内容")) {
            return;
        }
        let written: Vec<usize> = (0..cells.len()).filter(|&i| !is_empty(&cells[i])).collect();
        let (Some(&head), Some(&first), Some(&last)) =
            (written.first(), written.get(1), written.last())
        else {
            return;
        };
        if normalize(&cells[head].text) != "信息内容" || last + 1 - first != written.len() - 1 {
            return;
        }
        self.sections.push(SectionHeader {
            line: cells[head].line,
            cells: cells.len(),
            first,
            last,
        });
    }

    /// Takes the header's value columns from a header row: the cells whose
    /// text is `first` and `last` (e.g. 自然人 and 总计). Header rows come
    /// one by one, so each column is kept from the row that names it.
    pub fn learn_header(&mut self, cells: &[Cell<'_>], first: &str, last: &str) {
        let at = |label: &str| cells.iter().position(|c| normalize(&c.text) == label);
        let (f, l) = self.header_cells;
        if f.is_none() && at(first).is_some() {
            self.header_row_cells = cells.len();
        }
        self.header_cells = (f.or_else(|| at(first)), l.or_else(|| at(last)));
    }

    /// The header's value columns, when they span exactly `width` columns
    /// (a converter that shifted header cells says nothing).
    fn header(&self, width: usize) -> Option<usize> {
        match self.header_cells {
            (Some(f), Some(l)) if l >= f && l - f + 1 == width => Some(f),
            _ => None,
        }
    }

    /// A converter that caps a table at a fixed number of columns cuts the
    /// rows whose labels take more columns at the right edge
    /// (`| | | 1. 属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 |`: six of seven
    /// values). When the row reaches the table's widest extent and every
    /// complete row of the table has its values right after its label, the
    /// values it shows are its first columns; the rest are cut off.
    #[must_use]
    pub fn cut_at_edge<'r, 'a>(
        &self,
        row: &'r crate::layout::RawRow<'a>,
        values: &'r [Cell<'a>],
        width: usize,
    ) -> Option<Vec<&'r Cell<'a>>> {
        let follows_label = self.values_follow_label
            || self.after_label.holds()
            || (!self.learned.is_empty()
                && self.learned.iter().all(|(_, offset)| *offset == Some(0)));
        // The cap shows: a row with fewer label columns fills the table to
        // its edge, its last value written there. Without one, short rows
        // lost a cell somewhere (seed 001: its two-label rows end in an
        // empty cell at the edge, six values where seven belong).
        let values_from = row.cells.len() - values.len();
        let capped = self
            .full_rows
            .iter()
            .any(|&(from, cells)| cells == self.max_cells && from < values_from);
        // A number before the values is no label cut at the edge: the
        // values follow a cell the row's columns could not read (`\-`).
        let label_only = row.cells[..values_from]
            .iter()
            .all(|c| !matches!(c.value(), crate::value::CellValue::Number(_)));
        // Nor is a lone character right before them (`只  工  0 … 1`: an
        // OCR'd `1`): a label cut at the edge ends in its label's text.
        let label_before = row.cells[..values_from]
            .last()
            .is_none_or(|c| c.text.trim().chars().nth(1).is_some());
        (follows_label
            && capped
            && label_only
            && label_before
            && row.cells.len() == self.max_cells
            && !values.is_empty()
            && values.len() < width
            && values.iter().any(|c| !is_empty(c)))
        .then(|| values.iter().collect())
    }

    /// The row's values under the columns its section header names, for a
    /// row with as many cells as that header.
    fn by_section<'r, 'a>(
        &self,
        cells: &'r [Cell<'a>],
        values_from: usize,
        width: usize,
        window: impl Fn(usize) -> Option<&'r [Cell<'a>]>,
    ) -> Option<&'r [Cell<'a>]> {
        let line = cells.first()?.line;
        let header = self.sections.iter().rev().find(|h| h.line < line)?;
        (header.cells == cells.len() && header.last + 1 - header.first == width)
            .then(|| window(header.first.checked_sub(values_from)?))
            .flatten()
    }

    /// The cells of `cells` that hold the row's `width` values, by the rules
    /// of the module doc, or `None` when no rule places them; with the rule
    /// that placed them.
    #[must_use]
    pub fn place<'r, 'a>(
        &self,
        cells: &'r [Cell<'a>],
        values_from: usize,
        width: usize,
    ) -> Option<(&'r [Cell<'a>], Rule)> {
        let values = &cells[values_from..];
        if values.len() < width {
            return None;
        }
        let shape = Shape {
            values_from,
            cells: cells.len(),
            width,
        };
        // Exactly the row's width after its label — unless its last cell is
        // empty in a table whose complete rows of that width end in
        // padding: then that cell may be the padding and a value lost (seed
        // 001's 2-level rows). Narrower rows padded to the table's width say
        // nothing of it, and where rows of this very shape write a value in
        // their last cell, that cell is a column, not padding.
        let pads = self.learned.iter().any(|(s, offset)| {
            s.width == width && offset.is_some_and(|o| o + s.width < s.cells - s.values_from)
        }) && !self.full_rows.contains(&(values_from, cells.len()));
        let exact = values.len() == width
            && !(pads && values.last().is_some_and(is_empty))
            && !self.learned.iter().any(|(s, _)| *s == shape);
        // As wide as the header row, starting at its first value column: the
        // header places the row as well.
        let on_header =
            cells.len() == self.header_row_cells && self.header(width) == Some(values_from);
        if exact {
            // Complete rows of this width that all have exactly their values
            // after the label: the table writes no padding that could make
            // up for a lost cell.
            let unpadded = self.learned.iter().any(|(s, _)| s.width == width)
                && self.learned.iter().all(|(s, offset)| {
                    s.width != width || (*offset == Some(0) && s.cells - s.values_from == width)
                });
            let rule = if on_header {
                Rule::Header
            } else if unpadded {
                Rule::Exact
            } else {
                Rule::Shape
            };
            return Some((values, rule));
        }
        let window = |start: usize| -> Option<&'r [Cell<'a>]> {
            let end = start.checked_add(width)?;
            (end <= values.len()
                && values[..start].iter().all(is_empty)
                && values[end..].iter().all(is_empty))
            .then(|| &values[start..end])
        };
        if let Some((_, learned)) = self.learned.iter().find(|(s, _)| *s == shape) {
            return learned.and_then(window).map(|w| (w, Rule::Shape));
        }
        // A row with a cell more or less than the header's (a lost field)
        // is not laid out on the header's columns — unless it only stops
        // right after its last column, written (the row's trailing padding
        // left out): a row that lost a value ends in its padding, or short
        // of the header's last column.
        let by_header = self.header(width).and_then(|first| {
            let start = first.checked_sub(values_from)?;
            let w = window(start)?;
            let ends_at_total = cells.len() < self.header_row_cells
                && start + width == values.len()
                && values.last().is_some_and(|c| !is_empty(c));
            (cells.len() == self.header_row_cells || ends_at_total).then_some(w)
        });
        // Values right after the label, unless the last of them is empty in
        // a table whose rows end in padding (that cell may be the padding).
        // (With empty cells after the window, its last cell is inside the
        // row: a blank value, not the padding.)
        if let Some(w) = by_header.or_else(|| self.by_section(cells, values_from, width, window)) {
            return Some((w, Rule::Header));
        }
        let follows = self.values_follow_label || self.after_label.holds();
        let w = follows.then(|| window(0)).flatten()?;
        let at_row_end = w.len() == values.len();
        (!(pads && at_row_end && w.last().is_some_and(is_empty))).then_some((w, Rule::AfterLabel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::layout;

    fn row_cells(line: &str) -> Vec<String> {
        line.split('\t').map(str::to_owned).collect()
    }

    /// Cells of a tabbed line, through the real reader.
    fn place(grid: &Grid, line: &str, values_from: usize, width: usize) -> Option<Vec<String>> {
        let text = Text::from_utf8_text(line);
        let doc = layout::read(&text);
        let cells = &doc.rows[0].cells;
        grid.place(cells, values_from, width)
            .map(|(v, _)| v.iter().map(|c| c.raw.to_owned()).collect())
    }

    fn learn(grid: &mut Grid, line: &str, values_from: usize, width: usize) {
        let text = Text::from_utf8_text(line);
        let doc = layout::read(&text);
        grid.learn(&doc.rows[0].cells, values_from, width);
    }

    #[test]
    fn complete_rows_of_the_same_shape_place_a_row_with_blanks() {
        let mut g = Grid::default();
        learn(&mut g, "一、本年新收\t\t1\t2\t3\t4\t5\t6\t21\t", 1, 7);
        // Same shape, blanks inside: the padding cell before the values is known.
        assert_eq!(
            place(&g, "二、上年结转\t\t\t2\t\t4\t\t\t6\t", 1, 7),
            Some(row_cells("\t2\t\t4\t\t\t6"))
        );
        // A value where the grid says padding: not read.
        assert_eq!(place(&g, "二、上年结转\t9\t\t2\t\t4\t\t\t6\t", 1, 7), None);
    }

    #[test]
    fn exact_width_after_the_label_is_the_row() {
        let g = Grid::default();
        assert_eq!(
            place(&g, "\t\t1.属于国家秘密\t\t\t\t\t\t\t0", 3, 7),
            Some(row_cells("\t\t\t\t\t\t0"))
        );
        // More cells than values and nothing known: not read.
        assert_eq!(place(&g, "一、本年新收\t\t\t\t\t\t\t\t0\t", 1, 7), None);
    }

    /// A converter that drops merged label cells writes the values right
    /// after the label and pads the row at its end. With every applicant
    /// column blank but 总计, no row is complete; rows whose labels end in
    /// different columns ending their values at the same distance from the
    /// label show it (edge alignment would end them in the same column).
    #[test]
    fn rows_of_different_depths_agreeing_after_their_labels_place_a_row() {
        let mut g = Grid::default();
        learn(&mut g, "一、本年新收							0		", 1, 7);
        learn(&mut g, "三、本年度办理结果	（一）予以公开							0	", 2, 7);
        assert_eq!(
            place(&g, "二、上年结转							3		", 1, 7),
            Some(row_cells("						3"))
        );
        // Ending in the same column instead says nothing of it.
        let mut g = Grid::default();
        learn(&mut g, "一、本年新收									0", 1, 7);
        learn(&mut g, "三、本年度办理结果	（一）予以公开								0", 2, 7);
        assert_eq!(place(&g, "二、上年结转							3		", 1, 7), None);
    }

    /// Padding after narrower rows (a one-value row in a four-column table)
    /// does not make a three-value row's empty last cell padding.
    #[test]
    fn padding_of_narrower_rows_leaves_an_exact_row_alone() {
        let mut g = Grid::default();
        learn(&mut g, "行政许可	78		", 1, 1);
        assert_eq!(
            place(&g, "行政规范性文件		1	", 1, 3),
            Some(row_cells("	1	"))
        );
        learn(&mut g, "规章	1	2	3	", 1, 3);
        assert_eq!(place(&g, "行政规范性文件		1	", 1, 3), None);
    }

    /// Table 二's sections name their columns in a `信息内容` row: a row as
    /// wide as it has its values under those names.
    #[test]
    fn a_section_header_places_the_rows_below_it() {
        let text =
            Text::from_utf8_text("信息内容\t上一年项目数量\t本年增/减\t\n行政事业性收费\t\t+6\t\n");
        let doc = layout::read(&text);
        let mut g = Grid::default();
        g.learn_section(&doc.rows[0].cells);
        let placed = g
            .place(&doc.rows[1].cells, 1, 2)
            .map(|(v, rule)| (v.iter().map(|c| c.raw.to_owned()).collect::<Vec<_>>(), rule));
        assert_eq!(placed, Some((row_cells("\t+6"), Rule::Header)));
    }

    #[test]
    fn header_columns_place_rows_no_complete_row_shows() {
        let mut g = Grid::default();
        let text = Text::from_utf8_text(
            "注\t\t申请人情况\t\t\t\t\t\t总计\t\n\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n",
        );
        let doc = layout::read(&text);
        for r in &doc.rows {
            g.learn_header(&r.cells, "自然人", "总计");
        }
        assert_eq!(
            place(&g, "一、本年新收\t\t\t\t\t\t\t\t0\t", 1, 7),
            Some(row_cells("\t\t\t\t\t\t0"))
        );
        // The trailing padding left out, the row ending in its 总计: placed.
        assert_eq!(
            place(&g, "四、结转\t\t\t1\t\t\t\t\t1", 1, 7),
            Some(row_cells("\t1\t\t\t\t\t1"))
        );
        // A row that lost a value ends in its padding: not placed.
        assert_eq!(place(&g, "四、结转\t\t\t1\t\t\t\t1\t", 1, 7), None);
    }
}
