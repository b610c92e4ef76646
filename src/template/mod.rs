//! The two official report formats, described once, as data.
//!
//! Every table's rows and columns carry their data-contract codes and the
//! label variants seen in the wild (`template.md` §2–§4). The extractor never
//! mentions a label itself: it asks this module. Adding a label variant is a
//! one-line change here.

mod v2019;
mod v2021;

use std::sync::LazyLock;

use crate::normalize::normalize;

/// Which official format a report (or a table) follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateVersion {
    /// 国办公开办函〔2019〕60号 (试行), used for 2019–2020 reports.
    V2019,
    /// 国办公开办函〔2021〕30号, used from the 2021 reports on.
    V2021,
}

impl TemplateVersion {
    /// The contract string (`2019`, `2021`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::V2019 => "2019",
            Self::V2021 => "2021",
        }
    }

    /// The template for this version.
    #[must_use]
    pub fn template(self) -> &'static Template {
        match self {
            Self::V2019 => &V2019,
            Self::V2021 => &V2021,
        }
    }

    /// The version a report year implies when the labels say nothing
    /// (template.md §1): 2019–2020 → 2019, 2021 on → 2021, older → none.
    #[must_use]
    pub fn for_year(year: i32) -> Option<Self> {
        match year {
            2019 | 2020 => Some(Self::V2019),
            y if y >= 2021 => Some(Self::V2021),
            _ => None,
        }
    }
}

/// How a label is recognised, applied to the *normalised* label text.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// The label contains this text.
    Contains(&'static str),
    /// The label, minus leading numbering, is exactly this text.
    Exact(&'static str),
    /// The label ends with this text (for short labels such as `3.其他`).
    EndsWith(&'static str),
}

/// One value column of a table 二 row.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Contract `metric_code`.
    pub code: &'static str,
    /// Contract `unit` (`件`, `项`, `万元`) or none.
    pub unit: Option<&'static str>,
    /// The column holds money in 万元 (cells may carry 元 and are converted).
    pub money: bool,
    /// The column is a signed change (`本年增/减`).
    pub signed: bool,
}

/// One data row of table 二 (主动公开政府信息情况).
#[derive(Debug, Clone)]
pub struct ProactiveRow {
    /// Contract `article` (`20.1` …).
    pub article: &'static str,
    /// Contract `item_code`.
    pub item_code: &'static str,
    /// Label variants.
    pub keys: &'static [Key],
    /// Value columns, left to right.
    pub metrics: &'static [Metric],
}

/// One data row of table 三 (收到和处理政府信息公开申请情况).
#[derive(Debug, Clone)]
pub struct ApplicationRow {
    /// Contract `row_code`.
    pub row_code: &'static str,
    /// The label as the official form prints it (its last label column):
    /// what a label cut short by a converter is a beginning of.
    pub printed: &'static str,
    /// Label variants.
    pub keys: &'static [Key],
    /// This row is only an alternative layout (2021 reports that print
    /// （六）其他处理 as one row): it is accepted only with its values on the
    /// same line, never as a label waiting for values below it, because in
    /// the normal 2021 form the same words are a group label.
    pub alternative: bool,
}

/// One official format.
#[derive(Debug)]
pub struct Template {
    /// Which version this is.
    pub version: TemplateVersion,
    /// Table 二 rows in printed order.
    pub proactive: Vec<ProactiveRow>,
    /// Table 三 rows in printed order.
    pub applications: Vec<ApplicationRow>,
    /// Every key of table 二's rows in one automaton.
    pub proactive_labels: LabelMatcher,
    /// Every key of table 三's rows in one automaton.
    pub application_labels: LabelMatcher,
}

impl Template {
    /// Value cells the template has: 198 (2019) or 200 (2021).
    #[must_use]
    pub fn cells_expected(&self) -> usize {
        let t2: usize = self.proactive.iter().map(|r| r.metrics.len()).sum();
        let t3 = self.applications.iter().filter(|r| !r.alternative).count() * APPLICANTS.len();
        t2 + t3 + REVIEW_CELLS.len()
    }

    /// Per table 三 row, the normalised marks of the merged label cells the
    /// form prints it beside ([`MergedMarks`]). The form numbers a group's
    /// rows from `1.` after the last row numbered `(x)`: their group is the
    /// next `(x)`.
    #[must_use]
    pub fn application_marks(&self) -> Vec<MergedMarks> {
        const MARKS: [&str; 10] = [
            "(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)", "(九)", "(十)",
        ];
        let mut last = 0; // the last group mark seen, 1-based
        let mut group = None;
        self.applications
            .iter()
            .map(|r| {
                let printed = crate::normalize::normalize(r.printed);
                let in_section = in_results_section(&printed);
                if let Some(k) = MARKS.iter().position(|m| printed.starts_with(m)) {
                    last = k + 1;
                    group = None;
                } else if printed.starts_with("1.") {
                    group = MARKS.get(last).copied();
                    last += 1;
                } else if !in_section {
                    group = None;
                }
                MergedMarks {
                    section: in_section.then_some(RESULTS_SECTION_MARK),
                    group,
                }
            })
            .collect()
    }
}

/// The marks of the merged label cells the form prints a table 三 row
/// beside, written down their narrow columns: in a text dump of a PDF
/// (`pdftotext -layout`) their characters fall on the row's own lines
/// (`三、   0   0   0 …`), and there they are no row's number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergedMarks {
    /// `三、` of `三、本年度办理结果`, for every row inside that section.
    pub section: Option<&'static str>,
    /// `(三)` of `（三）不予公开` for `1.属于国家秘密` … `8.属于行政查询事项`;
    /// None for a row of its own (`(一)予以公开`, `一、本年新收…`).
    pub group: Option<&'static str>,
}

