//! Statistics over the written facts, with Polars.
//!
//! Each statistic is a Polars SQL query declared in a pipeline file
//! (`pipelines/*.toml`), so users add one without recompiling. The fact
//! tables are registered as lazy hive-partitioned Parquet scans of the staged
//! output and every query runs on Polars' streaming engine, so memory does not
//! grow with the corpus.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use polars::prelude::{
    Arc, DataFrame, DataType, Engine, Field, HiveOptions, IntoLazy, LazyFrame, NULL, OptFlags,
    ParquetCompression, ParquetWriter, PlRefPath, ScanArgsParquet, Schema, StatisticsOptions, lit,
};
use polars::sql::SQLContext;
use serde::Deserialize;

use crate::batch::{TABLES, Table};
use crate::error::{Usage, panic_message};

/// The pipeline shipped with the tool (`pipelines/default.toml`), used when
/// no pipeline file is given and none is found next to the working directory.
pub const DEFAULT_PIPELINE: &str = include_str!("../pipelines/default.toml");

/// A pipeline file: the statistics to compute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Where the pipeline was loaded from (for messages).
    #[serde(skip)]
    pub source: String,
    /// Optional description of the pipeline.
    #[serde(default)]
    pub description: Option<String>,
    /// The statistics, in output order.
    #[serde(default, rename = "stat")]
    pub stats: Vec<Stat>,
}

/// One statistic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stat {
    /// Output directory name under `stats/`: lowercase letters, digits, `_`.
    pub name: String,
    /// What it answers.
    #[serde(default)]
    pub description: Option<String>,
    /// A Polars SQL query over `reports`, `active_disclosure`, `applications`,
    /// `reviews_litigation`, `narrative_counts`, `checks`, `diagnostics`.
    pub sql: String,
    /// Run the query once per `report_year` partition and concatenate the
    /// results in year order (the unknown year last, where `ORDER BY` puts
    /// NULL). Exact only for queries whose every group includes
    /// `report_year` and whose `ORDER BY` starts with it; memory then grows
    /// with the largest year instead of the whole corpus (a decade of
    /// reports holds ten years' worth of distinct values).
    #[serde(default)]
    pub per_year: bool,
    /// The pipeline file it was declared in (for messages).
    #[serde(skip)]
    pub source: String,
}

