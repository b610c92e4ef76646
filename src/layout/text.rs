//! Plain-text and markdown reader: one tokenisation per line.

use std::borrow::Cow;

use super::{
    Cell, CellCount, Document, Format, Layout, MAX_ROW_CELLS, RawRow, RowKind, glued,
    is_page_number,
};
use crate::decode::Text;
use crate::value::{CellValue, parse_cell};

/// Per-line evidence for the layout vote.
#[derive(Default)]
struct Votes {
    tabbed: usize,
    markdown: usize,
    spaced: usize,
    single_values: usize,
    /// Lines of ASCII spaces only: a blank cell where a table of zeros is
    /// written one cell per line, or stray whitespace in prose — half a
    /// vote each.
    space_lines: usize,
}

pub(super) fn read(text: &Text, format: Format) -> Document<'_> {
    let mut rows = Vec::with_capacity(text.line_count());
    let mut votes = Votes::default();
    let mut gap = false;
    let mut glued_lines = 0;
    // Crawler text: once one line holds table 三 glued, the other tables'
    // lines are glued too.
    let glued_doc = text.lines().any(|(_, l)| glued::is_glued_tables(l));
    let style = Style::of(text);
    let mut pipe_padding = 0;
    let mut count = CellCount::new(text.as_str().len());
    let mut overflow = None;
    for (i, line) in text.lines() {
        if count.over(&rows, 0) {
            overflow = Some(i as u32);
            break;
        }
        let base = text.line_start(i);
        let line_no = (i + 1) as u32;
        if is_pipe_padding(line) {
            // `||`, `|||||`: a converter's padding for merged cells, written
            // where a table row ends.
            gap = true;
            pipe_padding += 1;
            continue;
        }
        if glued_doc && (glued::is_glued_tables(line) || glued::is_glued_part(line)) {
            glued_lines += 1;
            glued::split_line(line, base, line_no, &mut rows, count.left());
            gap = false;
            continue;
        }
        match tokenize_line(line, base, line_no, &style, &mut votes) {
            Some(mut row) => {
                row.gap_before = std::mem::take(&mut gap);
                rows.push(row);
            }
            None => gap |= trim_page_breaks(line).is_empty(),
        }
    }
    if style.boxes {
        join_box_bands(text, &mut rows);
    }
    if overflow.is_none() && count.over(&rows, 0) {
        overflow = Some(text.line_count() as u32);
    }
    let layout = if glued_lines > 0 {
        Layout::GluedText
    } else {
        choose_layout(&votes)
    };
    let blocks = layout == Layout::CellPerLine && rows_are_paragraphs(&rows);
    let padded_rows = layout == Layout::CellPerLine && pipe_padding >= 3;
    if layout != Layout::CellPerLine {
        rows.retain(|r| r.kind != RowKind::BlankCell);
    }
    Document {
        format,
        layout,
        rows,
        result_rowspan: None,
        blocks,
        padded_rows,
        overflow,
    }
}

/// The text of a markdown heading (`### 第二十条第（一）项`), if `s` is one.
fn markdown_heading(s: &str) -> Option<&str> {
    let marks = s.len() - s.trim_start_matches('#').len();
    if marks == 0 || marks > 6 {
        return None;
    }
    let text = s[marks..].trim_start_matches([' ', '\t']);
    (text.len() < s.len() - marks && !text.is_empty()).then_some(text)
}

fn is_pipe_padding(line: &str) -> bool {
    if memchr::memchr(b'|', line.as_bytes()).is_none() {
        return false; // most lines: no trim needed to tell
    }
    let t = line.trim();
    t.len() >= 2 && t.bytes().all(|b| b == b'|')
}

/// True when a one-cell-per-line table writes each row as a paragraph:
/// paragraphs of several lines that hold values outnumber values standing
/// alone between empty lines (the layout where every cell is a paragraph).
fn rows_are_paragraphs(rows: &[RawRow<'_>]) -> bool {
    let is_value = |r: &RawRow<'_>| {
        r.kind == RowKind::BlankCell
            || (r.kind == RowKind::Single && matches!(r.cells[0].value(), CellValue::Number(_)))
    };
    let (mut value_paragraphs, mut lone_values) = (0usize, 0usize);
    let mut start = 0;
    while start < rows.len() {
        let end = rows[start + 1..]
            .iter()
            .position(|r| r.gap_before)
            .map_or(rows.len(), |p| start + 1 + p);
        let paragraph = &rows[start..end];
        let values = paragraph.iter().filter(|r| is_value(r)).count();
        if paragraph.len() == 1 {
            lone_values += values;
        } else if values > 0 && paragraph.iter().all(|r| r.kind != RowKind::Physical) {
            value_paragraphs += 1;
        }
        start = end;
    }
    value_paragraphs >= 5 && value_paragraphs > lone_values
}

fn choose_layout(v: &Votes) -> Layout {
    let candidates = [
        (v.markdown, Layout::MarkdownTable),
        (v.tabbed, Layout::Tabbed),
        (v.spaced, Layout::SpaceAligned),
        // A cell-per-line table has ~7 single-value lines per row.
        (
            (v.single_values + v.space_lines / 2) / 4,
            Layout::CellPerLine,
        ),
    ];
    let (best, layout) = candidates
        .iter()
        .copied()
        .max_by_key(|&(n, _)| n)
        .unwrap_or((0, Layout::None));
    if best < 3 {
        return Layout::None;
    }
    let strong = candidates
        .iter()
        .filter(|&&(n, _)| n >= 10 && n * 2 >= best)
        .count();
    if strong > 1 { Layout::Mixed } else { layout }
}

