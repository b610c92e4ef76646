//! Accounting identities (contract table `checks`, template.md §5).
//!
//! An identity is evaluated only when every operand was read: a NULL cell
//! makes the identity unknowable, not failed. A failed identity is a finding
//! about the *source* (kiro_1's table 四 totals are 0 although their parts are
//! not); values are never "fixed" to make an identity hold.

use std::borrow::Cow;

use crate::extract::narrative::Counted;
use crate::report::{ApplicationFact, ReviewFact};
use crate::template::{APPLICANTS, PROCEEDINGS};

/// One evaluated identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `t3_balance`, `t3_outcome_sum`, `t3_row_total`, `t4_total`, `narrative_breakdown`.
    pub check_code: &'static str,
    /// Applicant, row code, proceeding or counted subject.
    pub scope: Cow<'static, str>,
    /// The stated side.
    pub expected: f64,
    /// The computed side.
    pub actual: f64,
    /// `expected == actual`.
    pub passed: bool,
}

impl Check {
    fn new(
        check_code: &'static str,
        scope: impl Into<Cow<'static, str>>,
        expected: i64,
        actual: i64,
    ) -> Self {
        Self {
            check_code,
            scope: scope.into(),
            expected: expected as f64,
            actual: actual as f64,
            passed: expected == actual,
        }
    }
}

/// Rows of table 三 that are not outcomes.
const NOT_OUTCOMES: [&str; 4] = [
    "new_received",
    "carried_over",
    "total_handled",
    "carried_forward",
];

/// The fewest outcome rows a complete table 三 has (2019, or 2021 with （六） collapsed).
const MIN_OUTCOME_ROWS: usize = 19;

/// Evaluates every table 三 and 四 identity whose operands are all known.
#[must_use]
pub fn check_tables(applications: &[ApplicationFact], reviews: &[ReviewFact]) -> Vec<Check> {
    // ~40 checks in a full report: one allocation, not six growths.
    let mut out = Vec::with_capacity(64);
    // Facts come row by row; a report has at most ~26 rows, so a linear
    // table of (row_code, counts per applicant) beats any hash map.
    // Inner `None` = cell present but NULL.
    let mut rows: Vec<(&'static str, [Option<i64>; 7])> = Vec::with_capacity(26);
    for f in applications {
        let Some(j) = APPLICANTS.iter().position(|a| *a == f.applicant) else {
            continue;
        };
        let at = match rows.iter().rposition(|(r, _)| *r == f.row_code) {
            Some(i) => i,
            None => {
                rows.push((f.row_code, [None; 7]));
                rows.len() - 1
            }
        };
        rows[at].1[j] = f.count;
    }
    let get = |row: &str, applicant: usize| {
        rows.iter()
            .find(|(r, _)| *r == row)
            .and_then(|(_, c)| c[applicant])
    };

    for (applicant, name) in APPLICANTS.iter().enumerate() {
        if let (Some(a), Some(b), Some(c), Some(d)) = (
            get("new_received", applicant),
            get("carried_over", applicant),
            get("total_handled", applicant),
            get("carried_forward", applicant),
        ) {
            out.push(Check::new("t3_balance", *name, a + b, c + d));
        }
    }
    let outcome_rows = || rows.iter().filter(|(r, _)| !NOT_OUTCOMES.contains(r));
    if outcome_rows().count() >= MIN_OUTCOME_ROWS {
        for (applicant, name) in APPLICANTS.iter().enumerate() {
            let parts: Option<i64> = outcome_rows().map(|(_, c)| c[applicant]).sum();
            if let (Some(total), Some(parts)) = (get("total_handled", applicant), parts) {
                out.push(Check::new("t3_outcome_sum", *name, total, parts));
            }
        }
    }
    for (row, cells) in &rows {
        let parts: Option<i64> = cells[..6].iter().copied().sum();
        if let (Some(total), Some(parts)) = (cells[6], parts) {
            out.push(Check::new("t3_row_total", *row, total, parts));
        }
    }

    for proceeding in PROCEEDINGS {
        let of = |outcome: &str| {
            reviews
                .iter()
                .find(|r| r.proceeding == proceeding && r.outcome == outcome)
                .and_then(|r| r.count)
        };
        let parts: Option<i64> = ["upheld", "corrected", "other", "pending"]
            .iter()
            .map(|o| of(o))
            .sum();
        if let (Some(total), Some(parts)) = (of("total"), parts) {
            out.push(Check::new("t4_total", proceeding, total, parts));
        }
    }
    out
}

/// `narrative_breakdown`: the categories of a stated, exact total sum to it.
#[must_use]
pub fn check_narrative(counts: &[Counted]) -> Vec<Check> {
    let mut out = Vec::new();
    // The parts of each total, gathered in one pass: scanning every count
    // for every total was quadratic (a line of 60k count sentences: minutes).
    let mut parts_of: Vec<Vec<&Counted>> = vec![Vec::new(); counts.len()];
    for c in counts {
        if let Some(t) = c.part_of.filter(|&t| t < counts.len()) {
            parts_of[t].push(c);
        }
    }
    for (i, total) in counts.iter().enumerate() {
        if !total.fact.is_total || total.fact.approximate {
            continue;
        }
        let parts = &parts_of[i];
        if parts.len() < 2 || parts.iter().any(|c| c.fact.approximate) {
            continue;
        }
        let sum = parts.iter().map(|c| c.fact.count).sum();
        out.push(Check::new(
            "narrative_breakdown",
            total.fact.subject.clone(),
            total.fact.count,
            sum,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(row_code: &'static str, applicant: &'static str, count: Option<i64>) -> ApplicationFact {
        ApplicationFact {
            row_code,
            applicant,
            count,
            raw: None,
            source_line: 1,
        }
    }

    fn rev(proceeding: &'static str, outcome: &'static str, count: i64) -> ReviewFact {
        ReviewFact {
            proceeding,
            outcome,
            count: Some(count),
            raw: None,
            source_line: 1,
        }
    }

    #[test]
    fn t3_balance_holds_and_nulls_skip() {
        let mut facts = Vec::new();
        for (row, n) in [
            ("new_received", 21),
            ("carried_over", 0),
            ("total_handled", 21),
            ("carried_forward", 0),
        ] {
            facts.push(app(row, "natural_person", Some(n)));
            facts.push(app(
                row,
                "commercial_enterprise",
                if row == "carried_over" { None } else { Some(0) },
            ));
        }
        let checks = check_tables(&facts, &[]);
        let balance: Vec<_> = checks
            .iter()
            .filter(|c| c.check_code == "t3_balance")
            .collect();
        assert_eq!(
            balance.len(),
            1,
            "the applicant with a NULL cell is not evaluated"
        );
        assert!(balance[0].passed);
        assert_eq!(balance[0].scope, "natural_person");
    }

    #[test]
    fn t4_total_fails_like_kiro_1() {
        let mut facts = Vec::new();
        for (p, vals) in [
            ("review", [10, 1, 0, 0, 0]),
            ("litigation_direct", [0; 5]),
            ("litigation_after_review", [5, 0, 0, 0, 0]),
        ] {
            for (o, v) in ["upheld", "corrected", "other", "pending", "total"]
                .iter()
                .zip(vals)
            {
                facts.push(rev(p, o, v));
            }
        }
        let checks = check_tables(&[], &facts);
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| (c.scope.as_ref(), c.expected, c.actual))
            .collect();
        assert_eq!(
            failed,
            vec![("review", 0.0, 11.0), ("litigation_after_review", 0.0, 5.0)]
        );
        assert_eq!(checks.len(), 3);
    }
}
