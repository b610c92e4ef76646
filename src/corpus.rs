//! Discovery: every regular file under the corpus root, recursively, in
//! sorted order, symlink loops safe. Skipped by default, as rg and fd do:
//! hidden files and directories (names starting with `.`, which covers
//! `.git`, `.svn`, `.hg`, `.DS_Store` and this tool's own staging and lock
//! names) and `CVS` folders (`--hidden` keeps them); files outside
//! `--include` globs or inside `--exclude` ones. Nothing else is skipped
//! silently: a directory that cannot be listed, a dangling link, a socket
//! or a symlink leading out of the root (without `--follow`) becomes an
//! entry with a `problem`, which the run reports as a `failed` row.
//!
//! The walker is this file's own (~100 lines) rather than `walkdir` or
//! `ignore`: it keeps the names in one arena (16 bytes a file while
//! walking, 4 after), takes the file type from the directory listing (no
//! `stat` per file), and follows a symlink only after checking where it
//! leads; `globset` does the matching.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::Usage;

/// Version-control folders that are not hidden by their name.
const VCS_DIRS: [&str; 2] = ["CVS", "_darcs"];

/// What discovery skips and follows (`--hidden`, `--follow`, `--include`,
/// `--exclude`).
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Keep hidden files and directories and version-control folders.
    pub hidden: bool,
    /// Follow symlinks that lead outside the corpus root.
    pub follow: bool,
    /// Keep only files matching one of these (none: every file).
    include: Option<Patterns>,
    /// Skip files and directories matching one of these.
    exclude: Option<Patterns>,
}

/// Globs split by what they match: a glob with a `/` the path relative to
/// the root (`*` not crossing `/`), one without the file name.
#[derive(Debug, Clone)]
struct Patterns {
    paths: GlobSet,
    names: GlobSet,
}

impl Patterns {
    fn new(globs: &[String], flag: &str) -> Result<Option<Self>> {
        if globs.is_empty() {
            return Ok(None);
        }
        let (mut paths, mut names) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for g in globs {
            let bad = |e: globset::Error| Usage(format!("{flag} {g}: {e}"));
            if g.contains('/') {
                let glob = GlobBuilder::new(g.trim_start_matches('/'))
                    .literal_separator(true)
                    .build()
                    .map_err(bad)?;
                paths.add(glob);
            } else {
                names.add(Glob::new(g).map_err(bad)?);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| Usage(format!("{flag}: {e}")));
        Ok(Some(Self {
            paths: build(paths)?,
            names: build(names)?,
        }))
    }

    fn matches(&self, rel: &[u8], name: &[u8]) -> bool {
        let rel = String::from_utf8_lossy(rel);
        let name = String::from_utf8_lossy(name);
        self.names.is_match(name.as_ref()) || self.paths.is_match(rel.as_ref())
    }
}

impl WalkOptions {
    /// Options from the command line's flags.
    ///
    /// # Errors
    /// [`Usage`] for a glob that does not parse.
    pub fn new(hidden: bool, follow: bool, include: &[String], exclude: &[String]) -> Result<Self> {
        Ok(Self {
            hidden,
            follow,
            include: Patterns::new(include, "--include")?,
            exclude: Patterns::new(exclude, "--exclude")?,
        })
    }

    /// True when an entry called `name` is skipped before looking at it.
    fn skips_name(&self, name: &[u8]) -> bool {
        !self.hidden && (name.starts_with(b".") || VCS_DIRS.iter().any(|v| v.as_bytes() == name))
    }

    fn excludes(&self, rel: &[u8], name: &[u8]) -> bool {
        self.exclude.as_ref().is_some_and(|p| p.matches(rel, name))
    }

    fn includes(&self, rel: &[u8], name: &[u8]) -> bool {
        self.include.as_ref().is_none_or(|p| p.matches(rel, name))
    }
}

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
    /// `source_path` of the files whose names are not UTF-8 (rare): see
    /// [`display_names`].
    display: HashMap<usize, String>,
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
    /// `source_path`); a name that is not UTF-8 as [`display_names`] shows it.
    ///
    /// # Errors
    /// When the names were spilled and cannot be read back.
    pub fn rel(&self, i: usize) -> io::Result<String> {
        Ok(self.rel_of(i, &self.name(i)?))
    }

    fn rel_of(&self, i: usize, name: &[u8]) -> String {
        match self.display.get(&i) {
            Some(shown) => shown.clone(),
            None => String::from_utf8_lossy(name).into_owned(),
        }
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
        Ok((self.rel_of(i, &name), self.root.join(os_str(&name))))
    }

    /// Why file `i` cannot be read, when discovery already knows (an
    /// unlistable directory, a dangling link, a socket).
    #[must_use]
    pub fn problem(&self, i: usize) -> Option<&str> {
        self.problems.get(&i).map(String::as_str)
    }
}

