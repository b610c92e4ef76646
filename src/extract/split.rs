//! Splitting glued digit runs into a row's cells.
//!
//! Crawler text (a page's `textContent`) writes a table row as its label
//! followed by the row's numbers with nothing between them:
//! `…申请数量2300000023`. A careful reader splits such a run the way this
//! module does:
//!
//! - a space (or a sign) between digits is a certain cell boundary;
//! - no count is written with a leading zero, so `023` is `0|23`, never `023`;
//! - the printed and implied identities of the table decide between the
//!   splits that remain (row total = the six applicant columns, table 四's
//!   totals = their four outcomes), and then the column identities across
//!   rows ([`crate::extract::tables`]);
//! - exactly one split left → read it; several → nothing is read.
//!
//! Table 二 has no identities: only runs that split one way by themselves
//! are read there.

use std::ops::Range;

use crate::value::{CellValue, parse_cell};

/// Which identity a row's values must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowIdentity {
    /// None (table 二).
    None,
    /// The last value is the sum of the others (table 三: 总计 = the six
    /// applicant columns).
    LastIsSum,
    /// Each group of five ends with the sum of its first four (table 四).
    GroupsOfFive,
}

impl RowIdentity {
    /// Whether `values` satisfy the identity.
    #[must_use]
    pub fn holds(self, values: &[f64]) -> bool {
        match self {
            Self::None => true,
            Self::LastIsSum => match values.split_last() {
                Some((total, parts)) => parts.iter().sum::<f64>() == *total,
                None => true,
            },
            Self::GroupsOfFive => values
                .chunks(5)
                .all(|g| g.len() < 5 || g[..4].iter().sum::<f64>() == g[4]),
        }
    }
}

/// One way of cutting a run: per number, the token it comes from and its
/// byte range inside that token.
pub type Split = Vec<(usize, Range<usize>)>;

/// The splits of a run, as many as were found up to the search's bound.
#[derive(Debug, Default)]
pub struct Splits {
    /// Splits that satisfy the identity.
    pub found: Vec<Split>,
    /// The search stopped at its bound: there may be more.
    pub truncated: bool,
}

/// `t` without a leading sign.
fn signless(t: &str) -> &str {
    t.strip_prefix(['+', '-']).unwrap_or(t)
}

fn is_digits(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Longest number a glued run is cut into: counts in these tables never
/// reach ten digits, and the bound keeps the search small.
const MAX_DIGITS: usize = 9;

/// Splits kept at most; past this the run is ambiguous anyway.
const MAX_SPLITS: usize = 64;

/// Every way to cut `tokens` (space-separated pieces of a run, in order)
/// into exactly `width` numbers that satisfy `identity`.
///
/// A token of plain ASCII digits may be cut anywhere a leading zero does
/// not result; any other token (`+3`, `251000元`, `12.5`) is one number
/// of its own when it parses as one, and makes the run unsplittable when
/// it does not.
#[must_use]
pub fn split_run(tokens: &[&str], width: usize, identity: RowIdentity) -> Splits {
    let mut out = Splits::default();
    if tokens.is_empty() || width == 0 {
        return out;
    }
    // Per token: Some(value) when it is atomic, None when it is digits.
    let mut atomic = Vec::with_capacity(tokens.len());
    for t in tokens {
        if is_digits(signless(t)) {
            atomic.push(None);
        } else {
            match parse_cell(t) {
                CellValue::Number(n) => atomic.push(Some(n.value)),
                _ => return out,
            }
        }
    }
    let min_parts = tokens.len();
    let max_parts: usize = tokens
        .iter()
        .zip(&atomic)
        .map(|(t, a)| if a.is_some() { 1 } else { signless(t).len() })
        .sum();
    if width < min_parts || width > max_parts {
        return out;
    }
    let mut search = Search {
        tokens,
        atomic: &atomic,
        width,
        identity,
        current: Vec::with_capacity(width),
        values: Vec::with_capacity(width),
        out: &mut out,
    };
    search.token(0);
    out
}

struct Search<'s> {
    tokens: &'s [&'s str],
    atomic: &'s [Option<f64>],
    width: usize,
    identity: RowIdentity,
    current: Split,
    values: Vec<f64>,
    out: &'s mut Splits,
}

