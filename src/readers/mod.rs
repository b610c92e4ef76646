//! Container readers: PDF and Word files → the same rows the text and HTML
//! layouts give. Owns format detection by content and the rendering of a
//! document's blocks (prose lines, tables with spans) as a small HTML text;
//! knows nothing of the template.
//!
//! A reader never hands numbers to the extraction itself: it renders what it
//! read — each prose line a `<p>`, each table cell a `<td>` with its
//! `rowspan`/`colspan`, every one on a line of its own — and the HTML
//! layout reads that text, so one extraction serves every format and
//! `source_line` points into the text `govreports inspect` prints. Where a
//! cell came from (page and box, for PDFs) is kept per rendered line in a
//! [`Provenance`].

mod docx;
mod grid;
pub mod pdf;
mod zip;

use std::fmt::Write as _;

use crate::error::FileError;

/// What the first bytes (and, for containers, the entries) say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `%PDF`.
    Pdf,
    /// A zip with `word/document.xml`.
    Docx,
    /// Anything else this module refuses, with the contract `format` (or
    /// `None` when there is no contract code) and the one-line reason.
    Refused(Option<&'static str>, &'static str),
}

/// Reason given for legacy Word files: no reader of ours is faithful to
/// their tables (see `shared/spec/readers.md`), LibreOffice is.
const LEGACY_WORD: &str = "legacy Word binary document (.doc/.wps): convert it first with `libreoffice --headless --convert-to docx`";

/// The container a file's bytes are, or `None` for text (left to `decode`).
///
/// Decided by content, never by the name; `source_path` only tells a WPS
/// file from a `.doc`, which have the same binary format.
#[must_use]
pub fn sniff(bytes: &[u8], source_path: &str) -> Option<Container> {
    // Some producers write a few bytes of junk before `%PDF`; readers accept
    // the header anywhere in the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Some(Container::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(match zip::Archive::open(bytes) {
            Ok(archive) if archive.has("word/document.xml") => Container::Docx,
            Ok(archive) if archive.has("xl/workbook.xml") => Container::Refused(
                None,
                "spreadsheet (.xlsx): not a report format this tool reads; save the report as .docx or PDF",
            ),
            Ok(archive) if archive.has("OFD.xml") => {
                Container::Refused(None, "OFD document: not read; export it to PDF first")
            }
            Ok(archive) if archive.has("ppt/presentation.xml") => {
                Container::Refused(None, "presentation (.pptx): not a report format")
            }
            Ok(_) => {
                Container::Refused(None, "zip archive without a Word document: unpack it first")
            }
            // A .docx cut short (no central directory): its entries' names
            // are still in the local headers.
            Err(_) if memchr::memmem::find(bytes, b"word/document.xml").is_some() => {
                Container::Docx
            }
            Err(_) => Container::Refused(None, "damaged zip container: cannot be read"),
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(sniff_cfb(bytes, source_path));
    }
    if bytes.starts_with(b"{\\rtf") {
        return Some(Container::Refused(
            None,
            "RTF document: convert it first with `libreoffice --headless --convert-to docx`",
        ));
    }
    let image = bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || bytes.starts_with(b"BM");
    if image {
        return Some(Container::Refused(
            None,
            "image file: no text layer — OCR it first",
        ));
    }
    None
}

/// A compound file (OLE2): Word 97–2003 and WPS documents carry a
/// `WordDocument` stream, Excel a `Workbook`/`Book` stream, a password-
/// protected .docx an `EncryptedPackage`. Stream names are UTF-16LE in the
/// directory sectors; looking for them in the bytes is enough to classify.
fn sniff_cfb(bytes: &[u8], source_path: &str) -> Container {
    let has = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &utf16).is_some()
    };
    if has("WordDocument") {
        let wps = source_path
            .rsplit('.')
            .next()
            .is_some_and(|e| e.eq_ignore_ascii_case("wps"));
        return Container::Refused(Some(if wps { "wps" } else { "doc" }), LEGACY_WORD);
    }
    if has("EncryptedPackage") {
        return Container::Refused(
            Some("docx"),
            "password-protected Office document: cannot be read without its password",
        );
    }
    if has("Workbook") || has("Book") {
        return Container::Refused(
            None,
            "spreadsheet (.xls): not a report format this tool reads; save the report as .docx or PDF",
        );
    }
    Container::Refused(
        None,
        "OLE2 compound document without a Word stream: not a format this tool reads",
    )
}

