//! Incremental runs: what the published output already holds, and what a
//! new run must parse again.
//!
//! The published `reports` table says, per file, `source_path`,
//! `source_bytes`, `source_mtime_ns` and `doc_id`; `_run.json` says which
//! build, contract and options made it ([`Key`]). A run whose key equals the
//! previous one's reuses every file whose path, size and modification time
//! are unchanged, without reading it, and parses the rest. Everything else
//! follows from one rule on `doc_id`s (see [`plan`]): the rows of a `doc_id`
//! are carried over only when every file that has (or had) that id is
//! reused; otherwise all of them are dropped and every current file with
//! that id is parsed again. That keeps duplicates exactly as a full run
//! makes them (the first copy in path order keeps the facts, the others
//! point to it), whichever copy appeared, changed or went away.
//!
//! Limit, by design: a file rewritten with the same size and the same
//! modification time (to the nanosecond the filesystem keeps) is reused.
//! `--full` parses everything.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use arrow::array::{Array, AsArray};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::stats::Pipeline;

/// What a previous output must have been made with for its rows to be
/// reused: any difference means a full run.
///
/// `build` is the executable's size and modification time, so any new
/// build of the tool (a parser change included, whatever its version
/// says) parses everything again; `parser_revision` is bumped with changes
/// to what the parser outputs, for builds copied with their times kept.
/// The corpus root and the options that change a file's row
/// (`--max-file-size`, `--follow`) are part of it; `--include`, `--exclude`
/// and `--hidden` only change which files there are, which the run sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The crate's version.
    pub tool_version: String,
    /// [`crate::PARSER_REVISION`].
    pub parser_revision: u32,
    /// [`crate::CONTRACT_VERSION`].
    pub contract_version: String,
    /// `<size>-<mtime ns>` of the running executable.
    pub build: String,
    /// The corpus root, absolute.
    pub corpus_root: String,
    /// `--max-file-size`.
    pub max_file_size: u64,
    /// `--follow`.
    pub follow: bool,
}

impl Key {
    /// The key of a run over `corpus`.
    #[must_use]
    pub fn new(corpus: &Path, max_file_size: u64, follow: bool) -> Self {
        let build = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| {
                format!(
                    "{}-{}",
                    m.len(),
                    crate::parse::mtime_ns(&m).unwrap_or_default()
                )
            })
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            tool_version: crate::VERSION.to_owned(),
            parser_revision: crate::PARSER_REVISION,
            contract_version: crate::CONTRACT_VERSION.to_owned(),
            build,
            corpus_root: corpus.display().to_string(),
            max_file_size,
            follow,
        }
    }

    /// The first field that differs from `other`, to say why a run is full.
    fn difference(&self, other: &Self) -> Option<&'static str> {
        [
            (
                self.contract_version != other.contract_version,
                "contract version",
            ),
            (self.tool_version != other.tool_version, "tool version"),
            (
                self.parser_revision != other.parser_revision,
                "parser revision",
            ),
            (self.build != other.build, "build of the tool"),
            (self.corpus_root != other.corpus_root, "corpus root"),
            (self.max_file_size != other.max_file_size, "--max-file-size"),
            (self.follow != other.follow, "--follow"),
        ]
        .into_iter()
        .find_map(|(differs, what)| differs.then_some(what))
    }
}

