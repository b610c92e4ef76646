//! Places: which province, city and county a report comes from, and the
//! GB/T 2260 code of the most specific of them, looked up in a bundled
//! table of the divisions (`data/divisions/gbt2260.csv`, see the README
//! there for its source and licence).
//!
//! It owns the lookup and the cleaning of names (a markdown `#`, a
//! crawler's `标题:` never reaches one); where the names come from (the
//! header of a report) is [`crate::extract::header`]'s.
//!
//! Evidence is weighed by where it is: a name in the organization counts
//! most, then the title, then the first and last lines of the body (where
//! web pages put their site name and signature). Each name found votes for
//! every division it can mean (朝阳区 is in Beijing and in Changchun); the
//! division most of the evidence agrees with wins, and when two divisions
//! tie only what they share is kept (two 铁西区 of Liaoning: the province;
//! one of Liaoning and one of Jilin: nothing).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::report::Metadata;

/// The table: `code,name`, one division a line (province, prefecture and
/// county level).
pub const DIVISIONS_CSV: &str = include_str!("../data/divisions/gbt2260.csv");

/// The places found for a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// Province-level division, full name (`安徽省`, `北京市`).
    pub province: Option<&'static str>,
    /// Prefecture-level division (`阜阳市`); none for the municipalities'
    /// districts and the counties a province governs directly.
    pub city: Option<&'static str>,
    /// County-level division (`颍上县`, `朝阳区`, `邵东市`).
    pub county: Option<&'static str>,
    /// GB/T 2260 code of the most specific division found (6 digits).
    pub admin_code: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Division {
    code: u32,
    name: &'static str,
}

impl Division {
    fn level(self) -> u8 {
        if self.code % 10_000 == 0 {
            1
        } else if self.code % 100 == 0 {
            2
        } else {
            3
        }
    }
}

/// `ancestor` is `code` or one of the divisions above it.
fn contains(ancestor: u32, code: u32) -> bool {
    if ancestor % 10_000 == 0 {
        ancestor / 10_000 == code / 10_000
    } else if ancestor % 100 == 0 {
        ancestor / 100 == code / 100
    } else {
        ancestor == code
    }
}

/// The most specific division above or equal to both, as a code (0: none).
fn common(a: u32, b: u32) -> u32 {
    if a == b {
        a
    } else if a / 100 == b / 100 {
        a / 100 * 100
    } else if a / 10_000 == b / 10_000 {
        a / 10_000 * 10_000
    } else {
        0
    }
}

/// County names that are also ordinary words (`城区`, `郊区`, `矿区` …):
/// never looked for, nor their short forms (`城关镇` is not 城关区).
const GENERIC: &[&str] = &[
    "城区",
    "郊区",
    "矿区",
    "东区",
    "西区",
    "城中区",
    "城关区",
    "市中区",
    "新城区",
];

/// Suffixes whose removal gives a name's short form (`安徽省` → `安徽`).
/// Autonomous regions, prefectures and counties keep their full name only:
/// their short forms (`延边`) are not derivable by a rule.
const SHORT_SUFFIXES: &[&str] = &[
    "特别行政区",
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "自治区",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
];

/// The 56 nationalities as autonomous divisions name them (`土家` in
/// `土家族`, `哈萨克` with or without `族`), and `各` (`龙胜各族自治县`);
/// longer names first where one begins another.
const NATIONALITIES: &[&str] = &[
    "柯尔克孜",
    "乌孜别克",
    "维吾尔",
    "哈萨克",
    "达斡尔",
    "塔吉克",
    "俄罗斯",
    "鄂温克",
    "塔塔尔",
    "鄂伦春",
    "蒙古",
    "布依",
    "朝鲜",
    "土家",
    "哈尼",
    "傈僳",
    "高山",
    "拉祜",
    "东乡",
    "纳西",
    "景颇",
    "仫佬",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "德昂",
    "保安",
    "裕固",
    "独龙",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "回",
    "藏",
    "苗",
    "彝",
    "壮",
    "满",
    "侗",
    "瑶",
    "白",
    "傣",
    "黎",
    "佤",
    "畲",
    "水",
    "土",
    "羌",
    "怒",
    "京",
    "各",
];