/// Blanks between cells. U+FFFD is one too: a stray byte the decoder
/// replaced (`\xFF\t0`) is noise, not a cell.
fn is_blank_char(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{3000}'
            | '\u{a0}'
            | '\x0c'
            | '\t'
            | '\u{2002}'
            | '\u{2003}'
            | '\u{2009}'
            | '\u{FFFD}'
    )
}

/// `is_blank_char` on UTF-8 bytes: (is the char at `i` blank, its length).
/// The column splitter runs over every byte of every line, and decoding each
/// char to compare it costs several times this.
#[inline(always)]
fn blank_at(b: &[u8], i: usize) -> (bool, usize) {
    let x = b[i];
    if x < 0x80 {
        return (matches!(x, b' ' | b'\t' | 0x0c), 1);
    }
    let len = match x {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    };
    // U+00A0, U+3000, U+2002, U+2003, U+2009, U+FFFD.
    let blank = matches!(
        (x, b.get(i + 1), b.get(i + 2)),
        (0xC2, Some(0xA0), _)
            | (0xE3, Some(0x80), Some(0x80))
            | (0xE2, Some(0x80), Some(0x82 | 0x83 | 0x89))
            | (0xEF, Some(0xBF), Some(0xBD))
    );
    (blank, len)
}

/// `s.trim_matches(is_blank_char)`, without the char-by-char trim when the
/// first char is not blank and the last byte cannot end a blank char (most
/// lines and cells): trimming runs several times for every line and cell.
fn trim_blank(s: &str) -> &str {
    // ASCII blanks first, byte by byte: indented lines and padded cells
    // would otherwise all take the char-by-char trim.
    let ascii_blank = |x: &u8| matches!(x, b' ' | b'\t' | 0x0c);
    let b = s.as_bytes();
    let start = b.iter().position(|x| !ascii_blank(x)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|x| !ascii_blank(x))
        .map_or(start, |e| e + 1);
    let s = &s[start..end];
    let b = s.as_bytes();
    // The last bytes of the chars `blank_at` knows (0xBD only as the end of
    // U+FFFD: many ideographs end in it too).
    let may_end = |x: u8| {
        matches!(x, b' ' | b'\t' | 0x0c | 0xA0 | 0x80 | 0x82 | 0x83 | 0x89)
            || b.ends_with("\u{fffd}".as_bytes())
    };
    match b.last() {
        Some(&l) if !may_end(l) && !blank_at(b, 0).0 => s,
        _ => s.trim_matches(is_blank_char),
    }
}

/// `line` without the form feeds and CRs at its ends (ASCII, so byte
/// positions are char boundaries).
fn trim_page_breaks(line: &str) -> &str {
    let b = line.as_bytes();
    let is_break = |x: &u8| matches!(x, 0x0c | b'\r');
    let start = b.iter().position(|x| !is_break(x)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|x| !is_break(x))
        .map_or(start, |e| e + 1);
    &line[start..end]
}

/// The rows of a markdown pipe table that a converter left in the text of
/// an HTML document (pandoc's gfm writes the tables it can express as pipe
/// tables and the others as `<table>`): each line of `run`, at byte
/// `base` of the document, tokenized as a text line. None when `run`
/// holds no pipe table (a `|---|` separator under a `|` row).
pub(super) fn pipe_table_rows<'a>(
    run: &'a str,
    base: usize,
    line_of: impl Fn(usize) -> u32,
) -> Option<Vec<RawRow<'a>>> {
    let mut lines = run.lines().map(str::trim);
    let has_table = run.contains("\n|")
        && lines.any(|l| l.starts_with('|') && l.len() > 2 && is_markdown_separator(l));
    if !has_table {
        return None;
    }
    let mut votes = Votes::default();
    let style = Style::default();
    let mut rows = Vec::new();
    let mut at = 0;
    for line in run.split_inclusive('\n') {
        let start = base + at;
        at += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if let Some(row) = tokenize_line(line, start, line_of(start), &style, &mut votes) {
            rows.push(row);
        }
    }
    Some(rows)
}

/// How the document writes its pipe rows, decided once from all its lines.
#[derive(Debug, Default, Clone, Copy)]
struct Style {
    /// Pipe rows have no outer pipes (`规章 | 0 |   | 5`, html2text and
    /// other converters): a row that ends in a pipe ends in a blank cell,
    /// not in a closing pipe.
    open_pipes: bool,
    /// Tables drawn with box-drawing chars (`w3m -dump`).
    boxes: bool,
}

impl Style {
    fn of(text: &Text) -> Self {
        // Rows without a leading pipe, by how they end. A converter that
        // writes no outer pipes ends most rows in a value; one that writes
        // a closing pipe ends every row in it.
        let all = text.as_str().as_bytes();
        // U+2500..=U+257F start with 0xE2 0x94 or 0xE2 0x95.
        let boxes = memchr::memmem::find(all, b"\xE2\x94").is_some()
            || memchr::memmem::find(all, b"\xE2\x95").is_some()
            // A grid table's rules (pandoc's `+------+------+`).
            || memchr::memmem::find(all, b"+--").is_some();
        let (mut open, mut closed) = (0usize, 0usize);
        let lines = memchr::memchr(b'|', all).is_some().then(|| text.lines());
        for (_, line) in lines.into_iter().flatten() {
            if memchr::memchr(b'|', line.as_bytes()).is_none() {
                continue;
            }
            let t = trim_blank(trim_page_breaks(line));
            if t.starts_with('|') {
                continue;
            }
            if t.ends_with('|') {
                closed += 1;
            } else {
                open += 1;
            }
        }
        Self {
            open_pipes: open >= 3 && open >= closed,
            boxes,
        }
    }
}