impl Pipeline {
    /// Parses a pipeline, naming the file and the statistic in every error.
    ///
    /// # Errors
    /// [`Usage`] for invalid TOML, unknown keys, bad names or duplicates.
    pub fn parse(text: &str, source: &str) -> Result<Self> {
        let value: toml::Table = toml::from_str(text)
            .map_err(|e| Usage(format!("pipeline {source}: {}", one_line(&e.to_string()))))?;
        // Deserialise each statistic on its own so an error can name it.
        let mut stats = Vec::new();
        for (key, v) in &value {
            match key.as_str() {
                "stat" => {
                    let items = v.as_array().ok_or_else(|| {
                        Usage(format!(
                            "pipeline {source}: `stat` must be an array of tables ([[stat]])"
                        ))
                    })?;
                    for (i, item) in items.iter().enumerate() {
                        let name = item
                            .get("name")
                            .and_then(|n| n.as_str())
                            .map_or_else(|| format!("#{}", i + 1), ToOwned::to_owned);
                        let mut stat: Stat =
                            item.clone().try_into().map_err(|e: toml::de::Error| {
                                Usage(format!(
                                    "pipeline {source}: statistic {name}: {}",
                                    one_line(&e.to_string())
                                ))
                            })?;
                        stat.source = source.to_owned();
                        stats.push(stat);
                    }
                }
                "description" => {}
                other => return Err(Usage(format!(
                    "pipeline {source}: unknown key `{other}` (expected `description` or [[stat]])"
                ))
                .into()),
            }
        }
        let description = value
            .get("description")
            .and_then(|d| d.as_str())
            .map(ToOwned::to_owned);
        for (i, s) in stats.iter().enumerate() {
            if s.name.is_empty()
                || !s
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                bail!(Usage(format!(
                    "pipeline {source}: statistic {}: name must be lowercase letters, digits and _",
                    s.name
                )));
            }
            if stats[..i].iter().any(|o| o.name == s.name) {
                bail!(Usage(format!(
                    "pipeline {source}: statistic {} declared twice",
                    s.name
                )));
            }
        }
        Ok(Self {
            source: source.to_owned(),
            description,
            stats,
        })
    }

    /// Loads a pipeline file.
    ///
    /// # Errors
    /// [`Usage`] when it cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Usage(format!("pipeline {}: {e}", path.display())))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The built-in default pipeline.
    ///
    /// # Panics
    /// Never: the embedded file is tested.
    #[must_use]
    pub fn builtin() -> Self {
        Self::parse(DEFAULT_PIPELINE, BUILTIN_SOURCE).expect("built-in pipeline is valid")
    }

    /// The pipeline the user chose: the built-in defaults (unless
    /// `--no-default-stats`) and every `--pipeline` file, checked with
    /// [`Pipeline::validate`].
    ///
    /// # Errors
    /// [`Usage`] naming the file and the statistic.
    pub fn resolve(choice: &crate::cli::PipelineChoice) -> Result<Self> {
        let mut all = Vec::new();
        if !choice.no_default_stats {
            all.push(Self::builtin());
        }
        for path in &choice.pipelines {
            all.push(Self::load(path)?);
        }
        let pipeline = Self::merge(all)?;
        pipeline.validate()?;
        Ok(pipeline)
    }

    /// The statistics of several pipelines, in order (`--pipeline` adds to
    /// the defaults).
    ///
    /// # Errors
    /// [`Usage`] when two pipelines declare a statistic of the same name.
    pub fn merge(pipelines: Vec<Pipeline>) -> Result<Self> {
        let source = pipelines
            .iter()
            .map(|p| p.source.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        let mut stats: Vec<Stat> = Vec::new();
        for p in pipelines {
            for stat in p.stats {
                if let Some(first) = stats.iter().find(|s| s.name == stat.name) {
                    bail!(Usage(format!(
                        "pipeline {}: statistic {} is already declared in {}; rename it, or pass --no-default-stats to replace the defaults",
                        stat.source, stat.name, first.source
                    )));
                }
                stats.push(stat);
            }
        }
        Ok(Self {
            source,
            description: None,
            stats,
        })
    }

    /// Checks every statistic before any file is parsed: its SQL runs on
    /// empty tables of the contract's schema (so a typo, an unknown table or
    /// column, a type error fails here, not after the parse), and a
    /// [`Stat::per_year`] query must group by and order by `report_year`.
    ///
    /// # Errors
    /// [`Usage`] naming the pipeline file and the statistic.
    pub fn validate(&self) -> Result<()> {
        for stat in &self.stats {
            let fail = |why: String| {
                Usage(format!(
                    "pipeline {}: statistic {}: {}",
                    stat.source,
                    stat.name,
                    one_line(&why)
                ))
            };
            let mut ctx = context(|table| Ok(empty_table(table)))?;
            let df = run_query(&mut ctx, &stat.sql).map_err(|e| fail(format!("{e:#}")))?;
            if stat.per_year {
                let columns: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
                if let Some(why) = per_year_problem(&stat.sql, &columns) {
                    bail!(fail(format!("per_year = true, but {why}")));
                }
            }
        }
        Ok(())
    }
}

/// Where the built-in pipeline says it comes from.
pub const BUILTIN_SOURCE: &str = "built-in default (pipelines/default.toml)";

/// An empty table with the contract's columns and `report_year`, as the
/// statistics see the written files.
fn empty_table(table: Table) -> LazyFrame {
    use arrow::datatypes::DataType as A;
    let mut fields: Vec<Field> = table
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let dtype = match f.data_type() {
                A::Int32 => DataType::Int32,
                A::Int64 => DataType::Int64,
                A::Float64 => DataType::Float64,
                A::Boolean => DataType::Boolean,
                A::Date32 => DataType::Date,
                _ => DataType::String,
            };
            Field::new(f.name().as_str().into(), dtype)
        })
        .collect();
    fields.push(Field::new("report_year".into(), DataType::Int32));
    DataFrame::empty_with_schema(&Schema::from_iter(fields)).lazy()
}