impl MergedMarks {
    /// Whether `label` (normalised) is one of these marks alone.
    #[must_use]
    pub fn is_mark(&self, label: &str) -> bool {
        self.section == Some(label) || self.group == Some(label)
    }
}

/// `label` split before the row's own number when what comes first is the
/// text of a merged cell beside the row (a PDF's text dump puts a line of
/// that cell on the row's line): its group's mark (`(三)4.保护第三方合法权`)
/// or a fragment of up to three ideographs and brackets (`不予5.属于三类内部事`,
/// `(六1.申请人无正当理由`), or of the section's cell before the row's group
/// mark (`、(二)部分公开`). The fragment and the rest, or None.
#[must_use]
pub fn split_group_mark(label: &str) -> Option<(&str, &str)> {
    if let Some(split) = split_paren_mark(label) {
        return Some(split);
    }
    // A piece of the section's merged cell (`三、本年度办理结果` a character
    // a line) before the row's own group mark: `、(二)部分公开(区分处理的,`.
    if let Some(open) = label.find('(')
        && open > 0
        && label[..open].chars().count() <= 3
        && label[..open]
            .chars()
            .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '、')
        && label[open + 1..]
            .split_once(')')
            .is_some_and(|(numeral, _)| !numeral.is_empty() && numeral.chars().all(is_numeral))
    {
        return Some(label.split_at(open));
    }
    // A merged cell's text written down its column, a character or two a
    // line (`不予5.属于三类内部事`), or its group mark cut by the column's
    // width (`(六1.申请人无正当理由`): the fragment, and the rest from the
    // number.
    let number = label.find(|c: char| c.is_ascii_digit())?;
    let fragment = &label[..number];
    let ideographs = fragment
        .chars()
        .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || matches!(c, '(' | ')'));
    let numbered = label[number..]
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with('.');
    (number > 0 && fragment.chars().count() <= 3 && ideographs && numbered)
        .then(|| label.split_at(number))
}

fn split_paren_mark(label: &str) -> Option<(&str, &str)> {
    let rest = label.strip_prefix('(')?;
    let end = rest.find(')')?;
    let (numeral, after) = (&rest[..end], &rest[end + 1..]);
    let numbered = after.bytes().next().is_some_and(|b| b.is_ascii_digit());
    (end > 0 && numeral.chars().all(is_numeral) && numbered).then(|| label.split_at(end + 2))
}