/// The names an autonomous county, prefecture or banner is usually called
/// by, which the table does not give: the place name without the
/// nationalities (`大理白族自治州` → `大理州`, `长阳土家族自治县` →
/// `长阳县`, `莫力达瓦达斡尔族自治旗` → `莫力达瓦旗`), and a banner's or
/// county's `左翼`/`右翼` shortened with the first character of the place
/// (`科尔沁左翼中旗` → `科左中旗`, `喀喇沁左翼蒙古族自治县` → `喀左县`).
fn usual_names(name: &str) -> Vec<String> {
    // `head` made of nationalities only (`土家族苗族`, `哈萨克`), at least one.
    let only_nationalities = |mut head: &str| {
        let mut any = false;
        while !head.is_empty() {
            let Some(n) = NATIONALITIES.iter().find(|n| head.starts_with(*n)) else {
                return false;
            };
            head = &head[n.len()..];
            head = head.strip_prefix('族').unwrap_or(head);
            any = true;
        }
        any
    };
    // `大理白族自治州` → (`大理`, `州`): the place is the shortest head of two
    // characters or more followed by nationalities only (`长白朝鲜族`: 长白,
    // not 长 + 白族).
    let autonomous = |name: &str| -> Option<(usize, &'static str)> {
        let (head, unit) = [("自治县", "县"), ("自治州", "州"), ("自治旗", "旗")]
            .into_iter()
            .find_map(|(suffix, unit)| name.strip_suffix(suffix).map(|h| (h, unit)))?;
        let at = head
            .char_indices()
            .skip(2)
            .map(|(at, _)| at)
            .find(|&at| only_nationalities(&head[at..]))?;
        Some((at, unit))
    };
    let mut out = Vec::new();
    if let Some((at, unit)) = autonomous(name) {
        out.push(format!("{}{unit}", &name[..at]));
    }
    for (wing, side) in [("左翼", "左"), ("右翼", "右")] {
        if let Some((place, rest)) = name.split_once(wing) {
            let first: String = place.chars().take(1).collect();
            // `蒙古族自治县` after the wing is just `县`.
            let rest = [("自治县", "县"), ("自治州", "州"), ("自治旗", "旗")]
                .into_iter()
                .find_map(|(suffix, unit)| {
                    rest.strip_suffix(suffix)
                        .filter(|h| only_nationalities(h))
                        .map(|_| unit)
                })
                .unwrap_or(rest);
            out.push(format!("{first}{side}{rest}"));
        }
    }
    out
}

struct Table {
    divisions: Vec<Division>,
    by_code: HashMap<u32, usize>,
    /// Pattern i of the matcher: the divisions it can name and whether
    /// it is a short form.
    patterns: Vec<(Vec<usize>, bool)>,
    matcher: Matcher,
    full_names: FullNames,
}

/// Finds the full names of divisions (no short forms: only they count in a
/// report's body), leftmost-longest among full names, from the characters
/// every full name ends with (省 市 区 县 旗 盟 州): those are found with a
/// vectorised search, and at each the names ending there are looked up —
/// a few dozen places per report instead of every character.
struct FullNames {
    /// The last characters of the names (a SIMD search of a few short
    /// patterns).
    ends: aho_corasick::packed::Searcher,
    /// (character before the last, last character) → (shortest, longest)
    /// name ending in them, in characters.
    tails: HashMap<u64, (u8, u8), foldhash::fast::FixedState>,
    /// A full name → its pattern in [`Table::patterns`].
    names: HashMap<&'static str, u32, foldhash::fast::FixedState>,
}

