//! Discovery: every regular file under the corpus root, recursively, in
//! sorted order, symlink loops safe. Nothing is skipped silently: a
//! directory that cannot be listed becomes an entry with a `problem`, which
//! the run reports as a `failed` row.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::Usage;

/// One file to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Path relative to the corpus root, `/` separators (contract `source_path`).
    pub rel: String,
    /// Why it cannot be read, found during discovery (e.g. an unlistable directory).
    pub problem: Option<String>,
}

/// Identity of a directory, to break symlink loops.
#[cfg(unix)]
fn dir_key(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_key(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Lists every file under `root`, sorted by relative path. Paths in `exclude`
/// (the output and staging directories) are not entered.
///
/// # Errors
/// [`Usage`] when `root` does not exist or is not a directory.
pub fn discover(root: &Path, exclude: &[PathBuf]) -> Result<Vec<SourceFile>> {
    let meta =
        fs::metadata(root).map_err(|e| Usage(format!("corpus root {}: {e}", root.display())))?;
    if !meta.is_dir() {
        return Err(Usage(format!("corpus root {} is not a directory", root.display())).into());
    }
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    let mut seen = HashSet::new();
    seen.insert(dir_key(&meta));
    let mut out = Vec::new();
    walk(root, "", &exclude, &mut seen, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(
    dir: &Path,
    prefix: &str,
    exclude: &[PathBuf],
    seen: &mut HashSet<(u64, u64)>,
    out: &mut Vec<SourceFile>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(SourceFile {
                path: dir.to_owned(),
                rel: if prefix.is_empty() {
                    ".".to_owned()
                } else {
                    prefix.trim_end_matches('/').to_owned()
                },
                problem: Some(format!("directory could not be listed: {}", e.kind())),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
        // `metadata` follows symlinks; a dangling link becomes a failed entry.
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                if fs::canonicalize(&path).is_ok_and(|c| exclude.contains(&c))
                    || !seen.insert(dir_key(&m))
                {
                    continue;
                }
                walk(&path, &format!("{rel}/"), exclude, seen, out);
            }
            Ok(m) if m.is_file() => out.push(SourceFile {
                path,
                rel,
                problem: None,
            }),
            Ok(_) => out.push(SourceFile {
                path,
                rel,
                problem: Some("not a regular file (socket, fifo or device)".to_owned()),
            }),
            Err(e) => out.push(SourceFile {
                path,
                rel,
                problem: Some(format!("cannot stat: {}", e.kind())),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_recursive_and_symlink_loops_safe() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/c")).unwrap();
        fs::write(root.join("b/c/z.txt"), "z").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        fs::create_dir(root.join("out")).unwrap();
        fs::write(root.join("out/skip.parquet"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("b"), root.join("b/c/loop")).unwrap();
        let files = discover(root, &[root.join("out")]).unwrap();
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["a.txt", "b/c/z.txt"]);
    }

    #[test]
    fn missing_root_is_a_usage_error() {
        let err = discover(Path::new("/nonexistent/corpus"), &[]).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
