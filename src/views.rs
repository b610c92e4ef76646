//! `OUT/views.sql`: DuckDB views over one output directory, written by every
//! run (and by `govreports stats`), so that a user is one `.read` away from
//! named tables, one row per document, 中文 labels and table 三 as printed.
//!
//! It owns the SQL text only; the tables it reads are [`crate::batch`]'s,
//! the labels [`crate::labels`]'. Every path in it is relative to the output
//! root, so the directory can be moved, copied or published under another
//! name: DuckDB resolves the paths against its working directory, or
//! against `file_search_path` when that is set.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::batch::TABLES;
use crate::labels::{APPLICANT_CODES, CODE_LISTS, Label, OUTCOME_CODES};

/// The file name under the output root.
pub const FILE_NAME: &str = "views.sql";

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The select list of a grid view: one column per code, `value` where
/// `key` is that code, comma-separated.
fn pivot_columns(s: &mut String, value: &str, key: &str, codes: &[Label]) {
    for (i, c) in codes.iter().enumerate() {
        let sep = if i + 1 == codes.len() { "" } else { "," };
        let _ = writeln!(
            s,
            "       max({value}) FILTER (WHERE {key} = '{0}') AS {0}{sep}",
            c.code
        );
    }
}

/// The text of `views.sql` for an output holding `stats` (statistic names).
#[must_use]
pub fn render(stats: &[&str]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "-- DuckDB views over a govreports output (data contract {}, govreports {}).",
        crate::CONTRACT_VERSION,
        crate::VERSION
    );
    s.push_str(
        "-- Paths are relative to this directory. From inside it:
--     cd out && duckdb -cmd '.read views.sql'
-- From elsewhere, say where the output is first:
--     duckdb -cmd \"SET file_search_path = 'out'\" -cmd '.read out/views.sql'
-- (Python: con.execute(\"SET file_search_path = 'out'\"); con.execute(open('out/views.sql').read()))
-- Columns and codes: docs/data-contract.md, docs/columns.md, docs/codes.md.

-- The contract's tables; report_year is the hive partition key (INTEGER, NULL when unknown).
",
    );
    for table in TABLES {
        let name = table.name();
        let _ = writeln!(
            s,
            "CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{name}/*/*.parquet', hive_partitioning = true, hive_types = {{'report_year': INTEGER}});"
        );
    }
    s.push_str(
        "
-- One row per document (doc_id): byte-identical copies (status 'duplicate')
-- left out, `copies` says how many files had these bytes. Join facts to this,
-- not to `reports`, or a copied report counts twice.
CREATE OR REPLACE VIEW documents AS
SELECT * EXCLUDE (copy_rank) FROM (
    SELECT *, count(*) OVER (PARTITION BY doc_id) AS copies,
           row_number() OVER (PARTITION BY doc_id ORDER BY status = 'duplicate', source_path) AS copy_rank
    FROM reports
) WHERE copy_rank = 1;

-- Label tables: every code with its 中文 label and its place in the form
-- (sort_order), as listed in docs/codes.md.
",
    );
    for list in CODE_LISTS {
        let _ = writeln!(
            s,
            "CREATE OR REPLACE TABLE {} (code VARCHAR PRIMARY KEY, sort_order INTEGER, label VARCHAR, group_label VARCHAR, versions VARCHAR, note VARCHAR);",
            list.name
        );
        let _ = writeln!(s, "INSERT INTO {} VALUES", list.name);
        for (i, c) in list.codes.iter().enumerate() {
            let sep = if i + 1 == list.codes.len() { ";" } else { "," };
            let _ = writeln!(
                s,
                "    ({}, {}, {}, {}, {}, {}){sep}",
                quote(c.code),
                i + 1,
                quote(c.label),
                if c.group.is_empty() {
                    "NULL".to_owned()
                } else {
                    quote(c.group)
                },
                quote(c.versions),
                if c.note.is_empty() {
                    "NULL".to_owned()
                } else {
                    quote(c.note)
                },
            );
        }
    }
    s.push_str(
        "
-- Table 三 as the form prints it: one row per document and row of the form,
-- in the form's order, one column per applicant (NULL: blank or not read).
CREATE OR REPLACE VIEW applications_grid AS
SELECT a.doc_id, a.report_year, r.sort_order, a.row_code, r.group_label, r.label,
",
    );
    pivot_columns(&mut s, "a.count", "a.applicant", APPLICANT_CODES);
    s.push_str(
        "FROM applications a JOIN row_codes r ON r.code = a.row_code
GROUP BY ALL;

-- Table 四 as the form prints it: one row per document and proceeding.
CREATE OR REPLACE VIEW reviews_grid AS
SELECT v.doc_id, v.report_year, p.sort_order, v.proceeding, p.group_label, p.label,
",
    );
    pivot_columns(&mut s, "v.count", "v.outcome", OUTCOME_CODES);
    s.push_str(
        "FROM reviews_litigation v JOIN proceeding_codes p ON p.code = v.proceeding
GROUP BY ALL;
",
    );
    if !stats.is_empty() {
        s.push_str("\n-- The statistics of the run's pipelines, as stat_<name>.\n");
        for name in stats {
            let _ = writeln!(
                s,
                "CREATE OR REPLACE VIEW stat_{name} AS SELECT * FROM read_parquet('stats/{name}/*.parquet');"
            );
        }
    }
    s
}

/// Writes `root/views.sql`.
///
/// # Errors
/// When the file cannot be written.
pub fn write(root: &Path, stats: &[&str]) -> Result<()> {
    let path = root.join(FILE_NAME);
    std::fs::write(&path, render(stats)).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_relative_and_every_table_has_a_view() {
        let sql = render(&["application_outcomes"]);
        for table in TABLES {
            assert!(
                sql.contains(&format!("VIEW {} AS", table.name())),
                "{}",
                table.name()
            );
        }
        assert!(sql.contains("VIEW stat_application_outcomes AS"));
        assert!(
            !sql.contains("read_parquet('/"),
            "absolute path in views.sql"
        );
        // The labels carry quotes (3.危及“三安全一稳定”) but never an unescaped '.
        assert!(sql.contains("'3.危及“三安全一稳定”'"));
    }
}