/// Where a rendered line came from in the source file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Origin {
    /// 1-based page (PDF only).
    pub page: Option<u32>,
    /// `x0, y0, x1, y1` in PDF points, origin bottom-left (PDF only).
    pub bbox: Option<[f32; 4]>,
}

/// Origin of every rendered line (index = 1-based line − 1).
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    lines: Vec<Option<Origin>>,
}

impl Provenance {
    /// Where the rendered `line` (1-based) came from.
    #[must_use]
    pub fn at(&self, line: u32) -> Option<Origin> {
        let i = (line as usize).checked_sub(1)?;
        self.lines.get(i).copied().flatten()
    }

    /// The contract's `source_bbox` string, `x0,y0,x1,y1` rounded to 0.1 pt.
    #[must_use]
    pub fn bbox_string(b: [f32; 4]) -> String {
        format!("{:.1},{:.1},{:.1},{:.1}", b[0], b[1], b[2], b[3])
    }
}

/// One table cell as a reader found it.
#[derive(Debug, Clone, Default)]
pub struct TableCell {
    /// The cell's text (lines joined).
    pub text: String,
    /// Rows the cell spans (≥ 1).
    pub rowspan: u32,
    /// Grid columns the cell spans (≥ 1).
    pub colspan: u32,
    /// Where it is.
    pub origin: Option<Origin>,
}

/// A document read into blocks in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    /// A line (or paragraph) of prose.
    Line(String, Option<Origin>),
    /// A table: per row, the cells that start in that row.
    Table(Vec<Vec<TableCell>>),
}

/// A container rendered as text for the layout readers.
#[derive(Debug)]
pub struct Rendered {
    /// The rendered text: HTML with one block or cell per line (tables
    /// read from rules or Word), or positioned plain text (`pdf_text`).
    pub text: String,
    /// Contract `format` (`pdf`, `docx`).
    pub format: &'static str,
    /// Contract `layout` when tables were read (`pdf_grid`, `pdf_text`, `docx_table`).
    pub layout: &'static str,
    /// Where each rendered line came from.
    pub provenance: Provenance,
    /// The text is an OCR layer: a PDF that draws most of its glyphs
    /// invisibly over page images (a searchable scan). Its digits were read
    /// off the images, misreads and all.
    pub ocr_layer: bool,
}

/// Renders blocks as HTML, one line per prose line and per cell.
#[must_use]
pub fn render(blocks: &[Block], format: &'static str, layout: &'static str) -> Rendered {
    let mut html = String::with_capacity(4096);
    let mut lines: Vec<Option<Origin>> = Vec::new();
    html.push_str("<html><body>\n");
    lines.push(None);
    for block in blocks {
        match block {
            Block::Line(text, origin) => {
                html.push_str("<p>");
                escape_into(&mut html, text);
                html.push_str("</p>\n");
                lines.push(*origin);
            }
            Block::Table(rows) => {
                html.push_str("<table>\n");
                lines.push(None);
                for row in rows {
                    html.push_str("<tr>\n");
                    lines.push(None);
                    for cell in row {
                        html.push_str("<td");
                        if cell.rowspan > 1 {
                            let _ = write!(html, " rowspan=\"{}\"", cell.rowspan);
                        }
                        if cell.colspan > 1 {
                            let _ = write!(html, " colspan=\"{}\"", cell.colspan);
                        }
                        html.push('>');
                        escape_into(&mut html, &cell.text);
                        html.push_str("</td>\n");
                        lines.push(cell.origin);
                    }
                    html.push_str("</tr>\n");
                    lines.push(None);
                }
                html.push_str("</table>\n");
                lines.push(None);
            }
        }
    }
    html.push_str("</body></html>\n");
    Rendered {
        text: html,
        format,
        layout,
        provenance: Provenance { lines },
        ocr_layer: false,
    }
}

/// Text as HTML character data on one line: markup characters escaped,
/// line breaks and tabs as spaces, controls dropped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' | '\x0c' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Reads a container into rendered HTML.
///
/// # Errors
/// A [`FileError`] with a one-line reason when the file cannot be read
/// (damaged, encrypted, scanned, too large once unpacked).
pub fn read(container: Container, bytes: &[u8]) -> Result<Rendered, FileError> {
    match container {
        Container::Docx => docx::read(bytes),
        Container::Pdf => read_pdf(bytes),
        Container::Refused(format, reason) => Err(FileError::Refused { format, reason }),
    }
}

