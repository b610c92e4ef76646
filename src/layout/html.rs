//! HTML reader: table rows become [`RowKind::Physical`] rows of `<td>`/`<th>`
//! cells; text outside tables becomes one row per block. A deliberately
//! small tag scanner (not a DOM): reports use plain tables, and the scanner
//! keeps every cell's byte offset, hence its source line, for free.

use std::borrow::Cow;

use super::{Cell, CellCount, Document, Format, Layout, RawRow, RowKind};
use crate::decode::Text;
use crate::normalize::normalize;

/// Elements whose boundaries end a block of prose.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "title",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "tbody",
    "thead",
    "dd",
    "dt",
    "center",
    "blockquote",
    "pre",
    "td",
    "th",
    "span_block",
];

/// How many page-layout tables deep a page may nest its article: each level
/// reads its cell's text once more.
const MAX_LAYOUT_DEPTH: usize = 4;

struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attrs: &'a str,
    end: usize,
}

fn parse_tag(s: &str, start: usize) -> Option<Tag<'_>> {
    let bytes = s.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'!' || bytes[i] == b'-')
    {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = &s[name_start..i];
    let end = memchr::memchr(b'>', &bytes[i..]).map(|p| i + p + 1)?;
    Some(Tag {
        name,
        closing,
        attrs: &s[i..end - 1],
        end,
    })
}

/// A tag name in lower case (in `buf` when it has capitals); names longer
/// than any tag we act on come back empty.
fn lowercase_name<'b>(name: &'b str, buf: &'b mut [u8; 16]) -> &'b str {
    let Some(dst) = buf.get_mut(..name.len()) else {
        return "";
    };
    // Most pages write their tags in lower case: no copy, no UTF-8 check.
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return name;
    }
    dst.copy_from_slice(name.as_bytes());
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).unwrap_or("")
}

/// The numeric value of attribute `name` (lower case), matched case-insensitively.
fn attr_u32(attrs: &str, name: &str) -> Option<u32> {
    let pos = attrs
        .as_bytes()
        .windows(name.len())
        .position(|w| w.eq_ignore_ascii_case(name.as_bytes()))?;
    let rest = &attrs[pos + name.len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    rest[..digits].parse().ok()
}

/// The value of attribute `name` (quoted or not), as written.
fn attr_str<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let bytes = attrs.as_bytes();
    let mut from = 0;
    while let Some(p) = bytes[from..]
        .windows(name.len())
        .position(|w| w.eq_ignore_ascii_case(name.as_bytes()))
    {
        let pos = from + p;
        from = pos + name.len();
        // A whole attribute name: not the tail of another (`data-name`).
        if pos > 0 && !bytes[pos - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(rest) = attrs[from..].trim_start().strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        return Some(match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &rest[1..];
                &inner[..inner.find(q).unwrap_or(inner.len())]
            }
            _ => {
                &rest[..rest
                    .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    .unwrap_or(rest.len())]
            }
        });
    }
    None
}

/// The metadata tags Chinese government CMSs emit (the national website
/// guideline mandates them) as the header lines a crawler writes
/// (`标题:`, `发布时间:`, `来源:`), so the metadata reader sees one form.
fn cms_meta<'a>(text: &'a Text, attrs: &'a str, at: usize) -> Option<RawRow<'a>> {
    let field = match attr_str(attrs, "name")? {
        n if n.eq_ignore_ascii_case("ArticleTitle") => "标题:",
        n if n.eq_ignore_ascii_case("PubDate") => "发布时间:",
        n if n.eq_ignore_ascii_case("ContentSource") => "来源:",
        _ => return None,
    };
    let raw = attr_str(attrs, "content")?.trim();
    if raw.is_empty() {
        return None;
    }
    let offset = raw.as_ptr() as usize - text.as_str().as_ptr() as usize;
    let line = text.line_of(offset.max(at));
    Some(RawRow {
        line,
        kind: RowKind::Single,
        cells: vec![Cell {
            raw,
            text: Cow::Owned(format!("{field}{}", inner_text(raw))),
            offset: offset as u32,
            line,
            value: std::cell::OnceCell::new(),
        }],
        gap_before: false,
    })
}

