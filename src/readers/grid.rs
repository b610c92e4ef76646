//! Page geometry → [`Block`]s: table grids rebuilt from ruling lines, and
//! the remaining glyphs as prose lines in reading order.
//!
//! The approach (`shared/spec/readers.md`): rules snap into lattice lines;
//! each unit box of the lattice is joined with its neighbour wherever the
//! edge between them is not drawn, so a merged cell is one group of boxes
//! and its extent gives its rowspan × colspan. Each glyph goes to the cell
//! holding its centre. A table followed (page numbers aside) by a table on
//! the next page with the same column edges is one table; a cell or a row
//! cut by that page break is one cell or row (see [`join`]).

use super::pdf::{Glyph, Page};
use super::{Block, Origin, TableCell};

/// Positions closer than this (points) are one lattice line.
const SNAP: f32 = 2.0;

/// A horizontal (`a` = y, `b0..b1` = x) or vertical (`a` = x, `b0..b1` = y) segment.
#[derive(Debug, Clone, Copy)]
struct Seg {
    a: f32,
    b0: f32,
    b1: f32,
}

/// A cell of a rebuilt grid, in lattice units (rows from the top).
#[derive(Debug, Clone)]
struct GridCell {
    r0: usize,
    r1: usize,
    c0: usize,
    c1: usize,
    glyphs: Vec<usize>,
    bbox: [f32; 4],
    page: u32,
}

/// One table on one page (or continued over several).
#[derive(Debug, Clone)]
struct Grid {
    /// Column edges, left to right.
    xs: Vec<f32>,
    rows: usize,
    cells: Vec<GridCell>,
    /// Per column of the last row: no rule under it.
    open_bottom: Vec<bool>,
    /// Per column of the first row: no rule above it.
    open_top: Vec<bool>,
    /// Top y on its first page (for reading order).
    top: f32,
}

/// What a page holds, in reading order.
enum Item {
    Line(String, [f32; 4]),
    Grid(Grid, Vec<String>),
}

/// Reads pages into blocks; the flag says whether any table was rebuilt.
#[must_use]
pub fn read(pages: &[Page]) -> (Vec<Block>, bool) {
    let mut blocks: Vec<Block> = Vec::new();
    let mut any_table = false;
    // The last table read, while nothing but page furniture followed it.
    let mut open: Option<(Grid, Vec<String>)> = None;
    for page in pages {
        for item in read_page(page) {
            match item {
                Item::Line(text, bbox) => {
                    if is_furniture(&text) {
                        // A page number between two parts of one table.
                        blocks.push(Block::Line(
                            text,
                            Some(Origin {
                                page: Some(page.number),
                                bbox: Some(bbox),
                            }),
                        ));
                        continue;
                    }
                    if let Some((grid, texts)) = open.take() {
                        blocks.push(table_block(&grid, &texts));
                    }
                    blocks.push(Block::Line(
                        text,
                        Some(Origin {
                            page: Some(page.number),
                            bbox: Some(bbox),
                        }),
                    ));
                }
                Item::Grid(grid, texts) => {
                    any_table = true;
                    open = Some(match open.take() {
                        Some((prev, prev_texts)) if continues(&prev, &grid) => {
                            join(prev, prev_texts, grid, texts)
                        }
                        Some((prev, prev_texts)) => {
                            blocks.push(table_block(&prev, &prev_texts));
                            (grid, texts)
                        }
                        None => (grid, texts),
                    });
                }
            }
        }
    }
    if let Some((grid, texts)) = open {
        blocks.push(table_block(&grid, &texts));
    }
    (blocks, any_table)
}

/// A page number or running header that may sit between two parts of a table.
fn is_furniture(text: &str) -> bool {
    crate::layout::is_page_number(text)
}

