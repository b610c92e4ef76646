//! Counts stated in prose (一、总体情况 and elsewhere): `共 71 条，其中机构信息
//! 17 条…`, `通过微信平台发布信息共 67 条`, `发布视频114条`, `5500 余条`.
//!
//! Prose rows outside the tables are joined into sentences (a PDF wraps a
//! sentence over several lines), each sentence is normalised for matching
//! while a map keeps every matched number's source line and the sentence as
//! written. A clause is the piece between commas, colons, semicolons and
//! 、; each count in a clause is classified as a *total* (共/合计/总计/累计),
//! a *category* (after 其中/具体内容为/包括/按类别分, in the sentence of its total or the next), a *channel*
//! count (政府网站, 微信, 抖音 …) or a plain count.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::layout::{RawRow, RowKind};
use crate::normalize::{fold_char, is_space};
use crate::report::NarrativeCount;

/// A count followed by a counting unit, optionally approximate.
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(约|近|超过|逾)?(\d{1,3}(?:,\d{3})+|\d+)(余|多)?(人次|条|件|篇|次|期|个|场|项|部|份|则|幅)").expect("valid regex")
});

/// Verbs after which the counted subject starts (`公开政务信息` → `政务信息`).
const VERBS: &[&str] = &[
    "主动公开",
    "公开",
    "发布",
    "推送",
    "更新",
    "上传",
    "报送",
    "制作",
    "收到",
    "受理",
    "办理",
    "处理",
    "答复",
    "举办",
    "召开",
    "开展",
    "印发",
    "转载",
    "刊发",
    "编发",
    "录入",
    "解读",
    "回应",
    "新增",
    "制发",
    "审查",
    "接收",
    "征集",
];

/// Words that mark a stated total.
const TOTAL_MARKERS: &[&str] = &["共计", "合计", "总计", "累计", "共"];

/// Words after which the counts of the sentence are categories of its total.
const CATEGORY_MARKERS: &[&str] = &[
    "其中",
    "具体内容为",
    "具体包括",
    "主要包括",
    "包括",
    "分别为",
    "内容为",
    "按内容分",
    // `按类别分，人事信息404条，…`: the longer forms first, so a clause
    // written without the comma loses the whole phrase. Looked for only
    // where `类别` occurs ([`markers_in`]).
    "按类别划分",
    "按类别分",
    "按类别",
    "分类别看",
    "从类别看",
];

/// How many of [`CATEGORY_MARKERS`] come first and do not hold `类别`.
const PLAIN_MARKERS: usize = 8;

/// The category markers `text` contains: one search for `类别` stands for
/// the five that hold it (every marker costs a scan of every clause).
fn markers_in(text: &str) -> impl Iterator<Item = &'static str> + '_ {
    let by_category = contains_short(text, "类别");
    let markers = if by_category {
        CATEGORY_MARKERS
    } else {
        &CATEGORY_MARKERS[..PLAIN_MARKERS]
    };
    markers.iter().copied().filter(|m| contains_short(text, m))
}

/// Platform keywords and the channel name they stand for, most specific first.
const CHANNELS: &[(&str, &str)] = &[
    ("视频号", "视频号"),
    ("微信", "微信"),
    ("微博", "微博"),
    ("抖音", "抖音"),
    ("头条", "今日头条"),
    ("快手", "快手"),
    ("客户端", "客户端"),
    ("APP", "客户端"),
    ("新媒体", "政务新媒体"),
    ("门户网站", "政府网站"),
    ("政府网站", "政府网站"),
    ("网站", "政府网站"),
    ("官网", "政府网站"),
    ("公开栏", "公开栏"),
    ("公示栏", "公开栏"),
    ("公告栏", "公开栏"),
    ("新闻发布会", "新闻发布会"),
    ("报纸", "报刊"),
    ("报刊", "报刊"),
    ("广播", "广播电视"),
    ("电视", "广播电视"),
];

/// Words after the unit that show the number is not a count of items.
const NOT_COUNTS: &[&str] = &["工作日", "月", "小时", "百分点", "年", "日", "季度", "以上"];

/// Longest sentence examined, in bytes; longer runs are split.
const MAX_SENTENCE: usize = 2000;

/// A narrative count and, for a category, the index of its total.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The contract fact.
    pub fact: NarrativeCount,
    /// For a category: index (in the returned vector) of the stated total it breaks down.
    pub part_of: Option<usize>,
}

