//! Cell text → number. Pure, allocation-free, tested as a table of cases.
//!
//! A value cell is one of: a number (with optional sign, thousands
//! separators, decimals, full-width digits and a unit suffix), a placeholder
//! that means *blank* (`—`, `-`, `/`, `无`, empty), or something else, which
//! is never turned into a number.

use crate::normalize::{fold_char, trim};

/// A unit written inside a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellUnit {
    /// 元 (yuan): divide by 10 000 for 万元.
    Yuan,
    /// 万元.
    WanYuan,
    /// A count unit: 件, 项, 个, 条, 次, 宗, 起.
    Count,
}

/// A parsed number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value as written (before any unit conversion).
    pub value: f64,
    /// No decimal point was written.
    pub is_integer: bool,
    /// An explicit `+` or `-` was written.
    pub signed: bool,
    /// A unit suffix, if any.
    pub unit: Option<CellUnit>,
    /// Written with `约`, `余`, `多`: not an exact figure.
    pub approximate: bool,
}

impl Number {
    /// A run of digits glued past any one number (crawler text writes
    /// table 四's fifteen cells as one): numbers to be split
    /// ([`crate::extract::split`]), with no value of its own.
    pub const GLUED_RUN: Self = Self {
        value: f64::NAN,
        is_integer: true,
        signed: false,
        unit: None,
        approximate: false,
    };

    /// True for a number that is a value, false for [`Self::GLUED_RUN`].
    #[must_use]
    pub fn is_single(&self) -> bool {
        self.value.is_finite()
    }
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue {
    /// A number.
    Number(Number),
    /// Blank: empty, whitespace or a placeholder such as `—`, `/`, `无`.
    Blank,
    /// Text that is not a number.
    Text,
}

impl CellValue {
    /// True for numbers and blanks: cells that can fill a value slot.
    #[must_use]
    pub fn is_value_like(&self) -> bool {
        !matches!(self, Self::Text)
    }
}

const PLACEHOLDERS: &[&str] = &[
    "-",
    "--",
    "---",
    "/",
    "//",
    "\\",
    "无",
    "空",
    "/-",
    "-/",
    "*",
    "……",
    "…",
    "---/",
    "不适用",
    "暂无",
    "——/——",
];

/// Classifies one cell's raw text.
///
/// ```
/// use govreports::value::{parse_cell, CellValue};
/// assert!(matches!(parse_cell("1,234"), CellValue::Number(n) if n.value == 1234.0));
/// assert_eq!(parse_cell("—"), CellValue::Blank);
/// assert_eq!(parse_cell("属于国家秘密"), CellValue::Text);
/// ```
#[must_use]
pub fn parse_cell(raw: &str) -> CellValue {
    // Fast paths for the two cases that make up nearly every cell: plain
    // ASCII digits, and a label that starts with an ideograph no number or
    // placeholder starts with.
    let b = raw.as_bytes();
    if !b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let mut v: u64 = 0;
        for d in b {
            v = v * 10 + u64::from(d - b'0');
        }
        return CellValue::Number(Number {
            value: v as f64,
            is_integer: true,
            signed: false,
            unit: None,
            approximate: false,
        });
    }
    if let Some(c) = raw.chars().next()
        && ('\u{4E00}'..='\u{9FFF}').contains(&c)
        && !matches!(c, '约' | '近' | '无' | '空' | '不' | '暂')
    {
        return CellValue::Text;
    }
    // U+FFFD at either end is a stray byte the decoder replaced (a 0xFF
    // glued to a number): noise around the value, like whitespace.
    let s = trim(raw);
    let s = if s.starts_with('\u{FFFD}') || s.ends_with('\u{FFFD}') {
        trim(s.trim_matches('\u{FFFD}'))
    } else {
        s
    };
    if s.is_empty() {
        return CellValue::Blank;
    }
    if is_placeholder(s) {
        return CellValue::Blank;
    }
    if s.contains('\\') {
        // Markdown escapes inside a number (`2656\.76`, mammoth): the
        // converter's, not the cell's.
        let unescaped = unescape_markdown(s);
        if unescaped.len() < s.len() {
            return parse_number(&unescaped).map_or(CellValue::Text, CellValue::Number);
        }
    }
    parse_number(s).map_or(CellValue::Text, CellValue::Number)
}

/// `s` without the backslash of every markdown escape (one before ASCII
/// punctuation).
fn unescape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' || !chars.peek().is_some_and(char::is_ascii_punctuation) {
            out.push(c);
        }
    }
    out
}

