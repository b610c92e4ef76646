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

/// Names as the walk finds them, unsorted: file `i` is its directory's
/// prefix followed by its own name. Each directory's prefix is kept once,
/// not once per file: real corpora nest files under long CJK directory
/// names (province, county, body), so the prefixes are about half of every
/// path. Discovery's transient memory is the file names plus 16 bytes a
/// file (ends, directory index, sort order, sorted ends); the sorted paths
/// go straight to their destination instead of a second arena.
struct Found {
    /// Directory prefixes, concatenated: empty for the root, else ending in `/`.
    dirs: Vec<u8>,
    dir_ends: Vec<u32>,
    /// File names within their directory, concatenated.
    names: Vec<u8>,
    ends: Vec<u32>,
    /// Per file, the index of its directory prefix.
    dir_of: Vec<u32>,
    /// Bytes of all relative paths, prefixes included.
    total: u64,
    problems: HashMap<usize, String>,
}

/// Index of the root's (empty) prefix.
const ROOT_DIR: u32 = 0;

/// End offset as `u32`; arenas past 4 GiB are refused in [`discover`]
/// (through [`Found::total`], which bounds them), so this saturates only
/// in a run that will stop.
fn end_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Found {
    fn new() -> Self {
        Self {
            dirs: Vec::new(),
            dir_ends: vec![0], // ROOT_DIR: the empty prefix
            names: Vec::new(),
            ends: Vec::new(),
            dir_of: Vec::new(),
            total: 0,
            problems: HashMap::new(),
        }
    }

    /// Registers a directory's prefix (ending in `/`); returns its index.
    fn add_dir(&mut self, prefix: &[u8]) -> u32 {
        self.dirs.extend_from_slice(prefix);
        self.dir_ends.push(end_u32(self.dirs.len()));
        end_u32(self.dir_ends.len() - 1)
    }

    fn push(&mut self, dir: u32, name: &[u8], problem: Option<String>) {
        self.names.extend_from_slice(name);
        if let Some(p) = problem {
            self.problems.insert(self.ends.len(), p);
        }
        self.ends.push(end_u32(self.names.len()));
        self.dir_of.push(dir);
        self.total += (self.prefix(dir).len() + name.len()) as u64;
    }

    fn prefix(&self, dir: u32) -> &[u8] {
        let d = dir as usize;
        let start = if d == 0 {
            0
        } else {
            self.dir_ends[d - 1] as usize
        };
        &self.dirs[start..self.dir_ends[d] as usize]
    }

    fn name(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.names[start..self.ends[i] as usize]
    }

    /// The relative path of file `i`, in two pieces: prefix and name.
    fn path(&self, i: u32) -> [&[u8]; 2] {
        [self.prefix(self.dir_of[i as usize]), self.name(i)]
    }

    /// The corpus in sorted order, its names written to `spill` (see
    /// [`discover`]) or kept in memory.
    fn into_sorted(self, root: &Path, spill: Option<&Path>) -> Result<Corpus> {
        let mut order: Vec<u32> = (0..end_u32(self.ends.len())).collect();
        order.sort_unstable_by(|&a, &b| {
            if self.dir_of[a as usize] == self.dir_of[b as usize] {
                self.name(a).cmp(self.name(b))
            } else {
                cmp_joined(self.path(a), self.path(b))
            }
        });
        let mut ends = Vec::with_capacity(order.len());
        let mut problems = HashMap::new();
        let mut end = 0usize;
        for (sorted, &i) in order.iter().enumerate() {
            end += self.path(i).iter().map(|p| p.len()).sum::<usize>();
            ends.push(end_u32(end));
            if let Some(p) = self.problems.get(&(i as usize)) {
                problems.insert(sorted, p.clone());
            }
        }
        let sorted_paths = order.iter().flat_map(|&i| self.path(i));
        let names = match spill {
            #[cfg(unix)]
            Some(dir) => Names::Spilled(spill_names(dir, sorted_paths)?),
            _ => Names::Memory(sorted_paths.flatten().copied().collect()),
        };
        Ok(Corpus {
            root: root.to_owned(),
            names,
            ends,
            problems,
        })
    }
}