/// Longest run of [`Prose`], in normalised bytes: mapping an offset back
/// walks its run from the start, so one run per unbroken line made a long
/// line of sentences quadratic (3 MB: 120 s).
const RUN_BYTES: usize = 256;

/// Prose stream: normalised text plus, per *run*, where it came from.
///
/// Normalised and display text advance char for char (folding maps one char
/// to one char; only whitespace is dropped), so one entry per run of text
/// pushed without an inserted space is enough to map any normalised offset
/// back: find its run, then walk that run's chars. Only the few sentences
/// that hold a count are ever mapped; every prose char is pushed.
struct Prose {
    norm: String,
    /// Per run: (byte offset in `norm`, byte offset in `display`, source line).
    runs: Vec<(u32, u32, u32)>,
    display: String,
}

impl Prose {
    fn new() -> Self {
        Self {
            norm: String::new(),
            runs: Vec::new(),
            display: String::new(),
        }
    }

    fn clear(&mut self) {
        self.norm.clear();
        self.runs.clear();
        self.display.clear();
    }

    fn push_text(&mut self, text: &str, line: u32) {
        let mut pending_space = !self.display.is_empty();
        let mut new_run = true;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A stretch of chars that fold to themselves and are not space
            // (ideographs U+4000..=U+9FFF, ASCII other than whitespace: the
            // bulk of the prose) is copied as one slice.
            let start = i;
            while let Some(&b) = bytes.get(i) {
                if i - start >= RUN_BYTES {
                    break; // see RUN_BYTES
                }
                match b {
                    b'\t'..=b'\r' | b' ' => break,
                    0x00..=0x7F => i += 1,
                    0xE4..=0xE9 => i += 3,
                    _ => break,
                }
            }
            // (the text as written, its first byte, its folded char when
            // it is a single char that may fold)
            let (piece, first, folded) = if i > start {
                (&text[start..i], bytes[start], None)
            } else {
                // One char that may fold, or be dropped as space.
                let c = text[i..].chars().next().unwrap_or_default();
                let len = c.len_utf8();
                i += len;
                if is_space(c) {
                    pending_space = !self.display.is_empty();
                    continue;
                }
                // Not ASCII: its first byte is not alphanumeric either.
                (&text[i - len..i], bytes[i - len], Some(fold_char(c)))
            };
            if pending_space {
                // Keep one space between Latin words/digits only; CJK needs none.
                if first.is_ascii_alphanumeric()
                    && self
                        .display
                        .as_bytes()
                        .last()
                        .is_some_and(u8::is_ascii_alphanumeric)
                {
                    self.display.push(' ');
                    new_run = true;
                }
                pending_space = false;
            }
            if new_run
                || self
                    .runs
                    .last()
                    .is_some_and(|r| self.norm.len() - r.0 as usize >= RUN_BYTES)
            {
                self.runs
                    .push((self.norm.len() as u32, self.display.len() as u32, line));
                new_run = false;
            }
            match folded {
                Some(c) => self.norm.push(c),
                None => self.norm.push_str(piece),
            }
            self.display.push_str(piece);
        }
    }

    /// The run holding normalised byte offset `at` (the last run for the end).
    fn run(&self, at: usize) -> Option<&(u32, u32, u32)> {
        let i = self.runs.partition_point(|&(n, _, _)| (n as usize) <= at);
        self.runs.get(i.checked_sub(1)?)
    }

    fn line_at(&self, at: usize) -> u32 {
        self.run(at).map_or(0, |r| r.2)
    }

    /// Display byte offset of normalised byte offset `at`.
    fn display_offset(&self, at: usize) -> usize {
        let Some(&(n, d, _)) = self.run(at) else {
            return 0;
        };
        let (mut n, mut d) = (n as usize, d as usize);
        let mut shown = self.display[d..].chars();
        for c in self.norm[n..].chars() {
            if n >= at {
                break;
            }
            n += c.len_utf8();
            d += shown.next().map_or(0, char::len_utf8);
        }
        d
    }

    fn display_range(&self, r: Range<usize>) -> &str {
        let start = self.display_offset(r.start);
        let end = if r.end >= self.norm.len() {
            self.display.len()
        } else {
            self.display_offset(r.end)
        };
        self.display.get(start..end).unwrap_or("").trim()
    }
}