impl FullNames {
    fn new(names: &[(&'static str, u32)]) -> FullNames {
        let mut ends: Vec<char> = Vec::new();
        let mut tails: HashMap<u64, (u8, u8), foldhash::fast::FixedState> = HashMap::default();
        let mut map = HashMap::default();
        for &(name, pattern) in names {
            let mut rev = name.chars().rev();
            let (Some(last), Some(before)) = (rev.next(), rev.next()) else {
                continue;
            };
            if !ends.contains(&last) {
                ends.push(last);
            }
            let len = u8::try_from(name.chars().count()).expect("names are short");
            let range = tails.entry(pair_key(before, last)).or_insert((len, len));
            range.0 = range.0.min(len);
            range.1 = range.1.max(len);
            map.insert(name, pattern);
        }
        let ends = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(ends.iter().map(|c| c.to_string()))
            .build()
            .expect("a few characters build a packed searcher");
        FullNames {
            ends,
            tails,
            names: map,
        }
    }

    /// The full names in `text`, leftmost-longest among them, not
    /// overlapping, into `out` (cleared first).
    fn find_all(&self, text: &str, out: &mut Vec<Found>) {
        out.clear();
        let bytes = text.as_bytes();
        // Every occurrence, by end: at most one per (start, end).
        for m in self.ends.find_iter(text) {
            let end = m.end();
            let Some(last) = text[m.start()..].chars().next() else {
                continue;
            };
            let Some(before) = text[..m.start()].chars().next_back() else {
                continue;
            };
            let Some(&(shortest, longest)) = self.tails.get(&pair_key(before, last)) else {
                continue;
            };
            // Names are of three-byte characters (tested with the table).
            for len in (usize::from(shortest)..=usize::from(longest)).rev() {
                let Some(start) = end.checked_sub(3 * len) else {
                    continue;
                };
                if !text.is_char_boundary(start) || !(0xE0..=0xEF).contains(&bytes[start]) {
                    continue;
                }
                if let Some(&pattern) = self.names.get(&text[start..end]) {
                    out.push(Found {
                        start,
                        end,
                        pattern,
                    });
                }
            }
        }
        // Leftmost first, longest first at the same start; then the ones
        // an earlier match overlaps are dropped.
        out.sort_unstable_by_key(|f| (f.start, usize::MAX - f.end));
        let mut kept = 0;
        let mut covered = 0;
        for k in 0..out.len() {
            let f = out[k];
            if f.start >= covered {
                out[kept] = f;
                kept += 1;
                covered = f.end;
            }
        }
        out.truncate(kept);
    }
}

/// Finds division names in text, leftmost-longest and without overlaps
/// (as an Aho–Corasick automaton with that match kind would, but with no
/// automaton: a DFA of ~6,000 CJK names cost ~70 MB and a tenth of a
/// report's instructions).
///
/// Every name has at least two characters, so a name can start only where
/// the text's first two characters are those of some name: a bitset over
/// the first character and one over a hash of the pair reject nearly every
/// position; the pair's names (longest first) are then compared in place.
struct Matcher {
    /// Bit `c`: some name begins with the BMP character `c`.
    first: Vec<u64>,
    /// Bit `pair_slot(a, b)`: some name may begin with `a` `b`.
    pairs_seen: Vec<u64>,
    /// The first two characters → the range of `names` beginning with them.
    pairs: HashMap<u64, (u32, u32), foldhash::fast::FixedState>,
    /// (name, pattern), grouped by first two characters, each group
    /// longest first (equal lengths in pattern order).
    names: Vec<(&'static str, u32)>,
}

const PAIR_BITS: usize = 1 << 16;

fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

fn pair_slot(a: char, b: char) -> usize {
    ((u32::from(a).wrapping_mul(0x9E37_79B1) ^ u32::from(b)) as usize) & (PAIR_BITS - 1)
}

fn test_bit(bits: &[u64], i: usize) -> bool {
    bits[i >> 6] & (1 << (i & 63)) != 0
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i >> 6] |= 1 << (i & 63);
}

/// One name found: byte range in the text and its pattern.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    pattern: u32,
}

impl Matcher {
    fn new(names: &[&'static str]) -> Matcher {
        let mut first = vec![0u64; 0x1_0000 / 64];
        let mut pairs_seen = vec![0u64; PAIR_BITS / 64];
        let mut grouped: Vec<(u64, usize, u32, &'static str)> = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let mut chars = name.chars();
            let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
                continue;
            };
            // Names are found only where their first two characters are
            // three-byte ones (every name of the table: tested).
            if a.len_utf8() != 3 || b.len_utf8() != 3 {
                continue;
            }
            set_bit(&mut first, u32::from(a) as usize);
            set_bit(&mut pairs_seen, pair_slot(a, b));
            let i = u32::try_from(i).expect("fewer than 2^32 names");
            grouped.push((pair_key(a, b), usize::MAX - name.len(), i, name));
        }
        grouped.sort_unstable();
        let mut pairs = HashMap::default();
        let mut start = 0;
        while start < grouped.len() {
            let key = grouped[start].0;
            let end = start + grouped[start..].iter().take_while(|g| g.0 == key).count();
            pairs.insert(key, (start as u32, end as u32));
            start = end;
        }
        Matcher {
            first,
            pairs_seen,
            pairs,
            names: grouped.into_iter().map(|(_, _, i, n)| (n, i)).collect(),
        }
    }

    /// The names in `text`, leftmost-longest, not overlapping, into `out`
    /// (cleared first).
    fn find_all(&self, text: &str, out: &mut Vec<Found>) {
        out.clear();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Markup and ASCII eight bytes at a time.
            while let Some(word) = bytes.get(i..i + 8) {
                if u64::from_le_bytes(word.try_into().expect("8 bytes")) & 0x8080_8080_8080_8080
                    != 0
                {
                    break;
                }
                i += 8;
            }
            // Every name is of CJK characters, three bytes each.
            let Some(a) = cjk_at(bytes, i) else {
                i += 1;
                continue;
            };
            if !test_bit(&self.first, a as usize) {
                i += 3;
                continue;
            }
            let Some(c) = cjk_at(bytes, i + 3) else {
                i += 3;
                continue;
            };
            let (a, c) = (
                char::from_u32(a).unwrap_or_default(),
                char::from_u32(c).unwrap_or_default(),
            );
            if !test_bit(&self.pairs_seen, pair_slot(a, c)) {
                i += 3;
                continue;
            }
            let hit = self.pairs.get(&pair_key(a, c)).and_then(|&(from, to)| {
                self.names[from as usize..to as usize]
                    .iter()
                    .find(|(name, _)| bytes[i..].starts_with(name.as_bytes()))
            });
            if let Some(&(name, pattern)) = hit {
                out.push(Found {
                    start: i,
                    end: i + name.len(),
                    pattern,
                });
                i += name.len();
            } else {
                i += 3;
            }
        }
    }
}

