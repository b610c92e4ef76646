//! The batch job: discover → parse (rayon, chunked) → Arrow → staged Parquet
//! → Polars statistics → atomic publish → `_run.json`.
//!
//! Parsing and writing overlap: a producer thread parses chunk *n+1* on the
//! rayon pool (and builds its Arrow batches there) while this thread encodes
//! chunk *n* as Parquet; a bounded channel keeps at most
//! [`CHUNKS_IN_FLIGHT`] prepared chunks in memory, so memory stays flat
//! however large the corpus. Chunks are fixed-size and consumed in order, so
//! `-j1` and `-jN` write identical files.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tracing::{debug, info};

use crate::batch::{TABLES, Table, TableBatches, build_batches};
use crate::config::Config;
use crate::corpus::{Corpus, discover};
use crate::dedup::Dedup;
use crate::error::Usage;
use crate::incremental::{Key, Plan, Previous};
use crate::parse::{open_regular, parse_file, stream_doc_id, unreadable};
use crate::report::{Report, Status};
use crate::sink::{Output, Sink, partition_dir, verify_staged};
use crate::stats::{Pipeline, compute_stats};
use crate::summary::{RunSummary, Stages, current_rss_bytes, peak_rss_bytes};

/// Files per parse chunk. A parsed report holds ~45 KB (its text and facts),
/// so a chunk is ~6 MB; large enough that rayon's split and join cost
/// nothing, small enough that the chunks in flight stay a minor share of RSS.
pub const CHUNK_FILES: usize = 128;

/// Prepared chunks (their Arrow batches) queued between the parser and the
/// writer. With the chunk being parsed and the one being written, three
/// chunks are alive at most.
pub const CHUNKS_IN_FLIGHT: usize = 1;

/// Exit code for usage errors.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failed run.
pub const EXIT_RUN_FAILED: u8 = 1;
/// Exit code for `--fail-on-failed` with failed files.
pub const EXIT_FILES_FAILED: u8 = 3;

/// The exit code for a run-level error: 2 for usage problems, else 1.
#[must_use]
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<Usage>().is_some() || err.downcast_ref::<clap::Error>().is_some() {
        EXIT_USAGE
    } else {
        EXIT_RUN_FAILED
    }
}

fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `doc_id` file `i` gets when parsed, from its bytes alone (see
/// [`crate::parse::file_doc_id`]).
fn doc_id_of(files: &Corpus, i: usize, max_bytes: u64) -> String {
    let Ok((rel, path)) = files.entry(i) else {
        return String::new(); // its parse fails the run the same way
    };
    match files.problem(i) {
        None => crate::parse::file_doc_id(&path, &rel, max_bytes),
        Some(problem) => unreadable(&rel, problem.to_owned()).doc_id,
    }
}

/// Size and modification time (ns) of file `i`, symlinks followed as the
/// parser opens them.
fn stat_file(files: &Corpus, i: usize) -> Option<(i64, i64)> {
    let meta = std::fs::metadata(files.path(i).ok()?).ok()?;
    Some((
        i64::try_from(meta.len()).ok()?,
        crate::parse::mtime_ns(&meta)?,
    ))
}

fn parse_source(files: &Corpus, i: usize, max_bytes: u64) -> Result<Report> {
    let (rel, path) = files
        .entry(i)
        .with_context(|| format!("reading back the name of file #{i}"))?;
    Ok(match files.problem(i) {
        None => parse_file(&path, &rel, max_bytes),
        Some(problem) => unreadable(&rel, problem.to_owned()),
    })
}

/// Marks file `index` `duplicate` when it is byte-identical to an earlier
/// file (the first in sorted order keeps its facts).
fn mark_duplicate(
    dedup: &mut Dedup,
    index: u32,
    report: &mut Report,
    files: &Corpus,
) -> Result<()> {
    if report.status == Status::Failed && report.source_bytes == 0 {
        return Ok(()); // unreadable: there were no bytes to compare
    }
    let Some(first) = dedup.first_copy(index, &report.doc_id, |earlier| {
        // Confirm a key match on the full doc_id of the earlier file.
        // Opened as the parser opens files (a file swapped for a FIFO
        // since must not hang the run) and read no further than this
        // file's size: equal ids mean equal sizes.
        let bound = u64::try_from(report.source_bytes).unwrap_or(0) + 1;
        files
            .path(earlier as usize)
            .and_then(|path| open_regular(&path))
            .and_then(|(file, _)| stream_doc_id(file.take(bound)))
            .is_ok_and(|id| id == report.doc_id)
    }) else {
        return Ok(());
    };
    let first = files
        .rel(first as usize)
        .with_context(|| format!("reading back the name of file #{first}"))?;
    report.status = Status::Duplicate;
    report.error = Some(format!("byte-identical to {first}"));
    report.active.clear();
    report.applications.clear();
    report.reviews.clear();
    report.narrative.clear();
    report.checks.clear();
    report.diagnostics.clear();
    report.cells_found = 0;
    report.cells_blank = 0;
    Ok(())
}

/// One chunk of files, parsed and turned into Arrow batches, in file order.
struct Chunk {
    /// Index of its first file.
    start: usize,
    /// Number of files.
    files: usize,
    /// Files per status.
    statuses: BTreeMap<Status, u64>,
    /// Bytes of its files.
    bytes: u64,
    /// The batches of every table, per report year (partition), in year order.
    partitions: Vec<(Option<i32>, TableBatches)>,
    /// Incremental runs: `doc_id`s of parsed files that the plan did not
    /// see (the file changed since it was hashed).
    unplanned: Vec<String>,
}

/// Parses files `range` on the current rayon pool, marks duplicates (in
/// file order, so the first copy keeps its facts) and builds the chunk's
/// Arrow batches, one partition per rayon task.
///
/// The batches are built here rather than on the writer thread, which
/// encoding Parquet keeps busy most of the parse stage: its busy time fell
/// ~12% (wall time within the spread, the two cores being busy either
/// way), so a cheaper parser turns into wall time instead of waiting on
/// the writer. The batches are also made while the reports' text is still
/// in the parsing core's cache, and only they (not the reports, with their
/// whole text) wait in the channel.
fn prepare_chunk(
    files: &Corpus,
    indices: &[usize],
    max_bytes: u64,
    dedup: &mut Dedup,
    planned: Option<&std::collections::HashSet<String>>,
) -> Result<Chunk> {
    use rayon::prelude::*;
    let start = indices.first().copied().unwrap_or(0);
    let mut reports: Vec<Report> = indices
        .par_iter()
        .map(|&i| parse_source(files, i, max_bytes))
        .collect::<Result<_>>()?;
    let unplanned = planned.map_or_else(Vec::new, |planned| {
        reports
            .iter()
            .filter(|r| !planned.contains(&r.doc_id))
            .map(|r| r.doc_id.clone())
            .collect()
    });
    let mut statuses = BTreeMap::new();
    let mut bytes = 0;
    for (r, &i) in reports.iter_mut().zip(indices) {
        mark_duplicate(dedup, i as u32, r, files)?;
        *statuses.entry(r.status).or_default() += 1;
        bytes += r.source_bytes as u64;
    }
    let mut by_year: BTreeMap<Option<i32>, Vec<&Report>> = BTreeMap::new();
    for r in &reports {
        by_year.entry(r.meta.report_year).or_default().push(r);
    }
    let partitions = by_year
        .into_par_iter()
        .map(|(year, group)| {
            Ok((
                year,
                build_batches(&group).context("building Arrow batches")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Chunk {
        start,
        files: reports.len(),
        statuses,
        bytes,
        partitions,
        unplanned,
    })
}

/// The shrink guard: a corpus with no files, or with fewer than half the
/// files of the published output, is refused (unless `allow_shrink`, which
/// never lets an empty corpus through): the usual cause is a corpus that
/// is unmounted or half copied, and publishing it would replace a good
/// output with a hollow one.
///
/// # Errors
/// When the run must not go on; the message names the override.
pub fn check_shrink(
    corpus: &std::path::Path,
    files: u64,
    previous: Option<u64>,
    allow_shrink: bool,
) -> Result<()> {
    if files == 0 {
        anyhow::bail!(
            "refusing to publish: the corpus {} has no files (not mounted, or emptied?); the previous output is kept",
            corpus.display()
        );
    }
    if let Some(previous) = previous
        && !allow_shrink
        && files.saturating_mul(2) < previous
    {
        anyhow::bail!(
            "refusing to publish: the corpus {} has {files} files, fewer than half of the {previous} the published output was made from (partly unmounted or moved?); the previous output is kept. Pass --allow-shrink if the corpus really shrank",
            corpus.display()
        );
    }
    Ok(())
}

/// Runs the job described by `config`.
///
/// # Errors
/// A run-level failure (lock held, output unwritable, a statistic failing);
/// the previous output is then left as it was.
pub fn run(config: &Config) -> Result<RunSummary> {
    let started_at = now_utc();
    let t0 = Instant::now();
    let mut stages = Stages::default();

    let output = Output::prepare(&config.out)?;
    let t = Instant::now();
    let files = discover(
        &config.corpus,
        &config.walk,
        &[output.out().to_owned()],
        Some(output.staging()),
    )?;
    stages.discover = t.elapsed().as_secs_f64();
    info!(
        "discover: {} files under {} in {:.2}s",
        files.len(),
        config.corpus.display(),
        stages.discover
    );
    check_shrink(
        &config.corpus,
        files.len() as u64,
        output.previous_files(),
        config.allow_shrink,
    )?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .context("starting parser threads")?;

    // Incremental: what the published output already holds.
    let t = Instant::now();
    let key = Key::new(&config.corpus, config.max_bytes, config.walk.follow);
    let pipeline_hash = crate::incremental::pipeline_hash(&config.pipeline);
    let (previous, full_reason) = if config.full {
        (None, Some("--full".to_owned()))
    } else {
        match Previous::load(output.out(), &key) {
            Ok(Some(previous)) => (Some(previous), None),
            Ok(None) => (None, Some("no previous output".to_owned())),
            Err(reason) => (None, Some(reason)),
        }
    };
    let plan = match &previous {
        Some(previous) => pool.install(|| {
            crate::incremental::plan(
                &files,
                previous,
                |i| stat_file(&files, i),
                |i| doc_id_of(&files, i, config.max_bytes),
            )
        })?,
        None => Plan {
            parse: (0..files.len()).collect(),
            ..Plan::default()
        },
    };
    stages.plan = t.elapsed().as_secs_f64();
    match &full_reason {
        Some(reason) => info!("full run: {reason}"),
        None => info!(
            "incremental run: {} files reused, {} to parse, {} gone, {} partitions to rewrite ({:.2}s)",
            plan.reused,
            plan.parse.len(),
            plan.dropped,
            plan.dirty_years.len(),
            stages.plan
        ),
    }

    let progress = if config.progress {
        let bar = ProgressBar::new(plan.parse.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} files {per_sec} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut sink = Sink::new(output.staging());
    let mut statuses: BTreeMap<&'static str, u64> =
        Status::ALL.iter().map(|s| (s.code(), 0)).collect();
    let mut bytes_seen = plan.reused_bytes;
    for (status, n) in &plan.reused_statuses {
        let code = Status::ALL
            .iter()
            .map(|s| s.code())
            .find(|c| c == status)
            .with_context(|| format!("the previous output has a status {status}"))?;
        *statuses.entry(code).or_default() += n;
    }
    let t = Instant::now();
    let carried = match &previous {
        Some(previous) => carry(previous, &plan, output.staging(), &mut sink, &pool)?,
        None => BTreeMap::new(),
    };
    stages.carry = t.elapsed().as_secs_f64();
    let mut write_secs = 0.0;
    let mut unplanned: Vec<String> = Vec::new();
    let parse_secs = std::thread::scope(|scope| -> Result<f64> {
        let (tx, rx) = sync_channel::<Result<Chunk>>(CHUNKS_IN_FLIGHT);
        let files_ref = &files;
        let pool_ref = &pool;
        let to_parse = &plan.parse;
        let planned = previous.as_ref().map(|_| &plan.dirty);
        let max_bytes = config.max_bytes;
        let producer = scope.spawn(move || {
            let mut dedup = Dedup::with_capacity(files_ref.len());
            let mut secs = 0.0;
            for indices in to_parse.chunks(CHUNK_FILES) {
                let t = Instant::now();
                let chunk = pool_ref
                    .install(|| prepare_chunk(files_ref, indices, max_bytes, &mut dedup, planned));
                secs += t.elapsed().as_secs_f64();
                if tx.send(chunk).is_err() {
                    break; // the writer stopped on an error
                }
            }
            secs
        });
        for chunk in rx {
            let chunk = chunk?;
            let t = Instant::now();
            for (status, n) in chunk.statuses {
                *statuses.entry(status.code()).or_default() += n;
            }
            bytes_seen += chunk.bytes;
            unplanned.extend(chunk.unplanned);
            for (year, batches) in chunk.partitions {
                sink.write(year, batches)?;
            }
            write_secs += t.elapsed().as_secs_f64();
            progress.inc(chunk.files as u64);
            debug!(
                chunk_start = chunk.start,
                files = chunk.files,
                writer_buffer_mb = sink.buffered_bytes() >> 20,
                rss_mb = current_rss_bytes().unwrap_or(0) >> 20,
                "chunk written"
            );
        }
        Ok(producer
            .join()
            .expect("parser thread does not panic: parse_file catches panics"))
    })?;
    progress.finish_and_clear();
    // The parser threads' allocator caches still hold blocks of the reports
    // they parsed; ending the threads flushes them, so that the release
    // below (`config.release_memory`) can hand those pages back before the
    // statistics stage allocates its own.
    drop(pool);
    let t = Instant::now();
    // A file that changed between the plan and its parse to the bytes of
    // a reused file would be a duplicate the plan did not arrange for.
    if let Some(previous) = &previous
        && !unplanned.is_empty()
        && let Some(f) = previous
            .files
            .iter()
            .find(|f| unplanned.iter().any(|u| **u == *f.doc_id))
    {
        anyhow::bail!(
            "files changed while the run read them (one now has the bytes of {}); nothing published, run again",
            f.path
        );
    }
    let mut rows = sink.finish()?;
    for (table, n) in carried {
        *rows.entry(table).or_default() += n;
    }
    stages.parse = parse_secs;
    stages.write = write_secs + t.elapsed().as_secs_f64();
    // The file list and the duplicate index (dropped with the parser's
    // loop) are the run's structures that grow with the corpus; the
    // statistics need neither, so they go before the statistics allocate
    // (at 400k files ~7 MB: 4 bytes a file for the list, its names being on
    // disk, ~13 for the index).
    let files_seen = files.len();
    drop(files);
    if let Some(release) = config.release_memory {
        let before = current_rss_bytes().unwrap_or(0);
        release();
        debug!(
            rss_mb_before = before >> 20,
            rss_mb_after = current_rss_bytes().unwrap_or(0) >> 20,
            "parse-stage memory released"
        );
    }
    info!(
        "parse: {} files in {:.2}s ({} ok, {} partial, {} failed, {} not_a_report, {} duplicate)",
        files_seen,
        stages.parse,
        statuses["ok"],
        statuses["partial"],
        statuses["failed"],
        statuses["not_a_report"],
        statuses["duplicate"]
    );
    info!(
        "write: {} rows in {:.2}s (peak RSS so far {} MB)",
        rows.values().sum::<u64>(),
        stages.write,
        peak_rss_bytes().unwrap_or(0) >> 20
    );

    let t = Instant::now();
    // Nothing changed in the tables and the statistics are defined as
    // before: the previous statistics are this run's.
    let unchanged = previous.as_ref().filter(|p| {
        plan.parse.is_empty()
            && plan.dirty.is_empty()
            && p.run.get("pipeline_hash").and_then(|h| h.as_str()) == Some(pipeline_hash.as_str())
            && p.dir.join("stats").is_dir()
    });
    let stats = match unchanged {
        Some(previous) => reuse_stats(previous, &config.pipeline, output.staging())?,
        None => compute_stats(output.staging(), &config.pipeline)?,
    };
    stages.stats = t.elapsed().as_secs_f64();
    info!(
        "stats: {} statistics from {} in {:.2}s (peak RSS so far {} MB)",
        stats.len(),
        config.pipeline.source,
        stages.stats,
        peak_rss_bytes().unwrap_or(0) >> 20
    );

    let names: Vec<&str> = stats.iter().map(|(name, _)| name.as_str()).collect();
    crate::views::write(output.staging(), &names)?;

    let failed = statuses["failed"];
    let exit_status = if config.fail_on_failed && failed > 0 {
        EXIT_FILES_FAILED
    } else {
        0
    };
    let mut summary = RunSummary {
        tool: "govreports",
        tool_version: crate::VERSION,
        contract_version: crate::CONTRACT_VERSION,
        corpus_root: config.corpus.display().to_string(),
        output_root: config.out.display().to_string(),
        pipeline: config.pipeline.source.clone(),
        jobs: config.jobs,
        started_at,
        finished_at: String::new(),
        wall_seconds: 0.0,
        files_seen: files_seen as u64,
        mode: if previous.is_some() {
            "incremental"
        } else {
            "full"
        },
        full_reason,
        files_reused: plan.reused,
        files_parsed: plan.parse.len() as u64,
        files_dropped: plan.dropped,
        incremental_key: key,
        pipeline_hash,
        bytes_seen,
        statuses,
        rows: TABLES
            .iter()
            .map(|t| (t.name(), rows.get(t).copied().unwrap_or(0)))
            .collect(),
        stats: stats.into_iter().collect(),
        stages,
        peak_rss_bytes: None,
        exit_status,
    };
    summary.finished_at = now_utc();
    summary.wall_seconds = t0.elapsed().as_secs_f64();
    summary.peak_rss_bytes = peak_rss_bytes();
    summary.write(output.staging())?;
    verify_staged(output.staging(), &summary.rows)?;

    let t = Instant::now();
    output.publish()?;
    summary.stages.publish = t.elapsed().as_secs_f64();
    summary.finished_at = now_utc();
    summary.wall_seconds = t0.elapsed().as_secs_f64();
    summary.peak_rss_bytes = peak_rss_bytes();
    // Rewritten in place (atomically) so the publish time is recorded too.
    summary.write(&output.version_dir())?;
    info!(
        "publish: {} in {:.2}s ({:.1}s in all, exit status {})",
        config.out.display(),
        summary.stages.publish,
        summary.wall_seconds,
        summary.exit_status
    );
    Ok(summary)
}

/// Carries the previous output's rows into the staging directory: a
/// partition without rows of a dirty `doc_id` has its part files linked
/// as they are (the sink writes that partition's new rows to parts
/// numbered after them); a partition with some is rewritten through the
/// sink without them. Returns the rows linked per table.
fn carry(
    previous: &Previous,
    plan: &Plan,
    staging: &Path,
    sink: &mut Sink,
    pool: &rayon::ThreadPool,
) -> Result<BTreeMap<Table, u64>> {
    use rayon::prelude::*;
    // Partitions to rewrite: those with rows to drop, and those that
    // nights of new files left in more than MAX_CARRIED_PARTS parts
    // (rewritten into as few as a full run writes).
    let mut rewrite = plan.dirty_years.clone();
    for table in TABLES {
        for (year, dir) in crate::incremental::partitions(&previous.dir.join(table.name()))? {
            if crate::incremental::part_files(&dir)?.len() > MAX_CARRIED_PARTS {
                rewrite.insert(year);
            }
        }
    }
    let mut carried = BTreeMap::new();
    for table in TABLES {
        for (year, dir) in crate::incremental::partitions(&previous.dir.join(table.name()))? {
            if rewrite.contains(&year) {
                continue;
            }
            let to = staging.join(table.name()).join(partition_dir(year));
            std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
            let mut next = 0;
            for part in crate::incremental::part_files(&dir)? {
                let name = part.file_name().context("a part file has a name")?;
                link_or_copy(&part, &to.join(name))?;
                *carried.entry(table).or_default() += footer_rows(&part)?;
                if let Some(n) = part_number(&name.to_string_lossy()) {
                    next = next.max(n + 1);
                }
            }
            sink.start_parts_at(table, year, next);
        }
    }
    // The partitions to rewrite, one sink each, in parallel; the sinks
    // share the writers' memory budget.
    let budget = crate::sink::WRITER_BUDGET_BYTES / pool.current_num_threads().max(1);
    let rewritten = pool.install(|| {
        rewrite
            .par_iter()
            .map(|&year| rewrite_partition(previous, year, &plan.dirty, staging, budget))
            .collect::<Result<Vec<_>>>()
    })?;
    for (rows, next_parts) in rewritten {
        for (table, n) in rows {
            *carried.entry(table).or_default() += n;
        }
        for ((table, year), next) in next_parts {
            sink.start_parts_at(table, year, next);
        }
    }
    Ok(carried)
}

/// Rewrites a partition of every table without the rows of `dirty` ids;
/// returns rows written per table and the next part number per table.
#[allow(clippy::type_complexity)]
fn rewrite_partition(
    previous: &Previous,
    year: Option<i32>,
    dirty: &std::collections::HashSet<String>,
    staging: &Path,
    budget: usize,
) -> Result<(BTreeMap<Table, u64>, BTreeMap<(Table, Option<i32>), u32>)> {
    let mut sink = Sink::with_budget(staging, budget);
    for table in TABLES {
        let dir = previous.dir.join(table.name()).join(partition_dir(year));
        if !dir.is_dir() {
            continue;
        }
        for part in crate::incremental::part_files(&dir)? {
            rewrite_part(&part, table, year, dirty, &mut sink)
                .with_context(|| format!("carrying the rows of {}", part.display()))?;
        }
    }
    sink.finish_parts()
}

/// A partition carried with more part files than this is rewritten: each
/// incremental run that adds files writes new parts next to the carried
/// ones, and readers should not meet hundreds of small files.
pub const MAX_CARRIED_PARTS: usize = 8;

/// `part-00012.zstd.parquet` → 12.
fn part_number(name: &str) -> Option<u32> {
    name.strip_prefix("part-")?.split('.').next()?.parse().ok()
}

/// Rows in a Parquet file, from its footer.
fn footer_rows(path: &Path) -> Result<u64> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = SerializedFileReader::new(file)
        .with_context(|| format!("reading the footer of {}", path.display()))?;
    Ok(u64::try_from(reader.metadata().file_metadata().num_rows()).unwrap_or(0))
}

/// Writes the rows of a previous part file whose `doc_id` is not dirty
/// through the sink, one row group at a time (see [`crate::sink::filter`]).
fn rewrite_part(
    part: &Path,
    table: Table,
    year: Option<i32>,
    dirty: &std::collections::HashSet<String>,
    sink: &mut Sink,
) -> Result<()> {
    crate::sink::filter::filter_part(part, table, dirty, |batch| {
        sink.write(year, vec![(table, batch)])
    })
}

/// A hard link to `from` at `to`, or a copy where links fail (another
/// filesystem): a published file is never rewritten, so sharing it is safe.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)
            .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// The previous output's statistics, linked into `staging`, with their row
/// counts from its `_run.json`.
fn reuse_stats(
    previous: &Previous,
    pipeline: &Pipeline,
    staging: &Path,
) -> Result<crate::stats::StatsWritten> {
    let to = staging.join("stats");
    std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
    link_tree(&previous.dir.join("stats"), &to, &[])?;
    pipeline
        .stats
        .iter()
        .map(|s| {
            let rows = previous.run["stats"][&s.name].as_u64().with_context(|| {
                format!(
                    "the previous _run.json has no rows for statistic {}",
                    s.name
                )
            })?;
            Ok((s.name.clone(), usize::try_from(rows)?))
        })
        .collect()
}

/// Hard-links (or copies, where links fail) every file under `from` into
/// `to`, except the top-level entries named in `skip`. A run never rewrites
/// a published file, so sharing them with the new output is safe.
fn link_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("listing {}", from.display()))? {
        let entry = entry.with_context(|| format!("listing {}", from.display()))?;
        let name = entry.file_name();
        // The run's own bookkeeping (`.versions`, staging, locks) is not output.
        if skip.iter().any(|s| name == *s) || name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dst).with_context(|| format!("creating {}", dst.display()))?;
            link_tree(&src, &dst, &[])?;
        } else if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst)
                .with_context(|| format!("copying {} to {}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

/// `govreports stats OUT`: recomputes the statistics of `pipeline` over an
/// existing output, without parsing, and publishes the result as a run
/// does (lock, staging directory, atomic swap): the tables are shared with
/// the previous output by hard links; `stats/`, `views.sql` and `_run.json`
/// are new. Returns rows written per statistic.
///
/// # Errors
/// [`Usage`] when `out` is not a govreports output; otherwise as [`run`].
pub fn recompute_stats(out: &Path, pipeline: &Pipeline) -> Result<crate::stats::StatsWritten> {
    let out = std::path::absolute(out).map_err(|e| Usage(format!("{}: {e}", out.display())))?;
    let run_json = out.join("_run.json");
    if !run_json.is_file() {
        return Err(Usage(format!(
            "{} is not a govreports output (no _run.json); write one with `govreports run`",
            out.display()
        ))
        .into());
    }
    let output = Output::prepare(&out)?;
    let t = Instant::now();
    // The published version itself, where the output is versioned: its
    // files, not the pointers to them.
    let published = std::fs::canonicalize(out.join("current")).unwrap_or_else(|_| out.clone());
    link_tree(
        &published,
        output.staging(),
        &["stats", crate::views::FILE_NAME, "_run.json"],
    )?;
    let stats = compute_stats(output.staging(), pipeline)?;
    let names: Vec<&str> = stats.iter().map(|(name, _)| name.as_str()).collect();
    crate::views::write(output.staging(), &names)?;
    let text = std::fs::read_to_string(&run_json)
        .with_context(|| format!("reading {}", run_json.display()))?;
    let mut summary: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", run_json.display()))?;
    if let Some(obj) = summary.as_object_mut() {
        obj.insert("pipeline".into(), pipeline.source.clone().into());
        obj.insert(
            "stats".into(),
            serde_json::Value::Object(
                stats
                    .iter()
                    .map(|(n, rows)| (n.clone(), (*rows).into()))
                    .collect(),
            ),
        );
        obj.insert("stats_recomputed_at".into(), now_utc().into());
        obj.insert(
            "pipeline_hash".into(),
            crate::incremental::pipeline_hash(pipeline).into(),
        );
    }
    let staged = output.staging().join("_run.json");
    std::fs::write(&staged, serde_json::to_vec_pretty(&summary)?)
        .with_context(|| format!("writing {}", staged.display()))?;
    output.publish()?;
    info!(
        "stats: {} statistics from {} over {} in {:.2}s",
        stats.len(),
        pipeline.source,
        out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(stats)
}
