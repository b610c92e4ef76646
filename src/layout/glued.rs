//! Crawler text: a page's `textContent`, where a whole table sits on one
//! line and its cells run together (`…申请数量2300000023二、上年结转…`).
//!
//! Such a line is cut where a careful reader cuts it: a run of numbers
//! (digits, with spaces, signs, decimals and 元/万元 as written) is a row's
//! values, the text between two runs is the next row's label. A digit
//! followed by `.`/`．`/`、` and text is the numbering of the next label
//! (`…00000002.其他法律…`), not a value. The runs stay as written — one
//! cell per space-separated token — and are split into cells by
//! [`crate::extract::split`], which knows the table's identities.

use std::borrow::Cow;

use super::{Cell, RawRow, RowKind};
use crate::value::{CellValue, Number};

/// Words of table 三's header that prose does not use: a line holding them
/// together with table 三's first row holds the table itself.
const TABLE_HEADER: [&str; 3] = ["申请人情况", "勾稽关系", "法人或其他组织"];

/// Where the tables start: the first of these in the line.
const TABLES_START: [&str; 6] = [
    "二、主动公开政府信息情况",
    "第二十条第",
    "三、收到和处理",
    "（本列数据",
    "(本列数据",
    "申请人情况",
];

/// Where they end: section 五 or 六 after them.
const TABLES_END: [&str; 4] = [
    "五、存在",
    "五、政府信息公开工作存在",
    "五、本机关",
    "六、其他需要报告",
];

/// True for a line that holds the official tables glued into one line.
pub(super) fn is_glued_tables(line: &str) -> bool {
    line.len() >= 300 && line.contains("本年新收") && TABLE_HEADER.iter().any(|w| line.contains(w))
}

/// In a document whose tables are glued (one line is, by
/// [`is_glued_tables`]), a line holding another table's labels and numbers
/// (tables 二 and 四 on lines of their own).
pub(super) fn is_glued_part(line: &str) -> bool {
    ["第二十条", "结果维持", "本年新收", "信息内容"]
        .iter()
        .any(|w| line.contains(w))
        && line.bytes().any(|b| b.is_ascii_digit())
}

/// Cuts a glued line into rows: the prose before the tables, then each
/// label and each run of numbers as rows of their own, then the prose after.
///
/// Stops once it has pushed more than `budget` cells (the document's
/// [`super::cell_limit`] left): the caller sees the document is past it.
pub(super) fn split_line<'a>(
    line: &'a str,
    base: usize,
    line_no: u32,
    rows: &mut Vec<RawRow<'a>>,
    budget: usize,
) {
    let start = TABLES_START
        .iter()
        .filter_map(|w| line.find(w))
        .min()
        .unwrap_or(0);
    let end = TABLES_END
        .iter()
        .filter_map(|w| line[start..].find(w).map(|p| start + p))
        .min()
        .unwrap_or(line.len());
    let push_piece = |rows: &mut Vec<RawRow<'a>>, s: usize, e: usize| -> usize {
        let piece = &line[s..e];
        let trimmed = piece.trim_matches(is_blank);
        if trimmed.is_empty() {
            return 0;
        }
        let s = s + (trimmed.as_ptr() as usize - piece.as_ptr() as usize);
        rows.push(RawRow {
            line: line_no,
            kind: RowKind::Single,
            cells: vec![cell(line, base, line_no, s, s + trimmed.len())],
            gap_before: false,
        });
        1
    };
    // Pushes the text `s..e` as rows, cut where a sentence ends and a section
    // heading starts (`…均在法定期限内答复。四、政府信息公开行政复议…`: the
    // heading starts a row, as a reader sees it start the section); blank
    // text pushes nothing. The cells pushed.
    let push_text = |rows: &mut Vec<RawRow<'a>>, s: usize, e: usize| -> usize {
        let mut cells = 0;
        let mut from = s;
        for cut in section_starts(&line[s..e]) {
            cells += push_piece(rows, from, s + cut);
            from = s + cut;
        }
        cells + push_piece(rows, from, e)
    };
    push_text(rows, 0, start);
    let b = line.as_bytes();
    let mut text_from = start;
    let mut i = start;
    let mut cells = 0;
    while i < end {
        if cells > budget {
            return;
        }
        if let Some(mut run) = number_run(line, i, end) {
            let after = run.last().map_or(i, |&(_, e)| e);
            // A sentence that starts right after a row's values with a year
            // (`行政事业性收费02025年，我局…`, `2022年，未有…行政复议`): the
            // year is prose, not the last digits of the values.
            if let Some(last) = run.last_mut()
                && opens_sentence_with_year(line, *last, end)
            {
                last.1 -= 4;
                if last.1 == last.0 {
                    run.pop();
                }
            }
            if run.is_empty() || (run.len() == 1 && line[after..end].starts_with(['月', '日'])) {
                // Only the year (or a date's 12月31日) of a sentence.
                i = after;
                continue;
            }
            cells += push_text(rows, text_from, i) + run.len();
            rows.push(RawRow {
                line: line_no,
                kind: RowKind::Physical,
                cells: run
                    .iter()
                    .map(|&(s, e)| run_cell(line, base, line_no, s, e))
                    .collect(),
                gap_before: false,
            });
            i = run.last().map_or(i + 1, |&(_, e)| e);
            text_from = i;
            continue;
        }
        i += utf8_len(b[i]);
    }
    push_text(rows, text_from, end);
    push_text(rows, end, line.len());
}