/// Strips tags and decodes entities.
pub(super) fn inner_text(raw: &str) -> Cow<'_, str> {
    // memchr's searches: std's `find(char)` walks a file's text in slow steps.
    if memchr::memchr2(b'<', b'&', raw.as_bytes()).is_none() {
        return Cow::Borrowed(raw.trim());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('<') {
            match memchr::memchr(b'>', rest.as_bytes()) {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    rest = "";
                }
            }
        } else {
            // An entity name is short (the longest named one has 31
            // bytes): look for its `;` in the next 33 bytes only.
            let name = &rest.as_bytes()[1..rest.len().min(34)];
            let end = memchr::memchr(b';', name).map(|e| e + 1);
            match end {
                Some(e) => {
                    match decode_entity(&rest[1..e]) {
                        Some(c) => out.push_str(&c),
                        None => out.push_str(&rest[..=e]),
                    }
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    let trimmed = out.trim_matches(|c: char| c.is_whitespace());
    Cow::Owned(trimmed.to_owned())
}

/// The text a character reference stands for: any of HTML's named
/// references (the WHATWG list, through `html-escape`), `&#N;` or `&#xN;`.
fn decode_entity(name: &str) -> Option<Cow<'static, str>> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(|c| Cow::Owned(c.to_string()));
    }
    html_escape::NAMED_ENTITIES
        .binary_search_by(|(n, _)| (*n).cmp(name.as_bytes()))
        .ok()
        .map(|i| Cow::Borrowed(html_escape::NAMED_ENTITIES[i].1))
}

struct OpenCell {
    content_start: usize,
    rowspan: u32,
}