/// `source_path` for names that are not UTF-8: each component that is not
/// UTF-8 is read as GB18030 where that is sure (it decodes strictly and
/// every character it gives is a CJK ideograph, CJK or full-width
/// punctuation: names saved by Chinese Windows, `年报.txt` in GBK), and
/// otherwise keeps its ASCII and writes every other byte, and a backslash,
/// as `\xHH`, so the bytes can be recovered.
/// A result equal to another file's `source_path` is escaped instead, and
/// one still equal gets `\x00#<file index>` appended: two files never
/// share a `source_path`.
///
/// `names` yields every relative path in order; only the non-UTF-8 ones
/// (if any) are kept, so the cost is one UTF-8 check per file.
fn display_names<'a>(
    names: impl Iterator<Item = std::borrow::Cow<'a, [u8]>> + Clone,
) -> HashMap<usize, String> {
    let mut shown: HashMap<usize, String> = HashMap::new();
    let mut raw: HashMap<usize, Vec<u8>> = HashMap::new();
    for (i, name) in names.clone().enumerate() {
        if std::str::from_utf8(&name).is_err() {
            shown.insert(i, decode_name(&name, true));
            raw.insert(i, name.into_owned());
        }
    }
    if shown.is_empty() {
        return shown;
    }
    // Collisions with UTF-8 names or with each other, escaped, then numbered.
    for attempt in 0..2 {
        let values: HashSet<&str> = shown.values().map(String::as_str).collect();
        let mut taken: HashMap<String, usize> = HashMap::new();
        for (i, name) in names.clone().enumerate() {
            if let Ok(s) = std::str::from_utf8(&name)
                && values.contains(s)
            {
                taken.insert(s.to_owned(), i);
            }
        }
        let mut order: Vec<usize> = shown.keys().copied().collect();
        order.sort_unstable();
        let mut clean = true;
        for i in order {
            let value = shown[&i].clone();
            if taken.contains_key(&value) {
                clean = false;
                let fixed = if attempt == 0 {
                    decode_name(&raw[&i], false)
                } else {
                    format!("{value}\\x00#{i}")
                };
                shown.insert(i, fixed.clone());
                taken.insert(fixed, i);
            } else {
                taken.insert(value, i);
            }
        }
        if clean {
            break;
        }
    }
    shown
}