/// True when the token `tok` ends with a year that opens a sentence of
/// prose: four digits `19xx`/`20xx`, then `年` and what follows a year at
/// the start of a sentence (`2025年，我局…`, `2024年度`, `2023年我局…`).
/// No table label starts with `年`.
fn opens_sentence_with_year(line: &str, tok: (usize, usize), end: usize) -> bool {
    let (s, e) = tok;
    let b = line.as_bytes();
    e >= s + 4
        && b[e - 4..e].iter().all(u8::is_ascii_digit)
        && matches!(&b[e - 4..e - 2], b"19" | b"20")
        && line[e..end]
            .strip_prefix('年')
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| matches!(c, '，' | ',' | '度' | '我' | '本' | '全' | '共' | '未'))
}

/// Where, in a piece of text, a section heading (`三、` … `六、`) starts
/// right after a sentence's end (`。`, blanks allowed between).
fn section_starts(piece: &str) -> impl Iterator<Item = usize> + '_ {
    piece.match_indices('。').filter_map(move |(p, _)| {
        let after = p + '。'.len_utf8();
        let rest = piece[after..].trim_start_matches(is_blank);
        ["二、", "三、", "四、", "五、", "六、"]
            .iter()
            .any(|h| rest.starts_with(h))
            .then(|| piece.len() - rest.len())
    })
}

fn utf8_len(x: u8) -> usize {
    match x {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

/// A cell of a run of numbers. A run longer than any one number (table
/// 四's fifteen cells glued, `8030242415811103906116`) is still numbers to
/// be split, not text: its cell says so, though no single value reads from
/// it ([`crate::extract::split`] parses each piece).
fn run_cell<'a>(line: &'a str, base: usize, line_no: u32, s: usize, e: usize) -> Cell<'a> {
    let c = cell(line, base, line_no, s, e);
    let digits = &line.as_bytes()[s..e];
    if digits.len() > 15 && digits.iter().all(u8::is_ascii_digit) {
        let _ = c.value.set(CellValue::Number(Number::GLUED_RUN));
    }
    c
}

fn cell<'a>(line: &'a str, base: usize, line_no: u32, s: usize, e: usize) -> Cell<'a> {
    Cell {
        raw: &line[s..e],
        text: Cow::Borrowed(&line[s..e]),
        offset: (base + s) as u32,
        line: line_no,
        value: std::cell::OnceCell::new(),
    }
}

/// The tokens (byte ranges) of the run of numbers starting at `i`, if one
/// does: `[+-]?digits(.digits)?(万元|元)?`, separated by blanks.
fn number_run(line: &str, mut i: usize, end: usize) -> Option<Vec<(usize, usize)>> {
    let b = &line.as_bytes()[..end];
    let mut tokens = Vec::new();
    loop {
        let Some(tok_end) = token_at(line, b, i) else {
            break;
        };
        let (s, mut e) = (i, tok_end);
        // `2.其他…`: the last digit numbers the next label.
        let next = &line[e..end];
        // (`6. 属于…`: blanks may follow the mark.)
        let numbering = next.starts_with(['.', '．', '、'])
            && next[next.chars().next().map_or(1, char::len_utf8)..]
                .chars()
                .find(|&c| !is_blank(c))
                .is_some_and(|c| !c.is_ascii_digit());
        if numbering {
            e -= 1;
            if e > s && b[s..e].iter().all(u8::is_ascii_digit) {
                tokens.push((s, e));
            }
            break;
        }
        tokens.push((s, e));
        if tokens.len() > super::MAX_ROW_CELLS {
            break; // past a row's bound: the document is failed
        }
        // A sign right after a number starts the next one (`15-15`).
        if matches!(b.get(e), Some(b'+' | b'-')) && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
            i = e;
            continue;
        }
        // Blanks, then another token, continue the run.
        let mut j = e;
        while j < b.len() {
            match line[j..].chars().next() {
                Some(c) if is_blank(c) => j += c.len_utf8(),
                _ => break,
            }
        }
        if j == e || token_at(line, b, j).is_none() {
            break;
        }
        i = j;
    }
    (!tokens.is_empty()).then_some(tokens)
}