/// Applicant columns of table 三, left to right, with their contract codes.
pub const APPLICANTS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_agency",
    "other_org",
    "total",
];

/// Chinese column names of table 三, for messages and `inspect`.
pub const APPLICANT_LABELS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// Proceedings of table 四, left to right.
pub const PROCEEDINGS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];

/// Outcomes under each proceeding of table 四, left to right.
pub const OUTCOMES: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// The 15 value cells of table 四 in printed order: (proceeding, outcome).
pub const REVIEW_CELLS: [(&str, &str); 15] = {
    let mut cells = [("", ""); 15];
    let mut i = 0;
    while i < 15 {
        cells[i] = (PROCEEDINGS[i / 5], OUTCOMES[i % 5]);
        i += 1;
    }
    cells
};

static V2019: LazyLock<Template> = LazyLock::new(|| v2019::template().finish());
static V2021: LazyLock<Template> = LazyLock::new(|| v2021::template().finish());

/// Label words that only one version prints (template.md §4, signals 1–2).
const SIGNALS_2021: &[&str] = &[
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年收费金额",
    "逾期不补正",
    "收费通知要求缴纳",
];
const SIGNALS_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购总金额",
    "采购项目数量",
    "政府集中采购",
    "其他对外管理服务事项",
];

/// Which versions' signature labels occur in a normalised text.
///
/// Searchers built once: the text is a whole table region, and std's
/// `contains` builds a searcher for every call and scans slower.
#[must_use]
pub fn version_signals(normalized: &str) -> (bool, bool) {
    type Finders = LazyLock<Vec<memchr::memmem::Finder<'static>>>;
    fn finders(signals: &[&str]) -> Vec<memchr::memmem::Finder<'static>> {
        signals
            .iter()
            .map(|s| memchr::memmem::Finder::new(&normalize(s)).into_owned())
            .collect()
    }
    static N2019: Finders = LazyLock::new(|| finders(SIGNALS_2019));
    static N2021: Finders = LazyLock::new(|| finders(SIGNALS_2021));
    let text = normalized.as_bytes();
    let has_2019 = N2019.iter().any(|f| f.find(text).is_some());
    let has_2021 = N2021.iter().any(|f| f.find(text).is_some());
    (has_2019, has_2021)
}

/// The mark of table 三's section whose rows the form prints beside one
/// merged label cell, `三、本年度办理结果`.
const RESULTS_SECTION_MARK: &str = "三、";

/// Whether a table 三 row, by its normalised printed label, is one the form
/// prints inside the [`RESULTS_SECTION_MARK`] section: every row but the
/// sections' own (`一、本年新收…`, `二、上年结转…`, `四、结转下年度…`).
fn in_results_section(printed: &str) -> bool {
    let numerals = printed
        .chars()
        .take_while(|&c| is_numeral(c))
        .map(char::len_utf8)
        .sum::<usize>();
    !(numerals > 0 && printed[numerals..].starts_with('、'))
}

/// Strips leading numbering such as `1.`, `(一)`, `一、` from a normalised label.
#[must_use]
pub fn strip_numbering(label: &str) -> &str {
    let mut s = label;
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix('(')
            && let Some(end) = rest.find(')')
            && rest[..end].chars().all(is_numeral)
            && end > 0
        {
            s = &rest[end + 1..];
        }
        let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && s[digits..].starts_with('.') {
            s = &s[digits + 1..];
        }
        let numerals = s
            .chars()
            .take_while(|&c| is_numeral(c))
            .map(char::len_utf8)
            .sum::<usize>();
        if numerals > 0 && s[numerals..].starts_with('、') {
            s = &s[numerals + '、'.len_utf8()..];
        }
        if s == before {
            return s;
        }
    }
}

fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

