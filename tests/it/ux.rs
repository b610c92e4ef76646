//! What a new user meets: the views file and the README's queries in a
//! real DuckDB, statistics checked before the parse, `govreports stats` and
//! `pipeline`, `inspect` for debugging, `error_code`, places.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{bin, duckdb, fixture, python, repo, run, table};

/// Runs the sample corpus into `dir/out` once per test.
fn sample_run(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let o = run(&repo().join("data/sample"), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Runs `statements` in DuckDB after `views.sql`, from `cwd`, with
/// `file_search_path` set to `search` when given. Returns each statement's
/// rows (JSON).
fn with_views(
    cwd: &Path,
    search: Option<&Path>,
    views: &Path,
    statements: &[String],
) -> Vec<Value> {
    let script = r#"
import duckdb, json, sys, datetime, decimal
def conv(v):
    if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()
    if isinstance(v, decimal.Decimal): return float(v)
    return v
search, views, statements = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
con = duckdb.connect()
if search:
    con.execute(f"SET file_search_path = '{search}'")
con.execute(open(views, encoding='utf-8').read())
out = []
for s in statements:
    try:
        rows = con.execute(s).fetchall()
    except Exception as e:
        sys.exit(f"query failed: {e}\n{s}")
    out.append([[conv(v) for v in r] for r in rows])
print(json.dumps(out, ensure_ascii=False))
"#;
    let o = Command::new(python())
        .current_dir(cwd)
        .args(["-c", script])
        .arg(search.map(|p| p.display().to_string()).unwrap_or_default())
        .arg(views)
        .arg(serde_json::to_string(statements).unwrap())
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Vec<Value>>(&o.stdout).expect("json from duckdb")
}

/// The ```sql blocks of a markdown file, split into statements.
fn sql_blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        match (&mut block, line.trim_start()) {
            (None, l) if l.starts_with("```sql") => block = Some(String::new()),
            (Some(b), l) if l.starts_with("```") => {
                for statement in b.split(';') {
                    let code: String = statement
                        .lines()
                        .filter(|l| {
                            !l.trim_start().starts_with("--") && !l.trim_start().starts_with('.')
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    if !code.trim().is_empty() {
                        out.push(code);
                    }
                }
                block = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// Every SQL query of the README and of docs/ runs in DuckDB on the views of
/// a real run, from inside the output directory as the README says.
#[test]
fn every_readme_and_docs_query_runs_in_duckdb_on_views_sql() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_run(dir.path());
    assert!(out.join("views.sql").is_file(), "the run writes views.sql");
    let mut queries = sql_blocks(&fs::read_to_string(repo().join("README.md")).unwrap());
    let readme_queries = queries.len();
    assert!(readme_queries >= 4, "the README shows queries: {queries:?}");
    for doc in ["docs/faq.md", "docs/columns.md"] {
        queries.extend(sql_blocks(&fs::read_to_string(repo().join(doc)).unwrap()));
    }
    let results = with_views(&out, None, &out.join("views.sql"), &queries);
    assert_eq!(results.len(), queries.len());
    // At least one README query returns rows on the sample.
    assert!(
        results[..readme_queries]
            .iter()
            .any(|r| !r.as_array().unwrap().is_empty())
    );
}

/// The views read the output wherever it is: moved to another name and
/// read from another directory with `file_search_path`; `documents` has one
/// row per doc_id; the label tables and the table 三 grid follow the form.
#[test]
fn views_follow_the_output_and_give_one_row_per_document_and_the_form_order() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let seed = fs::read(fixture("seeds/000_cfc02e107e735945.txt")).unwrap();
    for name in ["a.txt", "b.txt", "c/copy.txt"] {
        let path = corpus.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, &seed).unwrap();
    }
    fs::write(corpus.join("empty1.txt"), b"").unwrap();
    fs::write(corpus.join("empty2.txt"), b"").unwrap();
    let first = dir.path().join("first");
    let o = run(&corpus, &first, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let moved = dir.path().join("published-v2");
    fs::rename(&first, &moved).unwrap();
    let q = |s: &str| s.to_owned();
    let r = with_views(
        dir.path(),
        Some(&moved),
        &moved.join("views.sql"),
        &[
            q("SELECT count(*), count(DISTINCT doc_id) FROM reports"),
            q("SELECT count(*), count(DISTINCT doc_id), max(copies) FROM documents"),
            q("SELECT typeof(report_year) FROM applications LIMIT 1"),
            q("SELECT label FROM row_codes WHERE code = 'denied_three_safeties'"),
            q("SELECT row_code FROM applications_grid ORDER BY sort_order LIMIT 3"),
            q(
                "SELECT count(*) FROM applications_grid g JOIN documents d USING (doc_id) WHERE g.row_code = 'granted'",
            ),
            q("SELECT count(*) FROM stat_application_outcomes"),
            q("SELECT label, sort_order FROM applicant_codes ORDER BY sort_order LIMIT 1"),
        ],
    );
    assert_eq!(
        r[0],
        serde_json::json!([[5, 2]]),
        "3 copies + 2 empty files"
    );
    assert_eq!(r[1], serde_json::json!([[2, 2, 3]]), "one row per doc_id");
    assert_eq!(r[2], serde_json::json!([["INTEGER"]]));
    assert_eq!(r[3], serde_json::json!([["3.危及“三安全一稳定”"]]));
    assert_eq!(
        r[4],
        serde_json::json!([["new_received"], ["carried_over"], ["granted"]])
    );
    assert_eq!(r[5], serde_json::json!([[1]]), "the copies count once");
    assert!(r[6][0][0].as_i64().unwrap() > 0);
    assert_eq!(r[7], serde_json::json!([["自然人", 1]]));
}

/// A statistic with a typo fails before any file is parsed, with exit 2
/// naming it; so does `per_year` on a query that mixes the years.
#[test]
fn pipelines_are_checked_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo().join("data/sample");
    for (name, toml, expect) in [
        (
            "typo",
            "[[stat]]\nname = \"typo\"\nsql = \"SELECT report_year, SUM(cuont) AS n FROM applications GROUP BY report_year\"\n",
            "cuont",
        ),
        (
            "table",
            "[[stat]]\nname = \"no_table\"\nsql = \"SELECT * FROM application\"\n",
            "application",
        ),
        (
            "mixed",
            "[[stat]]\nname = \"mixed\"\nper_year = true\nsql = \"SELECT row_code, SUM(count) AS n FROM applications GROUP BY row_code ORDER BY row_code\"\n",
            "per_year",
        ),
        (
            "window",
            "[[stat]]\nname = \"window\"\nper_year = true\nsql = \"SELECT report_year, doc_id, SUM(cells_found) OVER (PARTITION BY layout) AS r FROM reports ORDER BY report_year\"\n",
            "per_year",
        ),
    ] {
        let p = dir.path().join(format!("{name}.toml"));
        fs::write(&p, toml).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let o = run(&corpus, &out, &["--pipeline", p.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.toml")) && err.contains(expect),
            "{name}: {err}"
        );
        assert!(!out.exists(), "{name}: nothing written before the check");
        // `govreports pipeline FILE` says the same without a corpus.
        let o = bin().args(["pipeline"]).arg(&p).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}");
    }
    let o = bin()
        .args(["pipeline"])
        .arg(repo().join("pipelines/default.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `--pipeline` adds to the defaults, `--no-default-stats` replaces them,
/// and `govreports stats` recomputes over an existing output, from any
/// directory, without parsing; `pipeline --show-default` prints the defaults.
#[test]
fn statistics_add_to_the_defaults_and_are_recomputed_without_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.toml");
    fs::write(
        &mine,
        "[[stat]]\nname = \"granted_by_year\"\nper_year = true\nsql = \"\"\"\nSELECT report_year, SUM(count) AS granted FROM applications\nWHERE row_code = 'granted' AND applicant = 'total'\nGROUP BY report_year ORDER BY report_year\n\"\"\"\n",
    )
    .unwrap();
    let out = sample_run(dir.path());
    let stats = |out: &Path| -> Vec<String> {
        let v: Value = serde_json::from_slice(&fs::read(out.join("_run.json")).unwrap()).unwrap();
        let mut names: Vec<String> = v["stats"].as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    };
    assert_eq!(stats(&out).len(), 5);
    let reports_before = fs::read_dir(out.join("reports")).unwrap().count();

    // From another directory (no pipelines/ there), as an installed binary runs.
    let elsewhere = tempfile::tempdir().unwrap();
    let o = bin()
        .current_dir(elsewhere.path())
        .arg("stats")
        .arg(&out)
        .args(["-q", "--pipeline"])
        .arg(&mine)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names = stats(&out);
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.contains(&"granted_by_year".to_owned()));
    assert!(
        out.join("stats/granted_by_year/part-00000.zstd.parquet")
            .is_file()
    );
    assert!(
        fs::read_to_string(out.join("views.sql"))
            .unwrap()
            .contains("stat_granted_by_year")
    );
    assert_eq!(
        fs::read_dir(out.join("reports")).unwrap().count(),
        reports_before
    );
    let v: Value = serde_json::from_slice(&fs::read(out.join("_run.json")).unwrap()).unwrap();
    assert!(v["stats_recomputed_at"].is_string());
    let rows = duckdb(&format!("SELECT count(*) FROM {}", table(&out, "reports")));
    assert_eq!(rows[0][0], v["files_seen"]);

    let o = bin()
        .current_dir(elsewhere.path())
        .arg("stats")
        .arg(&out)
        .args(["-q", "--no-default-stats", "--pipeline"])
        .arg(&mine)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stats(&out), vec!["granted_by_year".to_owned()]);
    assert!(!out.join("stats/application_outcomes").exists());

    // The same statistic twice is a usage error naming both files.
    let o = bin()
        .arg("stats")
        .arg(&out)
        .args(["--pipeline"])
        .arg(&mine)
        .arg("--pipeline")
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Not an output directory.
    let o = bin().arg("stats").arg(elsewhere.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));

    let o = bin().args(["pipeline", "--show-default"]).output().unwrap();
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        fs::read_to_string(repo().join("pipelines/default.toml")).unwrap()
    );
}

/// `inspect` shows the source lines and the cells as the reader split them
/// beside the facts, as text and as JSON, and fails on a missing file.
#[test]
fn inspect_shows_source_cells_and_fails_on_a_missing_file() {
    let file = fixture("seeds/000_cfc02e107e735945.txt");
    let o = bin().arg("inspect").arg(&file).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("cells ["), "{text}");
    let o = bin()
        .args(["inspect", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fact = &v["applications"][0];
    let line = fact["source_line"].as_u64().unwrap();
    let row = v["source_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"].as_u64() == Some(line))
        .expect("the fact's line is shown");
    assert!(!row["cells"].as_array().unwrap().is_empty());
    let raw = fact["raw"].as_str().unwrap();
    assert!(row["text"].as_str().unwrap().contains(raw), "{row} / {raw}");

    for args in [vec!["inspect"], vec!["inspect", "--json"]] {
        let o = bin()
            .args(&args)
            .arg("/nonexistent/report.txt")
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("report.txt"));
    }
}

