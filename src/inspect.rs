//! `govreports inspect FILE`: what the parser sees in one file, rendered as
//! text — the command to debug a new layout with.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use serde_json::json;

use crate::report::{Report, Span};
use crate::template::{APPLICANTS, OUTCOMES, PROCEEDINGS};

/// One source line as the reader saw it: the line's text and the cells the
/// layout reader split it into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// 1-based line of the decoded text.
    pub line: u32,
    /// The line as decoded (whitespace trimmed).
    pub text: String,
    /// The cells the reader split the line into (their text, trimmed).
    pub cells: Vec<String>,
}

/// The source lines `lines` of a report as the reader split them.
#[must_use]
pub fn source_rows(r: &Report, lines: &[u32]) -> BTreeMap<u32, SourceRow> {
    let Some(text) = r.text.as_ref() else {
        return BTreeMap::new();
    };
    let doc = crate::layout::read(text);
    let mut out = BTreeMap::new();
    for &line in lines {
        if line == 0 || line as usize > text.line_count() {
            continue;
        }
        let cells = doc
            .rows
            .iter()
            .filter(|row| row.line == line)
            .flat_map(|row| row.cells.iter().map(|c| c.text.trim().to_owned()))
            .collect();
        out.insert(
            line,
            SourceRow {
                line,
                text: text.line(line as usize - 1).trim().to_owned(),
                cells,
            },
        );
    }
    out
}

fn fact_lines(r: &Report) -> Vec<u32> {
    let mut lines: Vec<u32> = r
        .active
        .iter()
        .map(|f| f.source_line)
        .chain(r.applications.iter().map(|f| f.source_line))
        .chain(r.reviews.iter().map(|f| f.source_line))
        .chain(r.diagnostics.iter().filter_map(|d| d.line))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

fn clip(s: &str, chars: usize) -> String {
    if s.chars().count() <= chars {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(chars).collect();
        t.push('…');
        t
    }
}

fn render_source(s: &mut String, rows: &BTreeMap<u32, SourceRow>, lines: &[u32]) {
    let mut lines = lines.to_vec();
    lines.sort_unstable();
    lines.dedup();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "  source lines, and the cells the reader split them into:"
    );
    for line in lines {
        if let Some(row) = rows.get(&line) {
            let _ = writeln!(s, "    @{:<5} {}", line, clip(&row.text, 100));
            let _ = writeln!(s, "           cells [{}]", row.cells.join(" | "));
        }
    }
}

fn cell(value: Option<String>, raw: &str) -> String {
    match value {
        Some(v) => v,
        None if raw.is_empty() => "·".to_owned(),
        None => format!("NULL({raw})"),
    }
}