pub(super) fn read<'a>(text: &'a Text) -> Document<'a> {
    let s = text.as_str();
    let bytes = s.as_bytes();
    let mut rows: Vec<RawRow<'a>> = Vec::new();
    let mut row_cells: Vec<Cell<'a>> = Vec::new();
    let mut row_line = 0u32;
    let mut open: Option<OpenCell> = None;
    let mut table_depth = 0usize;
    // Tables at this depth and above lay out the page (an old site's
    // `<table>` of banner, menu and article): their cells are prose, and
    // the tables inside them hold the data.
    let mut layout_depth = 0usize;
    let mut prose_start = 0usize;
    let mut result_rowspan = None;
    let mut i = 0usize;
    let mut table_rows = 0usize;

    // Text at byte `from` as one row (a line, or a stretch with inline tags).
    let flush_line = |rows: &mut Vec<RawRow<'a>>, from: usize, raw: &'a str| {
        let text_content = inner_text(raw);
        if text_content.trim().is_empty() {
            return;
        }
        let lead = raw.len() - raw.trim_start().len();
        let offset = from + lead;
        let line = text.line_of(offset);
        rows.push(RawRow {
            line,
            kind: RowKind::Single,
            cells: vec![Cell {
                raw: raw.trim(),
                text: text_content,
                offset: offset as u32,
                line,
                value: std::cell::OnceCell::new(),
            }],
            gap_before: false,
        });
    };
    let flush_prose = |rows: &mut Vec<RawRow<'a>>, from: usize, to: usize| {
        if from >= to {
            return;
        }
        let raw = &s[from..to];
        if let Some(table) = super::text::pipe_table_rows(raw, from, |o| text.line_of(o)) {
            rows.extend(table);
            return;
        }
        if !raw.contains('<') && raw.trim().contains('\n') {
            // Text written over several lines between two tags (a markdown
            // paragraph inside a converter's raw `<div>`): a row per line, so
            // that a count keeps the line it is written on. The lines of one
            // paragraph are read together again (`extract::narrative`).
            let mut at = from;
            for line in raw.split_inclusive('\n') {
                flush_line(rows, at, &line[..line.trim_end().len()]);
                at += line.len();
            }
            return;
        }
        flush_line(rows, from, raw);
    };

    // A tag ends at a `>`: past the last one no tag can be complete, and
    // looking for one from every `<` there made a page of `<a` without a
    // `>` quadratic (32 MB ≈ 40 min).
    let last_gt = memchr::memrchr(b'>', bytes);
    let mut count = CellCount::new(s.len());
    let mut overflow = None;
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + p;
        // Each tag adds at most one cell or row.
        if count.over(&rows, row_cells.len()) {
            overflow = Some(text.line_of(start));
            break;
        }
        if last_gt.is_none_or(|g| g < start) {
            break;
        }
        if s[start..].starts_with("<!--") {
            let end = s[start..].find("-->").map_or(s.len(), |e| start + e + 3);
            i = end;
            continue;
        }
        let Some(tag) = parse_tag(s, start) else {
            i = start + 1;
            continue;
        };
        // Lower-cased on the stack: this runs for every tag of the page.
        let mut lower = [0u8; 16];
        let name = lowercase_name(tag.name, &mut lower);
        if !tag.closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            let end = find_ci(s, tag.end, &close)
                .map_or(s.len(), |e| s[e..].find('>').map_or(s.len(), |g| e + g + 1));
            if open.is_none() && table_depth == layout_depth {
                flush_prose(&mut rows, prose_start, start);
                prose_start = end;
            }
            i = end;
            continue;
        }
        match (name, tag.closing) {
            ("table", false) if open.is_some() && layout_depth < MAX_LAYOUT_DEPTH => {
                // A table inside a cell: the cell's table lays out the page.
                // Its cells read so far are the page's (a menu, a banner):
                // their text is prose; the cell is read again as prose.
                let cell = open.take().map_or(start, |c| c.content_start);
                for c in std::mem::take(&mut row_cells) {
                    flush_line(&mut rows, c.offset as usize, c.raw);
                }
                layout_depth = table_depth;
                prose_start = cell;
                i = cell;
                continue;
            }
            ("table", false) => {
                if open.is_none() {
                    flush_prose(&mut rows, prose_start, start);
                    // The prose ends here: a second `<table>` before the
                    // `</table>` (outside a cell) flushed it all again, so
                    // n of them held n² bytes (a 512 KB file: 9.7 GB).
                    prose_start = tag.end;
                }
                table_depth += 1;
            }
            ("table", true) if table_depth <= layout_depth => {
                flush_prose(&mut rows, prose_start, start);
                table_depth = table_depth.saturating_sub(1);
                layout_depth = table_depth;
                prose_start = tag.end;
            }
            ("table", true) => {
                close_cell(
                    s,
                    text,
                    &mut open,
                    start,
                    &mut row_cells,
                    &mut result_rowspan,
                );
                emit_row(&mut rows, &mut row_cells, row_line, &mut table_rows);
                table_depth = table_depth.saturating_sub(1);
                prose_start = tag.end;
            }
            ("tr", false) if table_depth > layout_depth => {
                close_cell(
                    s,
                    text,
                    &mut open,
                    start,
                    &mut row_cells,
                    &mut result_rowspan,
                );
                emit_row(&mut rows, &mut row_cells, row_line, &mut table_rows);
                row_line = text.line_of(start);
            }
            ("tr", true) if table_depth > layout_depth => {
                close_cell(
                    s,
                    text,
                    &mut open,
                    start,
                    &mut row_cells,
                    &mut result_rowspan,
                );
                emit_row(&mut rows, &mut row_cells, row_line, &mut table_rows);
            }
            ("td" | "th", false) if table_depth > layout_depth => {
                close_cell(
                    s,
                    text,
                    &mut open,
                    start,
                    &mut row_cells,
                    &mut result_rowspan,
                );
                if row_cells.is_empty() {
                    row_line = text.line_of(start);
                }
                open = Some(OpenCell {
                    content_start: tag.end,
                    rowspan: attr_u32(tag.attrs, "rowspan").unwrap_or(1),
                });
            }
            ("td" | "th", true) if table_depth > layout_depth => {
                close_cell(
                    s,
                    text,
                    &mut open,
                    start,
                    &mut row_cells,
                    &mut result_rowspan,
                );
            }
            ("meta", false) => {
                if let Some(row) = cms_meta(text, tag.attrs, start) {
                    rows.push(row);
                }
            }
            _ => {
                if table_depth == layout_depth && BLOCK_TAGS.contains(&name) {
                    flush_prose(&mut rows, prose_start, start);
                    prose_start = tag.end;
                }
            }
        }
        i = tag.end;
    }
    if overflow.is_none() && table_depth == layout_depth {
        flush_prose(&mut rows, prose_start, s.len());
    }
    if overflow.is_none() && count.over(&rows, row_cells.len()) {
        overflow = Some(text.line_count() as u32);
    }
    let layout = if table_rows > 0 {
        Layout::HtmlTable
    } else {
        Layout::None
    };
    Document {
        format: Format::Html,
        layout,
        rows,
        result_rowspan,
        blocks: false,
        padded_rows: false,
        overflow,
    }
}

