//! Partitioned Parquet, staged and published atomically.
//!
//! * [`Output`] owns the output directory for the run: a kernel lock on it
//!   (a second run over the same `OUT` exits at once), a staging directory
//!   unique to the run inside it, and [`Output::publish`], which renames the
//!   verified staging directory to an immutable version and switches the
//!   `current` pointer to it in one `rename(2)`, keeping the previous
//!   version for readers still on it — also when the process is killed at
//!   any moment.
//! * [`Sink`] keeps one Parquet writer per (table, `report_year` partition)
//!   open for the run and appends each chunk's batches, so memory stays flat
//!   however many files the corpus has.
//! * A writer ([`PartWriter`], one file) assembles each row group from two
//!   encoders: [`dictionary`] for the coded columns (`doc_id`, codes, raw
//!   cell texts), which arrive as Arrow dictionaries, and parquet-rs's Arrow
//!   column writers for the rest.

use std::collections::BTreeMap;
use std::fs::{self, File, TryLockError};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use arrow::datatypes::DataType;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::batch::{TABLES, Table, TableBatches};
use crate::error::Usage;

pub mod dictionary;
pub mod filter;
pub mod part;

pub use part::PartWriter;

/// The file written in each partition directory (codec in the name, as delta-rs does).
pub const PART_FILE: &str = "part-00000.zstd.parquet";

/// Row groups per Parquet file before the writer starts the next part
/// (`part-00001…`). A writer keeps the metadata of every row group it
/// finished (statistics, page index) until it writes the footer, so one file
/// per partition made memory grow with the corpus. 32 row groups are up to
/// ~3.9M rows (~30 MB), a file size DuckDB and Spark scan well; 64 kept
/// ~4 MB more metadata at 400k reports (RSS after 100k files +12 against
/// +7 MB), which the ±10% memory target could not spare once the writers
/// got leaner.
pub const ROW_GROUPS_PER_FILE: usize = 32;

/// Buffer between a writer and its file. Parquet hands over whole pages,
/// so a small buffer costs nothing; 49 writers × 1 MB did cost RSS.
const FILE_BUFFER_BYTES: usize = 64 << 10;

/// Rows per row group: DuckDB's 122,880-row group size.
pub const ROW_GROUP_ROWS: usize = 122_880;

/// Memory the open writers may hold together in unfinished row groups.
/// Small tables (`reports`, `diagnostics`) would otherwise buffer a whole
/// partition until the end of the run, so memory would grow with the
/// corpus; above this budget the biggest unfinished row group is written
/// out early (row groups stay as large as the budget allows).
pub const WRITER_BUDGET_BYTES: usize = 32 << 20;

/// Hive directory name of a partition; unknown years go where DuckDB and Spark read NULL.
#[must_use]
pub fn partition_dir(year: Option<i32>) -> String {
    match year {
        Some(y) => format!("report_year={y}"),
        None => "report_year=__HIVE_DEFAULT_PARTITION__".to_owned(),
    }
}

/// Writer properties: zstd, column-chunk statistics, contract and tool
/// versions in the footer.
///
/// Statistics are kept per column chunk (min/max/nulls per row group, what
/// DuckDB, Spark and Polars prune row groups with), not per page: a page
/// index costs a fifth of the encoding time and none of those readers uses
/// it for the scans our users run.
///
/// Only string columns are dictionary-encoded, and not the nearly-unique
/// ones ([`Table::unique_text_columns`]). Numbers are written plain
/// (`source_line` delta-packed: it rises through each report): a dictionary
/// gains zstd little on them, and parquet-rs interns every value and
/// buffers its index as a `u64`, which counted against the writers' budget
/// and cut row groups at ~18k rows. Measured on 100k generated reports:
/// `applications` row groups 18k → 102k rows (DuckDB's are 122,880), run
/// 14.1 → 13.2–13.4 s, output +1.5%, peak RSS 104 → 120 MB (400k: 136 MB).
#[must_use]
pub fn writer_properties(table: Table) -> WriterProperties {
    let schema = table.schema();
    let plain =
        table
            .unique_text_columns()
            .iter()
            .copied()
            .chain(schema.fields().iter().filter_map(|f| {
                let numeric = f.data_type().is_numeric() || *f.data_type() == DataType::Date32;
                numeric.then_some(f.name().as_str())
            }));
    let mut builder = plain.fold(WriterProperties::builder(), |b, column| {
        b.set_column_dictionary_enabled(ColumnPath::from(column), false)
    });
    if schema.field_with_name("source_line").is_ok() {
        builder = builder.set_column_encoding(
            ColumnPath::from("source_line"),
            Encoding::DELTA_BINARY_PACKED,
        );
    }
    builder
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(dictionary::ZSTD_LEVEL).expect("valid zstd level"),
        ))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                "govreports.contract_version".to_owned(),
                crate::CONTRACT_VERSION.to_owned(),
            ),
            KeyValue::new(
                "govreports.parser_version".to_owned(),
                crate::VERSION.to_owned(),
            ),
            KeyValue::new("govreports.table".to_owned(), table.name().to_owned()),
        ]))
        .build()
}