fn fmt_f64(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Renders a parsed report.
#[must_use]
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let m = &r.meta;
    let sources = source_rows(r, &fact_lines(r));
    let opt = |v: Option<&str>| v.unwrap_or("-").to_owned();
    let _ = writeln!(s, "file             {}", r.source_path);
    let _ = writeln!(
        s,
        "doc_id           {}  ({} bytes)",
        r.doc_id, r.source_bytes
    );
    let _ = writeln!(s, "encoding         {}", opt(r.encoding));
    let _ = writeln!(s, "format / layout  {} / {}", opt(r.format), opt(r.layout));
    let _ = writeln!(s, "template         {}", opt(r.template_version));
    let _ = writeln!(
        s,
        "status           {}{}",
        r.status.code(),
        r.error
            .as_ref()
            .map(|e| format!(" — {e}"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "title            {}", opt(m.title.as_deref()));
    let _ = writeln!(s, "organization     {}", opt(m.organization.as_deref()));
    let _ = writeln!(
        s,
        "place            {} / {} / {} / {}  (admin_level {})",
        opt(m.province.as_deref()),
        opt(m.city.as_deref()),
        opt(m.county.as_deref()),
        opt(m.township.as_deref()),
        m.admin_level
    );
    let _ = writeln!(
        s,
        "report_year      {}",
        m.report_year.map_or("-".to_owned(), |y| y.to_string())
    );
    let _ = writeln!(
        s,
        "published_on     {}",
        m.published_on.map_or("-".to_owned(), |(y, mo, d)| format!(
            "{y:04}-{mo:02}-{d:02}"
        ))
    );
    let _ = writeln!(
        s,
        "cells            expected {}, found {}, blank {}",
        r.cells_expected, r.cells_found, r.cells_blank
    );

    if !r.active.is_empty() {
        let _ = writeln!(
            s,
            "\n表二 active_disclosure  (item / metric = value [unit] «raw» @line)"
        );
        for f in &r.active {
            let raw = f.raw.map(|sp| r.raw(sp).trim()).unwrap_or("");
            let _ = writeln!(
                s,
                "  {:<24} {:<18} {:>12} {:<4} «{}» @{}",
                f.item_code,
                f.metric_code,
                cell(f.value.map(fmt_f64), raw),
                f.unit.unwrap_or(""),
                raw,
                f.source_line
            );
        }
        let lines: Vec<u32> = r.active.iter().map(|f| f.source_line).collect();
        render_source(&mut s, &sources, &lines);
    }
    if !r.applications.is_empty() {
        let _ = writeln!(s, "\n表三 applications");
        let _ = write!(s, "  {:<28}", "row_code");
        for a in APPLICANTS {
            let _ = write!(s, " {:>10}", &a[..a.len().min(10)]);
        }
        let _ = writeln!(s, "  line");
        let mut rows: Vec<&str> = Vec::new();
        for f in &r.applications {
            if !rows.contains(&f.row_code) {
                rows.push(f.row_code);
            }
        }
        for row in rows {
            let _ = write!(s, "  {row:<28}");
            let mut line = 0;
            for a in APPLICANTS {
                let f = r
                    .applications
                    .iter()
                    .find(|f| f.row_code == row && f.applicant == a);
                let text = f.map_or("-".to_owned(), |f| {
                    line = f.source_line;
                    cell(
                        f.count.map(|c| c.to_string()),
                        f.raw.map(|sp| r.raw(sp).trim()).unwrap_or(""),
                    )
                });
                let _ = write!(s, " {text:>10}");
            }
            let _ = writeln!(s, "  @{line}");
        }
        let lines: Vec<u32> = r.applications.iter().map(|f| f.source_line).collect();
        render_source(&mut s, &sources, &lines);
    }
    if !r.reviews.is_empty() {
        let _ = writeln!(s, "\n表四 reviews_litigation");
        let _ = write!(s, "  {:<24}", "proceeding");
        for o in OUTCOMES {
            let _ = write!(s, " {o:>9}");
        }
        let _ = writeln!(s);
        for p in PROCEEDINGS {
            let _ = write!(s, "  {p:<24}");
            for o in OUTCOMES {
                let f = r
                    .reviews
                    .iter()
                    .find(|f| f.proceeding == p && f.outcome == o);
                let text = f.map_or("-".to_owned(), |f| {
                    cell(
                        f.count.map(|c| c.to_string()),
                        f.raw.map(|sp| r.raw(sp).trim()).unwrap_or(""),
                    )
                });
                let _ = write!(s, " {text:>9}");
            }
            let _ = writeln!(s);
        }
        let lines: Vec<u32> = r.reviews.iter().map(|f| f.source_line).collect();
        render_source(&mut s, &sources, &lines);
    }
    if !r.narrative.is_empty() {
        let _ = writeln!(s, "\nnarrative_counts");
        for n in &r.narrative {
            let _ = writeln!(
                s,
                "  {}{}{} {} = {}{}  @{}",
                if n.is_total { "TOTAL " } else { "" },
                n.subject,
                n.category
                    .as_ref()
                    .map(|c| format!(" / {c}"))
                    .unwrap_or_default(),
                n.channel.map(|c| format!("[{c}]")).unwrap_or_default(),
                n.count,
                if n.approximate { " (approx.)" } else { "" },
                n.source_line
            );
        }
    }
    let failed: Vec<_> = r.checks.iter().filter(|c| !c.passed).collect();
    let _ = writeln!(
        s,
        "\nchecks           {} evaluated, {} failed",
        r.checks.len(),
        failed.len()
    );
    for c in failed {
        let _ = writeln!(
            s,
            "  FAILED {} [{}]: expected {} actual {}",
            c.check_code,
            c.scope,
            fmt_f64(c.expected),
            fmt_f64(c.actual)
        );
    }
    if !r.diagnostics.is_empty() {
        let _ = writeln!(s, "\ndiagnostics");
        for d in &r.diagnostics {
            let _ = writeln!(
                s,
                "  {:<7} {:<24} {}{}",
                d.severity.code(),
                d.code.code(),
                d.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                d.message
            );
        }
    }
    if let (Some(provenance), Some(text)) = (&r.provenance, &r.text) {
        let _ = writeln!(
            s,
            "\nrendered {} (the lines facts' source_line counts; page and box per cell)",
            r.format.unwrap_or("document")
        );
        for (i, line) in text.lines() {
            let at = match provenance.at(i as u32 + 1) {
                Some(o) => format!(
                    "p{} {}",
                    o.page.map_or("-".to_owned(), |p| p.to_string()),
                    o.bbox
                        .map(crate::readers::Provenance::bbox_string)
                        .unwrap_or_default()
                ),
                None => String::new(),
            };
            let _ = writeln!(s, "{:>5}  {:<32} {line}", i + 1, at);
        }
    }
    s
}

/// Renders a parsed report as JSON: metadata, every fact with its value,
/// raw text and source line, the source lines as the reader split them,
/// checks and diagnostics.
#[must_use]
pub fn render_json(r: &Report) -> String {
    let raw = |span: Option<Span>| span.map(|sp| r.raw(sp).trim().to_owned());
    let m = &r.meta;
    let sources = source_rows(r, &fact_lines(r));
    let value = json!({
        "source_path": r.source_path,
        "doc_id": r.doc_id,
        "source_bytes": r.source_bytes,
        "encoding": r.encoding,
        "format": r.format,
        "layout": r.layout,
        "template_version": r.template_version,
        "status": r.status.code(),
        "error": r.error,
        "error_code": r.error_code(),
        "title": m.title,
        "organization": m.organization,
        "province": m.province,
        "city": m.city,
        "county": m.county,
        "township": m.township,
        "admin_code": m.admin_code,
        "admin_level": m.admin_level,
        "report_year": m.report_year,
        "published_on": m.published_on.map(|(y, mo, d)| format!("{y:04}-{mo:02}-{d:02}")),
        "cells_expected": r.cells_expected,
        "cells_found": r.cells_found,
        "cells_blank": r.cells_blank,
        "active_disclosure": r.active.iter().map(|f| json!({
            "article": f.article, "item_code": f.item_code, "metric_code": f.metric_code,
            "value": f.value, "unit": f.unit, "raw": raw(f.raw), "source_line": f.source_line,
        })).collect::<Vec<_>>(),
        "applications": r.applications.iter().map(|f| json!({
            "row_code": f.row_code, "applicant": f.applicant, "count": f.count,
            "raw": raw(f.raw), "source_line": f.source_line,
        })).collect::<Vec<_>>(),
        "reviews_litigation": r.reviews.iter().map(|f| json!({
            "proceeding": f.proceeding, "outcome": f.outcome, "count": f.count,
            "raw": raw(f.raw), "source_line": f.source_line,
        })).collect::<Vec<_>>(),
        "narrative_counts": r.narrative.iter().map(|n| json!({
            "subject": n.subject, "category": n.category, "channel": n.channel,
            "is_total": n.is_total, "count": n.count, "approximate": n.approximate,
            "sentence": n.sentence, "source_line": n.source_line,
        })).collect::<Vec<_>>(),
        "checks": r.checks.iter().map(|c| json!({
            "check_code": c.check_code, "scope": c.scope, "expected": c.expected,
            "actual": c.actual, "passed": c.passed,
        })).collect::<Vec<_>>(),
        "diagnostics": r.diagnostics.iter().map(|d| json!({
            "severity": d.severity.code(), "code": d.code.code(),
            "source_line": d.line, "message": d.message,
        })).collect::<Vec<_>>(),
        "source_rows": sources.values().map(|row| json!({
            "line": row.line, "text": row.text, "cells": row.cells,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Every source row a report's facts and diagnostics point at, as the
/// reader split it (what [`render`] and [`render_json`] show).
#[must_use]
pub fn source_rows_of_facts(r: &Report) -> Vec<SourceRow> {
    source_rows(r, &fact_lines(r)).into_values().collect()
}
