//! `govreports run` end to end: sample corpus, DuckDB, determinism, bad
//! files, SIGKILL, the lock, exit codes.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{TABLES, bin, duckdb, fixture, repo, run, run_json, table};

fn files_under(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            // The published tree, as readers see it: not the versions it
            // links to, nor the pointer.
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') || name == "current" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                v.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    v.sort();
    v
}

/// A corpus of the real fixture files (reports, a non-report, scrambled text).
fn real_corpus(dir: &Path) -> std::path::PathBuf {
    let corpus = dir.join("corpus");
    for sub in ["real", "seeds"] {
        fs::create_dir_all(corpus.join(sub)).unwrap();
        for e in fs::read_dir(fixture(sub)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                fs::copy(e.path(), corpus.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    corpus
}

#[test]
fn sample_corpus_end_to_end_every_table_reads_in_duckdb_with_integer_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = repo().join("data/sample");
    let o = run(&sample, &out, &[]);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = run_json(&out);
    let files = files_under(&sample).len() as u64;
    assert!(files >= 10, "the sample corpus has a dozen reports");
    assert_eq!(summary["files_seen"], files);
    assert_eq!(summary["contract_version"], "1");
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(
        summary["jobs"],
        cpus + 1,
        "one parser thread more than CPUs"
    );
    for stage in ["discover", "parse", "write", "stats", "publish"] {
        assert!(summary["stages"][stage].is_f64(), "stage {stage} timed");
    }
    for t in TABLES {
        let rows = duckdb(&format!(
            "SELECT typeof(report_year), count(*) FROM {} GROUP BY 1",
            table(&out, t)
        ));
        for r in &rows {
            // DuckDB types hive keys it infers as BIGINT; integer either way.
            assert!(
                r[0] == "INTEGER" || r[0] == "BIGINT" || r[0] == "NULL",
                "{t}: report_year is {:?}",
                r[0]
            );
        }
        let n: u64 = rows.iter().map(|r| r[1].as_u64().unwrap()).sum();
        assert_eq!(
            n,
            summary["rows"][t].as_u64().unwrap(),
            "{t}: rows in DuckDB = rows in _run.json"
        );
    }
    // Every file has exactly one reports row.
    let rows = duckdb(&format!(
        "SELECT count(*), count(DISTINCT source_path) FROM {}",
        table(&out, "reports")
    ));
    assert_eq!(rows[0], vec![Value::from(files), Value::from(files)]);
    // Statistics exist and are readable.
    for stat in [
        "proactive_by_category",
        "procurement_totals",
        "application_outcomes",
        "review_litigation",
        "corpus_quality",
    ] {
        let rows = duckdb(&format!(
            "SELECT count(*) FROM read_parquet('{}/stats/{stat}/*.parquet')",
            out.display()
        ));
        assert!(rows[0][0].as_u64().is_some(), "{stat}");
    }
    // The streaming median of proactive_by_category (from a value-frequency
    // table) agrees with DuckDB's own median over the facts, group by group.
    let medians = duckdb(&format!(
        "WITH s AS (SELECT * FROM read_parquet('{stats}/stats/proactive_by_category/*.parquet') \
                    WHERE source = 'table'), \
              d AS (SELECT report_year, item_code, metric_code, count(*) AS n, \
                           sum(value) AS total, median(value) AS m \
                    FROM {facts} WHERE value IS NOT NULL GROUP BY ALL) \
         SELECT count(*), \
                count(*) FILTER (WHERE s.reports = d.n AND abs(s.median - d.m) < 1e-9 \
                                 AND abs(s.sum - d.total) < 1e-6), \
                (SELECT count(*) FROM s) \
         FROM d JOIN s ON s.report_year IS NOT DISTINCT FROM d.report_year \
                      AND s.category = d.item_code AND s.metric_code = d.metric_code",
        stats = out.display(),
        facts = table(&out, "active_disclosure")
    ));
    let (groups, agreeing, stat_rows) = (
        medians[0][0].as_u64().unwrap(),
        medians[0][1].as_u64().unwrap(),
        medians[0][2].as_u64().unwrap(),
    );
    assert!(groups > 10, "too few groups to compare: {groups}");
    assert_eq!(
        (agreeing, stat_rows),
        (groups, groups),
        "median/sum/reports vs DuckDB"
    );
    // procurement_totals agrees with the facts it sums.
    let procurement = duckdb(&format!(
        "SELECT (SELECT sum(reports) FROM read_parquet('{stats}/stats/procurement_totals/*.parquet')), \
                (SELECT count(DISTINCT doc_id) FROM {facts} \
                 WHERE item_code = 'central_procurement' AND value IS NOT NULL), \
                (SELECT round(sum(procurement_amount), 6) \
                 FROM read_parquet('{stats}/stats/procurement_totals/*.parquet')), \
                (SELECT round(sum(value), 6) FROM {facts} \
                 WHERE metric_code = 'procurement_amount' AND value IS NOT NULL)",
        stats = out.display(),
        facts = table(&out, "active_disclosure")
    ));
    assert!(procurement[0][0].as_u64().unwrap() > 0, "{procurement:?}");
    assert_eq!(
        procurement[0][0], procurement[0][1],
        "reports with procurement"
    );
    assert_eq!(procurement[0][2], procurement[0][3], "procurement amount");
    let reports = duckdb(&format!(
        "SELECT sum(reports) FROM read_parquet('{}/stats/corpus_quality/*.parquet')",
        out.display()
    ));
    assert_eq!(reports[0][0].as_u64().unwrap(), files);
}

#[test]
fn real_corpus_facts_in_duckdb() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = real_corpus(dir.path());
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = duckdb(&format!(
        "SELECT a.report_year, a.count, a.raw, a.source_line FROM {} a JOIN {} r USING (doc_id)
         WHERE r.source_path = 'real/govnianbao_1.txt' AND a.row_code = 'new_received' AND a.applicant = 'total'",
        table(&out, "applications"),
        table(&out, "reports")
    ));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], 2024);
    assert_eq!(rows[0][1], 3119);
    assert_eq!(rows[0][2], "3119");
    let statuses = duckdb(&format!(
        "SELECT source_path, status, published_on FROM {} ORDER BY 1",
        table(&out, "reports")
    ));
    let status_of = |p: &str| {
        statuses
            .iter()
            .find(|r| r[0] == p)
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert_eq!(status_of("real/budgetchk_nonreport_1.txt"), "not_a_report");
    assert_eq!(status_of("real/kiro_2.txt"), "ok");
    let date = statuses
        .iter()
        .find(|r| r[0] == "seeds/000_cfc02e107e735945.txt")
        .unwrap()[2]
        .clone();
    assert_eq!(date, "2022-01-13");
    // kiro_1's table 四 totals contradict their parts: flagged, not fixed.
    let failed = duckdb(&format!(
        "SELECT c.scope, c.expected, c.actual FROM {} c JOIN {} r USING (doc_id) WHERE r.source_path = 'real/kiro_1.txt' AND NOT c.passed ORDER BY 1",
        table(&out, "checks"),
        table(&out, "reports")
    ));
    assert_eq!(
        failed,
        vec![
            vec![
                Value::from("litigation_after_review"),
                Value::from(0.0),
                Value::from(5.0)
            ],
            vec![Value::from("review"), Value::from(0.0), Value::from(11.0)]
        ]
    );
}