/// True for the box-drawing chars (U+2500..=U+257F) that draw a table's
/// frame in text dumps of HTML tables (`w3m -dump`) and Word tables.
fn is_box_char(c: char) -> bool {
    ('\u{2500}'..='\u{257F}').contains(&c)
}

/// Box-drawing chars that only draw horizontal rules.
fn is_box_rule(c: char) -> bool {
    matches!(
        c,
        '\u{2500}' | '\u{2501}' | '\u{2550}' | '\u{2504}'..='\u{2509}' | '\u{254C}' | '\u{254D}'
    )
}

/// A row drawn with box-drawing chars (`│规章 │0 │   │5 │`): cells are what
/// lies between vertical strokes (`│`, `├`, `┼` …); stretches of horizontal
/// rule (`├────┼────┤` beside a merged label) are frame, not cells. None for
/// a line that is frame only.
fn split_boxed<'a>(
    line: &'a str,
    content: &'a str,
    base: usize,
    line_no: u32,
) -> Option<RawRow<'a>> {
    if content.chars().all(|c| is_box_char(c) || is_blank_char(c)) {
        return None;
    }
    let content_start = content.as_ptr() as usize - line.as_ptr() as usize;
    let mut cells = Vec::with_capacity(12);
    let mut start = content_start;
    let mut first = true;
    let bounds = content
        .char_indices()
        .filter(|&(_, c)| is_box_char(c) && !is_box_rule(c))
        .map(|(i, c)| (content_start + i, c.len_utf8()))
        .chain(std::iter::once((content_start + content.len(), 0)));
    for (at, width) in bounds {
        let field = &line[start..at];
        let is_frame = !field.is_empty()
            && field.chars().all(|c| is_box_rule(c) || is_blank_char(c))
            && field.chars().any(is_box_rule);
        // The text before the first stroke and after the last one is
        // outside the frame when empty.
        let outside = (first || width == 0) && trim_blank(field).is_empty();
        if !is_frame && !outside {
            if cells.len() > MAX_ROW_CELLS {
                break; // past a row's bound: the caller fails the file
            }
            cells.push(trimmed_cell(line, line_no, base, start, at));
        }
        first = false;
        start = at + width;
    }
    Some(RawRow {
        line: line_no,
        kind: RowKind::Physical,
        cells,
        gap_before: false,
    })
}

/// Joins the lines of one box-drawn table row: a row is what lies between
/// two rules, and a cell too narrow for its text wraps onto the row's next
/// lines (`│３ │` over `│２ │` is 32; `│(二)部分公开（区分…，│` over
/// `│不计其他情形）│`). Consecutive lines with no rule on them and the same
/// number of cells are one row, their cells joined column by column. Lines
/// of different shapes are left as they are.
fn join_box_bands<'a>(text: &'a Text, rows: &mut Vec<RawRow<'a>>) {
    // A line of frame only: box-drawn rules, or a grid table's `+----+`.
    let is_ruler = |line_no: u32| {
        let t = trim_blank(text.line(line_no as usize - 1));
        !t.is_empty()
            && (t.chars().all(|c| is_box_char(c) || is_blank_char(c))
                || (t.starts_with('+') && is_ascii_ruler(t)))
    };
    // A rule under some columns ends the rows of those beside it too
    // (`│        │予公开├────┤`: a merged label's line).
    let is_bound = |line_no: u32| {
        is_ruler(line_no) || text.line(line_no as usize - 1).chars().any(is_box_rule)
    };
    let is_band_line = |row: &RawRow<'_>| {
        let line = trim_blank(text.line(row.line as usize - 1));
        row.kind == RowKind::Physical
            && (line.starts_with(is_box_char) || line.starts_with('|'))
            && !line.chars().any(is_box_rule)
            && !is_ascii_ruler(line)
    };
    // Only where the tables rule off every row: a table drawn with rules
    // around its header alone (an "outline" style) writes its rows on
    // consecutive lines, and those must not be joined.
    let has_number = |r: &RawRow<'_>| {
        r.cells
            .iter()
            .any(|c| matches!(c.value(), CellValue::Number(_)))
    };
    // Rows that begin right under a rule, in order: two in a row that hold
    // numbers are two data rows each ruled off (a row wrapped over several
    // lines has its numbers on its first line). An outline-style table
    // has one such data row, its first, between a header and what follows.
    let mut ruled_rows = 0;
    let mut previous_numeric = false;
    for row in rows.iter().filter(|r| r.line > 1 && is_ruler(r.line - 1)) {
        let numeric = has_number(row);
        ruled_rows += usize::from(numeric && previous_numeric);
        previous_numeric = numeric;
    }
    if ruled_rows < 2 {
        return;
    }
    // Bands: runs of consecutive lines of one shape, each a row's lines.
    // A band is one row only when rules close it on both sides (a markdown
    // table's rows follow each other with no rule below the last).
    let mut bands: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        let continues = i < rows.len()
            && rows[i - 1].line + 1 == rows[i].line
            && rows[i - 1].cells.len() == rows[i].cells.len()
            && is_band_line(&rows[i - 1])
            && is_band_line(&rows[i]);
        if !continues {
            let (first, last) = (rows[start].line, rows[i - 1].line);
            if i - start > 1
                && first > 1
                && is_bound(first - 1)
                && (last as usize) < text.line_count()
                && is_bound(last + 1)
            {
                bands.push(start..i);
            }
            start = i;
        }
    }
    if bands.is_empty() {
        return;
    }
    let src = text.as_str();
    let mut out: Vec<RawRow<'a>> = Vec::with_capacity(rows.len());
    let mut bands = bands.into_iter().peekable();
    for (i, row) in rows.drain(..).enumerate() {
        let joins = bands.peek().is_some_and(|b| b.start < i && i < b.end);
        if bands.peek().is_some_and(|b| i + 1 >= b.end) {
            bands.next();
        }
        if !joins {
            out.push(row);
            continue;
        }
        let prev = out.last_mut().expect("a band's first row was pushed");
        for (a, b) in prev.cells.iter_mut().zip(row.cells) {
            if b.raw.is_empty() {
                continue;
            }
            if a.raw.is_empty() {
                *a = b;
                continue;
            }
            let start = a.offset as usize;
            let end = b.offset as usize + b.raw.len();
            let joined = format!("{}{}", a.text, b.text);
            *a = Cell {
                raw: &src[start..end],
                text: Cow::Owned(joined),
                offset: a.offset,
                line: a.line,
                value: std::cell::OnceCell::new(),
            };
        }
    }
    *rows = out;
}

