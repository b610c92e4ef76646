//! Signs that a text's digits were read off an image (OCR), not typed.
//!
//! An OCR'd table comes with its numbers misread here and there (`0` as
//! `5`, `1` as `I` or `工`, a cell border glued to a digit as `”0` or `|0`).
//! A misread digit is a wrong number no layout rule can see; what a careful
//! reader sees is the text's own marks of OCR, and rows that do not add up.
//! In such a text a table 三 row whose six applicant columns do not sum to
//! its 总计 (and a table 四 proceeding whose four outcomes do not sum to its
//! 总计) is left NULL: a typed report may break an identity, an OCR'd one
//! breaks them by misreading. Table 二 has no totals to check, so in an
//! OCR'd text its values are all left NULL. The text counts as OCR'd when
//! its reader says so (a PDF's invisible text layer over page images), when
//! its prose shows OCR's bracket misreads, when a value cell holds such a
//! mark, or when two rows or more of table 三 break their totals
//! (generated reports and real ones break at most one).

use crate::layout::{RawRow, RowKind};

/// Whether a token written among a row's numbers is an OCR mark: a digit
/// glued to a quote, a bracket or a table border (`”0`, `|0`, `0|`), a
/// digit read with Latin letters (`1I`), or a character standing for one
/// (`I`, `l`, `O`, `工` for 1, a curly quote for a digit it half saw).
fn is_mark(token: &str) -> bool {
    const GLUED: &[char] = &['”', '“', '"', '\'', '‘', '’', '|', '〈', 'I', 'l', 'L', 'O'];
    if matches!(token, "I" | "II" | "l" | "O" | "工" | "“" | "”") {
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
    tables: Vec<&'d [RawRow<'d>]>,
    seen: std::cell::OnceCell<bool>,
}

impl<'d> OcrMarks<'d> {
    /// The marks of the rows of `tables`, not looked for yet; `known`
    /// when the reader knows the text was read off images (a PDF's OCR
    /// layer).
    #[must_use]
    pub fn new(tables: Vec<&'d [RawRow<'d>]>, known: bool) -> Self {
        let seen = std::cell::OnceCell::new();
        if known {
            let _ = seen.set(true);
        }
        Self { tables, seen }
    }

    /// Whether the text is known OCR'd or a table row shows an OCR mark
    /// ([`has_marks`]), looked for once.
    pub fn seen(&self) -> bool {
        *self
            .seen
            .get_or_init(|| self.tables.iter().any(|rows| has_marks(rows)))
    }

    /// Whether the text is known OCR'd, marks were seen already, or
    /// `rows` show one: what a table asks that has no rule of its own to
    /// make the whole search worth it.
    pub fn seen_in(&self, rows: &[RawRow<'_>]) -> bool {
        self.seen.get() == Some(&true) || has_marks(rows)
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
    // A plain number (most value cells) is no mark, and a mark is short:
    // a longer cell (a label) is split only when it has a space in it.
    let marked = |text: &str| {
        if is_number(text) {
            false
        } else if text.len() <= 12 {
            text.split_whitespace().any(is_mark)
        } else {
            memchr::memchr2(b' ', b'\t', text.as_bytes()).is_some()
                && text.split_whitespace().any(is_mark)
        }
    };
    rows.iter()
        .filter(|r| r.kind == RowKind::Physical && r.cells.len() > 1)
        .any(|row| {
            row.cells.iter().any(|c| marked(&c.text))
                && row
                    .cells
                    .iter()
                    .flat_map(|c| c.text.split_whitespace())
                    .filter(|t| is_number(t))
                    .nth(1)
                    .is_some()
        })
}

/// Whether a text's prose shows OCR's bracket misreads: an opening `〈`
/// (OCR's reading of `（`; typed reports write `（` or `《`) closed by a
/// round bracket a few characters on (a line break may come between),
/// with no `〉` between
/// (`〈国令第 711 号)`).
#[must_use]
pub fn misread_brackets(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), "〈".as_bytes()).any(|at| {
        text[at + "〈".len()..]
            .chars()
            .take(40)
            .take_while(|c| !matches!(c, '〉' | '〈'))
            .any(|c| matches!(c, ')' | '）'))
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

/// Whether `parts` (the total last) fail to prove themselves in an OCR'd
/// text: they break the total, or some are blank where others are written
/// (a digit OCR dropped). All blank says nothing.
#[must_use]
pub fn unverified(parts: &[Option<f64>]) -> bool {
    let written = parts.iter().filter(|p| p.is_some()).count();
    breaks_total(parts) || (written > 0 && written < parts.len())
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
        // `1` read as 工, a digit as a curly quote (tesseract, 000045).
        assert!(marks(
            "一、本年新收政府信息公开申请数量     29      “       61\n-、上年结转政府信息公开申请数量      工      0      工\n"
        ));
    }

    #[test]
    fn ocr_brackets_are_an_angle_bracket_closed_by_a_round_one() {
        assert!(misread_brackets(
            "根据《中华人民共和国政府信息公开条例》 〈国令第 711\n号) 要求编制。"
        ));
        assert!(misread_brackets("第二十条第〈一) 项"));
        // Typed text: full-width brackets, titles in 《》, a real 〈…〉 pair.
        assert!(!misread_brackets(
            "《中华人民共和国政府信息公开条例》（国务院令第711号）\n（一）主动公开"
        ));
        assert!(!misread_brackets("〈国令第711号〉）"));
        assert!(!misread_brackets(&format!("〈{})", "一".repeat(40))));
        assert!(misread_brackets(
            "(二) 部分公开〈区分处理\n的，只计这一情形，不计其他情形)"
        ));
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

    #[test]
    fn ocr_parts_prove_themselves_only_complete_and_adding_up() {
        assert!(!unverified(&[Some(1.0), Some(2.0), Some(3.0)]));
        assert!(!unverified(&[None, None, None]));
        assert!(unverified(&[Some(1.0), Some(2.0), Some(4.0)]));
        assert!(unverified(&[Some(0.0), Some(0.0), None]));
        assert!(unverified(&[None, Some(0.0), Some(0.0)]));
    }
}
