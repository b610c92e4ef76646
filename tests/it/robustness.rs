//! The parser never panics, and damage never produces a wrong number.

use std::collections::HashMap;

use govreports::parse::parse_bytes;
use govreports::report::Report;
use proptest::prelude::*;

use crate::support::fixture;

fn real(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn no_internal_error(r: &Report) -> Result<(), TestCaseError> {
    let internal = r
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("internal error"));
    prop_assert!(!internal, "parser panicked: {:?}", r.error);
    Ok(())
}

/// Every non-NULL value keyed by its contract codes.
fn values(r: &Report) -> HashMap<String, f64> {
    let mut m = HashMap::new();
    for f in &r.active {
        if let Some(v) = f.value {
            m.insert(format!("{}/{}", f.item_code, f.metric_code), v);
        }
    }
    for f in &r.applications {
        if let Some(v) = f.count {
            m.insert(format!("{}/{}", f.row_code, f.applicant), v as f64);
        }
    }
    for f in &r.reviews {
        if let Some(v) = f.count {
            m.insert(format!("{}/{}", f.proceeding, f.outcome), v as f64);
        }
    }
    m
}

const REAL: [&str; 6] = [
    "seeds/000_cfc02e107e735945.txt",
    "seeds/001_bf8f444fa599ebce.txt",
    "seeds/002_3e09011248c3275f.txt",
    "real/kiro_1.txt",
    "real/kiro_2.txt",
    "real/govnianbao_1.txt",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        no_internal_error(&parse_bytes("x", &bytes))?;
    }

    #[test]
    fn arbitrary_text_never_panics(s in "[\\PC\\t\\n|<>　０-９（）一二三四五六七八九十、.:：]{0,400}") {
        no_internal_error(&parse_bytes("x", s.as_bytes()))?;
    }

    /// Lines deleted or duplicated: no panic, and every value still read
    /// equals the value read from the intact report (NULL is fine).
    #[test]
    fn damaged_real_reports_never_give_a_wrong_number(
        which in 0..REAL.len(),
        edits in proptest::collection::vec((any::<bool>(), any::<prop::sample::Index>()), 1..6),
    ) {
        let text = real(REAL[which]);
        let intact = values(&parse_bytes("x", text.as_bytes()));
        let mut lines: Vec<&str> = text.lines().collect();
        for (delete, at) in edits {
            let i = at.index(lines.len());
            if delete {
                lines.remove(i);
            } else {
                let l = lines[i];
                lines.insert(i, l);
            }
        }
        let damaged = parse_bytes("x", lines.join("\n").as_bytes());
        no_internal_error(&damaged)?;
        for (k, v) in values(&damaged) {
            if let Some(&orig) = intact.get(&k) {
                prop_assert!((orig - v).abs() < 1e-9, "{}: {} = {}, intact {}", REAL[which], k, v, orig);
            }
        }
    }

    /// Lines shuffled: the parser still never panics.
    #[test]
    fn shuffled_real_reports_never_panic(which in 0..REAL.len(), swaps in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..20)) {
        let text = real(REAL[which]);
        let mut lines: Vec<&str> = text.lines().collect();
        for (a, b) in swaps {
            let (i, j) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(i, j);
        }
        no_internal_error(&parse_bytes("x", lines.join("\n").as_bytes()))?;
    }
}