/// A ruler line of a text table that is not a row: `+-----+----+` (grid
/// tables), `---|---` (markdown's separator without outer pipes).
fn is_ascii_ruler(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, b'+' | b'-' | b'=' | b':' | b'|' | b' ' | b'\t'))
        && s.contains('-')
        && s.contains(['+', '|'])
}

fn tokenize_line<'a>(
    line: &'a str,
    base: usize,
    line_no: u32,
    style: &Style,
    votes: &mut Votes,
) -> Option<RawRow<'a>> {
    let trimmed = trim_page_breaks(line);
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.chars().all(crate::normalize::is_space) {
        // A whitespace-only line: a blank cell in a cell-per-line layout.
        // One written with NBSP or U+3000 (Word's empty cell) says so.
        if trimmed.contains(['\u{a0}', '\u{3000}']) {
            votes.single_values += 1;
        } else {
            votes.space_lines += 1;
        }
        let offset = (base + (trimmed.as_ptr() as usize - line.as_ptr() as usize)) as u32;
        let cell = Cell {
            raw: trimmed,
            text: Cow::Borrowed(""),
            offset,
            line: line_no,
            value: std::cell::OnceCell::new(),
        };
        return Some(RawRow {
            line: line_no,
            kind: RowKind::BlankCell,
            cells: vec![cell],
            gap_before: false,
        });
    }
    if is_page_number(trimmed) {
        return None;
    }
    let content = trim_blank(trimmed);
    if let Some(heading) = markdown_heading(content) {
        // `## 二、主动公开政府信息情况`: the heading's text, without its marks.
        let at = heading.as_ptr() as usize - line.as_ptr() as usize;
        return tokenize_line(&line[at..], base + at, line_no, style, votes);
    }
    if content == "|" {
        // A lone `|`: a blank cell of a table written one cell per line
        // with ` |` terminators.
        let offset = (base + (content.as_ptr() as usize - line.as_ptr() as usize)) as u32;
        return Some(RawRow {
            line: line_no,
            kind: RowKind::BlankCell,
            cells: vec![Cell {
                raw: content,
                text: Cow::Borrowed(""),
                offset,
                line: line_no,
                value: std::cell::OnceCell::new(),
            }],
            gap_before: false,
        });
    }
    if content.starts_with(is_box_char) {
        let row = split_boxed(line, content, base, line_no)?;
        votes.markdown += 1;
        return Some(row);
    }
    if is_ascii_ruler(content) {
        return None;
    }
    if style.open_pipes && !content.starts_with('|') && content.contains('|') {
        // `规章 | 0 |   | 5`: no outer pipes; every field is a cell, a
        // last one left blank included.
        votes.markdown += 1;
        return Some(split_open_pipes(line, content, base, line_no));
    }
    if !content.starts_with('|') && content.ends_with('|') {
        let pipes = memchr::memchr_iter(b'|', content.as_bytes()).count();
        let end = content.as_ptr() as usize - line.as_ptr() as usize + content.len() - 1;
        if pipes == 1 {
            // `56 |`: one cell and its terminator.
            return tokenize_line(&line[..end], base, line_no, style, votes);
        }
        // `规章 | 0 | 0 | 0 |`: a pipe row without its leading pipe.
        votes.markdown += 1;
        return Some(split_pipes(line, content, base, line_no));
    }
    if content.starts_with('|') && content.len() > 1 {
        if is_markdown_separator(content) {
            return None;
        }
        votes.markdown += 1;
        return Some(split_markdown(line, content, base, line_no));
    }
    if memchr::memchr(b'\t', line.as_bytes()).is_some() {
        let cells = split_tabs(line, line_no, base);
        let non_empty = cells
            .iter()
            .filter(|c| !c.text.is_empty()) // already trimmed
            .count();
        if non_empty >= 2 {
            votes.tabbed += 1;
            return Some(RawRow {
                line: line_no,
                kind: RowKind::Physical,
                cells,
                gap_before: false,
            });
        }
    }
    let cells = split_spaces(line, line_no, base);
    match cells.len() {
        0 => None,
        1 => {
            if matches!(cells[0].value(), CellValue::Number(_)) {
                votes.single_values += 1;
            }
            Some(RawRow {
                line: line_no,
                kind: RowKind::Single,
                cells,
                gap_before: false,
            })
        }
        _ => {
            if cells
                .iter()
                .filter(|c| matches!(c.value(), CellValue::Number(_)))
                .count()
                >= 1
            {
                votes.spaced += 1;
            }
            Some(RawRow {
                line: line_no,
                kind: RowKind::Physical,
                cells,
                gap_before: false,
            })
        }
    }
}

fn is_markdown_separator(s: &str) -> bool {
    s.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t')) && s.contains('-')
}

