//! One file → one [`Report`], whatever happens: the per-file step has no
//! error in its signature, so every file gets exactly one `reports` row.

use std::fs::File;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::decode::{decode, doc_id, id_of};
use crate::diagnostics::{DiagCode, Severity};
use crate::error::{FileError, panic_message};
use crate::extract::extract;
use crate::report::Report;

/// Reads and parses the file at `path`; `source_path` is its corpus-relative name.
///
/// Files above `max_bytes` are not read into memory: they are hashed as a
/// stream and reported `failed`.
#[must_use]
pub fn parse_file(path: &Path, source_path: &str, max_bytes: u64) -> Report {
    let unreadable = |e: std::io::Error| unreadable(source_path, e.kind().to_string());
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return unreadable(e),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_bytes {
        let id = match stream_doc_id(&mut file) {
            Ok(id) => id,
            Err(e) => return unreadable(e),
        };
        let mut r = Report::new(id, source_path.to_owned(), size as i64);
        r.fail(&FileError::TooLarge {
            size,
            limit: max_bytes,
        });
        return r;
    }
    let mut bytes = Vec::with_capacity(size as usize);
    if let Err(e) = file.read_to_end(&mut bytes) {
        return unreadable(e);
    }
    parse_bytes(source_path, &bytes)
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
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            report.fail(&e);
            return report;
        }
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
    report.text = Some(text);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