/// Open Parquet writers for one run, keyed by table and partition.
pub struct Sink {
    root: PathBuf,
    writers: BTreeMap<(Table, Option<i32>), PartWriter<BufWriter<File>>>,
    /// Part number of each open writer's file.
    parts: BTreeMap<(Table, Option<i32>), u32>,
    rows: BTreeMap<Table, u64>,
    budget: usize,
    /// The first part number of a partition whose earlier parts are
    /// carried from the previous output (incremental runs).
    first_parts: BTreeMap<(Table, Option<i32>), u32>,
    /// One zstd context for every page the code columns write.
    zstd: zstd::bulk::Compressor<'static>,
}

impl Sink {
    /// A sink writing under `root` (the staging directory).
    #[must_use]
    pub fn new(root: &Path) -> Self {
        Self::with_budget(root, WRITER_BUDGET_BYTES)
    }

    /// A sink whose unfinished row groups may hold at most `budget` bytes.
    ///
    /// # Panics
    /// If zstd cannot allocate its context.
    #[must_use]
    pub fn with_budget(root: &Path, budget: usize) -> Self {
        Self {
            root: root.to_owned(),
            writers: BTreeMap::new(),
            parts: BTreeMap::new(),
            rows: TABLES.iter().map(|&t| (t, 0)).collect(),
            budget,
            first_parts: BTreeMap::new(),
            zstd: zstd::bulk::Compressor::new(dictionary::ZSTD_LEVEL)
                .expect("a zstd context at level 1"),
        }
    }

    /// Opens the writers of a partition for every table, so that every table
    /// has a file wherever `reports` has one (DuckDB globs never come back empty).
    fn open_partition(&mut self, year: Option<i32>) -> Result<()> {
        if self.writers.contains_key(&(Table::Reports, year)) {
            return Ok(());
        }
        for table in TABLES {
            let first = self.first_parts.get(&(table, year)).copied().unwrap_or(0);
            self.open_writer(table, year, first)?;
        }
        Ok(())
    }

    /// Rows written to a partition of `table` go to parts numbered from
    /// `first` on: the parts before are carried from the previous output.
    pub fn start_parts_at(&mut self, table: Table, year: Option<i32>, first: u32) {
        self.first_parts.insert((table, year), first);
    }

