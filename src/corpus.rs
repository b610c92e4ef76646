//! Discovery: every regular file under the corpus root, recursively, in
//! sorted order, symlink loops safe. Nothing is skipped silently: a
//! directory that cannot be listed becomes an entry with a `problem`, which
//! the run reports as a `failed` row.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::error::Usage;

/// Every file found under a corpus root, sorted by relative path.
///
/// The names live in one byte arena with an offset per file rather than a
/// `PathBuf` and a `String` each: the list is alive for the whole run, and
/// at a million files the per-file allocations alone were ~200 MB, the one
/// part of the job's memory that grew with the corpus.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    root: PathBuf,
    /// Relative paths (raw OS bytes, `/`-separated), concatenated in sorted order.
    names: Vec<u8>,
    /// `names[ends[i-1]..ends[i]]` is file `i`. `u32`: the names of a
    /// million files take ~25 MB, far below 4 GiB, and half the bytes of
    /// `usize` per file (checked in [`discover`]).
    ends: Vec<u32>,
    /// Why file `i` cannot be read, found during discovery (rare).
    problems: HashMap<usize, String>,
}

impl Corpus {
    /// Number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the root holds no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn name(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.names[start..self.ends[i] as usize]
    }

    /// Path of file `i` relative to the root, `/` separators (contract
    /// `source_path`); bytes that are not UTF-8 are replaced.
    #[must_use]
    pub fn rel(&self, i: usize) -> Cow<'_, str> {
        String::from_utf8_lossy(self.name(i))
    }

    /// Where to read file `i`.
    #[must_use]
    pub fn path(&self, i: usize) -> PathBuf {
        self.root.join(os_str(self.name(i)))
    }

    /// Why file `i` cannot be read, when discovery already knows (an
    /// unlistable directory, a dangling link, a socket).
    #[must_use]
    pub fn problem(&self, i: usize) -> Option<&str> {
        self.problems.get(&i).map(String::as_str)
    }
}

#[cfg(unix)]
fn os_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(s.as_bytes())
}

#[cfg(unix)]
fn os_str(b: &[u8]) -> &OsStr {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(b)
}

#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    match s.to_string_lossy() {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

#[cfg(not(unix))]
fn os_str(b: &[u8]) -> &OsStr {
    OsStr::new(std::str::from_utf8(b).unwrap_or_default())
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

/// Names as the walk finds them, unsorted: `(start, end)` into `names`.
#[derive(Default)]
struct Found {
    names: Vec<u8>,
    spans: Vec<(usize, usize)>,
    problems: HashMap<usize, String>,
}

impl Found {
    fn push(&mut self, prefix: &[u8], name: &[u8], problem: Option<String>) {
        let start = self.names.len();
        self.names.extend_from_slice(prefix);
        self.names.extend_from_slice(name);
        if let Some(p) = problem {
            self.problems.insert(self.spans.len(), p);
        }
        self.spans.push((start, self.names.len()));
    }

    fn into_sorted(self, root: &Path) -> Corpus {
        let mut order: Vec<usize> = (0..self.spans.len()).collect();
        let name = |i: usize| &self.names[self.spans[i].0..self.spans[i].1];
        order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
        let mut corpus = Corpus {
            root: root.to_owned(),
            names: Vec::with_capacity(self.names.len()),
            ends: Vec::with_capacity(order.len()),
            problems: HashMap::new(),
        };
        for (sorted, &i) in order.iter().enumerate() {
            corpus.names.extend_from_slice(name(i));
            #[allow(clippy::cast_possible_truncation)] // checked in `discover`
            corpus.ends.push(corpus.names.len() as u32);
            if let Some(p) = self.problems.get(&i) {
                corpus.problems.insert(sorted, p.clone());
            }
        }
        corpus
    }
}

/// Lists every file under `root`, sorted by relative path. Paths in `exclude`
/// (the output and staging directories) are not entered.
///
/// # Errors
/// [`Usage`] when `root` does not exist or is not a directory.
pub fn discover(root: &Path, exclude: &[PathBuf]) -> Result<Corpus> {
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
    let mut found = Found::default();
    walk(root, &mut Vec::new(), &exclude, &mut seen, &mut found);
    if u32::try_from(found.names.len()).is_err() {
        bail!(
            "corpus {}: the relative paths of its files take {} bytes, above the 4 GiB this tool indexes",
            root.display(),
            found.names.len()
        );
    }
    Ok(found.into_sorted(root))
}

/// Walks `dir`, whose path relative to the root is `prefix` (empty or
/// ending in `/`); `prefix` is restored before returning.
fn walk(
    dir: &Path,
    prefix: &mut Vec<u8>,
    exclude: &[PathBuf],
    seen: &mut HashSet<(u64, u64)>,
    out: &mut Found,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let name = match prefix.strip_suffix(b"/") {
                Some(p) => p.to_vec(),
                None => b".".to_vec(),
            };
            out.push(
                &[],
                &name,
                Some(format!("directory could not be listed: {}", e.kind())),
            );
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name();
        let name = os_bytes(&file_name);
        // `metadata` follows symlinks; a dangling link becomes a failed entry.
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                if fs::canonicalize(&path).is_ok_and(|c| exclude.contains(&c))
                    || !seen.insert(dir_key(&m))
                {
                    continue;
                }
                let len = prefix.len();
                prefix.extend_from_slice(&name);
                prefix.push(b'/');
                walk(&path, prefix, exclude, seen, out);
                prefix.truncate(len);
            }
            Ok(m) if m.is_file() => out.push(prefix, &name, None),
            Ok(_) => out.push(
                prefix,
                &name,
                Some("not a regular file (socket, fifo or device)".to_owned()),
            ),
            Err(e) => out.push(prefix, &name, Some(format!("cannot stat: {}", e.kind()))),
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
        fs::create_dir(root.join("a")).unwrap();
        fs::write(root.join("a/b.txt"), "ab").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).unwrap();
        let files = discover(root, &[root.join("out")]).unwrap();
        let rels: Vec<_> = (0..files.len()).map(|i| files.rel(i)).collect();
        let mut expected = vec!["a.txt", "a/b.txt", "b/c/z.txt"];
        #[cfg(unix)]
        expected.push("dangling");
        assert_eq!(rels, expected);
        assert_eq!(fs::read(files.path(1)).unwrap(), b"ab");
        assert_eq!(files.problem(0), None);
        #[cfg(unix)]
        assert!(files.problem(3).unwrap().starts_with("cannot stat"));
    }

    #[test]
    fn missing_root_is_a_usage_error() {
        let err = discover(Path::new("/nonexistent/corpus"), &[]).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