/// Why a query cannot run one `report_year` partition at a time, if it
/// cannot: its result has no `report_year`, a GROUP BY or window mixes
/// years (neither `report_year` nor `doc_id`, which lies in one year, among
/// its keys), or its last ORDER BY does not start with `report_year`.
/// Read off the SQL text (lowercased, comments and string literals out).
#[must_use]
pub fn per_year_problem(sql: &str, columns: &[&str]) -> Option<String> {
    if !columns.contains(&"report_year") {
        return Some("report_year is not a column of its result".to_owned());
    }
    // Lowercase, without comments or string literals, whitespace collapsed.
    let mut text = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                text.push(' ');
            }
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
                text.push_str("''");
            }
            c if c.is_whitespace() => text.push(' '),
            c => text.extend(c.to_lowercase()),
        }
    }
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("over(", "over (");
    let mentions_key = |clause: &str| {
        clause
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .any(|w| {
                let w = w.rsplit('.').next().unwrap_or(w);
                w == "report_year" || w == "doc_id"
            })
    };
    // The clause after `at`: up to the next keyword or closing parenthesis.
    let clause = |at: usize| {
        let rest = &text[at..];
        let end = [
            " having ",
            " order by ",
            " limit ",
            " union ",
            " window ",
            " qualify ",
            " rows ",
            " range ",
            ")",
        ]
        .iter()
        .filter_map(|k| rest.find(k))
        .min()
        .unwrap_or(rest.len());
        &rest[..end]
    };
    for (at, _) in text.match_indices("group by ") {
        let keys = clause(at + "group by ".len());
        if !mentions_key(keys) {
            return Some(format!(
                "GROUP BY {keys} mixes the years (group by report_year)"
            ));
        }
    }
    for (at, _) in text.match_indices(" over (") {
        let window = &text[at + " over (".len()..];
        let partition = window
            .strip_prefix("partition by ")
            .map(|_| clause(at + " over (partition by ".len()));
        if !partition.is_some_and(mentions_key) {
            return Some("a window function mixes the years (PARTITION BY report_year)".to_owned());
        }
    }
    // The last ORDER BY outside parentheses.
    let mut depth = 0i32;
    let mut last_order = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            'o' if depth == 0 && text[i..].starts_with("order by ") => last_order = Some(i),
            _ => {}
        }
    }
    let ordered = last_order.is_some_and(|at| {
        let first = text[at + "order by ".len()..]
            .split([',', ' '])
            .next()
            .unwrap_or("");
        first.rsplit('.').next() == Some("report_year")
    });
    if !ordered {
        return Some("its ORDER BY does not start with report_year".to_owned());
    }
    None
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A lazy scan of one staged table, `report_year` read from the hive path as Int32.
fn scan(root: &Path, table: Table) -> Result<LazyFrame> {
    let hive_schema = Arc::new(Schema::from_iter([Field::new(
        "report_year".into(),
        DataType::Int32,
    )]));
    let hive = HiveOptions {
        enabled: Some(true),
        hive_start_idx: 0,
        schema: Some(hive_schema),
        try_parse_dates: false,
    };
    scan_files(&root.join(table.name()).join("**"), table, hive)
}

/// A lazy scan of one `report_year` partition of a staged table, with
/// `report_year` added as the Int32 literal the hive path names (a scan
/// rooted inside the partition directory would not see the key).
fn scan_year(root: &Path, table: Table, year: Option<i32>) -> Result<LazyFrame> {
    let dir = root
        .join(table.name())
        .join(crate::sink::partition_dir(year));
    let hive = HiveOptions {
        enabled: Some(false),
        ..HiveOptions::default()
    };
    let key = match year {
        Some(y) => lit(y),
        None => lit(NULL).cast(DataType::Int32),
    };
    Ok(scan_files(&dir, table, hive)?.with_column(key.alias("report_year")))
}