    /// Opens part `part` of a table's partition.
    fn open_writer(&mut self, table: Table, year: Option<i32>, part: u32) -> Result<()> {
        let dir = self.root.join(table.name()).join(partition_dir(year));
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("part-{part:05}.zstd.parquet"));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let writer = PartWriter::new(BufWriter::with_capacity(FILE_BUFFER_BYTES, file), table)
            .with_context(|| format!("opening Parquet writer {}", path.display()))?;
        self.writers.insert((table, year), writer);
        self.parts.insert((table, year), part);
        Ok(())
    }

    /// Closes the writers that reached [`ROW_GROUPS_PER_FILE`] and opens
    /// their next part.
    fn roll_full_files(&mut self) -> Result<()> {
        let full: Vec<_> = self
            .writers
            .iter()
            .filter(|(_, w)| w.row_groups() >= ROW_GROUPS_PER_FILE)
            .map(|(&key, _)| key)
            .collect();
        for (table, year) in full {
            let writer = self.writers.remove(&(table, year)).expect("listed above");
            close(writer, &mut self.zstd)
                .with_context(|| format!("finishing {}/{}", table.name(), partition_dir(year)))?;
            let next = self.parts.get(&(table, year)).map_or(0, |p| p + 1);
            self.open_writer(table, year, next)?;
        }
        Ok(())
    }

    /// Appends one partition's batches (one per table).
    ///
    /// # Errors
    /// When a file cannot be created or written.
    pub fn write(&mut self, year: Option<i32>, batches: TableBatches) -> Result<()> {
        self.open_partition(year)?;
        for (table, batch) in batches {
            if batch.num_rows() == 0 {
                continue;
            }
            let writer = self
                .writers
                .get_mut(&(table, year))
                .expect("partition opened above");
            writer.write(&batch, &mut self.zstd).with_context(|| {
                format!("writing {} rows of {}", batch.num_rows(), table.name())
            })?;
            *self.rows.entry(table).or_default() += batch.num_rows() as u64;
        }
        self.enforce_budget()?;
        self.roll_full_files()
    }

    /// Flushes the largest unfinished row groups until the writers together
    /// hold at most the budget ([`WRITER_BUDGET_BYTES`] by default).
    fn enforce_budget(&mut self) -> Result<()> {
        let mut total = self.buffered_bytes();
        while total > self.budget {
            let Some(((table, year), writer)) =
                self.writers.iter_mut().max_by_key(|(_, w)| w.memory_size())
            else {
                break;
            };
            let before = writer.memory_size();
            if before == 0 {
                break;
            }
            writer.flush(&mut self.zstd).with_context(|| {
                format!(
                    "flushing a row group of {}/{}",
                    table.name(),
                    partition_dir(*year)
                )
            })?;
            total = total - before + writer.memory_size();
        }
        Ok(())
    }

    /// Bytes the open writers hold in memory (encoded pages of their
    /// unfinished row groups): what the row-group size costs in RSS.
    #[must_use]
    pub fn buffered_bytes(&self) -> usize {
        self.writers.values().map(PartWriter::memory_size).sum()
    }

    /// Closes every writer; returns rows written per table.
    ///
    /// # Errors
    /// When a footer cannot be written.
    pub fn finish(mut self) -> Result<BTreeMap<Table, u64>> {
        if self.writers.is_empty() && self.first_parts.is_empty() {
            // An empty corpus still gives readable (empty) tables.
            self.open_partition(None)?;
        }
        Ok(self.finish_parts()?.0)
    }

    /// Closes every writer (and opens no empty partition); returns rows
    /// written per table and, per partition written, the number the next
    /// part written there must have.
    ///
    /// # Errors
    /// When a footer cannot be written.
    #[allow(clippy::type_complexity)]
    pub fn finish_parts(
        self,
    ) -> Result<(BTreeMap<Table, u64>, BTreeMap<(Table, Option<i32>), u32>)> {
        let mut zstd = self.zstd;
        for ((table, year), writer) in self.writers {
            close(writer, &mut zstd)
                .with_context(|| format!("finishing {}/{}", table.name(), partition_dir(year)))?;
        }
        let next = self.parts.into_iter().map(|(k, p)| (k, p + 1)).collect();
        Ok((self.rows, next))
    }
}

/// Writes a file's last row group and footer, and flushes it.
fn close(
    writer: PartWriter<BufWriter<File>>,
    zstd: &mut zstd::bulk::Compressor<'static>,
) -> Result<()> {
    writer.close(zstd)?.flush()?;
    Ok(())
}

/// Where published versions live inside `OUT`.
pub const VERSIONS_DIR: &str = ".versions";

/// The pointer to the published version: `OUT/current → .versions/<run id>`.
pub const CURRENT: &str = "current";

/// A run's staging directory inside `OUT` is `.staging-<run id>`.
const STAGING_PREFIX: &str = ".staging-";

/// The output directory of a run: lock, staging directory, versioned
/// publication.
///
/// ```text
/// OUT/                          locked (flock) for the whole run
///   current -> .versions/20261207T112501.123Z-4242      the pointer, switched atomically
///   applications -> current/applications                  one link per table, stats, _run.json
///   reports -> current/reports
///   _run.json -> current/_run.json
///   .versions/20261207T112501.123Z-4242/…                 this version, immutable once published
///   .versions/20261206T021500.017Z-3131/…                 the previous one, kept until the next run
///   .staging-<run id>/                                    a run in progress (removed if it stops)
/// ```
///
/// The lock is an `flock` on the `OUT` directory itself (its real path, so
/// a symlink to it and the real path lock the same thing): the kernel drops
/// it when the process dies, and there is no lock file a cleaner can delete.
#[derive(Debug)]
pub struct Output {
    /// `--out` with symlinks resolved: what is locked and written.
    out: PathBuf,
    run_id: String,
    staging: PathBuf,
    _lock: File,
}

