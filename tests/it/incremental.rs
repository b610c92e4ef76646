//! Incremental runs: after every kind of change to a corpus, the output of
//! an incremental run equals a full run's over the same corpus, row for
//! row (DuckDB `EXCEPT ALL` both ways on every table), with byte-identical
//! statistics and the same counts in `_run.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::pipeline::generate;
use crate::support::{TABLES, duckdb, run, run_json, table};

/// A generated corpus of `n` files (its root) under `dir`.
fn corpus(dir: &Path, n: usize, seed: u64) -> PathBuf {
    generate(dir, n, seed, &[]).join("corpus")
}

/// Runs over `corpus` into `out`, asserting success; returns `_run.json`.
fn run_ok(corpus: &Path, out: &Path, args: &[&str]) -> Value {
    let o = run(corpus, out, args);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    run_json(out)
}

/// The corpus's files, sorted, relative to its root.
fn files(corpus: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![corpus.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(corpus).unwrap().to_owned());
            }
        }
    }
    out.sort();
    out
}

/// Every `.parquet` under `dir` (through links), relative, sorted.
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p.strip_prefix(dir).unwrap().to_owned());
            }
        }
    }
    out.sort();
    out
}

/// Runs incrementally over `corpus` into `inc` (which holds a previous
/// output), then a full run into a fresh directory, and asserts that the
/// two outputs are the same: every table row for row, the statistics
/// byte for byte, `_run.json`'s counts. Returns the incremental `_run.json`.
fn incremental_equals_full(corpus: &Path, inc: &Path) -> Value {
    let inc_json = run_ok(corpus, inc, &[]);
    assert_eq!(inc_json["mode"], "incremental", "{inc_json}");
    let full = inc.with_extension("full");
    let _ = fs::remove_dir_all(&full);
    let full_json = run_ok(corpus, &full, &["--full"]);
    assert_eq!(full_json["mode"], "full");
    assert_eq!(full_json["full_reason"], "--full");
    for field in ["files_seen", "bytes_seen", "statuses", "rows", "stats"] {
        assert_eq!(inc_json[field], full_json[field], "_run.json {field}");
    }
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(
        n(&inc_json["files_reused"]) + n(&inc_json["files_parsed"]),
        n(&inc_json["files_seen"])
    );
    // One DuckDB: per table, rows only in one output and rows in all.
    let sql = TABLES
        .iter()
        .map(|t| {
            let (a, b) = (table(inc, t), table(&full, t));
            format!(
                "SELECT '{t}', (SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})), \
                 (SELECT count(*) FROM (FROM {b} EXCEPT ALL FROM {a})), (SELECT count(*) FROM {a})"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    for row in duckdb(&sql) {
        assert_eq!(
            (&row[1], &row[2]),
            (&Value::from(0), &Value::from(0)),
            "{}: rows only in the incremental / only in the full output",
            row[0]
        );
        assert_eq!(
            row[3],
            inc_json["rows"][row[0].as_str().unwrap()],
            "{} rows",
            row[0]
        );
    }
    let stats = parquet_files(&inc.join("stats"));
    assert!(!stats.is_empty());
    assert_eq!(stats, parquet_files(&full.join("stats")));
    for f in &stats {
        assert!(
            fs::read(inc.join("stats").join(f)).unwrap()
                == fs::read(full.join("stats").join(f)).unwrap(),
            "statistic {} differs from a full run's",
            f.display()
        );
    }
    inc_json
}

/// Sets a file's modification time.
fn set_mtime(path: &Path, t: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// The same bytes but for one digit, which changes (the size stays).
fn change_one_digit(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let at = bytes
        .iter()
        .rposition(u8::is_ascii_digit)
        .expect("a digit to change");
    bytes[at] = if bytes[at] == b'9' {
        b'1'
    } else {
        bytes[at] + 1
    };
    fs::write(path, bytes).unwrap();
}

#[test]
fn an_unchanged_corpus_reuses_every_file_and_its_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 24, 11);
    let out = dir.path().join("out");
    let first = run_ok(&corpus, &out, &[]);
    assert_eq!(first["mode"], "full");
    assert_eq!(first["full_reason"], "no previous output");
    assert_eq!(first["files_parsed"], 24);
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(json["files_reused"], 24);
    assert_eq!(json["files_parsed"], 0);
    assert_eq!(json["files_dropped"], 0);
    // Nothing was rewritten: the part files and statistics are the
    // previous version's own (hard links).
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let version = fs::canonicalize(out.join("current")).unwrap();
        let f = parquet_files(&version)[0].clone();
        assert!(
            fs::metadata(version.join(&f)).unwrap().nlink() >= 2,
            "{}",
            f.display()
        );
    }
    // `--full` parses everything again.
    let full = run_ok(&corpus, &out, &["--full"]);
    assert_eq!(
        (full["mode"].as_str(), full["files_parsed"].as_u64()),
        (Some("full"), Some(24))
    );
}

#[test]
fn deleted_renamed_and_changed_files_equal_a_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 24, 12);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let names = files(&corpus);
    // Deleted.
    fs::remove_file(corpus.join(&names[0])).unwrap();
    fs::remove_file(corpus.join(&names[7])).unwrap();
    // Renamed (its mtime kept): a new path for the same bytes.
    let renamed = names[3].with_file_name("renamed-report.txt");
    fs::rename(corpus.join(&names[3]), corpus.join(&renamed)).unwrap();
    // Changed, same size, a later mtime (what an editor does).
    let changed = corpus.join(&names[10]);
    let (size, before) = (fs::metadata(&changed).unwrap().len(), mtime(&changed));
    change_one_digit(&changed);
    set_mtime(&changed, before + Duration::from_secs(1));
    assert_eq!(fs::metadata(&changed).unwrap().len(), size);
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(json["files_parsed"], 2, "the renamed and the changed file");
    assert_eq!(json["files_reused"], 20);
    assert_eq!(json["files_dropped"], 3, "two deleted, one renamed away");
}