fn starts_heading(norm: &str) -> bool {
    let mut chars = norm.chars();
    match chars.next() {
        Some('(') => true,
        Some(c) if "一二三四五六七八九十".contains(c) => {
            chars.next() == Some('、') || chars.next() == Some('、')
        }
        Some(c) if c.is_ascii_digit() => matches!(chars.next(), Some('.' | '、')),
        _ => false,
    }
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | ';' | '!' | '?' | '；')
}

/// True when `text` holds a char that normalises to an ASCII digit (`0`–`9`
/// or a full-width `０`–`９`, U+FF10–FF19 = EF BC 90–99): only then can a
/// paragraph hold a count. Checked on bytes, without decoding chars.
fn may_hold_digit(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &x)| {
        x.is_ascii_digit()
            || (x == 0xBC
                && i > 0
                && b[i - 1] == 0xEF
                && b.get(i + 1).is_some_and(|n| (0x90..=0x99).contains(n)))
    })
}

/// The paragraph being read. Its rows are only remembered until one of
/// them may hold a digit: most prose (headings, descriptions) holds no
/// count, and normalising it char by char into [`Prose`] is wasted on it
/// (measured: −9% instructions for the narrative reader). Once a digit shows up, the rows so far are pushed in order,
/// so `Prose` ends up exactly as if every row had been pushed at once.
struct Paragraph {
    /// Rows not yet pushed into the prose stream (none once it is started).
    deferred: Vec<usize>,
    /// Bytes of cell text in the paragraph: never less than its normalised
    /// length (folding never lengthens a char), so while it stays within
    /// the split size, the split cannot have happened yet.
    text_bytes: usize,
    /// The paragraph's last non-blank char, folded.
    last: Option<char>,
}

impl Paragraph {
    fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    fn end(&mut self, prose: &mut Prose, out: &mut Vec<Counted>) {
        flush(prose, out);
        self.deferred.clear();
        self.text_bytes = 0;
        self.last = None;
    }
}

fn push_row(prose: &mut Prose, row: &RawRow<'_>) {
    for c in &row.cells {
        prose.push_text(&c.text, row.line);
    }
}

/// Extracts prose counts from every row outside `tables`.
#[must_use]
pub fn extract_narrative(rows: &[RawRow<'_>], tables: &[Range<usize>]) -> Vec<Counted> {
    let mut out = Vec::new();
    let mut prose = Prose::new();
    let mut para = Paragraph {
        deferred: Vec::new(),
        text_bytes: 0,
        last: None,
    };
    let mut last_line = 0u32;
    let mut row_head = String::new();
    for (i, row) in rows.iter().enumerate() {
        if tables.iter().any(|r| r.contains(&i)) || row.kind == RowKind::BlankCell {
            para.end(&mut prose, &mut out);
            continue;
        }
        // Only the first chars decide (empty row? heading?): fold just those.
        row_head.clear();
        row_head.extend(
            row.cells
                .iter()
                .flat_map(|c| c.text.chars())
                .filter(|c| !is_space(*c))
                .map(fold_char)
                .take(3),
        );
        if row_head.is_empty() {
            continue;
        }
        let joins = !para.is_empty()
            && row.line == last_line + 1
            && !para.last.is_some_and(ends_sentence)
            && !starts_heading(&row_head);
        if !joins {
            para.end(&mut prose, &mut out);
        }
        para.text_bytes += row.cells.iter().map(|c| c.text.len()).sum::<usize>();
        para.last = row
            .cells
            .iter()
            .rev()
            .find_map(|c| c.text.chars().rev().find(|c| !is_space(*c)))
            .map(fold_char);
        if prose.norm.is_empty() {
            para.deferred.push(i);
            if para.text_bytes > MAX_SENTENCE * 8
                || row.cells.iter().any(|c| may_hold_digit(&c.text))
            {
                for &j in &para.deferred {
                    push_row(&mut prose, &rows[j]);
                }
                para.deferred.clear();
            }
        } else {
            push_row(&mut prose, row);
        }
        last_line = row.line;
        if prose.norm.len() > MAX_SENTENCE * 8 {
            para.end(&mut prose, &mut out);
        }
    }
    para.end(&mut prose, &mut out);
    out
}

/// Splits the paragraph in `prose` into sentences and reads each.
fn flush(prose: &mut Prose, out: &mut Vec<Counted>) {
    if prose.norm.is_empty() {
        return;
    }
    if prose.norm.bytes().any(|b| b.is_ascii_digit()) {
        let mut start = 0;
        let mut total = None;
        // A breakdown listed over semicolons (`其中政府文件21条；乡镇工作34条；…`)
        // goes on in the next piece.
        let mut listing = false;
        for (i, c) in prose.norm.char_indices() {
            let end = i + c.len_utf8();
            if ends_sentence(c) || end - start >= MAX_SENTENCE {
                let continues = listing;
                let (t, in_breakdown) = read_sentence(prose, start..end, total, continues, out);
                total = t;
                listing = in_breakdown && matches!(c, ';' | '；');
                start = end;
            }
        }
        if start < prose.norm.len() {
            read_sentence(prose, start..prose.norm.len(), total, listing, out);
        }
    }
    prose.clear();
}

/// Splits a sentence into clauses (commas between digits are thousands separators).
fn clauses(s: &str) -> Vec<Range<usize>> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let split = match c {
            ',' => {
                !(i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
            }
            ':' | ';' | '、' | '。' | '!' | '?' | '(' | ')' => true,
            _ => false,
        };
        if split {
            if i > start {
                out.push(start..i);
            }
            start = i + c.len_utf8();
        }
    }
    if start < s.len() {
        out.push(start..s.len());
    }
    out
}

