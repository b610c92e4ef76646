//! Signs that a text's digits were read off an image (OCR), not typed.
//!
//! An OCR'd table comes with its numbers misread here and there (`0` as
//! `5`, `1` as `I` or `工`, a cell border glued to a digit as `”0` or `|0`).
//! A misread digit is a wrong number no layout rule can see; what a careful
//! reader sees is the text's own marks of OCR, and rows that do not add up.
//! In such a text a table 三 row whose six applicant columns do not sum to
//! its 总计 (and a table 四 proceeding whose four outcomes do not sum to its
//! 总计) is left NULL: a typed report may break an identity, an OCR'd one
//! breaks them by misreading. The text counts as OCR'd when a value cell
//! holds such a mark, or when two rows or more of table 三 break their
//! totals (generated reports and real ones break at most one).

use crate::layout::{RawRow, RowKind};

/// Whether a token written among a row's numbers is an OCR mark: a digit
/// glued to a quote, a bracket or a table border (`”0`, `|0`, `0|`), a
/// digit read with Latin letters (`1I`), or a Latin letter standing for
/// one (`I`, `l`, `O`).
fn is_mark(token: &str) -> bool {
    const GLUED: &[char] = &['”', '“', '"', '\'', '‘', '’', '|', '〈', 'I', 'l', 'L', 'O'];
    if matches!(token, "I" | "II" | "l" | "O") {
        return true;
    }
    token.len() <= 12
        && token.bytes().any(|b| b.is_ascii_digit())
        && token.chars().any(|c| GLUED.contains(&c))
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || GLUED.contains(&c))
}

/// Whether a document's rows show OCR marks, looked for only when a rule
/// asks (a row that breaks its total, a row that looks cut at the edge):
/// most documents never need it.
#[derive(Debug)]
pub struct OcrMarks<'d> {
    rows: &'d [RawRow<'d>],
    seen: std::cell::OnceCell<bool>,
}

impl<'d> OcrMarks<'d> {
    /// The marks of `rows`, not looked for yet.
    #[must_use]
    pub fn new(rows: &'d [RawRow<'d>]) -> Self {
        Self {
            rows,
            seen: std::cell::OnceCell::new(),
        }
    }

    /// Whether a row shows an OCR mark ([`has_marks`]), looked for once.
    pub fn seen(&self) -> bool {
        *self.seen.get_or_init(|| has_marks(self.rows))
    }
}

/// Whether a row of the document (a table row holding two numbers or more)
/// has a token with an OCR mark. Tokens, not cells: a converter's `|` and
/// OCR's spacing split a row's cells in ways of their own.
fn has_marks(rows: &[RawRow<'_>]) -> bool {
    let is_number = |t: &str| {
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    };
    // Bytes a mark holds: the letters, the ASCII quotes and `|`, and the
    // lead bytes of `”“‘’` (E2) and `〈` (E3). A cell without one is skipped
    // unsplit: every document's rows pass here.
    let may_mark = |text: &str| {
        text.bytes().any(|b| {
            matches!(
                b,
                b'I' | b'l' | b'L' | b'O' | b'"' | b'\'' | b'|' | 0xE2 | 0xE3
            )
        })
    };
    rows.iter()
        .filter(|r| r.kind == RowKind::Physical && r.cells.len() > 1)
        .any(|row| {
            let marked = row
                .cells
                .iter()
                .filter(|c| may_mark(&c.text))
                .any(|c| c.text.split_whitespace().any(is_mark));
            marked
                && row
                    .cells
                    .iter()
                    .flat_map(|c| c.text.split_whitespace())
                    .filter(|t| is_number(t))
                    .nth(1)
                    .is_some()
        })
}

/// Whether `parts` (numbers in the form's order, the total last) break the
/// total: every cell a number, the others not summing to the last.
#[must_use]
pub fn breaks_total(parts: &[Option<f64>]) -> bool {
    let Some((Some(total), rest)) = parts.split_last() else {
        return false;
    };
    let sum: Option<f64> = rest.iter().copied().sum();
    sum.is_some_and(|s| (s - total).abs() > 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;
    use crate::layout;

    fn marks(text: &str) -> bool {
        let text = Text::from_utf8_text(text);
        let doc = layout::read(&text);
        has_marks(&doc.rows)
    }

    #[test]
    fn tesseract_marks_among_numbers_are_seen() {
        // Lines of a LibreOffice PDF read by tesseract (chi_sim, 200 dpi).
        assert!(marks(
            "2.其他法律行政法规 | ”0  0  0  0  0  0  0\n(一)予以公开     9   1   0   0   0   0   10\n"
        ));
        assert!(marks(
            "6.属于四类过程性信  1   0   0   0   0   0   I\n(一)予以公开     9   1   0   0   0   0   10\n"
        ));
        assert!(marks("行政处罚      127      1I      18\n"));
    }

    #[test]
    fn typed_tables_and_prose_have_none() {
        assert!(!marks(
            "(一)予以公开     9   1   0   0   0   0   10\n3.其他   0   0   0   0   0   0   0\n行政许可   535   -8   3651\n"
        ));
        assert!(!marks("规章\t0\t0\t/\n政府集中采购\t58\t9202.7763万元\n"));
        assert!(!marks("2023年1月至12月，共收到申请 12 件，办结 12 件。\n"));
    }

    #[test]
    fn a_total_is_broken_only_by_numbers_that_do_not_add_up() {
        assert!(breaks_total(&[Some(0.0), Some(5.0), Some(5.0), Some(5.0)]));
        assert!(!breaks_total(&[Some(1.0), Some(2.0), Some(3.0)]));
        assert!(!breaks_total(&[Some(1.0), None, Some(3.0)]));
        assert!(!breaks_total(&[Some(1.0), Some(2.0), None]));
    }
}