impl Search<'_> {
    /// Fewest and most numbers the tokens from `t` on can still give.
    fn room(&self, t: usize) -> (usize, usize) {
        let mut min = 0;
        let mut max = 0;
        for (tok, a) in self.tokens[t..].iter().zip(&self.atomic[t..]) {
            min += 1;
            max += if a.is_some() { 1 } else { signless(tok).len() };
        }
        (min, max)
    }

    fn token(&mut self, t: usize) {
        if self.out.truncated {
            return;
        }
        if t == self.tokens.len() {
            if self.values.len() == self.width && self.identity.holds(&self.values) {
                if self.out.found.len() == MAX_SPLITS {
                    self.out.truncated = true;
                } else {
                    self.out.found.push(self.current.clone());
                }
            }
            return;
        }
        let (min, max) = self.room(t);
        let left = self.width - self.values.len();
        if left < min || left > max {
            return;
        }
        if let Some(v) = self.atomic[t] {
            self.push(t, 0..self.tokens[t].len(), v);
            self.token(t + 1);
            self.pop();
            return;
        }
        // A sign belongs to the first number of its token (`-720` = -72|0 or -7|20).
        let sign = self.tokens[t].len() - signless(self.tokens[t]).len();
        self.digits(t, sign, sign);
    }

    /// Cuts token `t` from byte `at` on; `sign` is the length of its sign.
    fn digits(&mut self, t: usize, at: usize, sign: usize) {
        let tok = self.tokens[t].as_bytes();
        if at == tok.len() {
            self.token(t + 1);
            return;
        }
        let longest = if tok[at] == b'0' {
            1
        } else {
            MAX_DIGITS.min(tok.len() - at)
        };
        for len in 1..=longest {
            if self.values.len() == self.width {
                return;
            }
            let v = std::str::from_utf8(&tok[at..at + len])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0) as f64;
            // The first number of a signed token carries the sign.
            let (start, v) = if at == sign && sign > 0 {
                (0, if tok[0] == b'-' { -v } else { v })
            } else {
                (at, v)
            };
            self.push(t, start..at + len, v);
            self.digits(t, at + len, sign);
            self.pop();
            if self.out.truncated {
                return;
            }
        }
    }

    fn push(&mut self, t: usize, r: Range<usize>, v: f64) {
        self.current.push((t, r));
        self.values.push(v);
    }

    fn pop(&mut self) {
        self.current.pop();
        self.values.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[&str], s: &Split) -> Vec<String> {
        s.iter()
            .map(|(t, r)| tokens[*t][r.clone()].to_owned())
            .collect()
    }

    fn all(tokens: &[&str], width: usize, id: RowIdentity) -> Vec<Vec<String>> {
        split_run(tokens, width, id)
            .found
            .iter()
            .map(|s| texts(tokens, s))
            .collect()
    }

    #[test]
    fn row_total_decides_a_glued_row() {
        // pingtan 2019: 一、本年新收… "230 000023" = 23|0|0|0|0|0|23.
        assert_eq!(
            all(&["230", "000023"], 7, RowIdentity::LastIsSum),
            [["23", "0", "0", "0", "0", "0", "23"]]
        );
        assert_eq!(
            all(&["7000007"], 7, RowIdentity::LastIsSum),
            [["7", "0", "0", "0", "0", "0", "7"]]
        );
        // Spaces are boundaries: "0 0 0 0 0 00" is seven zeros.
        assert_eq!(
            all(&["0", "0", "0", "0", "0", "00"], 7, RowIdentity::LastIsSum).len(),
            1
        );
    }

    #[test]
    fn no_leading_zeros() {
        assert_eq!(all(&["000"], 3, RowIdentity::None), [["0", "0", "0"]]);
        assert!(all(&["0011"], 2, RowIdentity::None).is_empty());
        assert_eq!(all(&["0011"], 3, RowIdentity::None), [["0", "0", "11"]]);
    }

    #[test]
    fn table_two_runs_are_read_only_when_unique_by_themselves() {
        // 规范性文件 "898989": 89|89|89, 8|98|989, … — ambiguous.
        assert!(all(&["898989"], 3, RowIdentity::None).len() > 1);
    }

    #[test]
    fn table_four_groups() {
        let zeros = ["000000000000000"];
        assert_eq!(all(&zeros, 15, RowIdentity::GroupsOfFive).len(), 1);
        // A run whose source breaks an identity fits no split.
        assert!(all(&["100000000000000"], 15, RowIdentity::GroupsOfFive).is_empty());
    }

    #[test]
    fn a_sign_starts_a_number() {
        // ptd_jtj_2020 行政事业性收费 "15-15": the minus is a boundary.
        assert_eq!(all(&["15", "-15"], 2, RowIdentity::None), [["15", "-15"]]);
        // 行政许可 "88-720": 88|-72|0, 88|-7|20 and 8|8|-720 by the digits
        // alone (the table reader drops the last: a sign only in 本年增/减).
        assert_eq!(all(&["88", "-720"], 3, RowIdentity::None).len(), 3);
    }

    #[test]
    fn atomic_tokens_are_one_number() {
        assert_eq!(
            all(&["12.5", "12"], 3, RowIdentity::None),
            [["12.5", "1", "2"]]
        );
        assert!(all(&["x1"], 1, RowIdentity::None).is_empty());
    }

    #[test]
    fn long_runs_stop_at_the_bound() {
        let s = split_run(&["123456789123456789"], 4, RowIdentity::None);
        assert!(s.truncated);
        assert_eq!(s.found.len(), MAX_SPLITS);
    }
}
