//! Partitioned Parquet, staged and published atomically.
//!
//! * [`Output`] owns the output directory for the run: a lock next to it
//!   (a second run over the same `OUT` exits at once), a staging directory
//!   next to it on the same filesystem, and [`Output::publish`], which swaps
//!   staging and `OUT` in one `renameat2(RENAME_EXCHANGE)` so readers see the
//!   old complete tree or the new complete tree, never a mix — also when the
//!   process is killed at any moment.
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
            self.open_writer(table, year, 0)?;
        }
        Ok(())
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
        if self.writers.is_empty() {
            // An empty corpus still gives readable (empty) tables.
            self.open_partition(None)?;
        }
        for ((table, year), writer) in self.writers {
            close(writer, &mut self.zstd)
                .with_context(|| format!("finishing {}/{}", table.name(), partition_dir(year)))?;
        }
        Ok(self.rows)
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

/// The output directory of a run: lock, staging directory, publication.
#[derive(Debug)]
pub struct Output {
    out: PathBuf,
    staging: PathBuf,
    _lock: File,
}

fn sibling(out: &Path, what: &str) -> Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("output path {} has no directory name", out.display()))?;
    let parent = out.parent().unwrap_or(Path::new("."));
    Ok(parent.join(format!(".{}.{what}", name.to_string_lossy())))
}

impl Output {
    /// Locks `out`, cleans what a killed run left behind and creates an empty
    /// staging directory.
    ///
    /// # Errors
    /// [`Usage`] when `out` exists but is not a govreports output; an error
    /// when another run holds the lock or the directory cannot be created.
    pub fn prepare(out: &Path) -> Result<Self> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        let lock_path = sibling(out, "lock")?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening lock file {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                bail!(
                    "another govreports run is writing {} (lock {} is held); exiting without changes",
                    out.display(),
                    lock_path.display()
                )
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", lock_path.display()));
            }
        }
        let staging = sibling(out, "staging")?;
        let old = sibling(out, "old")?;
        // A run killed between the two renames of the fallback publish left
        // the previous output at `old`: put it back.
        if !out.exists() && old.exists() {
            fs::rename(&old, out)
                .with_context(|| format!("restoring {} from {}", out.display(), old.display()))?;
        }
        for stale in [&staging, &old] {
            if stale.exists() {
                fs::remove_dir_all(stale).with_context(|| {
                    format!("removing {} left by an interrupted run", stale.display())
                })?;
            }
        }
        if out.exists() {
            let is_ours = out.join("_run.json").exists()
                || fs::read_dir(out)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false);
            if !out.is_dir() || !is_ours {
                return Err(Usage(format!(
                    "refusing to replace {}: it exists and is not a govreports output (no _run.json); choose another --out",
                    out.display()
                ))
                .into());
            }
        }
        fs::create_dir_all(&staging)
            .with_context(|| format!("creating staging directory {}", staging.display()))?;
        Ok(Self {
            out: out.to_owned(),
            staging,
            _lock: lock,
        })
    }

    /// Where this run writes before publishing.
    #[must_use]
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The published output directory.
    #[must_use]
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Makes the staged tree the output, atomically, and removes the old tree.
    ///
    /// # Errors
    /// When the directories cannot be renamed.
    pub fn publish(&self) -> Result<()> {
        if self.out.exists() {
            if exchange(&self.staging, &self.out).is_err() {
                // No atomic exchange on this platform/filesystem: two renames;
                // `prepare` restores `old` if we die in between.
                let old = sibling(&self.out, "old")?;
                fs::rename(&self.out, &old)
                    .with_context(|| format!("moving {} aside", self.out.display()))?;
                fs::rename(&self.staging, &self.out)
                    .with_context(|| format!("publishing {}", self.out.display()))?;
                fs::remove_dir_all(&old)
                    .with_context(|| format!("removing previous output {}", old.display()))?;
                return Ok(());
            }
            // `staging` now holds the previous output.
            fs::remove_dir_all(&self.staging)
                .with_context(|| format!("removing previous output {}", self.staging.display()))?;
        } else {
            fs::rename(&self.staging, &self.out)
                .with_context(|| format!("publishing {}", self.out.display()))?;
        }
        Ok(())
    }
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

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
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
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        let reports: Vec<_> = walk(&root)
            .iter()
            .map(|p| crate::parse::parse_bytes(&p.display().to_string(), &fs::read(p).unwrap()))
            .collect();
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

    #[test]
    fn second_prepare_on_same_output_is_refused_while_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = Output::prepare(&out).unwrap();
        let err = Output::prepare(&out).unwrap_err().to_string();
        assert!(err.contains("another govreports run"), "{err}");
        drop(first);
        Output::prepare(&out).unwrap();
    }

    #[test]
    fn publish_swaps_and_refuses_foreign_directories() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for generation in ["one", "two"] {
            let o = Output::prepare(&out).unwrap();
            fs::write(o.staging().join("_run.json"), generation).unwrap();
            o.publish().unwrap();
            assert_eq!(
                fs::read_to_string(out.join("_run.json")).unwrap(),
                generation
            );
            assert!(!sibling(&out, "staging").unwrap().exists());
        }
        let foreign = dir.path().join("home");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.docx"), "x").unwrap();
        let err = Output::prepare(&foreign).unwrap_err();
        assert!(err.downcast_ref::<Usage>().is_some());
    }
}