fn scan_files(dir: &Path, table: Table, hive_options: HiveOptions) -> Result<LazyFrame> {
    let pattern = dir.join("*.parquet");
    let pattern = pattern
        .to_str()
        .with_context(|| format!("non-UTF-8 output path {}", dir.display()))?;
    let args = ScanArgsParquet {
        hive_options,
        low_memory: true,
        ..ScanArgsParquet::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(pattern), args)
        .with_context(|| format!("scanning {}", table.name()))
}

/// The `report_year` partitions written under `root`, in the order `ORDER
/// BY report_year` gives: years ascending, the unknown year last.
fn partitions(root: &Path) -> Result<Vec<Option<i32>>> {
    let dir = root.join(Table::Reports.name());
    let mut years = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
        let name = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(value) = name.strip_prefix("report_year=") else {
            continue;
        };
        // Only names `partition_dir` writes: a stray `report_year=x` would
        // otherwise read as the unknown year a second time.
        let year = value.parse::<i32>().ok();
        if crate::sink::partition_dir(year) == name {
            years.push(year);
        }
    }
    // `None < Some(_)`: sort the known years, then put the unknown one last.
    years.sort_by_key(|y| (y.is_none(), *y));
    Ok(years)
}

/// The tables as SQL names over `scan`.
fn context(mut scan: impl FnMut(Table) -> Result<LazyFrame>) -> Result<SQLContext> {
    let ctx = SQLContext::new();
    for table in TABLES {
        ctx.register(table.name(), scan(table)?);
    }
    Ok(ctx)
}

/// Runs one statistic's query on the streaming engine.
fn run_query(ctx: &mut SQLContext, sql: &str) -> Result<DataFrame> {
    let lf = ctx.execute(sql)?;
    // Polars splits a group-by on the hive key into one group-by per
    // partition and runs them all at once, each with its own Parquet
    // prefetch: memory then grows with the number of years and the
    // size of each. One group-by over the whole scan stays flat.
    let flags = lf.get_current_optimizations();
    let lf = lf.with_optimizations(flags & !OptFlags::PARTITION_HIVE);
    // A query Polars cannot run sometimes panics instead of erring
    // (e.g. `COUNT(*)` over some plans in 0.55); that is the user's
    // statistic failing, not the tool crashing.
    let collected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lf.collect_with_engine(Engine::Streaming)
    }))
    .map_err(|panic| anyhow::anyhow!("Polars panicked: {}", panic_message(&*panic)))?;
    Ok(collected?.unwrap_single())
}

/// Runs a [`Stat::per_year`] statistic on each partition in turn.
fn run_per_year(root: &Path, years: &[Option<i32>], sql: &str) -> Result<DataFrame> {
    let mut all: Option<DataFrame> = None;
    for &year in years {
        let mut ctx = context(|table| scan_year(root, table, year))?;
        let part = run_query(&mut ctx, sql)
            .with_context(|| format!("in {}", crate::sink::partition_dir(year)))?;
        match all.as_mut() {
            None => all = Some(part),
            Some(acc) => {
                acc.vstack_mut_owned(part)
                    .with_context(|| format!("appending {}", crate::sink::partition_dir(year)))?;
            }
        }
    }
    all.context("no partitions")
}

/// Rows written per statistic.
pub type StatsWritten = Vec<(String, usize)>;