fn make_cell<'a>(line: &'a str, line_no: u32, base: usize, start: usize, end: usize) -> Cell<'a> {
    let raw = &line[start..end];
    Cell {
        raw,
        text: Cow::Borrowed(raw),
        offset: (base + start) as u32,
        line: line_no,
        value: std::cell::OnceCell::new(),
    }
}

/// Splits a tabbed line; every tab-separated field is a cell, empty ones included.
fn split_tabs(line: &str, line_no: u32, base: usize) -> Vec<Cell<'_>> {
    let mut cells = Vec::with_capacity(12);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\t', line.as_bytes()) {
        if cells.len() > MAX_ROW_CELLS {
            // Past a row's bound: the caller fails the file.
            return cells;
        }
        cells.push(trimmed_cell(line, line_no, base, start, i));
        start = i + 1;
    }
    cells.push(trimmed_cell(line, line_no, base, start, line.len()));
    cells
}

fn trimmed_cell<'a>(
    line: &'a str,
    line_no: u32,
    base: usize,
    start: usize,
    end: usize,
) -> Cell<'a> {
    let field = &line[start..end];
    let inner = trim_blank(field);
    let s = start + (inner.as_ptr() as usize - field.as_ptr() as usize);
    let mut cell = make_cell(line, line_no, base, s, s + inner.len());
    if has_tag(inner) {
        // Inline HTML a converter left in a table cell
        // (`| <span style="…">2</span> |`, pandoc's gfm): the cell's text
        // is what the page showed.
        cell.text = Cow::Owned(super::html::inner_text(inner).into_owned());
    }
    cell
}

/// True when `s` holds an HTML tag (`<span …>`, `</p>`, `<br/>`).
fn has_tag(s: &str) -> bool {
    memchr::memchr_iter(b'<', s.as_bytes()).any(|i| {
        let rest = &s.as_bytes()[i + 1..];
        rest.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/')
            && memchr::memchr(b'>', rest).is_some()
    })
}

/// The pipes of `s` that separate cells: not a markdown escape (`\|`).
fn separators(s: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'|', s.as_bytes()).filter(|&i| i == 0 || s.as_bytes()[i - 1] != b'\\')
}

/// Splits `a | b | c |` (a pipe row without its leading pipe, or a
/// markdown row after it) into cells; a last cell left empty by the
/// closing pipe is dropped.
fn split_pipes<'a>(line: &'a str, content: &'a str, base: usize, line_no: u32) -> RawRow<'a> {
    let content_start = content.as_ptr() as usize - line.as_ptr() as usize;
    let end_limit = content_start + content.len();
    let mut cells = Vec::with_capacity(12);
    let mut start = content_start;
    for i in separators(&line[content_start..end_limit]) {
        if cells.len() > MAX_ROW_CELLS {
            // Past a row's bound: the caller fails the file.
            start = end_limit;
            break;
        }
        let abs = content_start + i;
        cells.push(trimmed_cell(line, line_no, base, start, abs));
        start = abs + 1;
    }
    if start < end_limit {
        let rest = trimmed_cell(line, line_no, base, start, end_limit);
        if !rest.raw.is_empty() {
            cells.push(rest);
        }
    }
    RawRow {
        line: line_no,
        kind: RowKind::Physical,
        cells,
        gap_before: false,
    }
}

/// Splits `a | b |  ` (a row with no outer pipes) into cells: every field
/// is one, the last included even when blank.
fn split_open_pipes<'a>(line: &'a str, content: &'a str, base: usize, line_no: u32) -> RawRow<'a> {
    let content_start = content.as_ptr() as usize - line.as_ptr() as usize;
    let end = content_start + content.len();
    // The blank after a last pipe is the row's last cell: take the line's
    // own text up to its end, not the trimmed content.
    let line_end = content_start + line[content_start..].trim_end_matches(['\r', '\x0c']).len();
    let mut cells = Vec::with_capacity(12);
    let mut start = content_start;
    for i in separators(&line[content_start..end]) {
        if cells.len() > MAX_ROW_CELLS {
            break; // past a row's bound: the caller fails the file
        }
        let abs = content_start + i;
        cells.push(trimmed_cell(line, line_no, base, start, abs));
        start = abs + 1;
    }
    cells.push(trimmed_cell(line, line_no, base, start, line_end));
    RawRow {
        line: line_no,
        kind: RowKind::Physical,
        cells,
        gap_before: false,
    }
}

/// Splits `| a | b |` into cells, dropping the outer pipes.
fn split_markdown<'a>(line: &'a str, content: &'a str, base: usize, line_no: u32) -> RawRow<'a> {
    split_pipes(line, &content[1..], base, line_no)
}

/// Where the values that end `chunk` start, when it ends in single-space
/// separated numbers and placeholders (`10 1 0 0 0`, `规章 0 0 0`,
/// `（七）总计 0 1 / / 0 / 1`: lynx and other converters set a row's cells
/// one space apart when the page is wide enough): `Some(0)` when the whole
/// chunk is values, `Some(i)` when a label ends at `i - 1` — a label that ends
/// in an ideograph, a closing bracket or quote, as every label of the form
/// does, or a comma it wrapped after, never in a digit — and `None` when it
/// does not end in values or they hold no number (a run of placeholders
/// alone stays text).
fn value_tail(chunk: &str) -> Option<usize> {
    let mut start = chunk.len();
    let mut number = false;
    for token in chunk.rsplit(' ') {
        // A numbering mark (`1.`, `2、`) is a label's, never a value.
        let value = if token.is_empty() || token.ends_with(['.', '．', '、']) {
            CellValue::Text
        } else {
            parse_cell(token)
        };
        match value {
            CellValue::Number(_) => number = true,
            CellValue::Blank => {}
            CellValue::Text => break,
        }
        start -= token.len() + usize::from(start < chunk.len());
    }
    if !number {
        return None;
    }
    if start == 0 {
        return Some(0);
    }
    // `start` is the byte after the space that ends the label.
    let label = &chunk[..start - 1];
    let last = label.chars().next_back()?;
    // A comma: a label wrapped in its cell after one (`(二)部分公开（区分处理的，`,
    // the rest on the lines below), as pdfplumber joins a row's words.
    let ends_like_a_label = ('\u{4E00}'..='\u{9FFF}').contains(&last)
        || matches!(last, '）' | ')' | '”' | '"' | '】' | '」' | '，');
    ends_like_a_label.then_some(start)
}