fn is_placeholder(s: &str) -> bool {
    // Most cells that get here are labels: their first char already says
    // they are none of the placeholders.
    let Some(first) = s.chars().map(fold_char).find(|c| !c.is_whitespace()) else {
        return false;
    };
    if !matches!(first, '-' | '/') && !PLACEHOLDERS.iter().any(|p| p.starts_with(first)) {
        return false;
    }
    // Fold dashes and full-width forms, drop inner spaces, then compare.
    let mut buf = [0u8; 32];
    let mut len = 0;
    for c in s.chars() {
        let c = fold_char(c);
        if c.is_whitespace() {
            continue;
        }
        let mut tmp = [0u8; 4];
        let enc = c.encode_utf8(&mut tmp);
        if len + enc.len() > buf.len() {
            return false;
        }
        buf[len..len + enc.len()].copy_from_slice(enc.as_bytes());
        len += enc.len();
    }
    let folded = std::str::from_utf8(&buf[..len]).unwrap_or("");
    // A markdown escape before the mark (`\-`: pandoc writes a cell holding
    // `-` so, lest it start a list) is the converter's, not the cell's.
    let folded = folded
        .strip_prefix('\\')
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_punctuation()))
        .unwrap_or(folded);
    PLACEHOLDERS.contains(&folded)
        || (!folded.is_empty() && folded.chars().all(|c| c == '-' || c == '/'))
}