/// One relative path that is not UTF-8, shown per component (see
/// [`display_names`]); `gb18030`: try GB18030 first.
fn decode_name(name: &[u8], gb18030: bool) -> String {
    let mut out = String::with_capacity(name.len() * 2);
    for (k, part) in name.split(|&b| b == b'/').enumerate() {
        if k > 0 {
            out.push('/');
        }
        if let Ok(s) = std::str::from_utf8(part) {
            out.push_str(s);
            continue;
        }
        if gb18030
            && let Some(s) =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(part)
            && s.chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control() || is_cjk(c))
        {
            out.push_str(&s);
            continue;
        }
        for &b in part {
            if b.is_ascii() && b != b'\\' {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
    }
    out
}

/// CJK ideographs, CJK symbols and punctuation, full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
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
        // Every piece UTF-8 (the usual case): no name needs showing otherwise.
        let utf8 = |b: &[u8]| std::str::from_utf8(b).is_ok();
        let all_utf8 = (0..end_u32(self.ends.len())).all(|i| utf8(self.name(i)))
            && (0..end_u32(self.dir_ends.len())).all(|d| utf8(self.prefix(d)));
        let display = if all_utf8 {
            HashMap::new()
        } else {
            display_names(order.iter().map(|&i| Cow::Owned(self.path(i).concat())))
        };
        Ok(Corpus {
            root: root.to_owned(),
            names,
            ends,
            problems,
            display,
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

/// Lists every file under `root` that `options` keep, sorted by relative
/// path. Paths in `exclude` (the output directory) are not entered.
///
/// With `spill` (a run's staging directory), the sorted names are written
/// to an unlinked file there instead of memory, and read back per file; on
/// platforms where an open file cannot be unlinked they stay in memory.
///
/// # Errors
/// [`Usage`] when `root` does not exist or is not a directory; the spill
/// file cannot be created or written (the run then stops: its Parquet files
/// go to the same directory); the names take more than 4 GiB.
pub fn discover(
    root: &Path,
    options: &WalkOptions,
    exclude: &[PathBuf],
    spill: Option<&Path>,
) -> Result<Corpus> {
    let meta =
        fs::metadata(root).map_err(|e| Usage(format!("corpus root {}: {e}", root.display())))?;
    if !meta.is_dir() {
        return Err(Usage(format!("corpus root {} is not a directory", root.display())).into());
    }
    let walk = Walk {
        options,
        exclude: exclude
            .iter()
            .filter_map(|p| fs::canonicalize(p).ok())
            .collect(),
        root: fs::canonicalize(root).with_context(|| format!("resolving {}", root.display()))?,
    };
    let mut seen = HashSet::new();
    seen.insert(dir_key(&meta));
    let mut found = Found::new();
    walk.dir(root, &mut Vec::new(), &mut seen, &mut found);
    if u32::try_from(found.total.max(found.dirs.len() as u64)).is_err() {
        bail!(
            "corpus {}: the relative paths of its files take {} bytes, above the 4 GiB this tool indexes",
            root.display(),
            found.total
        );
    }
    found.into_sorted(root, spill)
}

/// True for a govreports output directory (`.versions/` and `current`):
/// another run's output inside the corpus is never read.
fn is_output(dir: &Path) -> bool {
    dir.join(".versions").is_dir() && fs::symlink_metadata(dir.join("current")).is_ok()
}

/// One walk's settings.
struct Walk<'a> {
    options: &'a WalkOptions,
    /// Real paths not entered.
    exclude: Vec<PathBuf>,
    /// The root's real path: symlinks leading elsewhere are not followed
    /// without `--follow`.
    root: PathBuf,
}

impl Walk<'_> {
    /// Walks `dir`, whose path relative to the root is `prefix` (empty or
    /// ending in `/`); `prefix` is restored before returning.
    fn dir(
        &self,
        dir: &Path,
        prefix: &mut Vec<u8>,
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
        let options = self.options;
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let name = os_bytes(&file_name);
            if options.skips_name(&name) {
                continue;
            }
            let len = prefix.len();
            prefix.extend_from_slice(&name);
            let excluded = options.excludes(prefix, &name);
            let included = options.includes(prefix, &name);
            prefix.truncate(len);
            if excluded {
                continue;
            }
            // The directory listing already says which entries are regular
            // files (no `statx` for them: one per file in the corpus). The
            // others are looked at whole: `metadata` follows symlinks, and a
            // dangling link becomes a failed entry.
            let file_type = entry.file_type();
            if file_type.as_ref().is_ok_and(fs::FileType::is_file) {
                if included {
                    out.push(here, &name, None);
                }
                continue;
            }
            let path = entry.path();
            if file_type.is_ok_and(|t| t.is_symlink())
                && !options.follow
                && let Ok(target) = fs::canonicalize(&path)
                && !target.starts_with(&self.root)
            {
                if included {
                    out.push(
                        here,
                        &name,
                        Some(format!(
                            "symlink leading outside the corpus root (to {}); not read without --follow",
                            target.display()
                        )),
                    );
                }
                continue;
            }
            match fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    if fs::canonicalize(&path).is_ok_and(|c| self.exclude.contains(&c))
                        || is_output(&path)
                        || !seen.insert(dir_key(&m))
                    {
                        continue;
                    }
                    prefix.extend_from_slice(&name);
                    prefix.push(b'/');
                    self.dir(&path, prefix, seen, out);
                    prefix.truncate(len);
                }
                _ if !included => {}
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
        let files = discover(root, &WalkOptions::default(), &[root.join("out")], None).unwrap();
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
        let files = discover(
            root,
            &WalkOptions::default(),
            std::slice::from_ref(&staging),
            Some(&staging),
        )
        .unwrap();
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
        let files = discover(root, &WalkOptions::default(), &[], None).unwrap();
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
    fn names_that_are_not_utf8_are_shown_apart() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("年报.txt");
        let names: Vec<Vec<u8>> = vec![
            b"a\\b\xff.txt".to_vec(),
            b"ok/\xfe.txt".to_vec(),
            gbk.to_vec(),
            "年报.txt".as_bytes().to_vec(),
            b"\\xFF.txt".to_vec(),
            b"\xff.txt".to_vec(),
        ];
        let shown = display_names(names.iter().map(|n| Cow::Borrowed(n.as_slice())));
        assert_eq!(shown[&0], "a\\x5Cb\\xFF.txt");
        assert_eq!(shown[&1], "ok/\\xFE.txt");
        // GBK 年报.txt collides with the UTF-8 one: escaped.
        assert_eq!(shown[&2], "\\xC4\\xEA\\xB1\\xA8.txt");
        // `\xff.txt` collides with a UTF-8 name written `\xFF.txt`: numbered.
        assert_eq!(shown[&5], "\\xFF.txt\\x00#5");
        assert_eq!(shown.len(), 4);
    }

    #[test]
    fn missing_root_is_a_usage_error() {
        let err = discover(
            Path::new("/nonexistent/corpus"),
            &WalkOptions::default(),
            &[],
            None,
        )
        .unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