impl Key {
    /// How strongly a normalised label matches: the matched length in
    /// characters, or 0. Expects a key of a [`Template`], whose keys are
    /// normalised once when the template is built, so `（三）` in a key
    /// matches `(三)` in a label.
    #[must_use]
    pub fn score(self, label: &str) -> usize {
        let key = self.text();
        let hit = match self {
            Self::Contains(_) => label.contains(key),
            Self::Exact(_) => label == key || strip_numbering(label) == key,
            Self::EndsWith(_) => label.ends_with(key),
        };
        if hit { key.chars().count() } else { 0 }
    }

    fn text(self) -> &'static str {
        match self {
            Self::Contains(s) | Self::Exact(s) | Self::EndsWith(s) => s,
        }
    }

    /// The same key with its text in matching form.
    fn normalized(self) -> Self {
        let n = normalize(self.text());
        if n == self.text() {
            return self;
        }
        let n: &'static str = Box::leak(n.into_boxed_str());
        match self {
            Self::Contains(_) => Self::Contains(n),
            Self::Exact(_) => Self::Exact(n),
            Self::EndsWith(_) => Self::EndsWith(n),
        }
    }
}

/// Keys are written readably in the template files (full-width brackets,
/// Chinese punctuation); each template normalises them once, when built.
/// The leak is bounded: two templates, built once per process.
fn normalized_keys(keys: &'static [Key]) -> &'static [Key] {
    if keys.iter().all(|k| normalize(k.text()) == k.text()) {
        return keys;
    }
    Box::leak(
        keys.iter()
            .map(|k| k.normalized())
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

impl Template {
    /// Normalises every key and builds the label automata: done once per
    /// template, so matching a row label costs one scan of the label.
    fn finish(mut self) -> Self {
        for r in &mut self.proactive {
            r.keys = normalized_keys(r.keys);
        }
        for r in &mut self.applications {
            r.keys = normalized_keys(r.keys);
        }
        self.proactive_labels = LabelMatcher::new(self.proactive.iter().map(|r| r.keys));
        self.application_labels = LabelMatcher::new(self.applications.iter().map(|r| r.keys));
        self
    }
}

/// The keys of one table's rows compiled into one Aho–Corasick automaton.
///
/// The automaton is a prefilter: one pass over a label finds every key
/// text it contains, and only those keys are scored. The result is exactly
/// [`best_match`]'s.
#[derive(Debug, Default)]
pub struct LabelMatcher {
    /// `None` only in the placeholder a template holds before [`Template::finish`].
    automaton: Option<aho_corasick::AhoCorasick>,
    /// Per pattern id, the (row, key) pairs with that text: a label is
    /// scored only against the keys whose text it contains.
    by_pattern: Vec<Vec<(usize, Key)>>,
    /// Per pattern id, its length in chars: a `Contains` key the automaton
    /// found scores this without searching the label again.
    lengths: Vec<usize>,
    /// Which slot of each thread's [`BEST_CACHE`] holds this matcher's answers.
    slot: usize,
}

/// Matchers built so far: each takes the next cache slot.
static MATCHERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Answers remembered per thread before a matcher's cache starts afresh.
/// Most labels are the template's own, so a few hundred distinct ones cover
/// nearly every row; the bound keeps prose that reaches the matcher from
/// growing the cache.
const CACHED_LABELS: usize = 4096;

type BestCache =
    std::collections::HashMap<Box<str>, Option<(usize, usize)>, foldhash::fast::FixedState>;

thread_local! {
    /// Per thread and matcher, label → [`LabelMatcher::best`]'s answer.
    /// The same labels come back in report after report; hashing a label
    /// costs a fraction of the automaton's overlapping search over it.
    static BEST_CACHE: std::cell::RefCell<Vec<BestCache>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Distinct key texts one table may have: the bits of the per-label hit set.
const MAX_PATTERNS: usize = 128;

impl LabelMatcher {
    fn new<'a>(rows: impl Iterator<Item = &'a [Key]>) -> Self {
        let mut texts: Vec<&'static str> = Vec::new();
        let mut by_pattern: Vec<Vec<(usize, Key)>> = Vec::new();
        for (row, keys) in rows.enumerate() {
            for k in keys {
                let id = texts
                    .iter()
                    .position(|t| *t == k.text())
                    .unwrap_or_else(|| {
                        texts.push(k.text());
                        by_pattern.push(Vec::new());
                        texts.len() - 1
                    });
                by_pattern[id].push((row, *k));
            }
        }
        assert!(
            texts.len() <= MAX_PATTERNS,
            "a table has {} key texts; the matcher holds {MAX_PATTERNS}",
            texts.len()
        );
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            // A full DFA: a few hundred KB for ~100 short keys, built once,
            // and the fastest overlapping search, which runs on every row.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&texts)
            .expect("template keys build an automaton");
        Self {
            automaton: Some(automaton),
            by_pattern,
            lengths: texts.iter().map(|t| t.chars().count()).collect(),
            slot: MATCHERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// For a label that runs on from the text before it (glued crawler
    /// text: `…对外公开总数量规章`): the row whose key ends last in the label,
    /// the longest key among those; `Exact` keys must end the label.
    #[must_use]
    pub fn best_trailing(&self, label: &str) -> Option<(usize, usize)> {
        let ac = self.automaton.as_ref()?;
        let mut best: Option<(usize, usize, usize)> = None; // (end, len, row)
        for m in ac.find_overlapping_iter(label) {
            let id = m.pattern().as_usize();
            for &(row, k) in &self.by_pattern[id] {
                if matches!(k, Key::Exact(_)) && m.end() != label.len() {
                    continue;
                }
                let len = self.lengths[id];
                let better = match best {
                    None => true,
                    Some((e, l, r)) => {
                        m.end() > e || (m.end() == e && (len > l || (len == l && row < r)))
                    }
                };
                if better {
                    best = Some((m.end(), len, row));
                }
            }
        }
        best.map(|(_, len, row)| (row, len))
    }

    /// The best-matching row for a normalised label: (row index, score).
    /// Ties go to the earlier row.
    #[must_use]
    pub fn best(&self, label: &str) -> Option<(usize, usize)> {
        self.automaton.as_ref()?;
        BEST_CACHE.with_borrow_mut(|caches| {
            if caches.len() <= self.slot {
                caches.resize_with(self.slot + 1, BestCache::default);
            }
            let cache = &mut caches[self.slot];
            if let Some(&answer) = cache.get(label) {
                return answer;
            }
            if cache.len() >= CACHED_LABELS {
                cache.clear();
            }
            let answer = self.search(label);
            cache.insert(label.into(), answer);
            answer
        })
    }

    /// [`Self::best`] without the cache: the automaton finds the key texts
    /// the label contains, and only their keys are scored.
    fn search(&self, label: &str) -> Option<(usize, usize)> {
        let ac = self.automaton.as_ref()?;
        let found: u128 = ac
            .find_overlapping_iter(label)
            .fold(0, |set, m| set | 1 << m.pattern().as_usize());
        if found == 0 {
            return None;
        }
        // The highest score; among equal scores, the earliest row.
        let mut best: Option<(usize, usize)> = None;
        let mut rest = found;
        while rest != 0 {
            let id = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            for &(row, k) in &self.by_pattern[id] {
                let score = match k {
                    Key::Contains(_) => self.lengths[id],
                    _ => k.score(label),
                };
                let better = match best {
                    None => score > 0,
                    Some((r, s)) => score > s || (score == s && row < r),
                };
                if better {
                    best = Some((row, score));
                }
            }
        }
        best
    }
}

/// The best-matching row among `rows` for a normalised label: (index, score).
pub fn best_match<'a, T: 'a>(
    label: &str,
    rows: impl IntoIterator<Item = (&'a T, &'a [Key])>,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, keys)) in rows.into_iter().enumerate() {
        let score = keys.iter().map(|k| k.score(label)).max().unwrap_or(0);
        if score > 0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best
}

/// Rows 1–20 of table 三, identical in both versions (template.md §2.2).
const APPLICATIONS_COMMON: &[ApplicationRow] = &[
    ApplicationRow {
        row_code: "new_received",
        printed: "一、本年新收政府信息公开申请数量",
        keys: &[Key::Contains("本年新收")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "carried_over",
        printed: "二、上年结转政府信息公开申请数量",
        keys: &[Key::Contains("上年结转")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "granted",
        printed: "（一）予以公开",
        keys: &[Key::Contains("予以公开")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "partially_granted",
        printed: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        keys: &[Key::Contains("部分公开")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_state_secret",
        printed: "1.属于国家秘密",
        keys: &[Key::Contains("国家秘密")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_prohibited_by_law",
        printed: "2.其他法律行政法规禁止公开",
        keys: &[
            Key::Contains("其他法律行政法规禁止公开"),
            Key::Contains("法律行政法规禁止"),
            Key::Contains("其他法律行政"),
        ],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_three_safeties",
        printed: "3.危及“三安全一稳定”",
        keys: &[Key::Contains("三安全一稳定")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_third_party",
        printed: "4.保护第三方合法权益",
        keys: &[Key::Contains("第三方合法权益")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_internal_affairs",
        printed: "5.属于三类内部事务信息",
        keys: &[Key::Contains("三类内部事务"), Key::Contains("内部事务信息")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_process_info",
        printed: "6.属于四类过程性信息",
        keys: &[Key::Contains("四类过程性"), Key::Contains("过程性信息")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_enforcement_file",
        printed: "7.属于行政执法案卷",
        keys: &[Key::Contains("行政执法案卷")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "denied_query_matter",
        printed: "8.属于行政查询事项",
        keys: &[Key::Contains("行政查询事项")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "unable_not_held",
        printed: "1.本机关不掌握相关政府信息",
        keys: &[Key::Contains("本机关不掌握"), Key::Contains("不掌握相关")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "unable_needs_creation",
        printed: "2.没有现成信息需要另行制作",
        keys: &[Key::Contains("没有现成信息"), Key::Contains("另行制作")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "unable_unclear",
        printed: "3.补正后申请内容仍不明确",
        keys: &[Key::Contains("补正后申请内容"), Key::Contains("仍不明确")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "not_processed_petition",
        printed: "1.信访举报投诉类申请",
        keys: &[Key::Contains("信访举报投诉")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "not_processed_repeat",
        printed: "2.重复申请",
        keys: &[Key::Contains("重复申请")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "not_processed_publication",
        printed: "3.要求提供公开出版物",
        keys: &[Key::Contains("公开出版物")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "not_processed_excessive",
        printed: "4.无正当理由大量反复申请",
        keys: &[Key::Contains("大量反复"), Key::Contains("无正当理由大量")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "not_processed_confirm",
        printed: "5.要求行政机关确认或重新出具已获取信息",
        keys: &[
            Key::Contains("确认或重新出具"),
            Key::Contains("行政机关确认"),
            Key::Contains("重新出具已获取"),
        ],
        alternative: false,
    },
];

/// The last two rows of table 三 in both versions.
const APPLICATIONS_TAIL: &[ApplicationRow] = &[
    ApplicationRow {
        row_code: "total_handled",
        printed: "（七）总计",
        keys: &[Key::Contains("（七）总计")],
        alternative: false,
    },
    ApplicationRow {
        row_code: "carried_forward",
        printed: "四、结转下年度继续办理",
        keys: &[Key::Contains("结转下年度")],
        alternative: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_rows_know_the_merged_cells_they_are_printed_beside() {
        for version in [TemplateVersion::V2019, TemplateVersion::V2021] {
            let t = version.template();
            let marks: std::collections::HashMap<&str, MergedMarks> = t
                .applications
                .iter()
                .map(|r| r.row_code)
                .zip(t.application_marks())
                .collect();
            for (code, section) in [
                ("new_received", None),
                ("carried_over", None),
                ("granted", Some("三、")),
                ("denied_state_secret", Some("三、")),
                ("total_handled", Some("三、")),
                ("carried_forward", None),
            ] {
                assert_eq!(marks[code].section, section, "{version:?} {code}");
            }
            let groups: std::collections::HashMap<&str, Option<&str>> =
                marks.iter().map(|(&c, m)| (c, m.group)).collect();
            for (code, group) in [
                ("new_received", None),
                ("granted", None),
                ("partially_granted", None),
                ("denied_state_secret", Some("(三)")),
                ("denied_query_matter", Some("(三)")),
                ("unable_not_held", Some("(四)")),
                ("unable_unclear", Some("(四)")),
                ("not_processed_petition", Some("(五)")),
                ("not_processed_confirm", Some("(五)")),
                ("total_handled", None),
                ("carried_forward", None),
            ] {
                assert_eq!(groups[code], group, "{version:?} {code}");
            }
            let other = if version == TemplateVersion::V2021 {
                Some("(六)")
            } else {
                None
            };
            let first_other = if version == TemplateVersion::V2021 {
                "other_no_correction"
            } else {
                "other_handling"
            };
            assert_eq!(groups[first_other], other, "{version:?}");
        }
    }

    #[test]
    fn a_group_mark_before_a_row_number_is_split_off() {
        assert_eq!(
            split_group_mark("(三)4.保护第三方合法权"),
            Some(("(三)", "4.保护第三方合法权"))
        );
        assert_eq!(split_group_mark("(三)不予公开"), None);
        assert_eq!(split_group_mark("(二)部分公开"), None);
        assert_eq!(split_group_mark("4.保护第三方合法权益"), None);
        assert_eq!(split_group_mark("(a)1.x"), None);
        assert_eq!(
            split_group_mark("不予5.属于三类内部事"),
            Some(("不予", "5.属于三类内部事"))
        );
        assert_eq!(split_group_mark("行政法规5.x"), None);
        assert_eq!(
            split_group_mark("、(二)部分公开(区分处理的,"),
            Some(("、", "(二)部分公开(区分处理的,"))
        );
        assert_eq!(split_group_mark("不予公开(三)"), None);
        assert_eq!(
            split_group_mark("(六1.申请人无正当理由"),
            Some(("(六", "1.申请人无正当理由"))
        );
        assert_eq!(split_group_mark("不予5x"), None);
        assert_eq!(split_group_mark("1.属于国家秘密"), None);
    }

    #[test]
    fn every_signal_names_its_version_and_overlapping_signals_are_all_seen() {
        for s in SIGNALS_2019 {
            let text = format!("信息内容{}行政许可", normalize(s));
            assert_eq!(version_signals(&text), (true, false), "{s}");
        }
        for s in SIGNALS_2021 {
            let text = format!("信息内容{}行政许可", normalize(s));
            assert_eq!(version_signals(&text), (false, true), "{s}");
        }
        assert_eq!(version_signals("规章行政规范性文件"), (false, false));
        // `采购项目数量` (2019) inside a longer 2019 label, then a 2021 one.
        assert_eq!(
            version_signals("政府集中采购项目数量本年制发件数"),
            (true, true)
        );
        // Signals that overlap: `本年新制作数量` shares `本年` with `本年制发件数`.
        assert_eq!(
            version_signals("本年制发件数量本年新制作数量"),
            (true, true)
        );
    }

    #[test]
    fn cell_counts_match_template_md() {
        assert_eq!(TemplateVersion::V2019.template().cells_expected(), 198);
        assert_eq!(TemplateVersion::V2021.template().cells_expected(), 200);
        assert_eq!(TemplateVersion::V2019.template().applications.len(), 23);
        assert_eq!(
            TemplateVersion::V2021
                .template()
                .applications
                .iter()
                .filter(|r| !r.alternative)
                .count(),
            25
        );
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(strip_numbering("(一)予以公开"), "予以公开");
        assert_eq!(strip_numbering("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(
            strip_numbering("四、结转下年度继续办理"),
            "结转下年度继续办理"
        );
        assert_eq!(strip_numbering("规章"), "规章");
    }

    fn t3(version: TemplateVersion, label: &str) -> Option<&'static str> {
        let rows = &version.template().applications;
        let n = normalize(label);
        let slow = best_match(&n, rows.iter().map(|r| (r, r.keys)));
        assert_eq!(
            version.template().application_labels.best(&n),
            slow,
            "automaton and plain scoring agree on {label}"
        );
        slow.map(|(i, _)| rows[i].row_code)
    }

    /// The automaton agrees with plain scoring on every key text and every
    /// pair of them run together (a label that names two rows).
    #[test]
    fn label_matcher_agrees_with_plain_scoring_on_all_key_combinations() {
        for version in [TemplateVersion::V2019, TemplateVersion::V2021] {
            let t = version.template();
            let tables: [(Vec<&[Key]>, &LabelMatcher); 2] = [
                (
                    t.applications.iter().map(|r| r.keys).collect(),
                    &t.application_labels,
                ),
                (
                    t.proactive.iter().map(|r| r.keys).collect(),
                    &t.proactive_labels,
                ),
            ];
            for (rows, matcher) in tables {
                let texts: Vec<&str> = rows
                    .iter()
                    .flat_map(|k| k.iter().map(|k| k.text()))
                    .collect();
                for a in &texts {
                    for b in std::iter::once(&"").chain(&texts) {
                        let label = format!("{a}{b}");
                        let plain = best_match(&label, rows.iter().map(|k| (k, *k)));
                        assert_eq!(matcher.best(&label), plain, "{label}");
                        assert_eq!(matcher.best(&label), plain, "{label}, cached");
                    }
                }
            }
        }
    }

    /// The per-thread cache stays within its bound however many distinct
    /// labels come by, and answers as the automaton does after starting afresh.
    #[test]
    fn label_cache_is_bounded_and_answers_as_the_automaton() {
        let matcher = &TemplateVersion::V2021.template().application_labels;
        let labels: Vec<String> = (0..CACHED_LABELS + 100)
            .map(|i| format!("{i}予以公开"))
            .collect();
        for label in labels.iter().chain(&labels) {
            assert_eq!(matcher.best(label), matcher.search(label), "{label}");
            let cached = BEST_CACHE.with_borrow(|c| c[matcher.slot].len());
            assert!(
                (1..=CACHED_LABELS).contains(&cached),
                "{cached} labels cached"
            );
        }
    }

    #[test]
    fn table_three_labels_seen_in_real_reports() {
        use TemplateVersion::V2021;
        let cases = [
            ("一、本年新收政府信息公开申请数量", Some("new_received")),
            ("三、本年度办理结果 (一) 予以公开", Some("granted")),
            (
                "（二）部分公开（区分处理的，只计这一情 形，不",
                Some("partially_granted"),
            ),
            ("2.其他法律行政止公开", Some("denied_prohibited_by_law")),
            ("3.危及“三安全一稳定”", Some("denied_three_safeties")),
            (
                "（四）无法提供   1.本机关不掌握相关政府信息",
                Some("unable_not_held"),
            ),
            (
                "法提供 2.没有现成信息需要另行制作",
                Some("unable_needs_creation"),
            ),
            ("4.无正当理由大量反复 申请", Some("not_processed_excessive")),
            ("5.要求行政机关确认或重新出", Some("not_processed_confirm")),
            (
                "(六) 其他处理 1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                Some("other_no_correction"),
            ),
            ("1、申请人无正当理由逾期不补", Some("other_no_correction")),
            ("2、申请人逾期未按收费通知要", Some("other_no_fee")),
            ("3、其他", Some("other_other")),
            ("（六）其他处理", Some("other_handling")),
            ("（七）总计", Some("total_handled")),
            ("四、结转下年度继续办理", Some("carried_forward")),
            ("（三）不予公开", None),
            ("三 、本 年 度办 理 结果", None),
            ("总计", None),
            ("正、行政机关不再处理其政府信", None),
        ];
        for (label, want) in cases {
            assert_eq!(t3(V2021, label), want, "{label}");
        }
    }
}