/// The code point of the three-byte character at `i` (valid UTF-8 assumed,
/// as `bytes` comes from a `str`), if one starts there.
fn cjk_at(bytes: &[u8], i: usize) -> Option<u32> {
    match bytes.get(i..i + 3)? {
        &[b0 @ 0xE0..=0xEF, b1, b2] => {
            Some((u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
        }
        _ => None,
    }
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let divisions: Vec<Division> = DIVISIONS_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (code, name) = line.split_once(',')?;
            Some(Division {
                code: code.parse().ok()?,
                name: name.trim(),
            })
        })
        .collect();
    let by_code = divisions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code, i))
        .collect();
    let mut index: HashMap<(&'static str, bool), Vec<usize>> = HashMap::new();
    for (i, d) in divisions.iter().enumerate() {
        if GENERIC.contains(&d.name) {
            continue;
        }
        index.entry((d.name, false)).or_default().push(i);
        for usual in usual_names(d.name) {
            let usual: &'static str = Box::leak(usual.into_boxed_str());
            index.entry((usual, false)).or_default().push(i);
        }
        let autonomous = d.name.contains("自治") && d.level() > 1;
        if let Some(short) = SHORT_SUFFIXES
            .iter()
            .find_map(|s| d.name.strip_suffix(s))
            .filter(|s| s.chars().count() >= 2 && !autonomous)
        {
            index.entry((short, true)).or_default().push(i);
        }
    }
    let mut entries: Vec<_> = index.into_iter().collect();
    entries.sort_unstable();
    let names: Vec<&'static str> = entries.iter().map(|((name, _), _)| *name).collect();
    let matcher = Matcher::new(&names);
    let full: Vec<(&'static str, u32)> = entries
        .iter()
        .enumerate()
        .filter(|(_, ((_, short), _))| !short)
        .map(|(i, ((name, _), _))| (*name, u32::try_from(i).expect("fewer than 2^32 names")))
        .collect();
    let full_names = FullNames::new(&full);
    let patterns = entries
        .into_iter()
        .map(|((_, short), ids)| (ids, short))
        .collect();
    Table {
        divisions,
        by_code,
        patterns,
        matcher,
        full_names,
    }
});

/// One name found: the divisions it can mean (a pattern of the matcher)
/// and how much it counts.
struct Vote {
    pattern: u32,
    weight: u32,
    from_body: bool,
}

impl Vote {
    fn codes(&self) -> impl Iterator<Item = u32> + '_ {
        let table = &*TABLE;
        table.patterns[self.pattern as usize]
            .0
            .iter()
            .map(|&i| table.divisions[i].code)
    }
}

/// Prefixes a crawler or a markdown converter puts before a name.
const LABELS: &[&str] = &[
    "标题",
    "题目",
    "发布机构",
    "发文机关",
    "发布单位",
    "信息来源",
    "来源",
    "主办单位",
    "title",
];

/// A name as the report should give it: markdown heading marks, list and
/// quote marks and a crawler's `标题:` / `发布机构:` label taken off, blanks
/// trimmed.
#[must_use]
pub fn clean_name(name: &str) -> String {
    clean_str(name).to_owned()
}

/// [`clean_name`] without a copy: the cleaned name is a slice of `name`.
#[must_use]
pub fn clean_str(name: &str) -> &str {
    let mut s = name.trim();
    loop {
        let before = s;
        s = s
            .trim_start_matches(['#', '*', '>', '=', '|', '\u{3000}', ' ', '\t', '-'])
            .trim_start();
        for label in LABELS {
            if let Some(rest) = s.strip_prefix(label) {
                let rest = rest.trim_start();
                if let Some(rest) = rest.strip_prefix([':', '：']) {
                    s = rest.trim_start();
                }
            }
        }
        if s == before {
            break;
        }
    }
    s.trim_end_matches(['#', '*', '|', ' ', '\u{3000}']).trim()
}