#[test]
fn a_new_copy_becomes_a_duplicate_or_the_original_by_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 20, 13);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let names = files(&corpus);
    // After the original in path order: a duplicate of it.
    let original = corpus.join(&names[5]);
    fs::copy(&original, corpus.join("zz-copy.txt")).unwrap();
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(json["statuses"]["duplicate"], 1);
    // Before another file in path order: the copy is the original now and
    // the file it copies (reused until now) becomes its duplicate.
    fs::copy(corpus.join(&names[12]), corpus.join("0-first-copy.txt")).unwrap();
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(json["statuses"]["duplicate"], 2);
    let dup = duckdb(&format!(
        "SELECT error FROM {} WHERE source_path = '{}'",
        table(&out, "reports"),
        names[12].display()
    ));
    assert_eq!(dup[0][0], "byte-identical to 0-first-copy.txt");
}

#[test]
fn deleting_the_original_of_a_duplicate_makes_the_copy_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 20, 14);
    let names = files(&corpus);
    let original = corpus.join(&names[2]);
    fs::copy(&original, corpus.join("zz-copy.txt")).unwrap();
    fs::copy(&original, corpus.join("zzz-copy.txt")).unwrap();
    let out = dir.path().join("out");
    let first = run_ok(&corpus, &out, &[]);
    assert_eq!(first["statuses"]["duplicate"], 2);
    fs::remove_file(&original).unwrap();
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(json["statuses"]["duplicate"], 1);
    assert_eq!(json["files_dropped"], 1);
    let facts = duckdb(&format!(
        "SELECT count(*) FROM {} a JOIN {} r USING (doc_id) WHERE r.source_path = 'zz-copy.txt'",
        table(&out, "applications"),
        table(&out, "reports")
    ));
    assert!(
        facts[0][0].as_u64().unwrap() > 0,
        "the copy has the facts now"
    );
}