/// Compares the concatenations `a[0] ++ a[1]` and `b[0] ++ b[1]` bytewise
/// (the order of the whole relative paths) without building them.
fn cmp_joined(mut a: [&[u8]; 2], mut b: [&[u8]; 2]) -> std::cmp::Ordering {
    loop {
        if a[0].is_empty() {
            a = [a[1], &[]];
        }
        if b[0].is_empty() {
            b = [b[1], &[]];
        }
        // An empty first piece now means that side is used up.
        if a[0].is_empty() || b[0].is_empty() {
            return a[0].len().cmp(&b[0].len());
        }
        let n = a[0].len().min(b[0].len());
        match a[0][..n].cmp(&b[0][..n]) {
            std::cmp::Ordering::Equal => {
                a[0] = &a[0][n..];
                b[0] = &b[0][n..];
            }
            unequal => return unequal,
        }
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
    names
        .into_iter()
        .try_for_each(|name| out.write_all(name))
        // `into_inner` flushes what is still buffered.
        .and_then(|()| out.into_inner().map_err(io::IntoInnerError::into_error))
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
    let mut found = Found::new();
    walk(root, &mut Vec::new(), &exclude, &mut seen, &mut found);
    if u32::try_from(found.total.max(found.dirs.len() as u64)).is_err() {
        bail!(
            "corpus {}: the relative paths of its files take {} bytes, above the 4 GiB this tool indexes",
            root.display(),
            found.total
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
                ROOT_DIR,
                &name,
                Some(format!("directory could not be listed: {}", e.kind())),
            );
            return;
        }
    };
    let here = if prefix.is_empty() {
        ROOT_DIR
    } else {
        out.add_dir(prefix)
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let name = os_bytes(&file_name);
        // The directory listing already says which entries are regular files
        // (no `statx` for them: one per file in the corpus). The others are
        // looked at whole: `metadata` follows symlinks, and a dangling link
        // becomes a failed entry.
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            out.push(here, &name, None);
            continue;
        }
        let path = entry.path();
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
            Ok(m) if m.is_file() => out.push(here, &name, None),
            Ok(_) => out.push(
                here,
                &name,
                Some("not a regular file (socket, fifo or device)".to_owned()),
            ),
            Err(e) => out.push(here, &name, Some(format!("cannot stat: {}", e.kind()))),
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
    fn joined_comparison_is_the_comparison_of_the_whole_paths() {
        // Every split of every pair of short strings over a small alphabet,
        // including "/" and "." whose order decides "a.txt" < "a/b.txt".
        let words: Vec<Vec<u8>> = (0..4usize.pow(3))
            .flat_map(|n| {
                (0..=3).map(move |len| (0..len).map(|k| b"a./b"[(n >> (2 * k)) & 3]).collect())
            })
            .collect();
        for a in &words {
            for b in &words {
                for i in 0..=a.len() {
                    for j in 0..=b.len() {
                        let (x, y) = ([&a[..i], &a[i..]], [&b[..j], &b[j..]]);
                        assert_eq!(cmp_joined(x, y), a.cmp(b), "{x:?} vs {y:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn files_sort_by_whole_path_across_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a/b/c.txt",
            "a.txt",
            "a/b.txt",
            "a-b/x",
            "a/a",
            "ab",
            "a/b/c/d",
        ] {
            let path = root.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, f).unwrap();
        }
        let files = discover(root, &[], None).unwrap();
        let rels: Vec<_> = (0..files.len()).map(|i| files.rel(i).unwrap()).collect();
        let mut sorted = rels.clone();
        sorted.sort();
        assert_eq!(rels, sorted);
        assert_eq!(rels.len(), 7);
        for (i, rel) in rels.iter().enumerate() {
            assert_eq!(&fs::read_to_string(files.path(i).unwrap()).unwrap(), rel);
        }
    }

    #[test]
    fn missing_root_is_a_usage_error() {
        let err = discover(Path::new("/nonexistent/corpus"), &[], None).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
