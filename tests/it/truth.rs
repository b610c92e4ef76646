//! Real reports against hand-made truth (`tests/fixtures/corpus/real2` and
//! `real3`, the
//! seeds 003 and 004; copied from `../shared/corpus`, format
//! `../shared/eval/TRUTH_FORMAT.md`), cell by cell, as `real_check.py`
//! scores them: no value that the truth does not list with that number,
//! every readable cell read (a blank one as NULL), and the metadata and
//! status a careful reader gives.

use std::collections::HashMap;
use std::path::Path;

use govreports::parse::parse_file;
use govreports::report::Report;
use serde_json::Value;

use crate::support::fixture;

/// (table, a, b) → (value, readable).
type Cells = HashMap<(String, String, String), (Option<f64>, bool)>;

fn truth_cells(t: &Value) -> Cells {
    let mut cells = Cells::new();
    for c in t["cells"].as_array().expect("cells") {
        let c = c.as_array().expect("cell");
        let key = (
            c[0].as_str().unwrap().to_owned(),
            c[1].as_str().unwrap().to_owned(),
            c[2].as_str().unwrap().to_owned(),
        );
        let readable = c.get(4).and_then(Value::as_bool) != Some(false);
        cells.insert(key, (c[3].as_f64(), readable));
    }
    cells
}

fn output_cells(r: &Report) -> HashMap<(String, String, String), Option<f64>> {
    let mut out = HashMap::new();
    for f in &r.active {
        out.insert(
            ("t2".into(), f.item_code.into(), f.metric_code.into()),
            f.value,
        );
    }
    for f in &r.applications {
        out.insert(
            ("t3".into(), f.row_code.into(), f.applicant.into()),
            f.count.map(|v| v as f64),
        );
    }
    for f in &r.reviews {
        out.insert(
            ("t4".into(), f.proceeding.into(), f.outcome.into()),
            f.count.map(|v| v as f64),
        );
    }
    out
}

/// Every way `r` disagrees with truth `t`, one line each.
fn disagreements(r: &Report, t: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let truth = truth_cells(t);
    let got = output_cells(r);
    for (k, v) in &got {
        let Some(v) = v else { continue };
        match truth.get(k) {
            Some((Some(tv), _)) if (tv - v).abs() < 1e-6 => {}
            other => problems.push(format!("WRONG {k:?}: wrote {v}, truth {other:?}")),
        }
    }
    for (k, (tv, readable)) in &truth {
        if !readable {
            continue;
        }
        let g = got.get(k).copied().flatten();
        let ok = match tv {
            None => g.is_none(),
            Some(tv) => g.is_some_and(|g| (g - tv).abs() < 1e-6),
        };
        if !ok {
            problems.push(format!("missed {k:?}: truth {tv:?}, got {g:?}"));
        }
    }
    let status = r.status.code();
    let want_status = t["status"].as_str();
    if want_status == Some("not_a_report") {
        if status != "not_a_report" {
            problems.push(format!("status {status}, truth not_a_report"));
        }
        return problems;
    }
    if t["report_year"].as_i64() != r.meta.report_year.map(i64::from) {
        problems.push(format!(
            "year {:?}, truth {}",
            r.meta.report_year, t["report_year"]
        ));
    }
    let orgs: Vec<Option<&str>> = match &t["organization"] {
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        v => vec![v.as_str()],
    };
    if !orgs.contains(&r.meta.organization.as_deref()) {
        problems.push(format!(
            "organization {:?}, truth {:?}",
            r.meta.organization, orgs
        ));
    }
    if t["template_version"].as_str() != r.template_version {
        problems.push(format!(
            "template {:?}, truth {}",
            r.template_version, t["template_version"]
        ));
    }
    if let Some(p) = t["published_on"].as_str() {
        let got = r
            .meta
            .published_on
            .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        if got.as_deref() != Some(p) {
            problems.push(format!("published_on {got:?}, truth {p}"));
        }
    }
    if let Some(ts) = want_status {
        // ok and partial differ only by cells no careful reader can read.
        let uncertain = truth.values().any(|(_, readable)| !readable);
        let soft = uncertain && matches!((ts, status), ("ok", "partial") | ("partial", "ok"));
        if ts != status && !soft {
            problems.push(format!("status {status}, truth {ts}"));
        }
    }
    problems
}