fn find_ci(s: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = &s.as_bytes()[from..];
    let n = needle.as_bytes();
    hay.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map(|p| from + p)
}

fn close_cell<'a>(
    s: &'a str,
    text: &Text,
    open: &mut Option<OpenCell>,
    end: usize,
    row_cells: &mut Vec<Cell<'a>>,
    result_rowspan: &mut Option<u32>,
) {
    let Some(cell) = open.take() else { return };
    let raw_full = &s[cell.content_start..end.max(cell.content_start)];
    let raw = raw_full.trim();
    let lead = raw_full.len() - raw_full.trim_start().len();
    let content = inner_text(raw);
    if cell.rowspan > 1 && normalize(&content).contains("本年度办理结果") {
        *result_rowspan = Some(cell.rowspan);
    }
    let mut offset = cell.content_start + lead;
    // `raw` is the cell as written: when the visible text occurs verbatim
    // inside the markup (`<p><span>0</span></p>`), point at it, not at the tags.
    let visible = content.trim();
    let mut raw = raw;
    if !visible.is_empty()
        && visible.len() < raw.len()
        && let Some(pos) = visible_at(raw, visible)
    {
        raw = &raw[pos..pos + visible.len()];
        offset += pos;
    } else if visible.is_empty() && raw.contains('<') {
        // A blank cell (`<p><br/></p>`, `<p>&nbsp;</p>`): its raw text is
        // what it holds between the tags, not the markup.
        let (pos, held) = text_between_tags(raw);
        raw = held;
        offset += pos;
    }
    row_cells.push(Cell {
        raw,
        text: content,
        offset: offset as u32,
        line: text.line_of(offset),
        value: std::cell::OnceCell::new(),
    });
}

/// The first text between the tags of `raw` that is not whitespace
/// (`&nbsp;`), with its offset; else an empty text where the cell starts.
fn text_between_tags(raw: &str) -> (usize, &str) {
    let mut pos = 0;
    while pos < raw.len() {
        let rest = &raw[pos..];
        let next_tag = memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len());
        let run = &rest[..next_tag];
        let held = run.trim();
        if !held.is_empty() {
            return (pos + (run.len() - run.trim_start().len()), held);
        }
        pos += next_tag;
        match memchr::memchr(b'>', &raw.as_bytes()[pos..]) {
            Some(end) => pos += end + 1,
            None => break,
        }
    }
    (0, &raw[..0])
}

/// Where `visible` is written verbatim in `raw`: first where the text
/// starts after the leading tags (the common `<p><span>0</span></p>`, found
/// without a substring search, and never inside a tag's attributes), else
/// anywhere.
fn visible_at(raw: &str, visible: &str) -> Option<usize> {
    let mut pos = 0;
    loop {
        let rest = &raw[pos..];
        let text = rest.trim_start();
        pos += rest.len() - text.len();
        if !text.starts_with('<') {
            break;
        }
        match memchr::memchr(b'>', text.as_bytes()) {
            Some(end) => pos += end + 1,
            None => break,
        }
    }
    if raw[pos..].starts_with(visible) {
        return Some(pos);
    }
    raw.find(visible)
}