#[test]
fn jobs_1_and_jobs_n_write_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = real_corpus(dir.path());
    // Enough files for several chunks, with byte-identical duplicates.
    for i in 0..3 {
        fs::create_dir_all(corpus.join(format!("copy{i}"))).unwrap();
        fs::copy(
            fixture("real/kiro_2.txt"),
            corpus.join(format!("copy{i}/kiro_2.txt")),
        )
        .unwrap();
    }
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(run(&corpus, &a, &["-j", "1"]).status.success());
    assert!(run(&corpus, &b, &["-j", "4"]).status.success());
    let (fa, fb) = (files_under(&a), files_under(&b));
    assert_eq!(fa, fb);
    // The statistics too: their sums are exact (decimal), so the threads'
    // order of addition cannot change a bit.
    for f in fa.iter().filter(|f| f.ends_with(".parquet")) {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{f} differs between -j1 and -j4"
        );
    }
    let dup = duckdb(&format!(
        "SELECT count(*) FROM {} WHERE status = 'duplicate'",
        table(&a, "reports")
    ));
    assert_eq!(dup[0][0], 3);
}

#[test]
fn bad_files_are_all_accounted_for_with_clear_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(corpus.join("sub")).unwrap();
    fs::write(corpus.join("empty.txt"), b"").unwrap();
    fs::write(
        corpus.join("binary.bin"),
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    fs::write(
        corpus.join("scan.pdf"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    )
    .unwrap();
    let text = fs::read_to_string(fixture("seeds/000_cfc02e107e735945.txt")).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    fs::write(corpus.join("sub/gb18030.txt"), &gb).unwrap();
    fs::write(
        corpus.join("sub/truncated.txt"),
        &text.as_bytes()[..text.len() / 2],
    )
    .unwrap();
    fs::write(corpus.join("locked.txt"), text.as_bytes()).unwrap();
    let locked = corpus.join("locked.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let really_locked = fs::read(&locked).is_err(); // root reads anything
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &[]);
    assert!(
        o.status.success(),
        "a bad file never stops the run: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = duckdb(&format!(
        "SELECT source_path, status, error, encoding FROM {} ORDER BY 1",
        table(&out, "reports")
    ));
    let get = |p: &str| {
        rows.iter()
            .find(|r| r[0] == p)
            .unwrap_or_else(|| panic!("{p} has no reports row"))
            .clone()
    };
    assert_eq!(rows.len(), 6);
    assert_eq!(get("empty.txt")[1], "failed");
    assert_eq!(get("empty.txt")[2], "empty file (0 bytes)");
    assert_eq!(get("binary.bin")[1], "failed");
    assert!(
        get("binary.bin")[2]
            .as_str()
            .unwrap()
            .starts_with("binary file")
    );
    assert!(
        get("scan.pdf")[2].as_str().unwrap().contains("PDF"),
        "{:?}",
        get("scan.pdf")
    );
    assert_eq!(get("sub/gb18030.txt")[1], "ok");
    assert_eq!(get("sub/gb18030.txt")[3], "gb18030");
    assert_eq!(get("sub/truncated.txt")[1], "partial");
    if really_locked {
        assert_eq!(get("locked.txt")[1], "failed");
        assert!(
            get("locked.txt")[2]
                .as_str()
                .unwrap()
                .contains("permission denied")
        );
    }
    let o = run(&corpus, &dir.path().join("out2"), &["--fail-on-failed"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "--fail-on-failed turns failed files into exit 3"
    );
}

#[test]
fn killed_run_leaves_previous_output_complete_and_next_run_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = real_corpus(dir.path());
    let out = dir.path().join("out");
    assert!(run(&corpus, &out, &[]).status.success());
    let before = fs::read(out.join("_run.json")).unwrap();
    let n_before =
        duckdb(&format!("SELECT count(*) FROM {}", table(&out, "reports")))[0][0].clone();
    // A big corpus, so the run is still going when it is killed.
    let big = dir.path().join("big");
    fs::create_dir_all(&big).unwrap();
    let text = fs::read_to_string(fixture("real/govnianbao_1.txt")).unwrap();
    for i in 0..3000 {
        fs::write(big.join(format!("{i:05}.txt")), format!("{text}\n{i}\n")).unwrap();
    }
    for delay_ms in [50u64, 300, 900] {
        let mut child = bin()
            .arg("run")
            .arg(&big)
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .current_dir(repo())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = fs::read(out.join("_run.json")).unwrap();
        if status.success() {
            continue; // finished before the kill: a complete new output is fine too
        }
        assert_eq!(
            now, before,
            "killed after {delay_ms} ms: previous output untouched"
        );
        let n = duckdb(&format!("SELECT count(*) FROM {}", table(&out, "reports")))[0][0].clone();
        assert_eq!(n, n_before);
    }
    // The next run cleans the staging directory and publishes (a killed
    // run may have finished first: from 3,000 files the corpus shrinks).
    assert!(run(&corpus, &out, &["--allow-shrink"]).status.success());
    let left: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn second_run_on_the_same_output_exits_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = real_corpus(dir.path());
    let out = dir.path().join("out");
    // The lock is held on the output directory itself.
    fs::create_dir(&out).unwrap();
    let lock = fs::File::open(&out).unwrap();
    lock.try_lock().unwrap();
    let t = std::time::Instant::now();
    let o = run(&corpus, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("another govreports run"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(t.elapsed().as_secs() < 30);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0, "nothing written");
    drop(lock);
    assert!(run(&corpus, &out, &[]).status.success());
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&dir.path().join("missing"), &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
    let bad = dir.path().join("bad.toml");
    fs::write(
        &bad,
        "[[stat]]\nname = \"mine\"\nsql = \"SELECT 1\"\nquery = \"oops\"\n",
    )
    .unwrap();
    let corpus = real_corpus(dir.path());
    let o = run(
        &corpus,
        &dir.path().join("out"),
        &["--pipeline", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("statistic mine") && err.contains("query"),
        "{err}"
    );
    let o = bin().args(["run", "--jobs", "many"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_statistic_added_in_sql_without_recompiling() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = real_corpus(dir.path());
    let p = dir.path().join("mine.toml");
    fs::write(
        &p,
        "[[stat]]\nname = \"granted_by_year\"\nsql = \"\"\"\nSELECT report_year, SUM(count) AS granted FROM applications WHERE row_code = 'granted' AND applicant = 'total' GROUP BY report_year ORDER BY report_year\n\"\"\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &["--pipeline", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = duckdb(&format!(
        "SELECT report_year, granted FROM read_parquet('{}/stats/granted_by_year/*.parquet') ORDER BY 1",
        out.display()
    ));
    // 2024: kiro_2 (50) + govnianbao_1 (1362).
    assert!(
        rows.contains(&vec![Value::from(2024), Value::from(1412)]),
        "{rows:?}"
    );
}

/// Generates `n` reports with the project's generator under `dir/gen`
/// (`corpus/` and `truth.jsonl`); returns `dir/gen`.
fn generated_corpus(dir: &Path, n: usize, seed: u64) -> std::path::PathBuf {
    generate(dir, n, seed, &[])
}

/// [`generated_corpus`] with more generator options (`--families all`).
pub(crate) fn generate(dir: &Path, n: usize, seed: u64, options: &[&str]) -> std::path::PathBuf {
    let gen_dir = dir.join("gen");
    let status = std::process::Command::new("python3")
        .arg(repo().join("data/generator/genreports.py"))
        .args(["--n", &n.to_string(), "--seed", &seed.to_string(), "-q"])
        .args(options)
        .arg("--out")
        .arg(&gen_dir)
        .status()
        .unwrap();
    assert!(status.success(), "generator failed");
    gen_dir
}

/// Runs the binary over a generated corpus and scores the output with the
/// accuracy harness (`options` for its bars); returns its report, after
/// asserting that it passed.
fn run_and_score(gen_dir: &Path, out: &Path, options: &[&str]) -> String {
    let o = run(&gen_dir.join("corpus"), out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(crate::support::python())
        .arg(repo().join("tests/accuracy/score.py"))
        .arg("--truth")
        .arg(gen_dir.join("truth.jsonl"))
        .arg("--out")
        .arg(out)
        .args(options)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "accuracy below target:\n{report}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    report
}

/// The generator and the accuracy harness, end to end: every value output on
/// a generated corpus of all layouts is right, recall stays ≥ 99.5%, and
/// every narrative count's source line holds its number.
#[test]
fn generated_corpus_scores_full_precision_with_the_accuracy_harness() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generated_corpus(dir.path(), 400, 20_261_123);
    let report = run_and_score(&gen_dir, &dir.path().join("out"), &[]);
    assert!(report.contains("PASS"), "{report}");
    assert!(
        report.contains("Narrative source lines:"),
        "the source-line check did not run:\n{report}"
    );
}

/// The families real corpora show (seed 003's paragraph rows, blank cells
/// in tabbed and markdown tables, glued crawler text, labels printed apart
/// from their values, `|` variants, crawler headers and CMS meta tags,
/// negatives, breakdowns in the next sentence), through the installed
/// binary and the harness: never a wrong value in any family, and most
/// values read even where converters mangled the tables.
#[test]
fn generated_families_score_full_precision() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = generate(dir.path(), 270, 26, &["--families", "all"]);
    let report = run_and_score(
        &gen_dir,
        &dir.path().join("out"),
        &["--min-precision", "100", "--min-recall", "85"],
    );
    assert!(report.contains("PASS"), "{report}");
    assert!(report.contains("glued_text"), "{report}");
}

/// `per_year = true` (set on every default statistic) gives the rows, in the
/// order, that one query over the whole corpus gives: run the default
/// pipeline and the same pipeline without `per_year` on a generated corpus
/// of several years and unknown-year files, and compare every statistic
/// row by row in DuckDB, exactly: the default statistics add decimals, so
/// the order in which the two plans add cannot change a sum.
#[test]
fn statistics_computed_per_year_equal_one_query_over_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = generated_corpus(dir.path(), 300, 7).join("corpus");
    let default = fs::read_to_string(repo().join("pipelines/default.toml")).unwrap();
    assert!(default.contains("per_year = true"));
    let whole = dir.path().join("whole.toml");
    fs::write(&whole, default.replace("per_year = true\n", "")).unwrap();

    let (by_year, at_once) = (dir.path().join("by_year"), dir.path().join("at_once"));
    for (out, args) in [
        (&by_year, vec![]),
        (
            &at_once,
            vec!["--no-default-stats", "--pipeline", whole.to_str().unwrap()],
        ),
    ] {
        let o = run(&corpus, out, &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let years = duckdb(&format!(
        "SELECT count(DISTINCT report_year), count(*) FILTER (report_year IS NULL) FROM {}",
        table(&by_year, "reports")
    ));
    assert!(
        years[0][0].as_i64().unwrap() > 1 && years[0][1].as_i64().unwrap() > 0,
        "the corpus should span several years and an unknown one: {years:?}"
    );
    let stats = run_json(&by_year)["stats"].as_object().unwrap().clone();
    assert_eq!(stats.len(), 5, "{stats:?}");
    for name in stats.keys() {
        let read = |out: &Path| {
            duckdb(&format!(
                "SELECT * FROM read_parquet('{}/stats/{name}/*.parquet')",
                out.display()
            ))
        };
        let (a, b) = (read(&by_year), read(&at_once));
        assert!(!a.is_empty(), "{name} is empty");
        assert_eq!(a.len(), b.len(), "{name}: row counts differ");
        for (i, (ra, rb)) in a.iter().zip(&b).enumerate() {
            assert_eq!(ra, rb, "{name} row {i}: per year, at once");
        }
    }
}

/// The binary runs on jemalloc with its own options, and a user's
/// `MALLOC_CONF` still applies on top (jemalloc lists every source it read
/// when `confirm_conf` is set).
#[cfg(not(target_env = "msvc"))]
#[test]
fn the_binary_runs_on_jemalloc_with_its_options_and_the_users() {
    let o = bin()
        .arg("--version")
        .env("MALLOC_CONF", "confirm_conf:true")
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Set conf value: percpu_arena:percpu")
            && err.contains("Set conf value: dirty_decay_ms:200")
            && err.contains("Set conf value: confirm_conf:true"),
        "{err}"
    );
}