/// The next page's first table continues the last one: same column edges.
fn continues(prev: &Grid, next: &Grid) -> bool {
    prev.xs.len() == next.xs.len()
        && prev
            .xs
            .iter()
            .zip(&next.xs)
            .all(|(a, b)| (a - b).abs() <= SNAP)
}

/// Appends `next` under `prev`. A cell cut by the page break is one cell:
/// one left open by the rules on both sides of the break, or a merged label
/// (several rows on either page) whose continuation in the same columns is
/// empty or the rest of its text (`（四）无` | `法提供`). Word and WPS
/// draw both a bottom and a top rule at the break, so the rules alone
/// cannot tell; a value cell never spans rows, so values are never merged.
/// A row split by the break (LibreOffice lets rows break: the label's
/// rest and empty value cells on the next page) is one row.
fn join(
    mut prev: Grid,
    mut prev_texts: Vec<String>,
    next: Grid,
    next_texts: Vec<String>,
) -> (Grid, Vec<String>) {
    let last = prev.rows.saturating_sub(1);
    let partner_of = |prev: &Grid, cell: &GridCell| {
        (cell.r0 == 0)
            .then(|| {
                prev.cells
                    .iter()
                    .position(|p| p.r1 == last && p.c0 == cell.c0 && p.c1 == cell.c1)
            })
            .flatten()
    };
    // A split row: every cell of the first row continues the cell above it.
    let first_row: Vec<(usize, &GridCell)> = next
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| c.r0 == 0)
        .collect();
    let split_row = !first_row.is_empty()
        && first_row.iter().all(|&(k, cell)| {
            partner_of(&prev, cell).is_some_and(|i| {
                let text = &next_texts[k];
                text.is_empty() || continues_label(&prev_texts[i], text)
            })
        });
    let offset = if split_row { last } else { prev.rows };
    for (cell, text) in next.cells.iter().zip(next_texts) {
        let partner = partner_of(&prev, cell).filter(|&i| {
            if split_row {
                return true;
            }
            let p = &prev.cells[i];
            let open = (cell.c0..=cell.c1).all(|c| {
                next.open_top.get(c) == Some(&true) && prev.open_bottom.get(c) == Some(&true)
            });
            let label = (p.r1 > p.r0 || cell.r1 > cell.r0)
                && !prev_texts[i].is_empty()
                && (text.is_empty() || continues_label(&prev_texts[i], &text));
            open || label
        });
        match partner {
            Some(i) => {
                prev.cells[i].r1 = prev.cells[i].r1.max(cell.r1 + offset);
                prev_texts[i].push_str(&text);
            }
            None => {
                prev.cells.push(GridCell {
                    r0: cell.r0 + offset,
                    r1: cell.r1 + offset,
                    ..cell.clone()
                });
                prev_texts.push(text);
            }
        }
    }
    prev.rows = offset + next.rows;
    prev.open_bottom = next.open_bottom;
    (prev, prev_texts)
}

/// `rest` reads as the rest of the label `head`, not a label of its own:
/// neither is a number, and `rest` does not open with a label's ordinal
/// (`（四）`, `4.`, `四、`).
fn continues_label(head: &str, rest: &str) -> bool {
    let numeric = |s: &str| {
        s.chars().any(|c| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_digit() || ",.-+ ".contains(c))
    };
    if numeric(head) || numeric(rest) {
        return false;
    }
    let mut chars = rest.chars();
    let first = chars.next();
    let second = chars.next();
    let ordinal = matches!(first, Some('（' | '(' | '0'..='9' | '０'..='９'))
        || (first.is_some_and(|c| "一二三四五六七八九十".contains(c)) && second == Some('、'));
    !ordinal
}

