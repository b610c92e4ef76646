//! Normalisation for *matching* labels: values always keep their raw text.
//!
//! One pass, one output buffer: full-width ASCII → ASCII, every kind of
//! whitespace dropped (U+3000, NBSP, tabs, form feeds, zero-width), curly and
//! straight quotes unified, `（一）` → `(一)`, numbering `1、`/`1．` → `1.`,
//! and markdown escapes (`1\.`) unescaped.
//! Dropping whitespace is what lets `5.要求行政机关确认或重 新出具` and
//! `三 、本 年 度办 理 结果` match their template labels.

/// Appends the matching form of `s` to `out`.
///
/// Runs of chars that stay as they are (ideographs, ASCII other than
/// whitespace: nearly all of a label) are copied as slices; only the chars
/// that change are pushed one by one.
pub fn normalize_into(s: &str, out: &mut String) {
    out.reserve(s.len());
    let bytes = s.as_bytes();
    let mut prev_digit = false;
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // Whitespace (and vertical tab) is at or below b' ': the bytes
            // above it are copied as they are, but the backslash.
            if b > b' ' && b != b'\\' {
                prev_digit = b.is_ascii_digit();
                i += 1;
                continue;
            }
            if b == b'\\' {
                if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
                    // A markdown escape (`1\. 属于国家秘密` from html2text):
                    // the backslash is the converter's, not the label's.
                    out.push_str(&s[run..i]);
                    run = i + 1;
                }
                prev_digit = false;
                i += 1;
                continue;
            }
        } else if (0xE4..=0xE9).contains(&b) {
            // U+4000..=U+9FFF (the CJK ideographs and their neighbours):
            // three bytes, none of them folded, dropped or a numbering mark.
            prev_digit = false;
            i += 3;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        let width = c.len_utf8();
        let changes = c.is_ascii() || fold_char(c) != c || is_space(c) || (prev_digit && c == '、');
        if !changes {
            prev_digit = false;
            i += width;
            continue;
        }
        out.push_str(&s[run..i]);
        i += width;
        run = i;
        let c = fold_char(c);
        if c.is_whitespace() || is_invisible(c) {
            continue;
        }
        let c = if prev_digit && c == '、' { '.' } else { c };
        prev_digit = c.is_ascii_digit();
        out.push(c);
    }
    out.push_str(&s[run..]);
}

/// The matching form of `s` as a new string.
///
/// ```
/// assert_eq!(govreports::normalize::normalize("（三）　不予公开 1、属于“三安全一稳定”"), "(三)不予公开1.属于\"三安全一稳定\"");
/// ```
#[must_use]
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// Maps one character to its matching form (no whitespace handling).
#[must_use]
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{300C}' | '\u{300D}' => '"',
        '\u{2018}' | '\u{2019}' => '\'',
        '\u{3010}' => '[',
        '\u{3011}' => ']',
        '\u{2014}' | '\u{2013}' | '\u{2012}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{3002}' => '。',
        _ => c,
    }
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}' | '\u{00AD}'
    )
}

/// True for every character `normalize` drops as whitespace.
#[must_use]
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Trims every kind of whitespace (incl. U+3000, NBSP, form feed) from both ends.
#[must_use]
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The char-by-char definition `normalize_into` must agree with.
    fn reference(s: &str) -> String {
        let mut out = String::new();
        let mut prev_digit = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
                continue; // a markdown escape
            }
            let c = fold_char(c);
            if c.is_whitespace() || is_invisible(c) {
                continue;
            }
            let c = if prev_digit && c == '、' { '.' } else { c };
            prev_digit = c.is_ascii_digit();
            out.push(c);
        }
        out
    }

    #[test]
    fn run_copying_agrees_with_the_char_by_char_definition() {
        let alphabet: Vec<char> = "1２a 、\\*\t\x0b\u{3000}\u{a0}\u{200b}（）中“”—。.,：\u{feff}é\u{4000}\u{9fff}\u{3fff}\u{a000}"
            .chars()
            .collect();
        // Every string of up to 4 chars over the alphabet.
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = strings
                .iter()
                .filter(|s| s.chars().count() == strings.last().map_or(0, |l| l.chars().count()))
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        for s in &strings {
            assert_eq!(normalize(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn normalises_labels_seen_in_real_reports() {
        let cases = [
            (
                "（二）部分公开（区分处理的，只计这一情 形，不",
                "(二)部分公开(区分处理的,只计这一情形,不",
            ),
            ("(五) 不", "(五)不"),
            ("4.无正当理由大量反复 申请", "4.无正当理由大量反复申请"),
            ("1、申请人无正当理由逾期不补", "1.申请人无正当理由逾期不补"),
            ("3．补正后申请内容仍不明确", "3.补正后申请内容仍不明确"),
            ("三 、本 年 度办 理 结果", "三、本年度办理结果"),
            ("第二十条 第（一）项", "第二十条第(一)项"),
            ("本年收费金额（单位：万元）", "本年收费金额(单位:万元)"),
            ("３．危及\"三安全一稳定\"", "3.危及\"三安全一稳定\""),
            ("\u{a0}\u{3000}\t\x0c", ""),
            ("1\\. 属于国家秘密", "1.属于国家秘密"),
            ("a\\b", "a\\b"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "{input}");
        }
    }
}