/// Every report that is not `ok` has an `error_code` to group by.
#[test]
fn error_codes_say_why_a_report_is_not_ok() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let seed = fs::read_to_string(fixture("seeds/000_cfc02e107e735945.txt")).unwrap();
    fs::write(corpus.join("empty.txt"), b"").unwrap();
    fs::write(corpus.join("report.txt"), &seed).unwrap();
    fs::write(corpus.join("copy.txt"), &seed).unwrap();
    fs::write(corpus.join("half.txt"), &seed.as_bytes()[..seed.len() / 2]).unwrap();
    fs::write(corpus.join("note.txt"), "会议纪要\n今天开会。\n").unwrap();
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = duckdb(&format!(
        "SELECT source_path, status, error_code FROM {} ORDER BY 1",
        table(&out, "reports")
    ));
    let get = |p: &str| rows.iter().find(|r| r[0] == p).unwrap().clone();
    assert_eq!(get("empty.txt")[2], "empty_file");
    assert_eq!(get("note.txt")[2], "not_a_report");
    let (copy, report) = (get("copy.txt"), get("report.txt"));
    // The first in path order keeps its facts.
    assert_eq!(copy[2], Value::Null, "{copy:?}");
    assert_eq!(report[2], "duplicate");
    let half = get("half.txt");
    assert_eq!(half[1], "partial");
    assert!(half[2].is_string(), "{half:?}");
    for r in &rows {
        assert_eq!(r[1] == "ok", r[2].is_null(), "{r:?}");
    }
}

/// A finding about a cell names the table, row and column of the NULL
/// value it explains.
#[test]
fn diagnostics_name_the_table_row_and_column_they_concern() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_run(dir.path());
    let rows = duckdb(&format!(
        "SELECT count(*), count(d.column_code), count(*) FILTER (WHERE a.count IS NULL)
         FROM {d} d LEFT JOIN {a} a ON a.doc_id = d.doc_id AND a.row_code = d.row_code AND a.applicant = d.column_code
         WHERE d.code = 'blank_cell' AND d.table_name = 'applications'",
        d = table(&out, "diagnostics"),
        a = table(&out, "applications")
    ));
    let (n, named, null) = (
        rows[0][0].as_i64().unwrap(),
        rows[0][1].as_i64().unwrap(),
        rows[0][2].as_i64().unwrap(),
    );
    assert!(n > 0, "the sample has blank cells in table 三");
    assert_eq!(
        (named, null),
        (n, n),
        "every blank cell names its NULL value"
    );
    let rows = duckdb(&format!(
        "SELECT count(*) FROM {} WHERE code = 'blank_cell' AND column_code IS NULL",
        table(&out, "diagnostics")
    ));
    assert_eq!(rows[0][0], 0);
}