/// The names of divisions in `text`, each a vote of `weight`; `found` is
/// scratch space.
fn votes(text: &str, weight: u32, from_body: bool, found: &mut Vec<Found>, out: &mut Vec<Vote>) {
    let table = &*TABLE;
    if from_body {
        table.full_names.find_all(text, found);
    } else {
        table.matcher.find_all(text, found);
    }
    for (k, m) in found.iter().enumerate() {
        let (ids, short) = &table.patterns[m.pattern as usize];
        let name_len = m.end - m.start;
        if from_body && *short {
            continue;
        }
        if from_body && text[m.start..m.end].chars().count() <= 2 {
            // `和县` inside `市和县两级` is no place; `澧县金埠镇人民政府` in a
            // signature is: a two-character name counts in the body only
            // before a government or a township's name.
            let next = &text[m.end..];
            let next6 = &next[..next.char_indices().nth(6).map_or(next.len(), |(at, _)| at)];
            let governs = ["人民政府", "政府", "街道"]
                .iter()
                .any(|g| next6.starts_with(g))
                || next6.chars().skip(1).any(|c| c == '镇' || c == '乡');
            let starts_a_name = text[..m.start]
                .chars()
                .next_back()
                .is_none_or(|c| !('\u{4e00}'..='\u{9fff}').contains(&c));
            if !(governs && starts_a_name) {
                continue;
            }
        }
        if *short {
            // A short form counts at the start of a name (`平潭综合实验区`,
            // `安徽文旅厅`) when it means one division and does not begin a
            // township or street name (`解放街道`), or right before a
            // division it contains (`阜阳颍上县`).
            let next = &text[m.end..];
            let child_follows = found.get(k + 1).is_some_and(|n| {
                n.start == m.end
                    && table.patterns[n.pattern as usize].0.iter().any(|&c| {
                        ids.iter().any(|&p| {
                            contains(table.divisions[p].code, table.divisions[c].code) && p != c
                        })
                    })
            });
            let at_start = m.start == 0
                && ids.len() == 1
                && !["镇", "乡", "街", "村", "社区", "路", "大道", "小区"]
                    .iter()
                    .any(|w| next.starts_with(w));
            if !(at_start || child_follows) || name_len < 6 {
                continue;
            }
        }
        out.push(Vote {
            pattern: m.pattern,
            weight,
            from_body,
        });
    }
}

/// The division the votes agree on most (0: none).
///
/// Names in the organization or the title decide: the division that most
/// of their weight agrees with, the body's names breaking ties (which 朝阳区)
/// but never adding depth (a city's report that mentions one of its
/// counties stays the city's). Without such names (a township's or a
/// department's report: `七山镇人民政府`, `县统计局`), the body's names decide
/// (`地址：淄川区建设路285号`, `在秦安县人民政府门户网站上公开`), names of two
/// characters and short forms left out there (`和县` inside `市和县两级`).
fn decide(votes: &[Vote]) -> u32 {
    let named = votes.iter().any(|v| !v.from_body);
    let primary = || votes.iter().filter(|v| v.from_body != named);
    let candidates = candidates(primary());
    let table = &*TABLE;
    let level = |c: u32| {
        table
            .by_code
            .get(&c)
            .map_or(0, |&i| table.divisions[i].level())
    };
    // Best by primary score, then body score, then depth.
    let key = |c: u32| {
        (
            support(primary(), c),
            support(votes.iter().filter(|v| v.from_body), c),
            level(c),
        )
    };
    let Some(top) = candidates.iter().map(|&c| key(c)).max() else {
        return 0;
    };
    candidates
        .iter()
        .filter(|&&c| key(c) == top)
        .copied()
        .reduce(common)
        .unwrap_or(0)
}

/// Every code `votes` name, each once.
fn candidates<'v>(votes: impl Iterator<Item = &'v Vote>) -> Vec<u32> {
    let mut codes: Vec<u32> = votes.flat_map(Vote::codes).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The weight of the `votes` for division `c`: those naming it or a
/// division that contains it.
fn support<'v>(votes: impl Iterator<Item = &'v Vote>, c: u32) -> u32 {
    votes
        .filter(|v| v.codes().any(|a| contains(a, c)))
        .map(|v| v.weight)
        .sum()
}

/// What [`decide`] returns for `named` (the organization's and the title's
/// votes) whatever the body says, when one division has the best score from
/// the names alone: the body's votes only break ties between the names'
/// candidates, so its search is skipped (most reports name their place).
fn decided_by_names(named: &[Vote]) -> Option<u32> {
    let mut best = (0, None);
    for c in candidates(named.iter()) {
        let score = support(named.iter(), c);
        if score > best.0 {
            best = (score, Some(c));
        } else if score == best.0 {
            best.1 = None; // a tie: the body may break it
        }
    }
    best.1
}

fn name_of(code: u32) -> Option<&'static str> {
    let table = &*TABLE;
    table.by_code.get(&code).map(|&i| table.divisions[i].name)
}

/// Lines of the body looked at: the first and last ones, where a page's
/// header, site name and signature are.
const BODY_HEAD_BYTES: usize = 4000;
const BODY_TAIL_BYTES: usize = 2000;

