//! Discovery: every regular file under the corpus root, recursively, in
//! sorted order, symlink loops safe. Nothing is skipped silently: a
//! directory that cannot be listed becomes an entry with a `problem`, which
//! the run reports as a `failed` row.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::error::Usage;

/// Every file found under a corpus root, sorted by relative path.
///
/// The names live in one byte arena with an offset per file rather than a
/// `PathBuf` and a `String` each: the list is alive for the whole run, and
/// at a million files the per-file allocations alone were ~200 MB, the one
/// part of the job's memory that grew with the corpus. For a run, the arena
/// itself goes to disk (`spill` in [`discover`]); only the offsets stay.
#[derive(Debug, Default)]
pub struct Corpus {
    root: PathBuf,
    /// Relative paths (raw OS bytes, `/`-separated), concatenated in sorted order.
    names: Names,
    /// `names[ends[i-1]..ends[i]]` is file `i`. `u32`: the names of a
    /// million files take ~25 MB, far below 4 GiB, and half the bytes of
    /// `usize` per file (checked in [`discover`]).
    ends: Vec<u32>,
    /// Why file `i` cannot be read, found during discovery (rare).
    problems: HashMap<usize, String>,
}

/// Where the name arena is.
#[derive(Debug)]
enum Names {
    Memory(Vec<u8>),
    /// An unlinked file holding the arena, read back by offset.
    #[cfg(unix)]
    Spilled(File),
}

impl Default for Names {
    fn default() -> Self {
        Self::Memory(Vec::new())
    }
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

    fn name(&self, i: usize) -> io::Result<Cow<'_, [u8]>> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        match &self.names {
            Names::Memory(names) => Ok(Cow::Borrowed(&names[start..end])),
            #[cfg(unix)]
            Names::Spilled(file) => {
                use std::os::unix::fs::FileExt;
                let mut name = vec![0; end - start];
                file.read_exact_at(&mut name, start as u64)?;
                Ok(Cow::Owned(name))
            }
        }
    }

    /// Path of file `i` relative to the root, `/` separators (contract
    /// `source_path`); bytes that are not UTF-8 are replaced.
    ///
    /// # Errors
    /// When the names were spilled and cannot be read back.
    pub fn rel(&self, i: usize) -> io::Result<String> {
        Ok(rel_of(&self.name(i)?))
    }

    /// Where to read file `i`.
    ///
    /// # Errors
    /// When the names were spilled and cannot be read back.
    pub fn path(&self, i: usize) -> io::Result<PathBuf> {
        Ok(self.root.join(os_str(&self.name(i)?)))
    }

    /// Both [`Corpus::rel`] and [`Corpus::path`] of file `i`, from one read.
    ///
    /// # Errors
    /// When the names were spilled and cannot be read back.
    pub fn entry(&self, i: usize) -> io::Result<(String, PathBuf)> {
        let name = self.name(i)?;
        Ok((rel_of(&name), self.root.join(os_str(&name))))
    }

    /// Why file `i` cannot be read, when discovery already knows (an
    /// unlistable directory, a dangling link, a socket).
    #[must_use]
    pub fn problem(&self, i: usize) -> Option<&str> {
        self.problems.get(&i).map(String::as_str)
    }
}

/// A relative name as the contract's `source_path`: bytes that are not
/// UTF-8 are replaced.
fn rel_of(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
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

/// Names as the walk finds them, unsorted: file `i` is
/// `names[ends[i-1]..ends[i]]`. Discovery's transient memory is this arena
/// plus 12 bytes a file (these ends, the sort order, the sorted ends); the
/// sorted names go straight to their destination instead of a second arena.
#[derive(Default)]
struct Found {
    names: Vec<u8>,
    ends: Vec<u32>,
    /// The arena passed 4 GiB, past what `u32` ends index.
    too_big: bool,
    problems: HashMap<usize, String>,
}

impl Found {
    fn push(&mut self, prefix: &[u8], name: &[u8], problem: Option<String>) {
        self.names.extend_from_slice(prefix);
        self.names.extend_from_slice(name);
        if let Some(p) = problem {
            self.problems.insert(self.ends.len(), p);
        }
        let end = u32::try_from(self.names.len());
        self.too_big |= end.is_err();
        self.ends.push(end.unwrap_or(u32::MAX));
    }

    fn name(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.names[start..self.ends[i] as usize]
    }

    /// The corpus in sorted order, its names written to `spill` (see
    /// [`discover`]) or kept in memory.
    fn into_sorted(self, root: &Path, spill: Option<&Path>) -> Result<Corpus> {
        #[allow(clippy::cast_possible_truncation)] // file count < names' bytes ≤ 4 GiB
        let mut order: Vec<u32> = (0..self.ends.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.name(a).cmp(self.name(b)));
        let mut ends = Vec::with_capacity(order.len());
        let mut problems = HashMap::new();
        let mut end = 0u32;
        for (sorted, &i) in order.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation)] // checked by `too_big`
            {
                end += self.name(i).len() as u32;
            }
            ends.push(end);
            if let Some(p) = self.problems.get(&(i as usize)) {
                problems.insert(sorted, p.clone());
            }
        }
        let sorted_names = order.iter().map(|&i| self.name(i));
        let names = match spill {
            #[cfg(unix)]
            Some(dir) => Names::Spilled(spill_names(dir, sorted_names)?),
            _ => Names::Memory(sorted_names.flatten().copied().collect()),
        };
        Ok(Corpus {
            root: root.to_owned(),
            names,
            ends,
            problems,
        })
    }
}