/// Runs every statistic of `pipeline` over the tables under `root` and writes
/// `root/stats/<name>/part-00000.zstd.parquet`.
///
/// # Errors
/// When a query fails (the message names the statistic) or a file cannot be written.
pub fn compute_stats(root: &Path, pipeline: &Pipeline) -> Result<StatsWritten> {
    let mut ctx = context(|table| scan(root, table))?;
    let years = if pipeline.stats.iter().any(|s| s.per_year) {
        partitions(root)?
    } else {
        Vec::new()
    };
    let mut written = Vec::new();
    for stat in &pipeline.stats {
        let what = || format!("statistic {} (pipeline {})", stat.name, pipeline.source);
        // One partition (or none, for an empty corpus) is the whole query.
        let mut df = if stat.per_year && years.len() > 1 {
            run_per_year(root, &years, &stat.sql)
        } else {
            run_query(&mut ctx, &stat.sql)
        }
        .with_context(what)?;
        df.rechunk_mut();
        let dir: PathBuf = root.join("stats").join(&stat.name);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(crate::sink::PART_FILE);
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::full())
            .finish(&mut df)
            .with_context(|| format!("writing {}", path.display()))?;
        tracing::debug!(stat = %stat.name, rows = df.height(), peak_rss_mb = crate::summary::peak_rss_bytes().unwrap_or(0) >> 20, "statistic written");
        written.push((stat.name.clone(), df.height()));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pipeline_declares_the_contract_statistics() {
        let p = Pipeline::builtin();
        let names: Vec<_> = p.stats.iter().map(|s| s.name.as_str()).collect();
        for needed in [
            "proactive_by_category",
            "procurement_totals",
            "application_outcomes",
            "review_litigation",
            "corpus_quality",
        ] {
            assert!(names.contains(&needed), "{needed} missing from {names:?}");
        }
        // Every default statistic groups by report_year first, so each runs
        // one partition at a time (see `per_year`).
        assert!(p.stats.iter().all(|s| s.per_year));
        let own =
            Pipeline::parse("[[stat]]\nname = \"x\"\nsql = \"SELECT 1\"\n", "p.toml").unwrap();
        assert!(!own.stats[0].per_year, "off unless asked for");
    }

    #[test]
    fn every_default_statistic_checks_and_per_year_needs_report_year() {
        Pipeline::builtin().validate().unwrap();
        let year = ["report_year", "n"];
        for (sql, columns, ok) in [
            (
                "SELECT report_year, COUNT(*) AS n FROM reports GROUP BY report_year ORDER BY report_year",
                &year[..],
                true,
            ),
            (
                "SELECT f.report_year, COUNT(*) AS n FROM reports f GROUP BY f.report_year ORDER BY f.report_year",
                &year[..],
                true,
            ),
            // Grouped by doc_id first: a document lies in one year.
            (
                "WITH d AS (SELECT doc_id, SUM(count) AS c FROM applications GROUP BY doc_id) SELECT r.report_year, SUM(c) AS n FROM d JOIN reports r ON d.doc_id = r.doc_id GROUP BY r.report_year ORDER BY r.report_year",
                &year[..],
                true,
            ),
            (
                "SELECT row_code, SUM(count) AS n FROM applications GROUP BY row_code",
                &["row_code", "n"][..],
                false,
            ),
            (
                "SELECT report_year, row_code, SUM(count) AS n FROM applications GROUP BY row_code, report_year ORDER BY row_code",
                &year[..],
                false,
            ),
            (
                "SELECT report_year, RANK() OVER (ORDER BY cells_found) AS n FROM reports ORDER BY report_year",
                &year[..],
                false,
            ),
            (
                "SELECT report_year, RANK() OVER(PARTITION BY report_year ORDER BY cells_found) AS n FROM reports ORDER BY report_year",
                &year[..],
                true,
            ),
            (
                "SELECT report_year, COUNT(*) AS n FROM reports -- GROUP BY nothing\nGROUP BY report_year ORDER BY report_year",
                &year[..],
                true,
            ),
        ] {
            assert_eq!(
                per_year_problem(sql, columns).is_none(),
                ok,
                "{sql}: {:?}",
                per_year_problem(sql, columns)
            );
        }
    }

    #[test]
    fn unknown_keys_name_the_file_and_the_statistic() {
        let err = Pipeline::parse(
            "[[stat]]\nname = \"x\"\nsql = \"SELECT 1\"\nsqll = \"typo\"\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("p.toml") && err.contains("statistic x") && err.contains("sqll"),
            "{err}"
        );
        let err = Pipeline::parse("stats = 1\n", "q.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("q.toml") && err.contains("stats"), "{err}");
    }
}
