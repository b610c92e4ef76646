//! One file → one [`Report`], whatever happens: the per-file step has no
//! error in its signature, so every file gets exactly one `reports` row.

use std::fs::File;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::decode::{Text, decode, doc_id, id_of};
use crate::diagnostics::{DiagCode, Severity};
use crate::error::{FileError, panic_message};
use crate::extract::extract;
use crate::report::Report;

/// Opens `path` for reading without ever blocking, and only if the opened
/// descriptor is a regular file (a FIFO, socket or device that replaced a
/// file after discovery is refused here, not hung on).
///
/// `O_NONBLOCK` makes the open of a FIFO return at once; the check is on
/// the descriptor (`fstat`), so nothing can be swapped in between.
///
/// # Errors
/// When the file cannot be opened, or is not a regular file.
pub fn open_regular(path: &Path) -> std::io::Result<(File, std::fs::Metadata)> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (socket, fifo or device)",
        ));
    }
    Ok((file, meta))
}

/// Reads and parses the file at `path`; `source_path` is its corpus-relative name.
///
/// Files above `max_bytes` are not read (at most one byte past the limit,
/// when a file grew after it was measured): they are reported `failed`,
/// with a `doc_id` made from their path, size and modification time.
#[must_use]
pub fn parse_file(path: &Path, source_path: &str, max_bytes: u64) -> Report {
    match read_file(path, source_path, max_bytes) {
        Ok((bytes, mtime)) => {
            let mut report = parse_bytes(source_path, &bytes);
            report.source_mtime_ns = mtime;
            report
        }
        Err(report) => report,
    }
}

/// The `doc_id` [`parse_file`] gives the file at `path`, without parsing
/// it (read and hashed; the same rules for files that cannot be read or
/// are over the limit). Incremental runs use it to find which reused files
/// share an id with a changed one.
#[must_use]
pub fn file_doc_id(path: &Path, source_path: &str, max_bytes: u64) -> String {
    match read_file(path, source_path, max_bytes) {
        Ok((bytes, _)) => doc_id(&bytes),
        Err(report) => report.doc_id,
    }
}

/// The bytes of the file at `path` and its modification time (taken from
/// the open descriptor before reading), or the report of a file that is
/// not read: unreadable, or over `max_bytes`.
fn read_file(
    path: &Path,
    source_path: &str,
    max_bytes: u64,
) -> Result<(Vec<u8>, Option<i64>), Report> {
    let unreadable = |e: std::io::Error| unreadable(source_path, error_text(&e));
    let (file, meta) = open_regular(path).map_err(unreadable)?;
    let size = meta.len();
    let mtime = mtime_ns(&meta);
    if size <= max_bytes {
        let bytes = read_measured(&file, size, max_bytes).map_err(unreadable)?;
        if bytes.len() as u64 <= max_bytes {
            return Ok((bytes, mtime));
        }
    }
    let mut report = too_large(source_path, &file, size, max_bytes);
    report.source_mtime_ns = mtime;
    Err(report)
}

/// A file's modification time in nanoseconds since the Unix epoch
/// (`reports.source_mtime_ns`), when the OS gives one.
#[must_use]
pub fn mtime_ns(meta: &std::fs::Metadata) -> Option<i64> {
    let t = meta.modified().ok()?;
    let ns = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).ok()?,
        Err(before) => -i128::try_from(before.duration().as_nanos()).ok()?,
    };
    i64::try_from(ns).ok()
}

/// The report of a file over the size limit, not read: its id comes from
/// its path, size and modification time (hashing it would read it all: a
/// 20 GB file took 34 s).
fn too_large(source_path: &str, file: &File, size: u64, max_bytes: u64) -> Report {
    let meta = file.metadata().ok();
    let size = meta.as_ref().map_or(size, |m| m.len().max(size));
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let id = doc_id(format!("too-large:{source_path}:{size}:{mtime}").as_bytes());
    let mut r = Report::new(
        id,
        source_path.to_owned(),
        i64::try_from(size).unwrap_or(i64::MAX),
    );
    r.fail(&FileError::TooLarge {
        size,
        limit: max_bytes,
    });
    r
}

/// An I/O error as a reason: its kind, or its message for the errors this
/// module makes itself.
fn error_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::Other => e.to_string(),
        kind => kind.to_string(),
    }
}