fn clip_at_char(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at.min(text.len())
}

/// Finds the province, city and county of a report from its organization,
/// title and body.
#[must_use]
pub fn locate(organization: Option<&str>, title: Option<&str>, body: &str) -> Place {
    let mut all = Vec::new();
    let mut found = Vec::new();
    if let Some(org) = organization {
        votes(clean_str(org), 100, false, &mut found, &mut all);
    }
    if let Some(title) = title {
        votes(clean_str(title), 10, false, &mut found, &mut all);
    }
    let code = if let Some(code) = decided_by_names(&all) {
        code
    } else {
        let head_end = clip_at_char(body, BODY_HEAD_BYTES);
        votes(&body[..head_end], 1, true, &mut found, &mut all);
        if body.len() > head_end {
            let tail_start = clip_at_char(
                body,
                body.len().saturating_sub(BODY_TAIL_BYTES).max(head_end),
            );
            votes(&body[tail_start..], 1, true, &mut found, &mut all);
        }
        decide(&all)
    };
    if code == 0 {
        return Place::default();
    }
    let province = name_of(code / 10_000 * 10_000);
    let city = (code % 10_000 != 0)
        .then(|| name_of(code / 100 * 100))
        .flatten();
    let county = (code % 100 != 0).then(|| name_of(code)).flatten();
    Place {
        province,
        city,
        county,
        admin_code: Some(format!("{code:06}")),
    }
}