/// A fingerprint of the statistics' definitions (names, SQL, `per_year`):
/// the statistics of an unchanged corpus are reused only under the same one.
#[must_use]
pub fn pipeline_hash(pipeline: &Pipeline) -> String {
    let mut hasher = blake3::Hasher::new();
    for stat in &pipeline.stats {
        for part in [stat.name.as_str(), stat.sql.as_str()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.update(&[u8::from(stat.per_year)]);
    }
    hasher.finalize().to_hex()[..32].to_owned()
}

/// One file of the previous output (a `reports` row).
///
/// A run holds one per file of the previous output, so it is kept small:
/// boxed strings and a static status (at 400k files the `String`s, the
/// status among them, held ~25 MB more).
#[derive(Debug, Clone)]
pub struct PrevFile {
    /// `source_path`.
    pub path: Box<str>,
    /// `source_bytes`.
    pub size: i64,
    /// `source_mtime_ns`.
    pub mtime: Option<i64>,
    /// `doc_id`.
    pub doc_id: Box<str>,
    /// `status`.
    pub status: &'static str,
    /// The partition it is in.
    pub year: Option<i32>,
}

/// The published output a run may build on.
#[derive(Debug)]
pub struct Previous {
    /// The published version's directory (its files, not the pointers).
    pub dir: PathBuf,
    /// Its `_run.json`.
    pub run: serde_json::Value,
    /// Its files, sorted by path.
    pub files: Vec<PrevFile>,
}

/// The year of a partition directory name (`report_year=2021`), `None` for
/// the unknown year; `Err` for a name that is no partition.
pub fn partition_year(name: &str) -> std::result::Result<Option<i32>, ()> {
    let value = name.strip_prefix("report_year=").ok_or(())?;
    if value == "__HIVE_DEFAULT_PARTITION__" {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| ())
}

/// The Parquet files of a partition directory, sorted.
///
/// # Errors
/// When the directory cannot be listed.
pub fn part_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut parts: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    Ok(parts)
}