/// A grid as a table block: per row, the cells that start in it.
fn table_block(grid: &Grid, texts: &[String]) -> Block {
    let mut rows: Vec<Vec<(usize, TableCell)>> = vec![Vec::new(); grid.rows];
    for (cell, text) in grid.cells.iter().zip(texts) {
        if let Some(row) = rows.get_mut(cell.r0) {
            row.push((
                cell.c0,
                TableCell {
                    text: text.clone(),
                    rowspan: (cell.r1 - cell.r0 + 1) as u32,
                    colspan: (cell.c1 - cell.c0 + 1) as u32,
                    origin: Some(Origin {
                        page: Some(cell.page),
                        bbox: Some(cell.bbox),
                    }),
                },
            ));
        }
    }
    Block::Table(
        rows.into_iter()
            .map(|mut row| {
                row.sort_by_key(|(c, _)| *c);
                row.into_iter().map(|(_, c)| c).collect()
            })
            .collect(),
    )
}

/// Sorted values, those within [`SNAP`] of the previous one dropped.
fn snap(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::with_capacity(values.len());
    for v in values {
        match out.last() {
            Some(&l) if v - l <= SNAP => {}
            _ => out.push(v),
        }
    }
    out
}

/// Collinear segments that overlap or touch become one.
fn merge(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|a, b| a.a.total_cmp(&b.a).then(a.b0.total_cmp(&b.b0)));
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    'next: for s in segs {
        for o in out.iter_mut().rev() {
            if s.a - o.a > 1.0 {
                break;
            }
            if (s.a - o.a).abs() <= 1.0 && s.b0 <= o.b1 + 1.5 && s.b1 >= o.b0 - 1.5 {
                o.b0 = o.b0.min(s.b0);
                o.b1 = o.b1.max(s.b1);
                continue 'next;
            }
        }
        out.push(s);
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn unite(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

fn read_page(page: &Page) -> Vec<Item> {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for r in &page.rules {
        let [x0, y0, x1, y1] = r.rect;
        if r.is_horizontal() {
            if x1 - x0 >= 3.0 {
                hs.push(Seg {
                    a: (y0 + y1) / 2.0,
                    b0: x0,
                    b1: x1,
                });
            }
        } else if y1 - y0 >= 3.0 {
            vs.push(Seg {
                a: (x0 + x1) / 2.0,
                b0: y0,
                b1: y1,
            });
        }
    }
    let hs = merge(hs);
    let vs = merge(vs);
    // Connected components of touching segments: each with two or more of
    // each direction is a table.
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.a >= h.b0 - SNAP && v.a <= h.b1 + SNAP && h.a >= v.b0 - SNAP && h.a <= v.b1 + SNAP
            {
                unite(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut groups: Vec<(Vec<Seg>, Vec<Seg>)> = Vec::new();
    let mut root_of: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = *root_of[root].get_or_insert_with(|| {
            groups.push((Vec::new(), Vec::new()));
            groups.len() - 1
        });
        if i < hs.len() {
            groups[g].0.push(hs[i]);
        } else {
            groups[g].1.push(vs[i - hs.len()]);
        }
    }
    let mut used = vec![false; page.glyphs.len()];
    let mut items: Vec<(f32, Item)> = Vec::new();
    for (h, v) in groups {
        if h.len() < 2 || v.len() < 2 {
            continue;
        }
        if let Some((grid, texts)) = build_grid(page, &h, &v, &mut used) {
            items.push((grid.top, Item::Grid(grid, texts)));
        }
    }
    let free: Vec<usize> = (0..page.glyphs.len()).filter(|&i| !used[i]).collect();
    for (text, bbox) in lines(&page.glyphs, &free) {
        items.push((bbox[3], Item::Line(text, bbox)));
    }
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    items.into_iter().map(|(_, i)| i).collect()
}

fn build_grid(
    page: &Page,
    hs: &[Seg],
    vs: &[Seg],
    used: &mut [bool],
) -> Option<(Grid, Vec<String>)> {
    let mut xs_raw: Vec<f32> = vs.iter().map(|v| v.a).collect();
    xs_raw.push(hs.iter().map(|h| h.b0).fold(f32::MAX, f32::min));
    xs_raw.push(hs.iter().map(|h| h.b1).fold(f32::MIN, f32::max));
    let xs = snap(xs_raw);
    let mut ys_raw: Vec<f32> = hs.iter().map(|h| h.a).collect();
    ys_raw.push(vs.iter().map(|v| v.b0).fold(f32::MAX, f32::min));
    ys_raw.push(vs.iter().map(|v| v.b1).fold(f32::MIN, f32::max));
    // Where three or more verticals end together without a rule: the row
    // cut by a page break.
    for end in vs.iter().flat_map(|v| [v.b0, v.b1]) {
        if vs
            .iter()
            .filter(|v| (v.b0 - end).abs() <= SNAP || (v.b1 - end).abs() <= SNAP)
            .count()
            >= 3
        {
            ys_raw.push(end);
        }
    }
    let mut ys = snap(ys_raw);
    ys.reverse(); // top first
    let (nx, ny) = (xs.len(), ys.len());
    if nx < 2 || ny < 2 || nx > 200 || ny > 500 {
        return None;
    }
    let (cols, rows) = (nx - 1, ny - 1);
    let covers = |segs: &[Seg], a: f32, mid: f32| {
        segs.iter()
            .any(|s| (s.a - a).abs() <= SNAP && s.b0 - SNAP <= mid && mid <= s.b1 + SNAP)
    };
    // hdrawn[j * cols + c]: the rule at ys[j] over column c.
    let hdrawn: Vec<bool> = (0..ny)
        .flat_map(|j| (0..cols).map(move |c| (j, c)))
        .map(|(j, c)| covers(hs, ys[j], (xs[c] + xs[c + 1]) / 2.0))
        .collect();
    // vdrawn[r * nx + i]: the rule at xs[i] beside row r.
    let vdrawn: Vec<bool> = (0..rows)
        .flat_map(|r| (0..nx).map(move |i| (r, i)))
        .map(|(r, i)| covers(vs, xs[i], (ys[r] + ys[r + 1]) / 2.0))
        .collect();
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !vdrawn[r * nx + c + 1] {
                unite(&mut parent, r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !hdrawn[(r + 1) * cols + c] {
                unite(&mut parent, r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let mut cell_of_root: Vec<Option<usize>> = vec![None; rows * cols];
    let mut cells: Vec<GridCell> = Vec::new();
    let mut box_cell = vec![0usize; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let k = *cell_of_root[root].get_or_insert_with(|| {
                cells.push(GridCell {
                    r0: r,
                    r1: r,
                    c0: c,
                    c1: c,
                    glyphs: Vec::new(),
                    bbox: [0.0; 4],
                    page: page.number,
                });
                cells.len() - 1
            });
            let cell = &mut cells[k];
            cell.r0 = cell.r0.min(r);
            cell.r1 = cell.r1.max(r);
            cell.c0 = cell.c0.min(c);
            cell.c1 = cell.c1.max(c);
            box_cell[r * cols + c] = k;
        }
    }
    let (left, right, top, bottom) = (xs[0], xs[cols], ys[0], ys[rows]);
    for (i, g) in page.glyphs.iter().enumerate() {
        if used[i] {
            continue;
        }
        let (x, y) = g.center();
        if x < left || x > right || y > top || y < bottom {
            continue;
        }
        let c = xs.partition_point(|&e| e <= x).clamp(1, cols) - 1;
        let r = ys.partition_point(|&e| e >= y).clamp(1, rows) - 1;
        cells[box_cell[r * cols + c]].glyphs.push(i);
        used[i] = true;
    }
    // A group of boxes not closed by rules and holding no text is outside
    // the table (a ragged edge), not a blank cell.
    let closed = |cell: &GridCell| {
        (cell.c0..=cell.c1).all(|c| hdrawn[cell.r0 * cols + c] || cell.r0 == 0)
            && (cell.c0..=cell.c1).all(|c| hdrawn[(cell.r1 + 1) * cols + c] || cell.r1 + 1 == rows)
            && (cell.r0..=cell.r1).all(|r| vdrawn[r * nx + cell.c0])
            && (cell.r0..=cell.r1).all(|r| vdrawn[r * nx + cell.c1 + 1])
    };
    cells.retain(|c| !c.glyphs.is_empty() || closed(c));
    for cell in &mut cells {
        cell.bbox = [xs[cell.c0], ys[cell.r1 + 1], xs[cell.c1 + 1], ys[cell.r0]];
    }
    cells.sort_by_key(|c| (c.r0, c.c0));
    let texts = cells
        .iter()
        .map(|c| cell_text(&page.glyphs, &c.glyphs))
        .collect();
    let open_bottom = (0..cols).map(|c| !hdrawn[rows * cols + c]).collect();
    let open_top = (0..cols).map(|c| !hdrawn[c]).collect();
    Some((
        Grid {
            xs,
            rows,
            cells,
            open_bottom,
            open_top,
            top,
        },
        texts,
    ))
}

/// Glyphs grouped into visual lines (top to bottom), each line's glyphs
/// left to right.
fn group_lines(glyphs: &[Glyph], which: &[usize]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = which.to_vec();
    order.sort_by(|&a, &b| glyphs[b].center().1.total_cmp(&glyphs[a].center().1));
    let mut lines: Vec<(f32, f32, Vec<usize>)> = Vec::new(); // (y, size, glyphs)
    for i in order {
        let g = &glyphs[i];
        let (_, y) = g.center();
        match lines.last_mut() {
            Some((ly, size, members)) if (*ly - y).abs() <= 0.4 * size.max(g.size) => {
                members.push(i);
            }
            _ => lines.push((y, g.size.max(1.0), vec![i])),
        }
    }
    lines
        .into_iter()
        .map(|(_, _, mut members)| {
            members.sort_by(|&a, &b| glyphs[a].bbox[0].total_cmp(&glyphs[b].bbox[0]));
            members
        })
        .collect()
}

/// One line's text: a space where the gap between two glyphs is wide.
fn line_text(glyphs: &[Glyph], line: &[usize]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    for &i in line {
        let g = &glyphs[i];
        if let Some(p) = prev {
            // Overprinted (fake bold): the same glyph drawn twice.
            if p.text == g.text && (g.bbox[0] - p.bbox[0]).abs() < 0.3 * g.size {
                continue;
            }
            if g.bbox[0] - p.bbox[2] > 0.6 * g.size.max(p.size) {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        prev = Some(g);
    }
    out
}

/// A cell's text: its lines joined, a space only between ASCII words.
fn cell_text(glyphs: &[Glyph], which: &[usize]) -> String {
    let mut out = String::new();
    for line in group_lines(glyphs, which) {
        let t = line_text(glyphs, &line);
        let t = t.trim();
        if out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && t.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Prose: each visual line with its box. Lines set in one heading font
/// (larger than the page's prose) one right under the other are one
/// heading: a title wrapped by the page width (`…政府信息公开工作` /
/// `年度报告`, as a browser prints a long `<h1>`) is read as one line.
fn lines(glyphs: &[Glyph], which: &[usize]) -> Vec<(String, [f32; 4])> {
    let mut sizes: Vec<f32> = which.iter().map(|&i| glyphs[i].size).collect();
    sizes.sort_by(f32::total_cmp);
    let body = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
    let mut out: Vec<(String, [f32; 4], f32)> = Vec::new();
    for line in group_lines(glyphs, which) {
        let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        let mut size = 0.0f32;
        for &i in &line {
            let b = glyphs[i].bbox;
            bbox = [
                bbox[0].min(b[0]),
                bbox[1].min(b[1]),
                bbox[2].max(b[2]),
                bbox[3].max(b[3]),
            ];
            size = size.max(glyphs[i].size);
        }
        let text = line_text(glyphs, &line).trim().to_owned();
        if text.is_empty() {
            continue;
        }
        if let Some((prev, pb, psize)) = out.last_mut() {
            let heading = size >= 1.2 * body && (*psize - size).abs() <= 0.05 * size;
            // The gap between the two lines' boxes is less than a line.
            if heading && pb[1] > bbox[1] && pb[1] - bbox[3] <= 0.8 * size {
                prev.push_str(&text);
                *pb = [
                    pb[0].min(bbox[0]),
                    pb[1].min(bbox[1]),
                    pb[2].max(bbox[2]),
                    pb[3].max(bbox[3]),
                ];
                continue;
            }
        }
        out.push((text, bbox, size));
    }
    out.into_iter().map(|(t, b, _)| (t, b)).collect()
}

/// Every page's glyphs as positioned text lines, for a PDF without table
/// rules: columns kept apart by runs of spaces, as `pdftotext -layout`
/// writes them, so the text layouts read them.
#[must_use]
pub fn read_positioned(pages: &[Page]) -> Vec<(String, Origin)> {
    let mut out = Vec::new();
    for page in pages {
        let all: Vec<usize> = (0..page.glyphs.len()).collect();
        for line in group_lines(&page.glyphs, &all) {
            let mut text = String::new();
            let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
            let mut prev: Option<&Glyph> = None;
            for &i in &line {
                let g = &page.glyphs[i];
                if let Some(p) = prev {
                    if p.text == g.text && (g.bbox[0] - p.bbox[0]).abs() < 0.3 * g.size {
                        continue;
                    }
                    let gap = g.bbox[0] - p.bbox[2];
                    let em = g.size.max(p.size).max(1.0);
                    if gap > 1.5 * em {
                        // A column gap: at least two spaces.
                        let n = ((gap / (em / 2.0)) as usize).clamp(2, 40);
                        text.extend(std::iter::repeat_n(' ', n));
                    } else if gap > 0.25 * em {
                        text.push(' ');
                    }
                }
                text.push_str(&g.text);
                let b = g.bbox;
                bbox = [
                    bbox[0].min(b[0]),
                    bbox[1].min(b[1]),
                    bbox[2].max(b[2]),
                    bbox[3].max(b[3]),
                ];
                prev = Some(g);
            }
            let text = text.trim().to_owned();
            if !text.is_empty() {
                out.push((
                    text,
                    Origin {
                        page: Some(page.number),
                        bbox: Some(bbox),
                    },
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::pdf::Rule;
    use super::*;

    fn glyph(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.to_owned(),
            bbox: [x, y - 2.0, x + 10.0, y + 8.0],
            size: 10.0,
            vertical: false,
        }
    }

    fn h(y: f32, x0: f32, x1: f32) -> Rule {
        Rule {
            rect: [x0, y - 0.25, x1, y + 0.25],
        }
    }

    fn v(x: f32, y0: f32, y1: f32) -> Rule {
        Rule {
            rect: [x - 0.25, y0, x + 0.25, y1],
        }
    }

    fn tables(blocks: &[Block]) -> Vec<Vec<Vec<(String, u32, u32)>>> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(rows) => Some(
                    rows.iter()
                        .map(|r| {
                            r.iter()
                                .map(|c| (c.text.clone(), c.rowspan, c.colspan))
                                .collect()
                        })
                        .collect(),
                ),
                Block::Line(..) => None,
            })
            .collect()
    }

    fn cell(t: &str, rs: u32, cs: u32) -> (String, u32, u32) {
        (t.to_owned(), rs, cs)
    }

    /// A 3×3 lattice (x 0/100/200/300, y 300/200/100/0) whose left column
    /// is one cell over the lower two rows, and whose top row is one cell
    /// over the right two columns.
    fn page(number: u32, glyphs: Vec<Glyph>) -> Page {
        Page {
            number,
            glyphs,
            rules: vec![
                h(300.0, 0.0, 300.0),
                h(200.0, 0.0, 300.0),
                h(100.0, 100.0, 300.0),
                h(0.0, 0.0, 300.0),
                v(0.0, 0.0, 300.0),
                v(100.0, 0.0, 300.0),
                v(200.0, 0.0, 200.0),
                v(300.0, 0.0, 300.0),
            ],
            images: 0,
            invisible: 0,
            turn: 0,
        }
    }

    #[test]
    fn merged_cells_become_spans_and_prose_stays_in_reading_order() {
        let p = page(
            1,
            vec![
                glyph("标", 20.0, 400.0),
                glyph("题", 30.0, 400.0),
                glyph("甲", 40.0, 250.0),
                glyph("乙", 240.0, 250.0),
                glyph("丙", 40.0, 50.0),
                glyph("1", 140.0, 150.0),
                glyph("2", 240.0, 150.0),
                glyph("3", 140.0, 50.0),
                glyph("4", 240.0, 50.0),
                glyph("完", 20.0, -50.0),
            ],
        );
        let (blocks, any) = read(&[p]);
        assert!(any);
        assert!(matches!(&blocks[0], Block::Line(t, _) if t == "标题"));
        assert_eq!(
            tables(&blocks),
            [vec![
                vec![cell("甲", 1, 1), cell("乙", 1, 2)],
                vec![cell("丙", 2, 1), cell("1", 1, 1), cell("2", 1, 1)],
                vec![cell("3", 1, 1), cell("4", 1, 1)],
            ]]
        );
        assert!(matches!(blocks.last(), Some(Block::Line(t, _)) if t == "完"));
    }

    #[test]
    fn a_table_continued_on_the_next_page_is_one_table_and_a_split_row_one_row() {
        // Page 2 starts with the rest of the last row of page 1: the rest of
        // its label and an empty value cell, then a row of its own.
        let p1 = page(
            1,
            vec![
                glyph("甲", 40.0, 250.0),
                glyph("乙", 240.0, 250.0),
                glyph("（", 20.0, 150.0),
                glyph("三", 30.0, 150.0),
                glyph("1", 140.0, 150.0),
                glyph("2", 240.0, 150.0),
                glyph("不", 140.0, 50.0),
                glyph("3", 240.0, 50.0),
            ],
        );
        let mut p2 = page(
            2,
            vec![
                glyph("丁", 140.0, 250.0),
                glyph("予", 140.0, 150.0),
                glyph("4", 240.0, 150.0),
                glyph("5", 140.0, 50.0),
                glyph("6", 240.0, 50.0),
            ],
        );
        // Page 2's top row: three columns, the left one continuing.
        p2.rules[2] = h(100.0, 100.0, 300.0);
        p2.rules.push(v(200.0, 200.0, 300.0));
        p2.rules[1] = h(200.0, 100.0, 300.0);
        let (blocks, _) = read(&[p1, p2]);
        let t = tables(&blocks);
        assert_eq!(t.len(), 1, "{t:?}");
        let rows = &t[0];
        assert_eq!(rows.len(), 5, "{rows:?}");
        // The label of the first page's last row got its rest; the empty
        // cell under the value 3 disappeared into it.
        assert!(rows[2].contains(&cell("不丁", 1, 1)), "{rows:?}");
        assert!(rows[2].contains(&cell("3", 1, 1)), "{rows:?}");
        assert_eq!(rows[1][0], cell("（三", 4, 1));
    }

    #[test]
    fn thick_fills_are_backgrounds_and_lone_lines_are_not_tables() {
        let mut p = page(1, vec![glyph("字", 20.0, 400.0)]);
        p.rules.clear();
        p.rules.push(h(500.0, 0.0, 300.0));
        let (blocks, any) = read(&[p]);
        assert!(!any);
        assert_eq!(blocks.len(), 1);
    }
}
