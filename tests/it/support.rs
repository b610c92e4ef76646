//! Shared helpers: the binary, fixture paths and a real DuckDB.
//!
//! DuckDB is the `duckdb` Python package, installed on first use into a
//! virtualenv under the target directory (`CARGO_TARGET_TMPDIR`), so
//! `cargo test` works on a fresh machine with only python3.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The built binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_govreports"))
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The cells a truth object of `data/generator/genreports.py` says are
/// printed, keyed (table tag, row, column) with `tags` naming tables
/// 二/三/四: the number, or `None` for a blank cell.
pub fn printed_cells(
    t: &serde_json::Value,
    tags: [&str; 3],
) -> std::collections::BTreeMap<(String, String, String), Option<f64>> {
    let mut cells = std::collections::BTreeMap::new();
    for (tag, (table, a, b, v)) in tags.into_iter().zip([
        ("active_disclosure", "item_code", "metric_code", "value"),
        ("applications", "row_code", "applicant", "count"),
        ("reviews_litigation", "proceeding", "outcome", "count"),
    ]) {
        for c in t[table].as_array().into_iter().flatten() {
            let key = (
                tag.to_owned(),
                c[a].as_str().expect("row").to_owned(),
                c[b].as_str().expect("column").to_owned(),
            );
            let value = if c["blank"] == true {
                None
            } else {
                c[v].as_f64()
            };
            cells.insert(key, value);
        }
    }
    cells
}

/// A fixture file.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures/corpus").join(rel)
}

/// Runs `govreports run CORPUS --out OUT ARGS…` and returns the output.
pub fn run(corpus: &Path, out: &Path, args: &[&str]) -> Output {
    bin()
        .arg("run")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(args)
        .current_dir(repo())
        .output()
        .expect("binary runs")
}

pub fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let system = PathBuf::from("python3");
        let ok = |py: &Path| {
            Command::new(py)
                .args(["-c", "import duckdb"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if ok(&system) {
            return system;
        }
        let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("duckdb-venv");
        let py = venv.join("bin/python");
        if !ok(&py) {
            let status = Command::new("python3")
                .arg("-m")
                .arg("venv")
                .arg(&venv)
                .status()
                .expect("python3 -m venv");
            assert!(status.success(), "creating {}", venv.display());
            let status = Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "duckdb"])
                .status()
                .expect("pip install duckdb");
            assert!(status.success(), "pip install duckdb failed");
        }
        py
    })
}

/// Runs SQL in a real DuckDB; returns rows as JSON arrays (one `Vec<Value>` per row).
pub fn duckdb(sql: &str) -> Vec<Vec<serde_json::Value>> {
    let script = r#"
import duckdb, json, sys, datetime, decimal
def conv(v):
    if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()
    if isinstance(v, decimal.Decimal): return float(v)
    return v
rows = duckdb.sql(sys.argv[1]).fetchall()
print(json.dumps([[conv(v) for v in r] for r in rows], ensure_ascii=False))
"#;
    let out = Command::new(python())
        .args(["-c", script, sql])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "duckdb failed on {sql}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json from duckdb")
}

/// `read_parquet` of one output table with hive partitioning.
pub fn table(out: &Path, name: &str) -> String {
    format!(
        "read_parquet('{}/{name}/**/*.parquet', hive_partitioning=true)",
        out.display()
    )
}

/// The contract's tables, as `OUT/<table>` directories.
pub const TABLES: [&str; 7] = [
    "reports",
    "active_disclosure",
    "applications",
    "reviews_litigation",
    "narrative_counts",
    "checks",
    "diagnostics",
];

/// A run's `_run.json`.
pub fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("_run.json")).expect("_run.json exists"))
        .expect("valid json")
}