/// End of the number token at `i`, if one starts there.
fn token_at(line: &str, b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if j < b.len() && matches!(b[j], b'+' | b'-') {
        j += 1;
    }
    let digits_from = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == digits_from {
        return None;
    }
    if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
    }
    for unit in ["万元", "元"] {
        if line[j..].starts_with(unit) && j + unit.len() <= b.len() {
            j += unit.len();
            break;
        }
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(line: &str) -> Vec<(RowKind, Vec<&str>)> {
        let mut rows = Vec::new();
        split_line(line, 0, 1, &mut rows, super::super::MAX_CELLS);
        rows.iter()
            .map(|r| (r.kind, r.cells.iter().map(|c| c.raw).collect()))
            .collect()
    }

    #[test]
    fn a_sentence_opening_with_a_year_is_no_rows_values() {
        let p = pieces(
            "二、主动公开政府信息情况行政事业性收费02025年，我局主动公开信息395条。四、结转下年度继续办理20000022025年，我局共收到申请21件。四、政府信息公开行政复议、行政诉讼情况2022年，未有行政复议。结果维持总计000000000000000五、存在的主要问题",
        );
        let runs: Vec<&Vec<&str>> = p
            .iter()
            .filter(|(k, _)| *k == RowKind::Physical)
            .map(|(_, c)| c)
            .collect();
        assert_eq!(
            runs,
            [
                &vec!["0"],
                &vec!["395"],
                &vec!["2000002"],
                &vec!["21"],
                &vec!["000000000000000"]
            ]
        );
        assert!(p.contains(&(RowKind::Single, vec!["2025年，我局主动公开信息"])));
        // A section heading after a sentence's end starts a row of its own;
        // table 四's fifteen cells glued past any one number are still numbers.
        let line = "申请人情况 本年新收四、结转下年度继续办理0000000共收到申请21件，均在法定期限内答复。四、政府信息公开行政复议、行政诉讼情况结果维持总计8030242415811103906116五、存在的问题";
        let p = pieces(line);
        assert!(p.contains(&(RowKind::Single, vec!["共收到申请"])), "{p:?}");
        assert!(p.contains(&(RowKind::Single, vec!["件，均在法定期限内答复。"])));
        assert!(p.contains(&(
            RowKind::Single,
            vec!["四、政府信息公开行政复议、行政诉讼情况结果维持总计"]
        )));
        let mut rows = Vec::new();
        split_line(line, 0, 1, &mut rows, super::super::MAX_CELLS);
        let long = rows
            .iter()
            .flat_map(|r| &r.cells)
            .find(|c| c.raw == "8030242415811103906116")
            .expect("the run");
        assert!(matches!(long.value(), CellValue::Number(_)));
        // A value that merely ends in a year's digits keeps them: `年`
        // must open a sentence.
        let p = pieces("申请人情况 本年新收政府集中采购12025年来共0五、存在");
        assert!(p.contains(&(RowKind::Physical, vec!["12025"])));
    }

    #[test]
    fn labels_and_runs_alternate() {
        let line = "前言。三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：…）申请人情况自然人一、本年新收政府信息公开申请数量230 000023二、上年结转政府信息公开申请数量0000000（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000 五、存在的主要问题";
        let p = pieces(line);
        assert_eq!(p[0], (RowKind::Single, vec!["前言。"]));
        assert_eq!(p[2], (RowKind::Physical, vec!["230", "000023"]));
        assert_eq!(
            p[3],
            (RowKind::Single, vec!["二、上年结转政府信息公开申请数量"])
        );
        assert_eq!(p[4], (RowKind::Physical, vec!["0000000"]));
        assert_eq!(
            p[5],
            (RowKind::Single, vec!["（三）不予公开1.属于国家秘密"])
        );
        assert_eq!(p[6], (RowKind::Physical, vec!["0000000"]));
        assert_eq!(p[7], (RowKind::Single, vec!["2.其他法律行政法规禁止公开"]));
        assert_eq!(
            p.last().unwrap(),
            &(RowKind::Single, vec!["五、存在的主要问题"])
        );
        let p = pieces(
            "申请人情况 本年新收 (三) 不予公开5. 属于三类内部事务信息3 0 0 0 0 0 36. 属于四类过程性信息1 0 0 0 0 0 1",
        );
        assert_eq!(
            p[1],
            (RowKind::Physical, vec!["3", "0", "0", "0", "0", "0", "3"])
        );
        assert_eq!(p[2], (RowKind::Single, vec!["6. 属于四类过程性信息"]));
    }

    #[test]
    fn money_and_signs_stay_whole() {
        let line = "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购13575394432.52元三、收到 本年增/减 行政许可 -2 +3 0 行政事业性收费15-15";
        let p = pieces(line);
        assert_eq!(p[1], (RowKind::Physical, vec!["13575394432.52元"]));
        assert_eq!(p[3], (RowKind::Physical, vec!["-2", "+3", "0"]));
        assert_eq!(p[5], (RowKind::Physical, vec!["15", "-15"]));
    }
}
