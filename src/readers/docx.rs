//! Word (.docx) reader: `word/document.xml` → [`Block`]s. Paragraphs become
//! prose lines; `w:tbl` becomes a table whose cells carry their spans:
//! `w:gridSpan` as colspan, `w:vMerge` runs as rowspan, `w:gridBefore`
//! skipping grid columns. A table whose cells hold tables is a layout
//! frame, not data: its cells' contents are read in order instead. A text
//! box's paragraphs and tables are read where the box is anchored.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::zip::{Archive, ZipError};
use super::{Block, Rendered, TableCell};
use crate::error::FileError;

/// Fails with a reason naming the format.
fn damaged(reason: impl Into<String>) -> FileError {
    FileError::Damaged {
        format: "docx",
        reason: reason.into(),
    }
}

/// Reads a .docx file.
///
/// # Errors
/// A damaged or bomb-sized package, or XML that does not parse.
pub(super) fn read(bytes: &[u8]) -> Result<Rendered, FileError> {
    let zip_error = |e: ZipError| match e {
        ZipError::Damaged => damaged("the zip container is truncated or corrupt"),
        ZipError::TooManyEntries => damaged(format!(
            "more than {} entries in the package",
            super::zip::MAX_ENTRIES
        )),
        ZipError::TooLarge => damaged(format!(
            "word/document.xml unpacks to more than {} MB",
            super::zip::MAX_ENTRY_BYTES >> 20
        )),
        ZipError::Unsupported => damaged("encrypted or unknown compression in the package"),
    };
    let archive = Archive::open(bytes).map_err(zip_error)?;
    let xml = archive
        .read("word/document.xml")
        .map_err(zip_error)?
        .ok_or_else(|| damaged("no word/document.xml"))?;
    let xml = std::str::from_utf8(&xml).map_err(|_| damaged("word/document.xml is not UTF-8"))?;
    let blocks = read_document(xml)?;
    Ok(super::render(&blocks, "docx", "docx_table"))
}

/// `w:vMerge` of a cell.
#[derive(Clone, Copy, PartialEq, Eq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

struct CellB {
    blocks: Vec<Block>,
    span: u32,
    vmerge: VMerge,
}

struct RowB {
    grid_before: u32,
    cells: Vec<CellB>,
}

/// What is open, innermost last.
enum Frame {
    Body(Vec<Block>),
    Table(Vec<RowB>),
    Row(RowB),
    Cell(CellB),
}