/// The partitions of a table directory: (year, directory), sorted.
///
/// # Errors
/// When the directory cannot be listed or holds something else.
pub fn partitions(table_dir: &Path) -> Result<Vec<(Option<i32>, PathBuf)>> {
    let mut out = Vec::new();
    if !table_dir.is_dir() {
        return Ok(out);
    }
    for entry in
        fs::read_dir(table_dir).with_context(|| format!("listing {}", table_dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let year = partition_year(&name)
            .map_err(|()| anyhow::anyhow!("{} is not a partition", entry.path().display()))?;
        out.push((year, entry.path()));
    }
    out.sort();
    Ok(out)
}

impl Previous {
    /// The published output under `out` and the reason it cannot be built
    /// on, if any (`Ok(None)`: there is none).
    ///
    /// # Errors
    /// The reason, in words, when there is an output whose rows cannot be
    /// reused (made by another build or with other options, or unreadable).
    pub fn load(out: &Path, key: &Key) -> std::result::Result<Option<Self>, String> {
        let run_json = out.join("_run.json");
        if fs::symlink_metadata(&run_json).is_err() {
            return Ok(None);
        }
        let dir = fs::canonicalize(out.join(crate::sink::CURRENT))
            .map_err(|_| "the previous output is not versioned".to_owned())?;
        let run: serde_json::Value = fs::read(dir.join("_run.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("the previous _run.json cannot be read")?;
        let Some(previous_key) = run
            .get("incremental_key")
            .and_then(|k| Key::deserialize(k).ok())
        else {
            return Err(
                "the previous output was made by a version without incremental runs".into(),
            );
        };
        if let Some(what) = key.difference(&previous_key) {
            return Err(format!("the {what} differs from the previous run's"));
        }
        let t = std::time::Instant::now();
        let files = read_manifest(&dir.join("reports"))
            .map_err(|e| format!("the previous reports table cannot be read: {e:#}"))?;
        tracing::debug!(
            "previous output's file list: {} files in {:.3}s",
            files.len(),
            t.elapsed().as_secs_f64()
        );
        Ok(Some(Self { dir, run, files }))
    }

    /// Index in [`Self::files`] of the file at `path`.
    #[must_use]
    pub fn find(&self, path: &str) -> Option<usize> {
        self.files.binary_search_by(|f| (*f.path).cmp(path)).ok()
    }
}

/// The `reports` rows of a published version, sorted by path.
fn read_manifest(reports: &Path) -> Result<Vec<PrevFile>> {
    const COLUMNS: [&str; 5] = [
        "doc_id",
        "source_path",
        "source_bytes",
        "source_mtime_ns",
        "status",
    ];
    let mut files = Vec::new();
    let partitions = partitions(reports)?;
    // Sized from the footers: a vector grown by doubling holds up to twice
    // the files it has.
    let mut rows = 0;
    for (_, dir) in &partitions {
        for part in part_files(dir)? {
            use parquet::file::reader::{FileReader, SerializedFileReader};
            let file = File::open(&part).with_context(|| format!("opening {}", part.display()))?;
            let reader = SerializedFileReader::new(file)
                .with_context(|| format!("reading {}", part.display()))?;
            rows += usize::try_from(reader.metadata().file_metadata().num_rows()).unwrap_or(0);
        }
    }
    files.reserve_exact(rows);
    for (year, dir) in partitions {
        for part in part_files(&dir)? {
            let file = File::open(&part).with_context(|| format!("opening {}", part.display()))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                .with_context(|| format!("reading {}", part.display()))?;
            let descr = builder.parquet_schema();
            let leaves = COLUMNS
                .iter()
                .map(|name| {
                    descr
                        .columns()
                        .iter()
                        .position(|c| c.name() == *name)
                        .with_context(|| format!("{} has no column {name}", part.display()))
                })
                .collect::<Result<Vec<_>>>()?;
            let mask = ProjectionMask::leaves(descr, leaves);
            let reader = builder
                .with_projection(mask)
                .with_batch_size(65_536)
                .build()?;
            for batch in reader {
                let batch = batch?;
                let col = |name: &str| {
                    batch
                        .column_by_name(name)
                        .with_context(|| format!("{} has no column {name}", part.display()))
                };
                let doc_id = col("doc_id")?.as_string::<i32>();
                let path = col("source_path")?.as_string::<i32>();
                let size = col("source_bytes")?
                    .as_primitive_opt::<arrow::datatypes::Int64Type>()
                    .context("source_bytes is not BIGINT")?;
                let mtime = col("source_mtime_ns")?
                    .as_primitive_opt::<arrow::datatypes::Int64Type>()
                    .context("source_mtime_ns is not BIGINT")?;
                let status = col("status")?.as_string::<i32>();
                for i in 0..batch.num_rows() {
                    let code = status.value(i);
                    let status = crate::report::Status::ALL
                        .iter()
                        .map(|s| s.code())
                        .find(|c| *c == code)
                        .with_context(|| format!("the previous output has a status {code}"))?;
                    files.push(PrevFile {
                        path: path.value(i).into(),
                        size: size.value(i),
                        mtime: mtime.is_valid(i).then(|| mtime.value(i)),
                        doc_id: doc_id.value(i).into(),
                        status,
                        year,
                    });
                }
            }
        }
    }
    files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What an incremental run does with each file.
#[derive(Debug, Default)]
pub struct Plan {
    /// Corpus indices of the files to parse, in order.
    pub parse: Vec<usize>,
    /// Files reused without being read.
    pub reused: u64,
    /// Files of the previous output no longer in the corpus.
    pub dropped: u64,
    /// `doc_id`s whose previous rows are dropped (every table).
    pub dirty: HashSet<String>,
    /// Partitions holding rows of `dirty` ids: rewritten; the others are
    /// carried as they are.
    pub dirty_years: BTreeSet<Option<i32>>,
    /// Reused files per status, and their bytes.
    pub reused_statuses: BTreeMap<String, u64>,
    /// Bytes of the reused files.
    pub reused_bytes: u64,
}

/// Decides which files to parse.
///
/// 1. A file is a candidate for reuse when the previous output has its
///    path with the same size and a known, equal modification time (a
///    file discovery found a problem with is always parsed).
/// 2. Every other file is parsed; the `doc_id`s of the files parsed and of
///    the previous files not reused (deleted or changed) are *dirty*.
/// 3. A candidate whose previous `doc_id` is dirty is parsed too, and its
///    id (read from its bytes) becomes dirty; repeated until nothing moves.
///
/// Then no reused file shares a `doc_id` with a parsed file, so the
/// duplicates among the parsed files are exactly a full run's, and the
/// previous rows to drop are those of the dirty ids.
///
/// `stat(i)` gives file `i`'s size and modification time (`None` when it
/// cannot be read); `doc_id(i)` the id [`crate::parse::file_doc_id`] gives.
/// Both are called on the rayon pool the caller installs.
///
/// # Errors
/// When a file's name cannot be read back.
pub fn plan(
    files: &Corpus,
    previous: &Previous,
    stat: impl Fn(usize) -> Option<(i64, i64)> + Sync,
    doc_id: impl Fn(usize) -> String + Sync,
) -> Result<Plan> {
    use rayon::prelude::*;
    let t = std::time::Instant::now();
    // Step 1: the previous file each corpus file may reuse.
    let matched: Vec<Option<u32>> = (0..files.len())
        .into_par_iter()
        .map(|i| -> Result<Option<u32>> {
            if files.problem(i).is_some() {
                return Ok(None);
            }
            let rel = files.rel(i)?;
            let Some(p) = previous.find(&rel) else {
                return Ok(None);
            };
            let prev = &previous.files[p];
            let same = prev.mtime.is_some()
                && stat(i)
                    .is_some_and(|(size, mtime)| size == prev.size && Some(mtime) == prev.mtime);
            Ok(same.then_some(p as u32))
        })
        .collect::<Result<_>>()?;
    tracing::debug!("plan: files compared in {:.3}s", t.elapsed().as_secs_f64());
    let mut reused_prev = vec![false; previous.files.len()];
    for p in matched.iter().flatten() {
        reused_prev[*p as usize] = true;
    }
    // Previous files no longer in the corpus at all.
    let mut present = vec![false; previous.files.len()];
    for i in 0..files.len() {
        if matched[i].is_none()
            && let Some(p) = previous.find(&files.rel(i)?)
        {
            present[p] = true;
        }
    }
    let dropped = reused_prev
        .iter()
        .zip(&present)
        .filter(|(r, p)| !**r && !**p)
        .count() as u64;
    // Step 2.
    let mut dirty: HashSet<String> = previous
        .files
        .iter()
        .zip(&reused_prev)
        .filter(|(_, r)| !**r)
        .map(|(f, _)| f.doc_id.to_string())
        .collect();
    let mut parse: Vec<usize> = (0..files.len()).filter(|&i| matched[i].is_none()).collect();
    let mut fresh = parse.clone();
    let mut in_parse = vec![false; files.len()];
    for &i in &parse {
        in_parse[i] = true;
    }
    // Step 3.
    loop {
        let ids: Vec<String> = fresh.par_iter().map(|&i| doc_id(i)).collect();
        dirty.extend(ids);
        fresh = (0..files.len())
            .filter(|&i| {
                !in_parse[i]
                    && matched[i]
                        .is_some_and(|p| dirty.contains(&*previous.files[p as usize].doc_id))
            })
            .collect();
        if fresh.is_empty() {
            break;
        }
        for &i in &fresh {
            in_parse[i] = true;
            let p = matched[i].expect("a candidate") as usize;
            reused_prev[p] = false;
        }
        parse.extend(&fresh);
    }
    tracing::debug!("plan: done in {:.3}s", t.elapsed().as_secs_f64());
    parse.sort_unstable();
    let mut plan = Plan {
        parse,
        dropped,
        ..Plan::default()
    };
    for (f, reused) in previous.files.iter().zip(&reused_prev) {
        if *reused {
            plan.reused += 1;
            *plan.reused_statuses.entry(f.status.to_owned()).or_default() += 1;
            plan.reused_bytes += u64::try_from(f.size).unwrap_or(0);
        } else {
            plan.dirty_years.insert(f.year);
        }
    }
    plan.dirty = dirty;
    Ok(plan)
}
