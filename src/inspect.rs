//! `govreports inspect FILE`: what the parser sees in one file, rendered as
//! text — the command to debug a new layout with.

use std::fmt::Write as _;

use crate::report::Report;
use crate::template::{APPLICANTS, OUTCOMES, PROCEEDINGS};

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