/// Parses a number with optional sign, separators, decimals and unit.
#[must_use]
pub fn parse_number(s: &str) -> Option<Number> {
    let mut chars = s.chars().map(fold_char).peekable();
    let skip_space = |chars: &mut std::iter::Peekable<_>| {
        while chars.next_if(|c: &char| c.is_whitespace()).is_some() {}
    };
    skip_space(&mut chars);
    let mut approximate = false;
    if chars.peek() == Some(&'约') {
        approximate = true;
        chars.next();
        skip_space(&mut chars);
    }
    let mut negative = false;
    let mut signed = false;
    if let Some(&c) = chars.peek()
        && (c == '+' || c == '-')
    {
        signed = true;
        negative = c == '-';
        chars.next();
        skip_space(&mut chars);
    }
    let mut int_part: u64 = 0;
    let mut int_digits = 0usize;
    let mut group_len = 0usize;
    let mut saw_separator = false;
    let mut frac: u64 = 0;
    let mut frac_digits = 0u32;
    let mut in_frac = false;
    // What follows the digits: a unit of at most two chars (`万元`, `余件`).
    let mut rest_buf = [0u8; 8];
    let mut rest_len = 0;
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let d = u64::from(c as u8 - b'0');
            if in_frac {
                if frac_digits >= 12 {
                    return None;
                }
                frac = frac * 10 + d;
                frac_digits += 1;
            } else {
                int_part = int_part.checked_mul(10)?.checked_add(d)?;
                int_digits += 1;
                group_len += 1;
            }
            chars.next();
        } else if c.is_whitespace() {
            skip_space(&mut chars);
            // Between two digits a space can only be a thousands separator
            // (`1 234`); `1 2` is two numbers or a typo, not 12.
            if chars.peek().is_some_and(char::is_ascii_digit) {
                if in_frac || (saw_separator && group_len != 3) || group_len > 3 {
                    return None;
                }
                saw_separator = true;
                group_len = 0;
            }
        } else if c == ',' && !in_frac && int_digits > 0 {
            // A thousands separator must follow 1–3 digits and precede exactly 3.
            if (saw_separator && group_len != 3) || (!saw_separator && group_len > 3) {
                return None;
            }
            saw_separator = true;
            group_len = 0;
            chars.next();
        } else if c == '.' && !in_frac && int_digits > 0 {
            in_frac = true;
            chars.next();
        } else {
            for c in chars.by_ref().filter(|c| !c.is_whitespace()) {
                let n = c.len_utf8();
                if rest_len + n > rest_buf.len() {
                    return None; // longer than any unit: text, not a number
                }
                c.encode_utf8(&mut rest_buf[rest_len..]);
                rest_len += n;
            }
            break;
        }
    }
    if int_digits == 0 || (saw_separator && group_len != 3) || (in_frac && frac_digits == 0) {
        return None;
    }
    let rest = std::str::from_utf8(&rest_buf[..rest_len]).unwrap_or("?");
    let unit = match rest {
        "" => None,
        "元" => Some(CellUnit::Yuan),
        "万元" => Some(CellUnit::WanYuan),
        "件" | "项" | "个" | "条" | "次" | "宗" | "起" => Some(CellUnit::Count),
        "余" | "多" | "余件" | "多件" | "余条" | "多条" | "余项" | "多项" => {
            approximate = true;
            None
        }
        _ => return None,
    };
    let mut value = int_part as f64;
    if frac_digits > 0 {
        value += frac as f64 / 10f64.powi(frac_digits as i32);
        // Re-parse for exact decimal rounding (e.g. 7730.28 must print as 7730.28).
        value = format!("{int_part}.{frac:0width$}", width = frac_digits as usize)
            .parse()
            .unwrap_or(value);
    }
    if negative {
        value = -value;
    }
    Some(Number {
        value,
        is_integer: frac_digits == 0,
        signed,
        unit,
        approximate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<f64> {
        match parse_cell(s) {
            CellValue::Number(n) if !n.approximate => Some(n.value),
            _ => None,
        }
    }

    #[test]
    fn numbers_as_written_in_reports() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("21", Some(21.0)),
            (" 3985758 ", Some(3_985_758.0)),
            ("3,119", Some(3119.0)),
            ("3，119", Some(3119.0)),
            ("1,234,567", Some(1_234_567.0)),
            ("12,34", None),
            ("7730.28", Some(7730.28)),
            ("96171.6", Some(96171.6)),
            ("32.2526", Some(32.2526)),
            ("+3", Some(3.0)),
            ("-2", Some(-2.0)),
            ("＋1036", Some(1036.0)),
            ("－5", Some(-5.0)),
            ("１２", Some(12.0)),
            ("251000元", Some(251_000.0)),
            ("25.1万元", Some(25.1)),
            ("12件", Some(12.0)),
            // A space between digits is a thousands separator or nothing.
            ("1 234", Some(1234.0)),
            ("1 234 567", Some(1_234_567.0)),
            ("12 件", Some(12.0)),
            ("+ 5", Some(5.0)),
            ("1 2", None),
            ("0 0", None),
            ("1234 567", None),
            ("12. 5", None),
            ("1.", None),
            ("2.其他", None),
            ("0517-87222589", None),
            ("-3-", None),
            ("约30", None),
            ("属于国家秘密", None),
            ("2024年", None),
            // A stray byte the decoder replaced, glued to the number.
            ("\u{FFFD}0", Some(0.0)),
            ("12\u{FFFD}", Some(12.0)),
            ("\u{FFFD} 3,119", Some(3119.0)),
            ("1\u{FFFD}2", None),
        ];
        for &(input, want) in cases {
            assert_eq!(num(input), want, "{input:?}");
        }
    }

    #[test]
    fn placeholders_mean_blank() {
        for s in [
            "", " ", "\u{a0}", "\u{3000}", "—", "——", "-", "－", "/", "／", "无", "—/—",
        ] {
            assert_eq!(parse_cell(s), CellValue::Blank, "{s:?}");
        }
        // Markdown-escaped marks (pandoc): blank; an escaped numbering is no value.
        for s in ["\\-", "\\*", "\\/"] {
            assert_eq!(parse_cell(s), CellValue::Blank, "{s:?}");
        }
        for s in ["2\\.", "\\1", "\\a"] {
            assert!(!matches!(parse_cell(s), CellValue::Blank), "{s:?}");
        }
        // ... and inside a number (mammoth writes `2656\.76`).
        assert!(matches!(parse_cell("2656\\.76"), CellValue::Number(n) if n.value == 2656.76));
        assert!(matches!(parse_cell("1\\,234"), CellValue::Number(n) if n.value == 1234.0));
        assert_eq!(parse_cell("2\\.属于"), CellValue::Text);
        // An escaped numbering (`2\.`, pandoc) stays a label.
        assert_eq!(parse_cell("2\\."), CellValue::Text);
    }

    #[test]
    fn units_and_approximations_are_kept() {
        let CellValue::Number(n) = parse_cell("251000元") else {
            panic!()
        };
        assert_eq!(n.unit, Some(CellUnit::Yuan));
        let CellValue::Number(n) = parse_cell("约30") else {
            panic!()
        };
        assert!(n.approximate);
        let CellValue::Number(n) = parse_cell("5500余") else {
            panic!()
        };
        assert!(n.approximate);
        let CellValue::Number(n) = parse_cell("+3") else {
            panic!()
        };
        assert!(n.signed && n.is_integer);
    }
}