/// Reads a file measured at `size` bytes, and at most `max_bytes + 1`.
///
/// One `read` of the measured size and one that finds the end: std's
/// `read_to_end` would measure the file again (a `statx` and an `lseek`)
/// and read a file of more than 8 KB in several calls. A file that grew
/// since it was measured is read on, up to the bound, so the caller sees
/// that it is now over the limit.
fn read_measured(mut file: &File, size: u64, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(size).unwrap_or(usize::MAX)];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break, // shrank since it was measured
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    let rest = max_bytes.saturating_add(1).saturating_sub(filled as u64);
    file.take(rest).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The `doc_id` of the bytes `reader` yields, hashed as a stream (the same
/// id [`doc_id`] gives for those bytes in memory).
///
/// # Errors
/// When reading fails.
pub fn stream_doc_id(reader: impl Read) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(reader)?;
    Ok(id_of(&hasher.finalize()))
}

/// The report of a file that could not be read at all (`reason` says why).
///
/// There are no bytes to hash: the id is derived from the path, so it is
/// stable and unique.
#[must_use]
pub fn unreadable(source_path: &str, reason: String) -> Report {
    let mut r = Report::new(
        doc_id(format!("unreadable:{source_path}").as_bytes()),
        source_path.to_owned(),
        0,
    );
    r.fail(&FileError::Unreadable(reason));
    r
}