fn strip_suffixes<'a>(mut s: &'a str, words: &[&str]) -> &'a str {
    loop {
        let before = s;
        for w in words {
            if let Some(rest) = s.strip_suffix(w) {
                s = rest;
            }
        }
        if s == before {
            return s;
        }
    }
}

fn strip_prefixes<'a>(mut s: &'a str, words: &[&str]) -> &'a str {
    loop {
        let before = s;
        for w in words {
            if let Some(rest) = s.strip_prefix(w) {
                s = rest;
            }
        }
        if s == before {
            return s;
        }
    }
}

/// `haystack.contains(needle)` for the short clauses and keyword lists of
/// this module: `str::contains` sets up a two-way searcher on every call,
/// which costs more than comparing the few positions of a clause.
fn contains_short(haystack: &str, needle: &str) -> bool {
    rfind_short(haystack, needle).is_some()
}

/// `haystack.rfind(needle)` by direct comparison (see [`contains_short`]).
fn rfind_short(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let (Some(&first), Some(&last)) = (n.first(), n.last()) else {
        return Some(h.len());
    };
    // The needles are Chinese words: their first byte is one of the few
    // lead bytes of all ideographs, their last byte tells far more apart.
    let tail = n.len() - 1;
    (0..=h.len().checked_sub(n.len())?)
        .rev()
        .find(|&i| h[i + tail] == last && h[i] == first && h[i..].starts_with(n))
}

/// The counted noun in the text before a number: what follows the last verb.
fn subject_of(prefix: &str) -> &str {
    let p = strip_suffixes(
        prefix,
        &[
            "共计", "合计", "总计", "累计", "总数", "共", "约", "近", "达到", "达", "为", "计",
            "超过", "逾", "数量", "数",
        ],
    );
    let after_verb = VERBS
        .iter()
        .filter_map(|v| rfind_short(p, v).map(|i| i + v.len()))
        .max()
        .map_or(p, |i| &p[i..]);
    let s = strip_prefixes(
        after_verb,
        &[
            "了", "各类", "相关", "其中", "通过", "在", "的", "共计", "共",
        ],
    );
    strip_suffixes(s, &["共计", "共", "的"])
}

fn channel_of(clause: &str) -> Option<&'static str> {
    CHANNELS
        .iter()
        .find(|(k, _)| contains_short(clause, k))
        .map(|&(_, c)| c)
}

/// The parts of a [`COUNT`] match starting at `start`: the number's offset,
/// the number as written, and whether it is approximate (`约`/`近`/`超过`/`逾`
/// before it, `余`/`多` after it). Read off the match by hand: the lazy DFA
/// finds matches several times faster than capture groups are resolved.
fn count_parts(text: &str, start: usize) -> (usize, &str, bool) {
    let rest = &text[start..];
    let prefix = ["约", "近", "超过", "逾"]
        .iter()
        .find(|p| rest.starts_with(*p))
        .map_or(0, |p| p.len());
    let digits = rest[prefix..]
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let num = &rest[prefix..prefix + digits];
    let after = &rest[prefix + digits..];
    let approximate = prefix > 0 || after.starts_with(['余', '多']);
    (start + prefix, num, approximate)
}