/// Reads a PDF: grids from its rules, prose from the other glyphs.
fn read_pdf(bytes: &[u8]) -> Result<Rendered, FileError> {
    let pages = pdf::read_pages(bytes)?;
    if pages.iter().all(|p| p.glyphs.is_empty()) {
        let reason = if pages.iter().any(|p| p.images > 0) {
            "scanned PDF, no text layer — OCR it first"
        } else {
            "PDF without any text: nothing to read"
        };
        return Err(FileError::Refused {
            format: Some("pdf"),
            reason,
        });
    }
    let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    let invisible: usize = pages.iter().map(|p| p.invisible).sum();
    let ocr_layer = invisible * 2 > glyphs && pages.iter().any(|p| p.images > 0);
    // Boxes of turned pages back in their pages' own space.
    let to_source = |origin: &mut Origin| {
        if let (Some(n), Some(bbox)) = (origin.page, origin.bbox.as_mut())
            && let Some(page) = (n as usize).checked_sub(1).and_then(|i| pages.get(i))
        {
            *bbox = page.to_source(*bbox);
        }
    };
    let (mut blocks, tables) = grid::read(&pages);
    if tables {
        if pages.iter().any(|p| p.turn != 0) {
            for block in &mut blocks {
                match block {
                    Block::Line(_, origin) => origin.iter_mut().for_each(to_source),
                    Block::Table(rows) => rows
                        .iter_mut()
                        .flatten()
                        .for_each(|cell| cell.origin.iter_mut().for_each(to_source)),
                }
            }
        }
        return Ok(Rendered {
            ocr_layer,
            ..render(&blocks, "pdf", "pdf_grid")
        });
    }
    // No table rules anywhere: positioned text, read by the text layouts.
    let lines = grid::read_positioned(&pages);
    let mut text = String::with_capacity(lines.iter().map(|(l, _)| l.len() + 1).sum());
    let mut origins = Vec::with_capacity(lines.len());
    for (line, mut origin) in lines {
        to_source(&mut origin);
        for c in line.chars() {
            text.push(if c.is_control() { ' ' } else { c });
        }
        text.push('\n');
        origins.push(Some(origin));
    }
    Ok(Rendered {
        text,
        format: "pdf",
        layout: "pdf_text",
        provenance: Provenance { lines: origins },
        ocr_layer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n", "a.txt"), Some(Container::Pdf));
        assert_eq!(sniff(b"\r\n%PDF-1.4\n", "a"), Some(Container::Pdf));
        assert_eq!(sniff("一、总体情况".as_bytes(), "a.pdf"), None);
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            sniff(&cfb, "r.doc"),
            Some(Container::Refused(Some("doc"), r)) if r.contains("libreoffice --headless --convert-to docx")
        ));
        assert!(matches!(
            sniff(&cfb, "r.WPS"),
            Some(Container::Refused(Some("wps"), _))
        ));
        assert!(matches!(
            sniff(b"\x89PNG\r\n", "r.txt"),
            Some(Container::Refused(None, r)) if r.contains("OCR")
        ));
    }

    #[test]
    fn rendering_puts_every_cell_on_its_own_line_with_its_origin() {
        let o = |p| {
            Some(Origin {
                page: Some(p),
                bbox: Some([1.0, 2.0, 3.0, 4.0]),
            })
        };
        let blocks = vec![
            Block::Line("一、总体情况 <a&b>".into(), o(1)),
            Block::Table(vec![vec![
                TableCell {
                    text: "三、本年度办理结果".into(),
                    rowspan: 22,
                    colspan: 1,
                    origin: o(2),
                },
                TableCell {
                    text: "5".into(),
                    rowspan: 1,
                    colspan: 2,
                    origin: o(3),
                },
            ]]),
        ];
        let r = render(&blocks, "pdf", "pdf_grid");
        let lines: Vec<&str> = r.text.lines().collect();
        assert_eq!(lines[1], "<p>一、总体情况 &lt;a&amp;b&gt;</p>");
        assert_eq!(lines[4], "<td rowspan=\"22\">三、本年度办理结果</td>");
        assert_eq!(lines[5], "<td colspan=\"2\">5</td>");
        assert_eq!(r.provenance.at(2).and_then(|o| o.page), Some(1));
        assert_eq!(r.provenance.at(5).and_then(|o| o.page), Some(2));
        assert_eq!(r.provenance.at(6).and_then(|o| o.page), Some(3));
        assert_eq!(r.provenance.at(1), None);
    }
}