/// Cleans the names of `meta` (organization, title, city, county,
/// township) and fills its places from
/// the division table: province only from the table (NULL when no division
/// is found), city and county from the table where it finds them, else the
/// cleaned names the header read.
pub fn fill(meta: &mut Metadata, body: &str) {
    for name in [
        &mut meta.organization,
        &mut meta.title,
        &mut meta.city,
        &mut meta.county,
        &mut meta.township,
    ] {
        if let Some(n) = name.as_deref() {
            let cleaned = clean_str(n);
            if cleaned.is_empty() {
                *name = None;
            } else if cleaned.len() != n.len() {
                *name = Some(cleaned.to_owned());
            }
        }
    }
    let place = locate(meta.organization.as_deref(), meta.title.as_deref(), body);
    meta.province = place.province.map(ToOwned::to_owned);
    if place.city.is_some() || place.county.is_some() {
        meta.city = place.city.map(ToOwned::to_owned);
    }
    // The county as the report writes it when the table knows it by an
    // older name (`凤翔区`, 凤翔县 until 2021): same first two characters.
    if let Some(county) = place.county {
        let renamed = meta
            .county
            .as_deref()
            .is_some_and(|c| c != county && c.chars().take(2).eq(county.chars().take(2)));
        if !renamed {
            meta.county = Some(county.to_owned());
        }
    }
    meta.admin_code = place.admin_code;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(
        org: &str,
        title: &str,
        body: &str,
    ) -> (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<String>,
    ) {
        let p = locate(Some(org), Some(title), body);
        (p.province, p.city, p.county, p.admin_code)
    }

    #[test]
    fn the_table_is_complete_at_province_level_and_codes_are_unique() {
        let t = &*TABLE;
        assert_eq!(t.divisions.iter().filter(|d| d.level() == 1).count(), 34);
        assert!(t.divisions.len() > 3000);
        assert_eq!(t.by_code.len(), t.divisions.len());
        assert!(
            t.divisions
                .iter()
                .all(|d| d.name.chars().all(|c| c.len_utf8() == 3)),
            "the matcher looks for names of three-byte characters only"
        );
    }

    #[test]
    fn places_from_organization_title_and_body() {
        let s = Some;
        let cases: &[(
            &str,
            &str,
            &str,
            (Option<&str>, Option<&str>, Option<&str>, Option<&str>),
        )] = &[
            // County and city in the organization.
            (
                "阜阳市颍上县人民政府",
                "",
                "",
                (s("安徽省"), s("阜阳市"), s("颍上县"), s("341226")),
            ),
            // A county alone: its city and province follow.
            (
                "颍上县人民政府",
                "",
                "",
                (s("安徽省"), s("阜阳市"), s("颍上县"), s("341226")),
            ),
            // A department of a province.
            (
                "安徽省文化和旅游厅",
                "",
                "",
                (s("安徽省"), None, None, s("340000")),
            ),
            // A municipality's district: no prefecture.
            (
                "北京市朝阳区人民政府",
                "",
                "",
                (s("北京市"), None, s("朝阳区"), s("110105")),
            ),
            // Names that decide by themselves: the body's names do not count.
            (
                "北京市朝阳区人民政府",
                "",
                "吉林省长春市朝阳区人民政府 长春市朝阳区人民政府 长春市朝阳区人民政府",
                (s("北京市"), None, s("朝阳区"), s("110105")),
            ),
            // 朝阳区 of Changchun, told apart by its city.
            (
                "长春市朝阳区人民政府",
                "",
                "",
                (s("吉林省"), s("长春市"), s("朝阳区"), s("220104")),
            ),
            // 朝阳区 alone: Beijing or Changchun, nothing is guessed.
            ("朝阳区人民政府", "", "", (None, None, None, None)),
            // ... unless the body names the city.
            (
                "朝阳区人民政府",
                "",
                "长春市朝阳区人民政府办公室 2021年",
                (s("吉林省"), s("长春市"), s("朝阳区"), s("220104")),
            ),
            // A county-level city under a prefecture, and one a province governs.
            (
                "襄阳市老河口市八阳镇人民政府",
                "",
                "",
                (s("湖北省"), s("襄阳市"), s("老河口市"), s("420682")),
            ),
            (
                "济源市人民政府",
                "",
                "",
                (s("河南省"), None, s("济源市"), s("419001")),
            ),
            // Autonomous units by their full names.
            (
                "阜新蒙古族自治县人民政府",
                "",
                "",
                (s("辽宁省"), s("阜新市"), s("阜新蒙古族自治县"), s("210921")),
            ),
            (
                "广西壮族自治区民政厅",
                "",
                "",
                (s("广西壮族自治区"), None, None, s("450000")),
            ),
            // A short form at the start of the name.
            (
                "平潭综合实验区管委会",
                "",
                "",
                (s("福建省"), s("福州市"), s("平潭县"), s("350128")),
            ),
            (
                "河南省发展和改革委员会",
                "",
                "",
                (s("河南省"), None, None, s("410000")),
            ),
            // The organization names nothing: the title does.
            (
                "县统计局",
                "颍上县统计局2021年政府信息公开工作年度报告",
                "",
                (s("安徽省"), s("阜阳市"), s("颍上县"), s("341226")),
            ),
            // Markdown and crawler prefixes never reach a name.
            (
                "# 河南省人民政府",
                "",
                "",
                (s("河南省"), None, None, s("410000")),
            ),
            (
                "标题: 平潭综合实验区2019年度政府信息公开工作年度报告",
                "",
                "",
                (s("福建省"), s("福州市"), s("平潭县"), s("350128")),
            ),
            // A township's report: its address or website in the body.
            (
                "兴营街道办事处",
                "",
                "请与兴营街道办事处办公室联系（地址：淄川区建设路285号）",
                (s("山东省"), s("淄博市"), s("淄川区"), s("370302")),
            ),
            // A city's report naming one of its counties stays the city's.
            (
                "阜阳市人民政府",
                "",
                "颍上县、临泉县",
                (s("安徽省"), s("阜阳市"), None, s("341200")),
            ),
            // The usual names of autonomous divisions.
            (
                "喀左县发展和改革局",
                "",
                "",
                (
                    s("辽宁省"),
                    s("朝阳市"),
                    s("喀喇沁左翼蒙古族自治县"),
                    s("211324"),
                ),
            ),
            (
                "大理州商务局",
                "",
                "",
                (s("云南省"), s("大理白族自治州"), None, s("532900")),
            ),
            (
                "科右前旗人民政府",
                "",
                "",
                (
                    s("内蒙古自治区"),
                    s("兴安盟"),
                    s("科尔沁右翼前旗"),
                    s("152221"),
                ),
            ),
            // ... in the body too (a township's signature).
            (
                "松集镇人民政府",
                "",
                "特此报告。\n喀左县松集镇人民政府\n2021年1月",
                (
                    s("辽宁省"),
                    s("朝阳市"),
                    s("喀喇沁左翼蒙古族自治县"),
                    s("211324"),
                ),
            ),
            // A township alone: no guess.
            (
                "七山镇人民政府",
                "",
                "我镇 2021 年",
                (None, None, None, None),
            ),
            // Street names that begin like a division's short form.
            ("解放街道办事处", "", "", (None, None, None, None)),
            // `和县` inside prose is not 和县 (安徽); in a signature it is.
            (
                "七山镇人民政府",
                "",
                "省、市和县两级 市和县乡镇 市和县政府",
                (None, None, None, None),
            ),
            (
                "金埠镇",
                "",
                "无。\n澧县金埠镇人民政府\n2022年1月6日",
                (s("湖南省"), s("常德市"), s("澧县"), s("430723")),
            ),
        ];
        for (org, title, body, want) in cases {
            let got = at(org, title, body);
            let want = (want.0, want.1, want.2, want.3.map(ToOwned::to_owned));
            assert_eq!(got, want, "{org} / {title} / {body}");
        }
    }

    /// The matcher finds what an Aho–Corasick automaton with leftmost-longest
    /// matches finds, on text made of names, their pieces, overlaps and
    /// other characters.
    #[test]
    fn the_matcher_is_leftmost_longest() {
        let t = &*TABLE;
        let mut names: Vec<&str> = vec![""; t.patterns.len()];
        for (name, i) in &t.matcher.names {
            names[*i as usize] = name;
        }
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&names)
            .unwrap();
        // The body's finder: full names only.
        let full: Vec<usize> = (0..names.len()).filter(|&i| !t.patterns[i].1).collect();
        let ac_full = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(full.iter().map(|&i| names[i]))
            .unwrap();
        // Deterministic pseudo-random text: names, halves of names, ASCII
        // and common characters, glued.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let fillers = [
            "市",
            "县",
            "人民政府",
            "和",
            "a1 ",
            "\n",
            "区",
            "省",
            "阳",
            "新",
            "·",
            "𠀀",
        ];
        let mut found = Vec::new();
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..40 {
                match next(4) {
                    0 => text.push_str(fillers[next(fillers.len())]),
                    1 => {
                        let n = names[next(names.len())];
                        let cut = n
                            .char_indices()
                            .nth(1 + next(2))
                            .map_or(n.len(), |(at, _)| at);
                        text.push_str(&n[..cut]);
                    }
                    _ => text.push_str(names[next(names.len())]),
                }
            }
            t.matcher.find_all(&text, &mut found);
            let ours: Vec<_> = found
                .iter()
                .map(|f| (f.start, f.end, f.pattern as usize))
                .collect();
            let theirs: Vec<_> = ac
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            assert_eq!(ours, theirs, "{text}");
            t.full_names.find_all(&text, &mut found);
            let ours: Vec<_> = found
                .iter()
                .map(|f| (f.start, f.end, f.pattern as usize))
                .collect();
            let theirs: Vec<_> = ac_full
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), full[m.pattern().as_usize()]))
                .collect();
            assert_eq!(ours, theirs, "full names in {text}");
        }
    }

    #[test]
    fn usual_names_of_autonomous_divisions() {
        for (name, usual) in [
            ("大理白族自治州", vec!["大理州"]),
            ("长阳土家族自治县", vec!["长阳县"]),
            ("长白朝鲜族自治县", vec!["长白县"]),
            ("融水苗族自治县", vec!["融水县"]),
            ("双江拉祜族佤族布朗族傣族自治县", vec!["双江县"]),
            ("莫力达瓦达斡尔族自治旗", vec!["莫力达瓦旗"]),
            ("巴里坤哈萨克自治县", vec!["巴里坤县"]),
            ("喀喇沁左翼蒙古族自治县", vec!["喀喇沁左翼县", "喀左县"]),
            ("科尔沁左翼中旗", vec!["科左中旗"]),
            ("察哈尔右翼后旗", vec!["察右后旗"]),
            // Nothing is left of the place: no usual name by rule.
            ("东乡族自治县", vec![]),
            ("鄂伦春自治旗", vec![]),
            ("颍上县", vec![]),
        ] {
            assert_eq!(usual_names(name), usual, "{name}");
        }
    }

    #[test]
    fn names_lose_markdown_and_crawler_prefixes() {
        for (raw, clean) in [
            ("#河南省", "河南省"),
            ("## 沭阳县人民政府", "沭阳县人民政府"),
            ("标题: 平潭综合实验区", "平潭综合实验区"),
            ("发布机构：颍上县人民政府", "颍上县人民政府"),
            ("**颍上县** ", "颍上县"),
            ("颍上县人民政府", "颍上县人民政府"),
        ] {
            assert_eq!(clean_name(raw), clean, "{raw}");
        }
    }

    #[test]
    fn fill_replaces_a_heading_mark_and_sets_the_code() {
        let mut meta = Metadata {
            organization: Some("#河南省郸城县人民政府".to_owned()),
            province: Some("#河南省".to_owned()),
            ..Metadata::default()
        };
        fill(&mut meta, "");
        assert_eq!(meta.organization.as_deref(), Some("河南省郸城县人民政府"));
        let mut township = Metadata {
            organization: Some("# 七山镇人民政府".to_owned()),
            township: Some("# 七山镇".to_owned()),
            ..Metadata::default()
        };
        fill(&mut township, "");
        assert_eq!(township.township.as_deref(), Some("七山镇"));
        assert_eq!(township.organization.as_deref(), Some("七山镇人民政府"));
        assert_eq!(meta.province.as_deref(), Some("河南省"));
        assert_eq!(meta.city.as_deref(), Some("周口市"));
        assert_eq!(meta.county.as_deref(), Some("郸城县"));
        assert_eq!(meta.admin_code.as_deref(), Some("411625"));
    }
}