/// Writes `names` into an unlinked file under `dir` (the run's staging
/// directory, on the output's filesystem), so that only 4 bytes a file stay
/// in memory: real corpora have paths of 50–150 bytes (directories per
/// province, county and body, CJK file names), ~100 MB at a million files.
/// Each name is read back with one `pread` when its file is parsed, which
/// costs nothing next to reading the file itself.
#[cfg(unix)]
fn spill_names<'a>(dir: &Path, names: impl Iterator<Item = &'a [u8]>) -> Result<File> {
    use std::io::Write as _;
    let path = dir.join(".corpus-names");
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    // Unlinked at once: the data lives as long as the descriptor, and a
    // killed run leaves nothing behind.
    fs::remove_file(&path).with_context(|| format!("unlinking {}", path.display()))?;
    let mut out = io::BufWriter::with_capacity(1 << 16, file);
    let written: io::Result<()> = names.into_iter().try_for_each(|name| out.write_all(name));
    written
        .and_then(|()| out.flush())
        .with_context(|| format!("writing the corpus's file names under {}", dir.display()))?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)
        .with_context(|| format!("writing the corpus's file names under {}", dir.display()))
}

/// Lists every file under `root`, sorted by relative path. Paths in `exclude`
/// (the output and staging directories) are not entered.
///
/// With `spill` (a run's staging directory), the sorted names are written
/// to an unlinked file there instead of memory, and read back per file; on
/// platforms where an open file cannot be unlinked they stay in memory.
///
/// # Errors
/// [`Usage`] when `root` does not exist or is not a directory; the spill
/// file cannot be created or written (the run then stops: its Parquet files
/// go to the same directory); the names take more than 4 GiB.
pub fn discover(root: &Path, exclude: &[PathBuf], spill: Option<&Path>) -> Result<Corpus> {
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
    if found.too_big {
        bail!(
            "corpus {}: the relative paths of its files take {} bytes, above the 4 GiB this tool indexes",
            root.display(),
            found.names.len()
        );
    }
    found.into_sorted(root, spill)
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
        let files = discover(root, &[root.join("out")], None).unwrap();
        let rels: Vec<_> = (0..files.len()).map(|i| files.rel(i).unwrap()).collect();
        let mut expected = vec!["a.txt", "a/b.txt", "b/c/z.txt"];
        #[cfg(unix)]
        expected.push("dangling");
        assert_eq!(rels, expected);
        assert_eq!(fs::read(files.path(1).unwrap()).unwrap(), b"ab");
        assert_eq!(files.problem(0), None);
        #[cfg(unix)]
        assert!(files.problem(3).unwrap().starts_with("cannot stat"));

        // Spilled to disk, the names read back the same, and nothing is
        // left in the directory they were spilled to.
        let staging = root.join("out");
        let files = discover(root, std::slice::from_ref(&staging), Some(&staging)).unwrap();
        #[cfg(unix)]
        assert!(matches!(files.names, Names::Spilled(_)));
        let spilled: Vec<_> = (0..files.len()).map(|i| files.rel(i).unwrap()).collect();
        assert_eq!(spilled, expected);
        #[cfg(unix)]
        assert!(files.problem(3).unwrap().starts_with("cannot stat"));
        let (rel, path) = files.entry(2).unwrap();
        assert_eq!(
            (rel.as_str(), fs::read(path).unwrap()),
            ("b/c/z.txt", b"z".to_vec())
        );
        let left: Vec<_> = fs::read_dir(&staging)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, ["skip.parquet"]);
    }

    #[test]
    fn missing_root_is_a_usage_error() {
        let err = discover(Path::new("/nonexistent/corpus"), &[], None).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