/// `out` with symlinks resolved; a path that does not exist yet is resolved
/// through its parent (created).
fn resolve_out(out: &Path) -> Result<PathBuf> {
    if let Ok(real) = fs::canonicalize(out) {
        return Ok(real);
    }
    if fs::symlink_metadata(out).is_ok() {
        return Err(Usage(format!(
            "--out {} is a symlink to a missing directory",
            out.display()
        ))
        .into());
    }
    let name = out
        .file_name()
        .with_context(|| format!("output path {} has no directory name", out.display()))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let parent =
        fs::canonicalize(parent).with_context(|| format!("resolving {}", parent.display()))?;
    Ok(parent.join(name))
}

/// A sibling of `out` named `.<name>.<what>` (the layout before versions).
fn sibling(out: &Path, what: &str) -> Option<PathBuf> {
    let name = out.file_name()?;
    let parent = out.parent()?;
    Some(parent.join(format!(".{}.{what}", name.to_string_lossy())))
}

/// True when `dir` is empty or looks like a govreports output.
fn is_output(dir: &Path) -> bool {
    [VERSIONS_DIR, CURRENT, "_run.json"]
        .iter()
        .any(|name| fs::symlink_metadata(dir.join(name)).is_ok())
        || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_a: &fs::Metadata, _b: &fs::Metadata) -> bool {
    true
}

/// A name for this run: UTC time to the millisecond and the process id,
/// so versions sort by time and two runs never share one.
fn new_run_id() -> String {
    format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
        std::process::id()
    )
}