/// The documented limit: a file rewritten with the same size and its
/// modification time put back is reused (its old rows stay) until a
/// `--full` run.
#[test]
fn a_change_that_keeps_size_and_mtime_is_reused_by_design() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 12, 15);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let path = corpus.join(&files(&corpus)[4]);
    let before = mtime(&path);
    change_one_digit(&path);
    set_mtime(&path, before);
    let json = run_ok(&corpus, &out, &[]);
    assert_eq!(
        (json["files_reused"].as_u64(), json["files_parsed"].as_u64()),
        (Some(12), Some(0))
    );
    let json = run_ok(&corpus, &out, &["--full"]);
    assert_eq!(json["files_parsed"], 12);
}

/// What the previous output was made with decides whether it is reused:
/// another `--max-file-size` parses everything; a statistic added to the
/// pipeline recomputes the statistics but reuses the files.
#[test]
fn other_options_or_statistics_invalidate_what_they_must() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 12, 16);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let json = run_ok(&corpus, &out, &["--max-file-size", "5000"]);
    assert_eq!(json["mode"], "full");
    assert!(
        json["full_reason"]
            .as_str()
            .unwrap()
            .contains("--max-file-size"),
        "{json}"
    );
    let pipeline = dir.path().join("mine.toml");
    fs::write(
        &pipeline,
        "[[stat]]\nname = \"files_per_status\"\nsql = \"SELECT status, count(*) AS n FROM reports GROUP BY status ORDER BY status\"\n",
    )
    .unwrap();
    let json = run_ok(
        &corpus,
        &out,
        &[
            "--max-file-size",
            "5000",
            "--pipeline",
            pipeline.to_str().unwrap(),
        ],
    );
    assert_eq!(json["mode"], "incremental");
    assert_eq!(json["files_parsed"], 0);
    assert!(
        json["stats"]["files_per_status"].as_u64().unwrap() > 0,
        "{json}"
    );
    assert!(out.join("stats/files_per_status").is_dir());
}

/// A new file whose bytes no earlier file has: nothing is dropped, the
/// previous parts are linked as they are and its rows go to a new part
/// of its partition.
#[test]
fn a_new_file_adds_a_part_and_links_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 16, 17);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let source = corpus.join(&files(&corpus)[6]);
    let added = corpus.join("added.txt");
    fs::copy(&source, &added).unwrap();
    change_one_digit(&added);
    let json = incremental_equals_full(&corpus, &out);
    assert_eq!(
        (json["files_parsed"].as_u64(), json["files_reused"].as_u64()),
        (Some(1), Some(16))
    );
    let reports = fs::canonicalize(out.join("reports")).unwrap();
    let parts: Vec<_> = parquet_files(&reports)
        .into_iter()
        .filter(|p| p.ends_with("part-00001.zstd.parquet"))
        .collect();
    assert_eq!(parts.len(), 1, "one new part, in the new file's partition");
}

/// Night after night of new files: the parts they add are consolidated
/// once a partition has more than `MAX_CARRIED_PARTS` (8), and the output
/// still equals a full run's.
#[test]
fn parts_added_night_after_night_are_consolidated() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 8, 18);
    let out = dir.path().join("out");
    run_ok(&corpus, &out, &[]);
    let source = fs::read(corpus.join(&files(&corpus)[2])).unwrap();
    let most_parts = |out: &Path| {
        let reports = fs::canonicalize(out.join("reports")).unwrap();
        fs::read_dir(&reports)
            .unwrap()
            .flatten()
            .map(|d| fs::read_dir(d.path()).unwrap().count())
            .max()
            .unwrap()
    };
    let mut seen = 0;
    for night in 0..11 {
        let mut bytes = source.clone();
        bytes.extend_from_slice(format!("\n\n{night}\n").as_bytes());
        fs::write(corpus.join(format!("night-{night:02}.txt")), bytes).unwrap();
        let json = run_ok(&corpus, &out, &[]);
        assert_eq!(json["files_parsed"], 1);
        let parts = most_parts(&out);
        assert!(parts <= 9, "{parts} parts after night {night}");
        seen = seen.max(parts);
    }
    assert!(seen >= 8, "the parts did accumulate before ({seen})");
    incremental_equals_full(&corpus, &out);
}