/// Counts kept per report. Reports state dozens; each count carries its
/// sentence (up to [`MAX_SENTENCE`] bytes), so a line of tens of thousands
/// of count sentences cost ~125x its size in memory before this bound.
const MAX_COUNTS: usize = 1000;

/// Reads one sentence's counts into `out`; returns the total it states, if
/// any. `before`, the total the previous sentence stated, is the total of
/// a breakdown that opens this one (`…共17条。其中，工作动态6条…`).
fn read_sentence(
    prose: &Prose,
    range: Range<usize>,
    before: Option<usize>,
    continues: bool,
    out: &mut Vec<Counted>,
) -> (Option<usize>, bool) {
    if out.len() >= MAX_COUNTS {
        return (None, false);
    }
    let sentence = &prose.norm[range.clone()];
    if !sentence.bytes().any(|b| b.is_ascii_digit()) || !COUNT.is_match(sentence) {
        return (None, false);
    }
    let display = prose.display_range(range.clone()).to_owned();
    let opening = sentence.trim_start_matches(|c: char| !c.is_alphanumeric());
    // A piece after a semicolon goes on with the list unless it opens a
    // breakdown of its own (`…；政府信息公开行政诉讼46件，其中…`).
    let own_breakdown = || markers_in(sentence).any(|m| !opening.starts_with(m));
    let breakdown = before.filter(|_| {
        (continues && !own_breakdown()) || CATEGORY_MARKERS.iter().any(|m| opening.starts_with(m))
    });
    // A count that a breakdown follows is that breakdown's total, with or
    // without 共 (`…公开各类信息31条。其中，社会救助2条…`).
    let promote = |i: usize, out: &mut Vec<Counted>| {
        let f = &mut out[i].fact;
        if f.category.is_none() {
            f.is_total = true;
        }
    };
    if let Some(t) = breakdown {
        promote(t, out);
    }
    let mut total: Option<usize> = breakdown;
    let mut category_mode = breakdown.is_some();
    let mut last: Option<usize> = None;
    for clause in clauses(sentence) {
        let text = &sentence[clause.clone()];
        if markers_in(text).next().is_some() {
            if total.is_none()
                && let Some(l) = last
            {
                promote(l, out);
                total = Some(l);
            }
            category_mode |= total.is_some();
        }
        let mut from = 0;
        let mut at = 0;
        while let Some(whole) = COUNT.find_at(text, at) {
            at = whole.end();
            let (num_start, num, approximate) = count_parts(text, whole.start());
            let after = &text[whole.end()..];
            let prefix = &text[from..whole.start()];
            from = whole.end();
            if prefix.ends_with('第')
                || NOT_COUNTS.iter().any(|w| after.starts_with(w))
                || after.starts_with('%')
            {
                continue;
            }
            let count = if num.contains(',') {
                num.replace(',', "").parse::<i64>()
            } else {
                num.parse::<i64>()
            };
            let Ok(count) = count else {
                continue;
            };
            let channel = channel_of(prefix);
            let marked_total = TOTAL_MARKERS.iter().any(|w| contains_short(prefix, w));
            let stripped = strip_prefixes(prefix, CATEGORY_MARKERS);
            // `clause` is relative to the sentence, the sentence to the paragraph.
            let line = prose.line_at(range.start + clause.start + num_start);
            let mut fact = NarrativeCount {
                subject: String::new(),
                category: None,
                channel,
                is_total: false,
                count,
                approximate,
                sentence: display.clone(),
                source_line: line,
            };
            let mut part_of = None;
            if category_mode && channel.is_none() {
                let Some(t) = total else { continue };
                // A category is named whole (`政策解读信息`): only a leading verb is dropped.
                let cat = strip_suffixes(
                    strip_prefixes(stripped, VERBS),
                    &["共计", "共", "约", "近", "达", "为", "计", "的"],
                );
                if cat.is_empty() {
                    continue;
                }
                fact.subject.clone_from(&out[t].fact.subject);
                fact.category = Some(cat.to_owned());
                part_of = Some(t);
            } else {
                let subject = subject_of(stripped);
                if subject.is_empty() || subject.chars().count() > 20 {
                    continue;
                }
                fact.subject = subject.to_owned();
                fact.is_total = marked_total && channel.is_none();
            }
            let is_total = fact.is_total;
            let in_breakdown = part_of.is_some();
            out.push(Counted { fact, part_of });
            if is_total && total.is_none() {
                total = Some(out.len() - 1);
            }
            if !in_breakdown {
                last = Some(out.len() - 1);
            }
        }
    }
    // The total this sentence states (else its last count, which a
    // breakdown in the next sentence would make a total), or the one whose
    // breakdown it goes on.
    (total.or(last), category_mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Text;

    /// The char-by-char definition `Prose::push_text` must agree with.
    fn push_text_by_char(p: &mut Prose, text: &str, line: u32) {
        let mut pending_space = !p.display.is_empty();
        let mut new_run = true;
        for c in text.chars() {
            if is_space(c) {
                pending_space = !p.display.is_empty();
                continue;
            }
            if pending_space {
                if c.is_ascii_alphanumeric()
                    && p.display
                        .as_bytes()
                        .last()
                        .is_some_and(u8::is_ascii_alphanumeric)
                {
                    p.display.push(' ');
                    new_run = true;
                }
                pending_space = false;
            }
            if new_run {
                p.runs
                    .push((p.norm.len() as u32, p.display.len() as u32, line));
                new_run = false;
            }
            p.norm.push(fold_char(c));
            p.display.push(c);
        }
    }

    #[test]
    fn pushing_stretches_agrees_with_pushing_chars() {
        let alphabet = [
            "a",
            "7",
            " ",
            "\t",
            "\u{3000}",
            "\u{a0}",
            "中",
            "\u{4000}",
            "\u{9fff}",
            "\u{3001}",
            "，",
            "２",
            "Ａ",
            "“",
            "é",
            "\u{200b}",
            "\u{1F600}",
            "。",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for prefix in ["", "x", "中"] {
            for t in &texts {
                let (mut fast, mut slow) = (Prose::new(), Prose::new());
                fast.push_text(prefix, 1);
                slow.push_text(prefix, 1);
                fast.push_text(t, 2);
                push_text_by_char(&mut slow, t, 2);
                assert_eq!(
                    (&fast.norm, &fast.display, &fast.runs),
                    (&slow.norm, &slow.display, &slow.runs),
                    "{prefix:?} + {t:?}"
                );
            }
        }
    }

    /// A long unbroken line is cut into runs of at most [`RUN_BYTES`]
    /// (mapping an offset back stays short), and every normalised offset
    /// still maps to the display offset of the same char.
    #[test]
    fn long_lines_map_back_through_short_runs() {
        let line = "共发布信息Ａ１２条，".repeat(300);
        let mut p = Prose::new();
        p.push_text(&line, 1);
        assert!(p.runs.len() > line.len() / RUN_BYTES / 2);
        let shown: Vec<usize> = p.display.char_indices().map(|(i, _)| i).collect();
        for (k, (at, _)) in p.norm.char_indices().enumerate() {
            assert_eq!(p.display_offset(at), shown[k], "char {k}");
        }
    }

    fn counts(s: &str) -> Vec<Counted> {
        let text = Text::from_utf8_text(s);
        let doc = crate::layout::read(&text);
        extract_narrative(&doc.rows, &[])
    }

    #[test]
    fn total_with_categories_from_seed_000() {
        let got = counts(
            "全年在新绛县政府信息公开网上公开政务信息共 71 条，其中机构信息 17 条，政策法规 2 条，通知公告公示 5 条，乡镇工作 43 条。\n",
        );
        let total = &got[0].fact;
        assert!(total.is_total);
        assert_eq!(
            (total.subject.as_str(), total.count, total.channel),
            ("政务信息", 71, None)
        );
        let cats: Vec<_> = got[1..]
            .iter()
            .map(|c| (c.fact.category.clone().unwrap(), c.fact.count, c.part_of))
            .collect();
        assert_eq!(
            cats,
            vec![
                ("机构信息".into(), 17, Some(0)),
                ("政策法规".into(), 2, Some(0)),
                ("通知公告公示".into(), 5, Some(0)),
                ("乡镇工作".into(), 43, Some(0))
            ]
        );
        assert!(
            got[1..]
                .iter()
                .all(|c| c.fact.subject == "政务信息" && !c.fact.is_total)
        );
        assert!(total.sentence.starts_with("全年在新绛县"));
    }

    #[test]
    fn the_plain_markers_come_first() {
        let (plain, by_category) = CATEGORY_MARKERS.split_at(PLAIN_MARKERS);
        assert!(plain.iter().all(|m| !m.contains("类别")));
        assert!(by_category.iter().all(|m| m.contains("类别")));
    }

    #[test]
    fn a_breakdown_by_category_in_the_sentence_after_the_total() {
        let got = counts(
            "2020年，我县累计发布信息1000条。按类别分，人事信息404条，政府工作报告信息595条，规划计划1条。\n",
        );
        assert!(got[0].fact.is_total);
        let cats: Vec<_> = got[1..]
            .iter()
            .map(|c| (c.fact.category.as_deref().unwrap(), c.fact.count, c.part_of))
            .collect();
        assert_eq!(
            cats,
            vec![
                ("人事信息", 404, Some(0)),
                ("政府工作报告信息", 595, Some(0)),
                ("规划计划", 1, Some(0))
            ]
        );
    }

    #[test]
    fn channels_and_approximate_totals_from_seed_001() {
        let got = counts(
            "2020 年我镇在各类公开平台发布消息共 1300 余条，其中通过微信平台“文明思礼”发布信息共 67 条，通过政府网站发布信息 1292 条，均属于主动公开政府信息，具体内容为：概况信息 87 条，综合管理信息 38 条。\n",
        );
        let f: Vec<_> = got
            .iter()
            .map(|c| {
                (
                    c.fact.subject.as_str(),
                    c.fact.category.as_deref(),
                    c.fact.channel,
                    c.fact.is_total,
                    c.fact.count,
                    c.fact.approximate,
                )
            })
            .collect();
        assert_eq!(
            f,
            vec![
                ("消息", None, None, true, 1300, true),
                ("信息", None, Some("微信"), false, 67, false),
                ("信息", None, Some("政府网站"), false, 1292, false),
                ("消息", Some("概况信息"), None, false, 87, false),
                ("消息", Some("综合管理信息"), None, false, 38, false),
            ]
        );
    }

    #[test]
    fn wrapped_pdf_lines_join_and_keep_lines() {
        let got = counts(
            "严格落实条例各项规定，全年主动公开政\n府信息 5500 余条，全年新增公开市政府规章 1 件。\n",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(
            (
                got[0].fact.subject.as_str(),
                got[0].fact.count,
                got[0].fact.approximate,
                got[0].fact.source_line
            ),
            ("政府信息", 5500, true, 2)
        );
        assert_eq!(
            (got[1].fact.subject.as_str(), got[1].fact.count),
            ("市政府规章", 1)
        );
    }

    #[test]
    fn source_line_is_the_numbers_own_line_when_a_sentence_starts_mid_paragraph() {
        let got =
            counts("各项工作有序开展。全年主动公开政府信息\n共 30 条，其中政策文件\n2 条。\n");
        let lines: Vec<_> = got
            .iter()
            .map(|c| (c.fact.count, c.fact.source_line))
            .collect();
        assert_eq!(lines, [(30, 2), (2, 3)]);
    }

    #[test]
    fn short_search_agrees_with_std() {
        for h in [
            "",
            "共",
            "通过微信平台发布信息共",
            "共计共",
            "a共b共c",
            "微信微",
        ] {
            for n in [
                "",
                "共",
                "共计",
                "微信",
                "信息共",
                "x",
                "a共b共c",
                "a共b共cd",
            ] {
                assert_eq!(rfind_short(h, n), h.rfind(n), "{h:?} {n:?}");
                assert_eq!(contains_short(h, n), h.contains(n), "{h:?} {n:?}");
            }
        }
    }

    #[test]
    fn ignores_dates_ordinals_and_durations() {
        assert!(counts("2021年1月1日至12月31日，第3期简报在15个工作日内答复。\n").is_empty());
        let got = counts("2022年全镇共计发布视频114条,主要传达重要信息。\n");
        assert_eq!(
            (
                got[0].fact.subject.as_str(),
                got[0].fact.count,
                got[0].fact.is_total
            ),
            ("视频", 114, true)
        );
    }
}