fn attr_val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == b"val")
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// The blocks of a document body.
///
/// # Errors
/// When the XML is malformed.
fn read_document(xml: &str) -> Result<Vec<Block>, FileError> {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Frame::Body(Vec::new())];
    let mut para: Option<String> = None;
    let (mut p_depth, mut r_depth) = (0u32, 0u32);
    let mut in_t = false;
    // A text box (`w:txbxContent`) sits inside a run of the paragraph that
    // anchors it, and holds paragraphs and tables of its own: the
    // anchoring paragraph's state waits here while they are read.
    let mut boxes: Vec<(Option<String>, u32, u32)> = Vec::new();
    // A run whose properties say `w:vanish`: hidden text, not printed.
    let mut hidden = false;
    // Inside `mc:Fallback` (a copy of `mc:Choice` for old readers) and
    // `w:moveFrom` (text a tracked move took away: it stands where it went,
    // in `w:moveTo`) nothing is read.
    let mut skip = 0u32;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| damaged(format!("word/document.xml: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(e) if skip > 0 => {
                let _ = e;
                skip += 1;
            }
            Event::End(_) if skip > 0 => skip -= 1,
            _ if skip > 0 => {}
            Event::Start(e) => match e.local_name().as_ref() {
                b"Fallback" | b"moveFrom" => skip = 1,
                b"txbxContent" => {
                    boxes.push((para.take(), p_depth, r_depth));
                    (p_depth, r_depth, in_t) = (0, 0, false);
                }
                b"p" => {
                    if p_depth == 0 {
                        para = Some(String::new());
                    }
                    p_depth += 1;
                }
                b"r" => r_depth += 1,
                b"t" => in_t = true,
                b"tbl" if p_depth == 0 => stack.push(Frame::Table(Vec::new())),
                b"tr" if p_depth == 0 => stack.push(Frame::Row(RowB {
                    grid_before: 0,
                    cells: Vec::new(),
                })),
                b"tc" if p_depth == 0 => stack.push(Frame::Cell(CellB {
                    blocks: Vec::new(),
                    span: 1,
                    vmerge: VMerge::None,
                })),
                name => on_property(name, &e, &mut stack),
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if r_depth > 0 && !hidden => push_text(&mut para, " "),
                b"br" | b"cr" if r_depth > 0 && !hidden => push_text(&mut para, "\n"),
                // A run's own property (a paragraph mark's `w:vanish` hides
                // the mark only, not the text).
                b"vanish" if r_depth > 0 => {
                    hidden = !matches!(attr_val(&e).as_deref(), Some("0" | "false" | "off"));
                }
                name => on_property(name, &e, &mut stack),
            },
            Event::Text(t) if in_t && !hidden => {
                let text = t
                    .decode()
                    .map_err(|e| damaged(format!("word/document.xml: {e}")))?;
                push_text(&mut para, &text);
            }
            Event::GeneralRef(r) if in_t && !hidden => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    push_text(&mut para, c.encode_utf8(&mut [0; 4]));
                } else if let Ok(name) = r.decode()
                    && let Some(s) = quick_xml::escape::resolve_xml_entity(&name)
                {
                    push_text(&mut para, s);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"txbxContent" => {
                    if let Some((outer, p, r)) = boxes.pop() {
                        (para, p_depth, r_depth, in_t) = (outer, p, r, false);
                    }
                }
                b"r" => {
                    r_depth = r_depth.saturating_sub(1);
                    hidden = false;
                }
                b"p" if p_depth > 0 => {
                    p_depth -= 1;
                    if p_depth == 0
                        && let Some(text) = para.take()
                    {
                        let lines = text
                            .split('\n')
                            .map(|l| Block::Line(l.trim().to_owned(), None));
                        append(&mut stack, lines);
                    }
                }
                b"tc" if p_depth == 0 => {
                    if let Some(Frame::Cell(cell)) =
                        pop_if(&mut stack, |f| matches!(f, Frame::Cell(_)))
                    {
                        if let Some(Frame::Row(row)) = stack.last_mut() {
                            row.cells.push(cell);
                        }
                    }
                }
                b"tr" if p_depth == 0 => {
                    if let Some(Frame::Row(row)) =
                        pop_if(&mut stack, |f| matches!(f, Frame::Row(_)))
                    {
                        if let Some(Frame::Table(rows)) = stack.last_mut() {
                            rows.push(row);
                        }
                    }
                }
                b"tbl" if p_depth == 0 => {
                    if let Some(Frame::Table(rows)) =
                        pop_if(&mut stack, |f| matches!(f, Frame::Table(_)))
                    {
                        let resolved = resolve_table(rows);
                        append(&mut stack, resolved);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    // Whatever is still open (a truncated document) is read as far as it went.
    while stack.len() > 1 {
        match stack.pop() {
            Some(Frame::Cell(cell)) => {
                if let Some(Frame::Row(row)) = stack.last_mut() {
                    row.cells.push(cell);
                }
            }
            Some(Frame::Row(row)) => {
                if let Some(Frame::Table(rows)) = stack.last_mut() {
                    rows.push(row);
                }
            }
            Some(Frame::Table(rows)) => {
                let resolved = resolve_table(rows);
                append(&mut stack, resolved);
            }
            _ => {}
        }
    }
    let blocks = match stack.pop() {
        Some(Frame::Body(blocks)) => blocks,
        _ => Vec::new(),
    };
    Ok(blocks
        .into_iter()
        .filter(|b| !matches!(b, Block::Line(t, _) if t.is_empty()))
        .collect())
}

/// Pops the innermost frame when it is of the expected kind (a stray end
/// tag in a damaged file leaves the stack alone).
fn pop_if(stack: &mut Vec<Frame>, is: impl Fn(&Frame) -> bool) -> Option<Frame> {
    if stack.len() > 1 && stack.last().is_some_and(is) {
        stack.pop()
    } else {
        None
    }
}

fn push_text(para: &mut Option<String>, s: &str) {
    if let Some(p) = para {
        p.push_str(s);
    }
}

/// Table and cell properties: `w:gridSpan`, `w:vMerge`, `w:gridBefore`.
fn on_property(name: &[u8], e: &BytesStart<'_>, stack: &mut [Frame]) {
    match (name, stack.last_mut()) {
        (b"gridSpan", Some(Frame::Cell(cell))) => {
            cell.span = attr_val(e)
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 64);
        }
        (b"vMerge", Some(Frame::Cell(cell))) => {
            cell.vmerge = match attr_val(e).as_deref() {
                Some("restart") => VMerge::Restart,
                _ => VMerge::Continue,
            };
        }
        (b"gridBefore", Some(Frame::Row(row))) => {
            row.grid_before = attr_val(e)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .min(64);
        }
        _ => {}
    }
}

/// Where paragraphs and resolved tables go: the innermost cell, else the
/// body (paragraphs directly in a row or table of a damaged file are dropped).
fn append(stack: &mut [Frame], blocks: impl IntoIterator<Item = Block>) {
    let sink = stack.iter_mut().rev().find_map(|f| match f {
        Frame::Cell(c) => Some(&mut c.blocks),
        Frame::Body(b) => Some(b),
        Frame::Table(_) | Frame::Row(_) => None,
    });
    if let Some(sink) = sink {
        sink.extend(blocks);
    }
}

/// A cell's paragraphs as one string: CJK lines joined as written, a space
/// only between two ASCII letters or digits.
fn cell_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if let Block::Line(t, _) = b {
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
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
    }
    out
}