/// Splits on runs of two or more blanks; a chunk that ends in numbers
/// separated by single spaces (`10 1 0 0 0`, `规章 0 0 0`) is split into its
/// label and those numbers ([`value_tail`]).
fn split_spaces<'a>(line: &'a str, line_no: u32, base: usize) -> Vec<Cell<'a>> {
    // Each chunk becomes cells as soon as it ends: no list of chunks, and
    // one allocation for the cells of most lines (prose is one cell), of
    // one cell: a file of short lines keeps one cell a line, not four.
    let mut cells = Vec::with_capacity(1);
    let push_chunk = |cells: &mut Vec<Cell<'a>>, s: usize, e: usize| {
        let chunk = &line[s..e];
        let values = if memchr::memchr(b' ', chunk.as_bytes()).is_some() {
            value_tail(chunk)
        } else {
            None
        };
        let Some(values) = values else {
            cells.push(make_cell(line, line_no, base, s, e));
            return;
        };
        if values > 0 {
            // The label the converter left one space before the values.
            cells.push(make_cell(line, line_no, base, s, s + values - 1));
        }
        let mut pos = s + values;
        for token in line[pos..e].split(' ') {
            if cells.len() > MAX_ROW_CELLS {
                return; // past a row's bound: the caller fails the file
            }
            cells.push(make_cell(line, line_no, base, pos, pos + token.len()));
            pos += token.len() + 1;
        }
    };
    let mut chunk_start: Option<usize> = None;
    let mut last_non_blank_end = 0;
    let mut blank_run = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (blank, len) = blank_at(bytes, i);
        if blank {
            blank_run += 1;
            if blank_run == 2 && chunk_start.is_some() && cells.len() > MAX_ROW_CELLS {
                return cells; // past a row's bound: the caller fails the file
            }
            if blank_run >= 2
                && let Some(s) = chunk_start.take()
            {
                push_chunk(&mut cells, s, last_non_blank_end);
            }
        } else {
            if chunk_start.is_none() {
                chunk_start = Some(i);
            }
            blank_run = 0;
            last_non_blank_end = i + len;
        }
        i += len;
    }
    if let Some(s) = chunk_start {
        push_chunk(&mut cells, s, last_non_blank_end);
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(row: &RawRow<'_>) -> Vec<String> {
        row.cells.iter().map(|c| c.text.to_string()).collect()
    }

    #[test]
    fn space_aligned_rows_split_into_cells() {
        let line = "一、本年新收政府信息公开申请数量                             21    0      0     0   0   0     21";
        let mut v = Votes::default();
        let row = tokenize_line(line, 0, 1, &Style::default(), &mut v).unwrap();
        assert_eq!(
            texts(&row),
            [
                "一、本年新收政府信息公开申请数量",
                "21",
                "0",
                "0",
                "0",
                "0",
                "0",
                "21"
            ]
        );
        assert_eq!(&line[row.cells[1].offset as usize..][..2], "21");
        let row = tokenize_line(
            "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0",
            0,
            1,
            &Style::default(),
            &mut v,
        )
        .unwrap();
        assert_eq!(row.cells.len(), 15);
        let row = tokenize_line(
            "                 4.无正当理由大量反复 申请        0    0",
            0,
            1,
            &Style::default(),
            &mut v,
        )
        .unwrap();
        assert_eq!(texts(&row), ["4.无正当理由大量反复 申请", "0", "0"]);
    }

    #[test]
    fn values_one_space_after_a_label_are_cells() {
        let mut v = Votes::default();
        let mut split =
            |line: &str| texts(&tokenize_line(line, 0, 1, &Style::default(), &mut v).unwrap());
        // lynx at 200 columns: one space between a label and its values.
        assert_eq!(split("   规章 0 0 0"), ["规章", "0", "0", "0"]);
        assert_eq!(
            split("   政府集中采购 1 4.60"),
            ["政府集中采购", "1", "4.60"]
        );
        assert_eq!(
            split("      （七）总计                         0   1     / / 0 / 1"),
            ["（七）总计", "0", "1", "/", "/", "0", "/", "1"]
        );
        // Not values: words after the number, placeholders alone, a label
        // that ends in a digit or a Latin letter.
        assert_eq!(split("   共发布信息 37 条"), ["共发布信息 37 条"]);
        assert_eq!(split("   / / /"), ["/ / /"]);
        assert_eq!(split("   附件1 2 3"), ["附件1 2 3"]);
        assert_eq!(split("   Table 2 3"), ["Table 2 3"]);
        // pdfplumber: a label wrapped after its comma, values one space on.
        assert_eq!(
            split("、 (二)部分公开（区分处理的， 3 0 0 0 0 0 3")[..2],
            ["、 (二)部分公开（区分处理的，", "3"]
        );
    }

    #[test]
    fn byte_blank_test_agrees_with_the_char_one() {
        let line = "a \t\x0c\u{3000}\u{a0}\u{2002}\u{2003}\u{2009}\u{2008}\u{3001}é中\u{1F600}\u{FFFD}\u{FFFC}\u{FF3D}x";
        let by_char: Vec<(bool, usize)> = line
            .chars()
            .map(|c| (is_blank_char(c), c.len_utf8()))
            .collect();
        let mut by_byte = Vec::new();
        let mut i = 0;
        while i < line.len() {
            let r = blank_at(line.as_bytes(), i);
            by_byte.push(r);
            i += r.1;
        }
        assert_eq!(by_byte, by_char);
    }

    #[test]
    fn fast_trims_agree_with_the_char_ones() {
        let pieces = [
            "", " ", "\t", "\x0c", "\r", "\u{3000}", "\u{a0}", "\u{2002}", "\u{2003}", "\u{2009}",
            "\u{2008}", "\u{3001}", "\u{201c}", "中", "a", "1", "é", "\u{FFFD}", "\u{FF3D}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(trim_blank(&s), s.trim_matches(is_blank_char), "{s:?}");
                    assert_eq!(
                        trim_page_breaks(&s),
                        s.trim_matches(|c: char| c == '\x0c' || c == '\r'),
                        "{s:?}"
                    );
                }
            }
        }
    }

    /// Chunks of `line` by the definition: runs of two or more blank
    /// chars separate them; ends are trimmed of blanks.
    fn chunks_by_char(line: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let (mut start, mut end, mut run) = (None, 0, 0);
        for (i, c) in line.char_indices() {
            if is_blank_char(c) {
                run += 1;
                if run >= 2
                    && let Some(s) = start.take()
                {
                    out.push(&line[s..end]);
                }
            } else {
                start.get_or_insert(i);
                run = 0;
                end = i + c.len_utf8();
            }
        }
        out.extend(start.map(|s| &line[s..end]));
        out
    }

    #[test]
    fn space_splitter_agrees_with_the_char_definition() {
        let pieces = [
            " ", "  ", "\t", "\x0c", "\u{3000}", "\u{a0}", "\u{2002}", "\u{2009}", "\u{2008}",
            "\u{3001}", "\u{201c}", "中", "a", "é", "\u{FFFD}", "\u{FF0C}", "规章",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", " ", "x", "\u{3000}"] {
                        let line = format!("{d}{a}{b}x{c}{a}{d}");
                        let got: Vec<&str> =
                            split_spaces(&line, 1, 0).iter().map(|c| c.raw).collect();
                        // No piece holds a digit, so no chunk splits into numbers.
                        assert_eq!(got, chunks_by_char(&line), "{line:?}");
                    }
                }
            }
        }
    }

    fn cells_of(doc: &Document<'_>) -> Vec<Vec<String>> {
        doc.rows.iter().map(texts).collect()
    }

    #[test]
    fn pipe_rows_without_outer_pipes_keep_a_blank_last_cell() {
        // html2text: rows end in their last value, or in a pipe when the
        // last cell is blank; its markdown escapes (`1\.`) stay in the text.
        let text = Text::from_utf8_text(
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数  \n---|---  \n规章 | 0 |   |    \n行政规范性文件| 3| 0| 20  \n行政处罚 |    \n1\\. 属于国家秘密| 0| 0\n",
        );
        let doc = read(&text, Format::Text);
        assert_eq!(doc.layout, Layout::MarkdownTable);
        assert_eq!(
            cells_of(&doc),
            [
                vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                vec!["规章", "0", "", ""],
                vec!["行政规范性文件", "3", "0", "20"],
                vec!["行政处罚", ""],
                vec!["1\\. 属于国家秘密", "0", "0"],
            ]
        );
        // Where every row ends in a pipe, that pipe closes the row.
        let text = Text::from_utf8_text(
            "规章 | 0 | 0 | 0 |\n行政规范性文件 | 3 | 0 | 20 |\n行政许可 | 5 |\n",
        );
        assert_eq!(
            cells_of(&read(&text, Format::Text)),
            [
                vec!["规章", "0", "0", "0"],
                vec!["行政规范性文件", "3", "0", "20"],
                vec!["行政许可", "5"]
            ]
        );
    }

    #[test]
    fn box_drawn_tables_split_on_their_strokes() {
        // w3m -dump: frame lines are no rows; a merged label's line carries
        // rule stretches that are frame, not cells.
        let text = Text::from_utf8_text(concat!(
            "┌────────┬─────┬─────┐\n",
            "│规章    │0    │     │\n",
            "├────────┼─────┼─────┤\n",
            "│        │(三)不予公开  ├─────┼─────┤\n",
            "│行政许可│     │21   │\n",
            "└────────┴─────┴─────┘\n",
        ));
        let doc = read(&text, Format::Text);
        assert_eq!(doc.layout, Layout::MarkdownTable);
        assert_eq!(
            cells_of(&doc),
            [
                vec!["规章", "0", ""],
                vec!["", "(三)不予公开"],
                vec!["行政许可", "", "21"]
            ]
        );
    }

    #[test]
    fn a_box_drawn_row_wrapped_over_lines_is_one_row() {
        // w3m at 80 columns: `３２` wraps inside its cell, a label wraps.
        let ruled = concat!(
            "┌──────────┬───┬───┐\n",
            "│一、本年新收│３ │３ │\n",
            "│          │２ │２ │\n",
            "├──────────┼───┼───┤\n",
            "│(二)部分公开（区│１ │１ │\n",
            "│分处理的）  │   │   │\n",
            "├──────────┼───┼───┤\n",
            "│(七)总计    │４ │４ │\n",
            "├──────────┼───┼───┤\n",
            "│四、结转    │０ │０ │\n",
            "└──────────┴───┴───┘\n",
        );
        let text = Text::from_utf8_text(ruled);
        assert_eq!(
            cells_of(&read(&text, Format::Text)),
            [
                vec!["一、本年新收", "３２", "３２"],
                vec!["(二)部分公开（区分处理的）", "１", "１"],
                vec!["(七)总计", "４", "４"],
                vec!["四、结转", "０", "０"],
            ]
        );
        // Rules around the header only: rows on consecutive lines are rows.
        let outline = concat!(
            "┌──────────┬───┬───┐\n",
            "│项目      │甲 │乙 │\n",
            "├──────────┼───┼───┤\n",
            "│一、本年新收│3  │3  │\n",
            "│二、上年结转│2  │2  │\n",
            "│四、结转    │0  │0  │\n",
            "└──────────┴───┴───┘\n",
        );
        let text = Text::from_utf8_text(outline);
        assert_eq!(cells_of(&read(&text, Format::Text)).len(), 4);
    }

    #[test]
    fn a_grid_table_row_wrapped_over_lines_is_one_row() {
        // pandoc's plain grid tables wrap a label within its cell; a
        // markdown table after it (no rule under its rows) stays as it is.
        let text = Text::from_utf8_text(concat!(
            "+------+-----+-----+\n",
            "| 2.没  | 0   | 0   |\n",
            "| 有现成信息 |     |     |\n",
            "+------+-----+-----+\n",
            "| 3.   | 1   | 1   |\n",
            "| 补正后申请内容仍不明确 |     |     |\n",
            "+------+-----+-----+\n",
            "| 4.其他 | 2   | 2   |\n",
            "+------+-----+-----+\n",
            "| 5.重复 | 3   | 3   |\n",
            "+------+-----+-----+\n",
            "| (七)总计 | 6   | 6   |\n",
            "+------+-----+-----+\n",
            "\n",
            "| 规章 | 3 | 0 |\n",
            "|---|---|---|\n",
            "| 行政许可 | 5 | 1 |\n",
            "| 行政处罚 | 6 | 2 |\n",
        ));
        assert_eq!(
            cells_of(&read(&text, Format::Text)),
            [
                vec!["2.没有现成信息", "0", "0"],
                vec!["3.补正后申请内容仍不明确", "1", "1"],
                vec!["4.其他", "2", "2"],
                vec!["5.重复", "3", "3"],
                vec!["(七)总计", "6", "6"],
                vec!["规章", "3", "0"],
                vec!["行政许可", "5", "1"],
                vec!["行政处罚", "6", "2"],
            ]
        );
    }

    #[test]
    fn a_narrow_grid_table_whose_every_row_wraps_is_read_row_by_row() {
        // pandoc plain at 80 columns: every label wraps two characters a
        // line, so no row is one line and no two numeric lines are a rule
        // apart; the rows are still ruled off one by one. A markdown table
        // after it (no rule under its rows) stays as it is.
        let text = Text::from_utf8_text(concat!(
            "+-------+-------+-------+\n",
            "| 一、  | 0     | 0     |\n",
            "| 本年  |       |       |\n",
            "| 新收  |       |       |\n",
            "+-------+-------+-------+\n",
            "| 二、  | 4     | 4     |\n",
            "| 上年  |       |       |\n",
            "| 结转  |       |       |\n",
            "+-------+-------+-------+\n",
            "| (七)  | 6     | 6     |\n",
            "| 总计  |       |       |\n",
            "+-------+-------+-------+\n",
            "\n",
            "| 规章 | 3 | 0 |\n",
            "|---|---|---|\n",
            "| 行政许可 | 5 | 1 |\n",
            "| 行政处罚 | 6 | 2 |\n",
        ));
        assert_eq!(
            cells_of(&read(&text, Format::Text)),
            [
                vec!["一、本年新收", "0", "0"],
                vec!["二、上年结转", "4", "4"],
                vec!["(七)总计", "6", "6"],
                vec!["规章", "3", "0"],
                vec!["行政许可", "5", "1"],
                vec!["行政处罚", "6", "2"],
            ]
        );
    }

    #[test]
    fn inline_html_and_escaped_pipes_in_pipe_rows() {
        let text = Text::from_utf8_text(
            "| <span style=\"font-family:宋体;\">行政许可</span> | <span>21</span> |  |\n| 打印本页 \\| 关闭窗口 | 1 |\n| 规章 | 3 | 0 |\n",
        );
        let doc = read(&text, Format::Text);
        assert_eq!(
            cells_of(&doc),
            [
                vec!["行政许可", "21", ""],
                vec!["打印本页 \\| 关闭窗口", "1"],
                vec!["规章", "3", "0"]
            ]
        );
    }

    #[test]
    fn tabbed_rows_keep_empty_cells() {
        let mut v = Votes::default();
        let row = tokenize_line(
            "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t",
            0,
            1,
            &Style::default(),
            &mut v,
        )
        .unwrap();
        assert_eq!(row.cells.len(), 10);
        assert_eq!(row.cells[1].text, "");
        assert_eq!(row.kind, RowKind::Physical);
    }

    #[test]
    fn markdown_rows() {
        let mut v = Votes::default();
        let row = tokenize_line(
            "| 行政事业性收费 | 0 | 0 | |",
            0,
            1,
            &Style::default(),
            &mut v,
        )
        .unwrap();
        assert_eq!(texts(&row), ["行政事业性收费", "0", "0", ""]);
        assert!(tokenize_line("|-----|---|", 0, 1, &Style::default(), &mut v).is_none());
    }

    #[test]
    fn whitespace_only_line_is_a_blank_cell_candidate() {
        let mut v = Votes::default();
        let row = tokenize_line("\u{a0}", 0, 1, &Style::default(), &mut v).unwrap();
        assert_eq!(row.kind, RowKind::BlankCell);
        assert!(tokenize_line("", 0, 1, &Style::default(), &mut v).is_none());
    }
}