impl Output {
    /// Resolves and locks `out`, cleans what a killed run left behind and
    /// creates this run's staging directory.
    ///
    /// # Errors
    /// [`Usage`] when `out` exists but is not a govreports output (or is a
    /// dangling symlink); an error when another run holds the lock or the
    /// directories cannot be created.
    pub fn prepare(out: &Path) -> Result<Self> {
        let out = resolve_out(out)?;
        // A run of the layout before versions, killed between its two
        // renames, left the previous output at `.OUT.old`: put it back.
        if let Some(old) = sibling(&out, "old")
            && !out.exists()
            && old.is_dir()
        {
            fs::rename(&old, &out)
                .with_context(|| format!("restoring {} from {}", out.display(), old.display()))?;
        }
        if out.exists() && (!out.is_dir() || !is_output(&out)) {
            return Err(Usage(format!(
                "refusing to write into {}: it exists and is not a govreports output (no _run.json); choose another --out",
                out.display()
            ))
            .into());
        }
        match fs::create_dir(&out) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("creating {}", out.display())),
        }
        let lock = File::open(&out).with_context(|| format!("opening {}", out.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                bail!(
                    "another govreports run is writing {} (it holds the lock on that directory); exiting without changes",
                    out.display()
                )
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", out.display()));
            }
        }
        // The directory locked is still the one at `out` (not renamed or
        // replaced between the open and the lock).
        let locked = lock.metadata().context("reading the locked directory")?;
        if !fs::metadata(&out).is_ok_and(|now| same_file(&now, &locked)) {
            bail!(
                "{} was moved or replaced while it was being locked; exiting without changes",
                out.display()
            );
        }
        // Left by runs that were killed (we hold the lock: none is running).
        let mut stale: Vec<PathBuf> = fs::read_dir(&out)
            .with_context(|| format!("listing {}", out.display()))?
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(STAGING_PREFIX) || name.starts_with(".current-")
            })
            .map(|e| e.path())
            .collect();
        stale.extend(sibling(&out, "staging").filter(|p| p.exists()));
        for path in stale {
            let removed = if path.is_dir() && !path.is_symlink() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.with_context(|| {
                format!("removing {} left by an interrupted run", path.display())
            })?;
        }
        let versions = out.join(VERSIONS_DIR);
        fs::create_dir_all(&versions)
            .with_context(|| format!("creating {}", versions.display()))?;
        // Two runs of one process within a millisecond (tests) get the
        // same id: the second waits for the next one.
        let (run_id, staging) = loop {
            let id = new_run_id();
            let staging = out.join(format!("{STAGING_PREFIX}{id}"));
            if versions.join(&id).exists() {
                std::thread::sleep(std::time::Duration::from_millis(2));
                continue;
            }
            match fs::create_dir(&staging) {
                Ok(()) => break (id, staging),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("creating staging directory {}", staging.display())
                    });
                }
            }
        };
        Ok(Self {
            out,
            run_id,
            staging,
            _lock: lock,
        })
    }

    /// Where this run writes before publishing (inside `OUT`, unique to the run).
    #[must_use]
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The output directory, symlinks resolved.
    #[must_use]
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The directory this run's version has once published.
    #[must_use]
    pub fn version_dir(&self) -> PathBuf {
        self.out.join(VERSIONS_DIR).join(&self.run_id)
    }

    /// Files of the published output (`files_seen` of its `_run.json`), if
    /// there is one: what the shrink guard compares against.
    #[must_use]
    pub fn previous_files(&self) -> Option<u64> {
        let json = fs::read(self.out.join("_run.json")).ok()?;
        let value: serde_json::Value = serde_json::from_slice(&json).ok()?;
        value.get("files_seen")?.as_u64()
    }

    /// Publishes the staged tree as a new version and switches `current` to it.
    ///
    /// Why readers never see a mix: the version directory is complete
    /// (verified by [`verify_staged`]) before anything points to it;
    /// `current` is replaced by `rename(2)` of a new symlink over it, which
    /// is atomic; every top-level name (`OUT/applications`, …) is a link
    /// through `current`, so all tables switch in that one rename. A reader
    /// that resolves `current` once reads one version to the end: the
    /// previous version stays until the next run publishes. A reader that
    /// opens files through `OUT/<table>` resolves `current` at each open,
    /// so a query that lists files before the switch and opens them after
    /// can still combine versions; the README says how to read
    /// consistently. A process killed at any moment leaves either the old
    /// pointer or the new one, each to a complete version.
    ///
    /// # Errors
    /// When the directories or links cannot be renamed or created.
    pub fn publish(&self) -> Result<()> {
        let version = self.version_dir();
        fs::rename(&self.staging, &version).with_context(|| {
            format!("moving {} to {}", self.staging.display(), version.display())
        })?;
        let previous = fs::read_link(self.out.join(CURRENT))
            .ok()
            .and_then(|target| target.file_name().map(ToOwned::to_owned));
        let mut names: Vec<std::ffi::OsString> = fs::read_dir(&version)
            .with_context(|| format!("listing {}", version.display()))?
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| !n.to_string_lossy().starts_with('.'))
            .collect();
        names.sort();
        let legacy = self.migrate_legacy_layout(&names)?;
        for name in &names {
            self.link_through_current(name)?;
        }
        self.point_current_to(&self.run_id)?;
        self.remove_stale_links(&names);
        let keep = [Some(self.run_id.clone().into()), previous, legacy];
        self.remove_old_versions(&keep);
        Ok(())
    }

    /// Points `current` at `.versions/<id>`: a new symlink renamed over the
    /// old one, so the switch is one atomic `rename(2)`.
    fn point_current_to(&self, id: &str) -> Result<()> {
        let tmp = self.out.join(format!(".current-{}", self.run_id));
        let _ = fs::remove_file(&tmp);
        symlink(&Path::new(VERSIONS_DIR).join(id), &tmp)?;
        fs::rename(&tmp, self.out.join(CURRENT))
            .with_context(|| format!("switching {}/{CURRENT}", self.out.display()))
    }

    /// Makes `OUT/<name>` a link to `current/<name>` unless it is one.
    fn link_through_current(&self, name: &std::ffi::OsStr) -> Result<()> {
        let path = self.out.join(name);
        let target = Path::new(CURRENT).join(name);
        if fs::read_link(&path).is_ok_and(|t| t == target) {
            return Ok(());
        }
        let tmp = self.out.join(format!(".current-{}-link", self.run_id));
        let _ = fs::remove_file(&tmp);
        symlink(&target, &tmp)?;
        fs::rename(&tmp, &path).with_context(|| format!("linking {}", path.display()))
    }

    /// An output written before versions has its tables as real
    /// directories in `OUT`: they move into `.versions/legacy`, which
    /// `current` points to meanwhile (each table is briefly missing while
    /// it moves; this happens once). Returns the version name to keep.
    fn migrate_legacy_layout(
        &self,
        names: &[std::ffi::OsString],
    ) -> Result<Option<std::ffi::OsString>> {
        let mut legacy_entries = Vec::new();
        for entry in fs::read_dir(&self.out)
            .with_context(|| format!("listing {}", self.out.display()))?
            .flatten()
        {
            let name = entry.file_name();
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if !is_link && !name.to_string_lossy().starts_with('.') && name != CURRENT {
                legacy_entries.push(name);
            }
        }
        if legacy_entries.is_empty() {
            return Ok(None);
        }
        let legacy_id = format!("legacy-{}", self.run_id);
        let legacy = self.out.join(VERSIONS_DIR).join(&legacy_id);
        fs::create_dir(&legacy).with_context(|| format!("creating {}", legacy.display()))?;
        self.point_current_to(&legacy_id)?;
        for name in legacy_entries {
            fs::rename(self.out.join(&name), legacy.join(&name)).with_context(|| {
                format!(
                    "moving {} into {}",
                    name.to_string_lossy(),
                    legacy.display()
                )
            })?;
            if names.contains(&name) {
                self.link_through_current(&name)?;
            }
        }
        Ok(Some(legacy_id.into()))
    }

    /// Removes top-level links into `current` whose entry the new version
    /// no longer has (a statistic dropped from the pipeline).
    fn remove_stale_links(&self, names: &[std::ffi::OsString]) {
        let Ok(entries) = fs::read_dir(&self.out) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name == CURRENT || names.contains(&name) {
                continue;
            }
            if fs::read_link(entry.path()).is_ok_and(|t| t.starts_with(CURRENT)) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Removes every version but the ones in `keep` (this run's and the one
    /// `current` pointed to before, which readers may still be reading).
    /// A version that cannot be removed stays, with a warning.
    fn remove_old_versions(&self, keep: &[Option<std::ffi::OsString>]) {
        let versions = self.out.join(VERSIONS_DIR);
        let Ok(entries) = fs::read_dir(&versions) else {
            return;
        };
        for entry in entries.flatten() {
            let name = Some(entry.file_name());
            if keep.contains(&name) {
                continue;
            }
            if let Err(e) = fs::remove_dir_all(entry.path()) {
                tracing::warn!(
                    "could not remove old version {}: {e}",
                    entry.path().display()
                );
            }
        }
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link)
        .with_context(|| format!("creating link {}", link.display()))
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> Result<()> {
    bail!(
        "creating link {}: versioned publishing needs symlinks (Unix)",
        link.display()
    )
}

impl Drop for Output {
    /// A run that stops with an error removes its staging directory; a killed
    /// run's is removed by the next run's [`Output::prepare`].
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Checks that `staging` holds this run's complete output before it is
/// published: every table's Parquet footers add up to the rows the run
/// wrote (`expected`), and the staged `_run.json` says the same.
///
/// # Errors
/// When a count differs or a footer or `_run.json` cannot be read.
pub fn verify_staged(staging: &Path, expected: &BTreeMap<&'static str, u64>) -> Result<()> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    for table in TABLES {
        let mut rows = 0i64;
        let mut stack = vec![staging.join(table.name())];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "parquet") {
                    let file =
                        File::open(&path).with_context(|| format!("opening {}", path.display()))?;
                    let reader = SerializedFileReader::new(file)
                        .with_context(|| format!("reading the footer of {}", path.display()))?;
                    rows += reader.metadata().file_metadata().num_rows();
                }
            }
        }
        let want = expected.get(table.name()).copied().unwrap_or(0);
        if u64::try_from(rows).ok() != Some(want) {
            bail!(
                "refusing to publish: the staged {} holds {rows} rows, the run wrote {want}",
                table.name()
            );
        }
    }
    let path = staging.join("_run.json");
    let json: serde_json::Value = serde_json::from_slice(
        &fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
    )
    .with_context(|| format!("parsing {}", path.display()))?;
    for (table, want) in expected {
        if json["rows"][table].as_u64() != Some(*want) {
            bail!(
                "refusing to publish: the staged _run.json gives {} rows for {table}, the run wrote {want}",
                json["rows"][table]
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Memory stays bounded however many chunks arrive: after every write the
    /// open writers hold at most the budget, and every row still lands.
    #[test]
    fn writers_stay_within_their_memory_budget() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        let mut reports = Vec::new();
        for entry in walk(&root) {
            let bytes = fs::read(&entry).unwrap();
            let report = crate::parse::parse_bytes(&entry.display().to_string(), &bytes);
            if report.meta.report_year.is_some() {
                reports.push(report);
            }
        }
        assert!(!reports.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let budget = 256 << 10;
        let mut sink = Sink::with_budget(dir.path(), budget);
        let mut written = 0;
        for _ in 0..40 {
            for r in &reports {
                let batches = crate::batch::build_batches(&[r]).unwrap();
                written += batches
                    .iter()
                    .find(|(t, _)| *t == Table::Applications)
                    .map_or(0, |(_, b)| b.num_rows());
                sink.write(r.meta.report_year, batches).unwrap();
                assert!(
                    sink.buffered_bytes() <= budget,
                    "{} buffered over a budget of {budget}",
                    sink.buffered_bytes()
                );
            }
        }
        let rows = sink.finish().unwrap();
        assert_eq!(rows[&Table::Applications], written as u64);
        // Small row groups fill files quickly: they roll over to new parts,
        // none holds more than ROW_GROUPS_PER_FILE, and every row is in one.
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let (mut parts, mut in_files) = (0, 0);
        for path in walk(&dir.path().join("applications")) {
            let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
            assert!(reader.metadata().num_row_groups() <= ROW_GROUPS_PER_FILE);
            in_files += reader.metadata().file_metadata().num_rows();
            parts += 1;
        }
        assert_eq!(in_files, written as i64);
        assert!(
            parts > 2,
            "expected the writers to roll over: {parts} files"
        );
    }

    /// Nearly-unique text columns and numbers are written plain, the
    /// repetitive text with a dictionary; every name in the list is a real
    /// column.
    #[test]
    fn numbers_and_unique_text_columns_are_plain_and_every_chunk_has_statistics() {
        use parquet::basic::Encoding;
        use parquet::file::reader::{FileReader, SerializedFileReader};
        for table in TABLES {
            for column in table.unique_text_columns() {
                assert!(
                    table.schema().field_with_name(column).is_ok(),
                    "{}.{column} is not a column",
                    table.name()
                );
            }
        }
        let reports = sample_reports();
        let refs: Vec<_> = reports.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let mut sink = Sink::new(dir.path());
        sink.write(Some(2021), crate::batch::build_batches(&refs).unwrap())
            .unwrap();
        sink.finish().unwrap();
        let reader = |table: Table| {
            let file = dir
                .path()
                .join(table.name())
                .join(partition_dir(Some(2021)))
                .join(PART_FILE);
            SerializedFileReader::new(File::open(file).unwrap()).unwrap()
        };
        let encodings = |table: Table, name: &str| -> Vec<Encoding> {
            let reader = reader(table);
            reader
                .metadata()
                .row_group(0)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == name)
                .unwrap_or_else(|| panic!("{}.{name}", table.name()))
                .encodings()
                .collect()
        };
        let dictionary =
            |table: Table, name: &str| encodings(table, name).contains(&Encoding::RLE_DICTIONARY);
        assert!(!dictionary(Table::Reports, "source_path"));
        assert!(!dictionary(Table::Reports, "title"));
        assert!(dictionary(Table::Reports, "status"));
        assert!(dictionary(Table::Reports, "layout"));
        // Numbers are plain, source lines delta-packed, codes and raw text
        // dictionary-encoded.
        assert!(!dictionary(Table::Reports, "source_bytes"));
        assert!(!dictionary(Table::Applications, "count"));
        assert!(!dictionary(Table::Checks, "expected"));
        assert!(dictionary(Table::Applications, "row_code"));
        assert!(dictionary(Table::Applications, "raw"));
        assert!(
            encodings(Table::Applications, "source_line").contains(&Encoding::DELTA_BINARY_PACKED)
        );
        let reader = reader(Table::Reports);
        let row_group = reader.metadata().row_group(0);
        // Every column chunk carries min/max statistics (what readers prune
        // row groups with), whatever its encoding.
        for column in row_group.columns() {
            let stats = column
                .statistics()
                .unwrap_or_else(|| panic!("{} has no statistics", column.column_path().string()));
            if stats.null_count_opt() != Some(row_group.num_rows() as u64) {
                assert!(
                    stats.min_bytes_opt().is_some() && stats.max_bytes_opt().is_some(),
                    "{} has no min/max",
                    column.column_path().string()
                );
            }
        }
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p))
            } else {
                out.push(p)
            }
        }
        out.sort();
        out
    }

    /// Every file of `data/sample`, parsed.
    fn sample_reports() -> Vec<crate::report::Report> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        walk(&root)
            .iter()
            .map(|p| crate::parse::parse_bytes(&p.display().to_string(), &fs::read(p).unwrap()))
            .collect()
    }

    #[test]
    fn second_prepare_on_same_output_is_refused_while_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = Output::prepare(&out).unwrap();
        let err = Output::prepare(&out).unwrap_err().to_string();
        assert!(err.contains("another govreports run"), "{err}");
        // Through a symlink to it: the same directory, the same lock.
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&out, &link).unwrap();
            let err = Output::prepare(&link).unwrap_err().to_string();
            assert!(err.contains("another govreports run"), "{err}");
        }
        drop(first);
        Output::prepare(&out).unwrap();
    }

    fn stage(o: &Output, generation: &str) {
        fs::create_dir_all(o.staging().join("reports/report_year=2021")).unwrap();
        fs::write(o.staging().join("reports/report_year=2021/x"), generation).unwrap();
        fs::write(o.staging().join("_run.json"), generation).unwrap();
    }

    #[test]
    fn publish_switches_versions_and_keeps_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut versions = Vec::new();
        for generation in ["one", "two", "three"] {
            let o = Output::prepare(&out).unwrap();
            stage(&o, generation);
            o.publish().unwrap();
            versions.push(o.version_dir());
            assert_eq!(
                fs::read_to_string(out.join("_run.json")).unwrap(),
                generation
            );
            assert_eq!(
                fs::read_to_string(out.join("reports/report_year=2021/x")).unwrap(),
                generation
            );
            assert_eq!(
                fs::canonicalize(out.join(CURRENT)).unwrap(),
                fs::canonicalize(o.version_dir()).unwrap()
            );
            assert!(!o.staging().exists());
        }
        // The previous version stays for readers on it; older ones go.
        assert!(!versions[0].exists());
        assert!(versions[1].join("_run.json").exists());
        assert!(versions[2].join("_run.json").exists());

        let foreign = dir.path().join("home");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.docx"), "x").unwrap();
        let err = Output::prepare(&foreign).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }

    #[test]
    fn an_output_of_the_layout_before_versions_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("reports/report_year=2021")).unwrap();
        fs::create_dir_all(out.join("stats/gone")).unwrap();
        fs::write(out.join("reports/report_year=2021/x"), "old").unwrap();
        fs::write(out.join("_run.json"), "old").unwrap();
        let o = Output::prepare(&out).unwrap();
        stage(&o, "new");
        o.publish().unwrap();
        assert_eq!(fs::read_to_string(out.join("_run.json")).unwrap(), "new");
        assert!(
            fs::symlink_metadata(out.join("reports"))
                .unwrap()
                .is_symlink()
        );
        assert!(!out.join("stats").exists(), "dropped with the old layout");
        // The old tree is kept as the previous version.
        let kept: Vec<_> = fs::read_dir(out.join(VERSIONS_DIR))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(kept.len(), 2, "{kept:?}");
    }

    #[test]
    fn a_staged_output_that_lost_rows_is_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path();
        let mut sink = Sink::new(staging);
        let reports = sample_reports();
        let refs: Vec<_> = reports.iter().collect();
        sink.write(Some(2021), crate::batch::build_batches(&refs).unwrap())
            .unwrap();
        let rows: BTreeMap<&'static str, u64> = sink
            .finish()
            .unwrap()
            .into_iter()
            .map(|(t, n)| (t.name(), n))
            .collect();
        let json = serde_json::json!({ "rows": rows });
        fs::write(staging.join("_run.json"), json.to_string()).unwrap();
        verify_staged(staging, &rows).unwrap();
        fs::remove_file(
            staging
                .join("applications")
                .join(partition_dir(Some(2021)))
                .join(PART_FILE),
        )
        .unwrap();
        let err = verify_staged(staging, &rows).unwrap_err().to_string();
        assert!(err.contains("applications"), "{err}");
    }
}