fn check_dir(dir: &str) {
    let truth_dir = fixture(dir).join("truth");
    let mut failures = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&truth_dir).expect("truth dir") {
        let path = entry.expect("entry").path();
        let t: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("truth file")).expect("truth json");
        let file = t["file"].as_str().expect("file").to_owned();
        let rel = format!("{dir}/{file}");
        assert!(Path::new(&fixture(&rel)).exists(), "{rel} missing");
        let r = parse_file(&fixture(&rel), &rel, u64::MAX);
        files += 1;
        for p in disagreements(&r, &t) {
            failures.push(format!("{file}: {p}"));
        }
    }
    assert!(files > 0, "no truth files in {dir}");
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with the truth:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn real2_reports_match_their_truth_cell_by_cell() {
    check_dir("real2");
}

#[test]
fn real3_reports_match_their_truth_cell_by_cell() {
    check_dir("real3");
}

#[test]
fn seeds_match_their_truth_cell_by_cell() {
    check_dir("seeds");
}

/// (table, row, column) → the printed number, `None` for a blank cell.
type Printed = HashMap<(String, String, String), Option<f64>>;

/// The files of a fixture folder with a `truth.jsonl` in genreports.py's
/// format, each parsed, with the values its truth says are printed
/// (`None` for a blank cell), keyed as [`output_cells`] keys them.
fn generated_cases(dir: &str) -> Vec<(String, Report, Printed)> {
    let dir = fixture(dir);
    let truth = std::fs::read_to_string(dir.join("truth.jsonl")).expect("truth");
    let mut cases = Vec::new();
    for line in truth.lines() {
        let t: Value = serde_json::from_str(line).expect("truth json");
        let rel = t["source_path"].as_str().expect("source_path").to_owned();
        let r = parse_file(&dir.join(&rel), &rel, u64::MAX);
        let printed = crate::support::printed_cells(&t, ["t2", "t3", "t4"])
            .into_iter()
            .collect();
        cases.push((rel, r, printed));
    }
    assert!(!cases.is_empty());
    cases
}

/// OCR'd text (`tests/fixtures/corpus/ocr`): tesseract misreads digits, and
/// the rows it misread no longer add up. No number the page does not print
/// comes out: in a text that shows it was OCR'd, a row of table 三 or 四
/// stands only when it adds up to its total, and table 二 (no totals) gives
/// no number.
#[test]
fn ocr_text_gives_no_number_its_page_does_not_print() {
    let cases = generated_cases("ocr");
    assert!(cases.iter().any(|(rel, ..)| rel == "000025.txt"));
    for (rel, r, printed) in cases {
        let mut read = 0;
        for (key, value) in &output_cells(&r) {
            let Some(v) = value else { continue };
            read += usize::from(key.0 != "t2");
            assert_eq!(printed.get(key), Some(&Some(*v)), "{rel}: {key:?}");
        }
        assert!(read >= 40, "{rel}: only {read} cells of 三/四 read");
        if rel == "000025.txt" {
            // It reads `0 | 0 | 0 | 5 | 5 | 5 | 5` for a row of zeros, four times.
            let misread: Vec<_> = r
                .diagnostics
                .iter()
                .filter(|d| d.code.code() == "misread_suspected")
                .map(|d| d.message.as_str())
                .collect();
            assert!(
                misread
                    .iter()
                    .filter(|m| m.contains("do not add up"))
                    .count()
                    >= 4,
                "{misread:?}"
            );
            assert!(
                r.applications
                    .iter()
                    .filter(|f| f.row_code == "denied_prohibited_by_law")
                    .all(|f| f.count.is_none())
            );
            assert!(misread.iter().any(|m| m.starts_with("table 二")));
            assert!(r.active.iter().all(|f| f.value.is_none()));
        }
    }
}

/// pandas' `read_html` + `to_markdown` (`tests/fixtures/corpus/pandas`): the
/// column index heading every table is no row of values (table 四 read
/// `0 1 2 … 14` before), and a merged cell repeated across its columns is
/// one value. Every cell equals the printed one, blanks NULL.
#[test]
fn pandas_markdown_gives_every_printed_cell() {
    for (rel, r, printed) in generated_cases("pandas") {
        assert_eq!(output_cells(&r), printed, "{rel}");
    }
}