fn emit_row<'a>(
    rows: &mut Vec<RawRow<'a>>,
    cells: &mut Vec<Cell<'a>>,
    line: u32,
    table_rows: &mut usize,
) {
    if cells.is_empty() {
        return;
    }
    *table_rows += 1;
    rows.push(RawRow {
        line: line.max(1),
        kind: RowKind::Physical,
        // The next row is most likely as wide as this one.
        cells: std::mem::replace(cells, Vec::with_capacity(cells.len())),
        gap_before: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document<'_>) -> Vec<Vec<String>> {
        doc.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.to_string()).collect())
            .collect()
    }

    #[test]
    fn every_named_character_reference_is_decoded() {
        let cell = "&ldquo;三安全一稳定&rdquo;&hellip;&yen;5&times;2&nbsp;&emsp;&#20013;&#x6587;&CounterClockwiseContourIntegral;&notanentity;&amp";
        assert_eq!(
            inner_text(cell),
            "\u{201c}三安全一稳定\u{201d}\u{2026}\u{a5}5\u{d7}2\u{a0}\u{2003}中文\u{2233}&notanentity;&amp"
        );
    }

    #[test]
    fn pipe_tables_beside_html_tables_are_read_too() {
        // pandoc's gfm: a table it can express as pipes, then one it cannot.
        let md = "### 二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| <span style=\"a\">规章</span> | <span>3</span> |\n\n### 三、收到和处理\n\n<table>\n<tr><td>一、本年新收</td><td>2</td></tr>\n</table>\n";
        let text = Text::from_utf8_text(md);
        let doc = read(&text);
        let texts = texts(&doc);
        assert_eq!(texts[0], ["二、主动公开政府信息情况"]);
        assert_eq!(texts[1], ["信息内容", "本年制发件数"]);
        assert_eq!(texts[2], ["规章", "3"]);
        assert_eq!(doc.rows[2].line, 5);
        assert_eq!(texts[4], ["一、本年新收", "2"]);
    }

    #[test]
    fn reads_cells_with_lines_entities_and_rowspan() {
        let html = "<html><body><p>一、总体情况</p>\n<table>\n<tr><td rowspan=\"22\">三、本年度<br />办理结果</td><td>（一）予以公开</td><td>1</td><td>&nbsp;</td></tr>\n<tr><td>2</td></tr></table><p>五、存在的主要问题</p></body></html>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        assert_eq!(doc.layout, Layout::HtmlTable);
        assert_eq!(doc.result_rowspan, Some(22));
        let texts = texts(&doc);
        assert_eq!(texts[0], ["一、总体情况"]);
        assert_eq!(texts[1], ["三、本年度办理结果", "（一）予以公开", "1", ""]);
        assert_eq!(doc.rows[1].line, 3);
        assert_eq!(doc.rows[1].cells[3].raw, "&nbsp;");
        assert_eq!(texts[2], ["2"]);
        assert_eq!(texts[3], ["五、存在的主要问题"]);
    }

    #[test]
    fn a_cells_raw_text_points_at_its_visible_text_not_into_a_tag() {
        let html = "<table><tr><td><p style=\"margin:0\"> <span>0</span></p></td><td>&nbsp;1</td><td>2<br>3</td></tr></table>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        let cells = &doc.rows[0].cells;
        assert_eq!(cells[0].raw, "0");
        assert_eq!(&html[cells[0].offset as usize..][..17], "0</span></p></td>");
        // Not verbatim after the tags: the first occurrence anywhere.
        assert_eq!(cells[1].raw, "1");
        assert_eq!(&html[cells[1].offset as usize..][..1], "1");
        // Not verbatim at all: the whole cell.
        assert_eq!(cells[2].text, "23");
        assert_eq!(cells[2].raw, "2<br>3");
    }

    #[test]
    fn a_blank_cells_raw_text_is_what_it_holds_not_its_markup() {
        // LibreOffice's HTML export of an empty Word cell, and a CMS's `&nbsp;`.
        let html = "<table><tr><td><p style=\"orphans: 0\">\n\t<br/>\n</p></td><td><p><span>&nbsp;</span></p></td></tr></table>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        let cells = &doc.rows[0].cells;
        assert_eq!((cells[0].text.as_ref(), cells[0].raw), ("", ""));
        assert_eq!(&html[cells[0].offset as usize..][..2], "<p");
        assert_eq!(cells[1].raw, "&nbsp;");
        assert_eq!(&html[cells[1].offset as usize..][..6], "&nbsp;");
    }

    #[test]
    fn text_over_several_lines_between_tags_is_a_row_a_line() {
        // pandoc's gfm: a markdown paragraph inside a raw `<div>`, beside
        // raw `<table>`s; text with inline tags stays one row.
        let html = "<div class=\"content\">\n\n本报告由某县人民政府办公室根据（国令第\n711 号）要求编制。\n\n共收到申请 12\n件。\n<p>主动<b>公开</b>\n38 条</p></div>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        let rows: Vec<(u32, String)> = doc
            .rows
            .iter()
            .map(|r| (r.line, r.cells[0].text.to_string()))
            .collect();
        assert_eq!(
            rows,
            [
                (3, "本报告由某县人民政府办公室根据（国令第".to_owned()),
                (4, "711 号）要求编制。".to_owned()),
                (6, "共收到申请 12".to_owned()),
                (7, "件。".to_owned()),
                (8, "主动公开\n38 条".to_owned()),
            ]
        );
    }

    #[test]
    fn tables_opened_again_and_again_do_not_repeat_the_prose() {
        let html = format!("<html><body><p>前言</p>{}", "<table>文字".repeat(20_000));
        let text = Text::from_utf8_text(&html);
        let doc = read(&text);
        let bytes: usize = doc
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.text.len())
            .sum();
        assert!(
            bytes <= html.len(),
            "{bytes} bytes of cells from {} bytes",
            html.len()
        );
    }

    #[test]
    fn a_page_laid_out_in_a_table_reads_its_article_as_prose_and_its_tables_as_data() {
        // An old site's layout: banner, menu (a table of its own) and the
        // article in the cells of one `<table>`.
        let html = "<table><tr><td colspan=\"2\"><img src=\"b.jpg\"></td></tr>\n<tr><td><table><tr><td>首页</td></tr></table></td>\n<td>\n<h1>某县2023年政府信息公开工作年度报告</h1>\n<p>全年公开信息\n共 30 条。</p>\n<table><tr><td>规章</td><td>0</td><td>1</td></tr></table>\n<p>某县人民政府</p>\n</td></tr>\n<tr><td colspan=\"2\">版权所有</td></tr></table>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        let texts = texts(&doc);
        let at = |t: &str| texts.iter().position(|r| r.len() == 1 && r[0] == t);
        let title =
            at("某县2023年政府信息公开工作年度报告").expect("the title is a row of its own");
        let signed = at("某县人民政府").expect("the signature is a row of its own");
        let table = texts
            .iter()
            .position(|r| r == &["规章", "0", "1"])
            .expect("the data row");
        assert!(title < table && table < signed, "{texts:?}");
        // A paragraph over two lines keeps a row a line.
        let count = doc
            .rows
            .iter()
            .find(|r| r.cells[0].text.contains("30"))
            .unwrap();
        assert_eq!(count.line, 6);
        assert_eq!(doc.layout, Layout::HtmlTable);
    }

    #[test]
    fn tag_and_attribute_names_are_case_insensitive() {
        let html = "<HTML><BODY><P>一、总体情况</P>\n<Table>\n<TR><TD RowSpan = '20'>三、本年度办理结果</TD><TD>（一）予以公开</TD><TD>1</TD></TR>\n<SCRIPT>var x = '<td>9</td>';</SCRIPT></TABLE></BODY></HTML>";
        let text = Text::from_utf8_text(html);
        let doc = read(&text);
        assert_eq!(doc.result_rowspan, Some(20));
        let texts = texts(&doc);
        assert_eq!(texts[0], ["一、总体情况"]);
        assert_eq!(texts[1], ["三、本年度办理结果", "（一）予以公开", "1"]);
        assert_eq!(texts.len(), 2, "the script's markup is not read: {texts:?}");
    }
}