/// Parses one file's bytes. Never panics: a panic inside the parser is
/// caught and recorded as `internal error`.
#[must_use]
pub fn parse_bytes(source_path: &str, bytes: &[u8]) -> Report {
    let mut report = Report::new(doc_id(bytes), source_path.to_owned(), bytes.len() as i64);
    let mut rendered = None;
    let text = match crate::readers::sniff(bytes, source_path) {
        // PDF and Word: read natively, rendered as text the layouts read.
        Some(container) => match catch_unwind(|| crate::readers::read(container, bytes)) {
            Ok(Ok(r)) => {
                let mut text = Text::from_utf8_text(&r.text);
                text.ocr_layer = r.ocr_layer;
                rendered = Some(r);
                text
            }
            Ok(Err(e)) => {
                report.format = e.format();
                report.fail(&e);
                return report;
            }
            Err(panic) => {
                report.fail(&FileError::Internal(panic_message(&*panic)));
                return report;
            }
        },
        None => match decode(bytes) {
            Ok(t) => t,
            Err(e) => {
                report.fail(&e);
                return report;
            }
        },
    };
    report.encoding = Some(text.encoding);
    if text.guessed {
        report.diag(
            Severity::Info,
            DiagCode::EncodingFallback,
            None,
            format!("no BOM and not UTF-8; detected {}", text.encoding),
        );
    }
    if let Some(note) = &text.repaired {
        report.diag(
            Severity::Warning,
            DiagCode::EncodingFallback,
            None,
            note.clone(),
        );
    }
    let result = catch_unwind(AssertUnwindSafe(|| extract(&text, &mut report)));
    if let Err(panic) = result {
        let mut fresh = Report::new(
            report.doc_id.clone(),
            report.source_path.clone(),
            report.source_bytes,
        );
        fresh.encoding = report.encoding;
        fresh.fail(&FileError::Internal(panic_message(&*panic)));
        return fresh;
    }
    if let Some(r) = rendered {
        report.format = Some(r.format);
        if report.layout != Some(crate::layout::Layout::None.code()) {
            report.layout = Some(r.layout);
        }
        report.provenance = Some(r.provenance);
    }
    report.text = Some(text);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_more_cells_than_a_report_fail_with_the_line_named() {
        use crate::layout::{MAX_CELLS, MAX_ROW_CELLS, MIN_CELL_BOUND};
        let title = "2023年政府信息公开工作年度报告\n";
        let wide_row = format!("{title}{}\n", "|1".repeat(MAX_ROW_CELLS + 1));
        let wide_tabs = format!("{title}x{}\n", "\t1".repeat(MAX_ROW_CELLS + 1));
        let wide_spaces = format!("{title}{}\n", "1 ".repeat(MAX_ROW_CELLS + 1));
        // Lines of 11 bytes: a file over 1 MB, whose bound is MAX_CELLS.
        let many_lines = format!("{title}{}", "x123456789\n".repeat(MAX_CELLS + 1));
        // Lines of 2 bytes: one cell per 10 bytes, but 20,000 in any file.
        let dense_lines = format!("{title}{}", "1\n".repeat(MIN_CELL_BOUND + 1));
        let denser = format!("{title}{}", "1\n".repeat(MAX_CELLS / 2));
        let wide_html = format!(
            "<html><body><p>{title}</p><table><tr>{}</tr></table>",
            "<td>1</td>".repeat(MAX_ROW_CELLS + 1)
        );
        let many_html = format!(
            "<html><body><p>{title}</p><table>{}</table>",
            "<tr><td>1</td></tr>".repeat(MAX_CELLS + 1)
        );
        for (what, text, line) in [
            ("a row of |1", &wide_row, 2),
            ("a row of tabs", &wide_tabs, 2),
            ("a row of spaced numbers", &wide_spaces, 2),
            ("lines of x123456789", &many_lines, MAX_CELLS + 1),
            ("lines of 1", &dense_lines, MIN_CELL_BOUND + 1),
            ("more lines of 1", &denser, MIN_CELL_BOUND + 1),
            ("an html row", &wide_html, 2),
            ("html rows", &many_html, 2),
        ] {
            let r = parse_bytes("x.txt", text.as_bytes());
            assert_eq!(r.status, crate::report::Status::Failed, "{what}");
            let error = r.error.unwrap();
            assert!(error.starts_with("too many cells"), "{what}: {error}");
            assert!(error.contains(&format!("line {line};")), "{what}: {error}");
            assert_eq!(r.diagnostics[0].code.code(), "file_too_large", "{what}");
        }
        // Just under the bounds: read.
        let ok = format!("{title}{}\n", "|1".repeat(MAX_ROW_CELLS - 1));
        assert_ne!(
            parse_bytes("x.txt", ok.as_bytes()).status,
            crate::report::Status::Failed
        );
        for ok in [
            format!("{title}{}", "x123456789\n".repeat(MAX_CELLS - 1)),
            format!("{title}{}", "1\n".repeat(MIN_CELL_BOUND - 1)),
            // 40,000 cells in 400 KB: one per 10 bytes
            format!("{title}{}", "123456789\n".repeat(40_000 - 5)),
        ] {
            assert_ne!(
                parse_bytes("x.txt", ok.as_bytes()).status,
                crate::report::Status::Failed
            );
        }
    }

    #[test]
    fn streamed_and_in_memory_ids_agree() {
        // The duplicate check compares a streamed id with an in-memory one.
        for bytes in [
            &b""[..],
            b"abc",
            "政府信息公开".as_bytes(),
            &[0xffu8; 70_000],
        ] {
            assert_eq!(stream_doc_id(bytes).unwrap(), doc_id(bytes));
        }
    }

    #[test]
    fn a_file_that_changed_since_it_was_measured_is_read_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let content: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let read = |size, max| read_measured(&File::open(&path).unwrap(), size, max).unwrap();
        assert_eq!(read(20_000, 20_000), content, "as measured");
        assert_eq!(read(5_000, 1 << 20), content, "grew: read on to the end");
        assert_eq!(
            read(5_000, 9_999),
            content[..10_000],
            "grew past the limit: one byte over"
        );
        assert_eq!(read(30_000, 1 << 20), content, "shrank");
    }

    #[test]
    fn files_up_to_the_limit_are_read_and_larger_ones_only_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let text = "2023年政府信息公开工作年度报告\n本机关共收到政府信息公开申请12件。\n";
        let path = dir.path().join("r.txt");
        std::fs::write(&path, text).unwrap();
        let limit = text.len() as u64;
        let seen = |r: &Report| {
            (
                r.doc_id.clone(),
                r.status,
                r.source_bytes,
                r.narrative.len(),
                r.error.clone(),
            )
        };

        let at_limit = parse_file(&path, "r.txt", limit);
        assert_eq!(
            seen(&at_limit),
            seen(&parse_bytes("r.txt", text.as_bytes()))
        );
        assert!(!at_limit.narrative.is_empty(), "the file was parsed");
        assert_eq!(at_limit.source_bytes, text.len() as i64);

        let over = parse_file(&path, "r.txt", limit - 1);
        assert_eq!(over.status, crate::report::Status::Failed);
        assert_ne!(over.doc_id, doc_id(text.as_bytes()), "not read to hash it");
        assert_eq!(over.source_bytes, text.len() as i64);
        let error = over.error.unwrap();
        assert!(error.contains(&text.len().to_string()), "{error}");

        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        assert_eq!(
            seen(&parse_file(&empty, "empty.txt", 0)),
            seen(&parse_bytes("empty.txt", b""))
        );
    }
}