/// Rows of cells with grid positions → a table block with spans, or, for a
/// layout frame (cells holding tables), the cells' contents in order.
fn resolve_table(rows: Vec<RowB>) -> Vec<Block> {
    let nested = rows
        .iter()
        .flat_map(|r| &r.cells)
        .any(|c| c.blocks.iter().any(|b| matches!(b, Block::Table(_))));
    if nested {
        return rows
            .into_iter()
            .flat_map(|r| r.cells)
            .flat_map(|c| c.blocks)
            .collect();
    }
    let mut out: Vec<Vec<TableCell>> = Vec::with_capacity(rows.len());
    // Grid column → (row, index in row) of the cell a vertical merge started in.
    let mut open: Vec<Option<(usize, usize)>> = Vec::new();
    for (r, row) in rows.into_iter().enumerate() {
        let mut col = row.grid_before as usize;
        let mut cells = Vec::with_capacity(row.cells.len());
        for cell in row.cells {
            let span = cell.span as usize;
            if open.len() < col + span {
                open.resize(col + span, None);
            }
            match (cell.vmerge, open[col]) {
                (VMerge::Continue, Some((ar, ai))) => {
                    if let Some(anchor) = out.get_mut(ar).and_then(|row| row.get_mut(ai)) {
                        anchor.rowspan += 1;
                    }
                }
                (vmerge, _) => {
                    let anchor = (vmerge == VMerge::Restart).then_some((r, cells.len()));
                    for slot in &mut open[col..col + span] {
                        *slot = anchor;
                    }
                    cells.push(TableCell {
                        text: cell_text(&cell.blocks),
                        rowspan: 1,
                        colspan: cell.span,
                        origin: None,
                    });
                }
            }
            col += span;
        }
        out.push(cells);
    }
    vec![Block::Table(out)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
        )
    }

    fn p(t: &str) -> String {
        format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>")
    }

    fn tc(props: &str, t: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(t))
    }

    fn table(blocks: &[Block]) -> Vec<Vec<(String, u32, u32)>> {
        blocks
            .iter()
            .find_map(|b| match b {
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
            .unwrap()
    }

    #[test]
    fn merges_become_spans() {
        let xml = doc(&format!(
            "{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr></w:tbl>{}",
            p("一、总体情况 &amp; 说明"),
            tc("<w:vMerge w:val=\"restart\"/>", "三、本年度办理结果"),
            tc("<w:gridSpan w:val=\"2\"/>", "（一）予以公开"),
            tc("<w:vMerge/>", ""),
            tc("", "1"),
            tc("", "2"),
            p("五、存在的主要问题"),
        ));
        let blocks = read_document(&xml).unwrap();
        assert!(matches!(&blocks[0], Block::Line(t, _) if t == "一、总体情况 & 说明"));
        assert_eq!(
            table(&blocks),
            [
                vec![
                    ("三、本年度办理结果".to_owned(), 2, 1),
                    ("（一）予以公开".to_owned(), 1, 2)
                ],
                vec![("1".to_owned(), 1, 1)],
                vec![("2".to_owned(), 1, 1)],
            ]
        );
        assert!(matches!(blocks.last(), Some(Block::Line(t, _)) if t == "五、存在的主要问题"));
    }

    #[test]
    fn a_frame_table_around_the_tables_is_unwrapped() {
        let inner = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            tc("", "规章"),
            tc("", "3")
        );
        let xml = doc(&format!(
            "<w:tbl><w:tr><w:tc>{}{inner}</w:tc></w:tr></w:tbl>",
            p("二、主动公开政府信息情况")
        ));
        let blocks = read_document(&xml).unwrap();
        assert!(matches!(&blocks[0], Block::Line(t, _) if t == "二、主动公开政府信息情况"));
        assert_eq!(
            table(&blocks),
            [vec![("规章".to_owned(), 1, 1), ("3".to_owned(), 1, 1)]]
        );
    }

    /// Word shows a document with tracked changes as it will read once
    /// they are accepted: an insertion in, a deletion out, moved text where
    /// it went; hidden text (`w:vanish`) is not shown at all.
    #[test]
    fn only_the_text_word_shows_is_read() {
        let cell = |runs: &str| format!("<w:tc><w:p>{runs}</w:p></w:tc>");
        let run = |t: &str| format!("<w:r><w:t>{t}</w:t></w:r>");
        let xml = doc(&format!(
            "<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>{}</w:p><w:tbl><w:tr>{}{}{}{}</w:tr></w:tbl>",
            run("规章"),
            cell(&format!(
                "<w:del><w:r><w:delText>5</w:delText></w:r></w:del><w:ins>{}</w:ins>",
                run("6")
            )),
            cell(&format!("<w:moveFrom>{}</w:moveFrom>", run("7"))),
            cell(&format!(
                "<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t><w:tab/></w:r>{}",
                run("8")
            )),
            cell(&format!(
                "<w:moveTo>{}</w:moveTo><w:r><w:rPr><w:vanish w:val=\"0\"/></w:rPr><w:t>0</w:t></w:r>",
                run("7")
            )),
        ));
        let blocks = read_document(&xml).unwrap();
        assert!(matches!(&blocks[0], Block::Line(t, _) if t == "规章"));
        let texts: Vec<String> = table(&blocks)[0].iter().map(|c| c.0.clone()).collect();
        assert_eq!(texts, ["6", "", "8", "70"]);
    }

    /// A table pasted into a text box: Word writes the box twice (the
    /// drawing, and a VML copy in `mc:Fallback`); it is read once, as a
    /// table, where the box is anchored.
    #[test]
    fn a_table_in_a_text_box_is_a_table() {
        let tbl = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            tc("", "规章"),
            tc("", "3")
        );
        let xml = doc(&format!(
            "<w:p><w:r><w:t>二、主动公开</w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent>{tbl}{}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{tbl}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>政府信息情况</w:t></w:r></w:p>{}",
            p("说明"),
            p("三、收到")
        ));
        let blocks = read_document(&xml).unwrap();
        assert_eq!(
            table(&blocks),
            [vec![("规章".to_owned(), 1, 1), ("3".to_owned(), 1, 1)]]
        );
        let lines: Vec<&str> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Line(t, _) => Some(t.as_str()),
                Block::Table(_) => None,
            })
            .collect();
        assert_eq!(lines, ["说明", "二、主动公开政府信息情况", "三、收到"]);
        assert_eq!(
            blocks
                .iter()
                .filter(|b| matches!(b, Block::Table(_)))
                .count(),
            1
        );
    }

    #[test]
    fn damaged_xml_never_panics() {
        let xml = doc(&format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            tc("<w:vMerge/>", "1"),
            tc("<w:gridSpan w:val=\"99999\"/>", "2")
        ));
        for cut in 0..xml.len() {
            if xml.is_char_boundary(cut) {
                let _ = read_document(&xml[..cut]);
            }
        }
        let _ = read_document("</w:tc></w:tr></w:tbl><w:p>");
    }
}
