//! Metadata: title, organization, places, admin level, report year and
//! publication date, read from the title, the signature block and the page
//! header of a web page.

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::tables::RowNorms;
use crate::layout::{RawRow, RowKind};
use crate::normalize::normalize;
use crate::report::Metadata;

/// Suffixes that end the name of an issuing body.
const ORG_SUFFIXES: &[&str] = &[
    "人民政府",
    "政府",
    "办事处",
    "管委会",
    "管理委员会",
    "委员会",
    "办公室",
    "办公厅",
    "局",
    "厅",
    "委",
    "署",
    "中心",
    "院",
    "站",
    "所",
    "队",
    "馆",
    "会",
    "处",
    "室",
];

static YEAR_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d\d|19\d\d)年度?").expect("valid regex"));
static PERIOD_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d\d)年1月1日(?:起)?至(?:(20\d\d)年)?12月31日").expect("valid regex")
});
static PROSE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d\d)年度?(?:政府信息公开工作年度报告|政府信息公开年度报告|政府信息公开工作报告|政府信息公开情况的报告|政府信息公开工作情况的报告)")
        .expect("valid regex")
});
static BODY_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^20\d\d年[,，]?(\p{Han}{2,30}?(?:人民政府|办事处|管委会|委员会|办公室|局))(?:认真|坚持|深入|严格|按照|围绕|全面|积极|始终|紧紧)")
        .expect("valid regex")
});
/// The intro that publishes the report names its body
/// (`现公布三岔河镇人民政府2023年政府信息公开工作年度报告`, `现将归州镇人民政府
/// 2019年度政府信息公开工作报告如下`); `我局`, `本镇` name none.
static INTRO_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"现(?:将|公布|予以公布|向社会公布)(\p{Han}{2,30}?(?:人民政府|办事处|管委会|委员会|办公室|局|厅))20\d\d年度?政府信息公开")
        .expect("valid regex")
});
static CN_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(20\d\d)年(\d{1,2})月(\d{1,2})日$").expect("valid regex"));
static HEADER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:发布日期|发布时间|成文日期|日期|时间)[:]?(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})",
    )
    .expect("valid regex")
});
static SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"来源[:]([^\s:]{2,40}?)(?:责任编辑|作者|浏览|访问|字号|$)").expect("valid regex")
});

fn row_text(row: &RawRow<'_>) -> String {
    let mut s = String::new();
    for (i, c) in row.cells.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(c.text.trim());
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Suffixes of a people's government and of a 街道's office, which name
/// the same kind of body.
const GOVERNMENT_SUFFIXES: [&str; 4] = ["人民政府", "办事处", "管委会", "政府"];

/// The signature (or the page's 来源) names the title's body in full: the title's name (without
/// its government suffix) with the places above it (`红塘乡人民政府` signed
/// `罗田县红塘乡人民政府`; `泉集街道人民政府` signed `叙州区泉集街道办事处`),
/// the government suffix kept — not an office of it (`…人民政府办公室`).
fn fuller_name_of(signature: &str, title_org: &str) -> bool {
    let stem = |s: &str| {
        GOVERNMENT_SUFFIXES
            .iter()
            .find_map(|suf| s.strip_suffix(suf))
            .map(str::to_owned)
    };
    let (Some(title_stem), Some(sig_stem)) = (stem(title_org), stem(signature)) else {
        return false;
    };
    title_stem.chars().count() >= 2
        && ((sig_stem.len() > title_stem.len() && sig_stem.ends_with(title_stem.as_str()))
            // A 街道's body is its 办事处 (`石溪街道人民政府` signed `石溪街道办事处`).
            || (sig_stem == title_stem
                && title_stem.ends_with("街道")
                && signature.ends_with("办事处")
                && title_org.ends_with("人民政府")))
}

/// The title names the body by its places only (`峨山彝族自治县兴坊镇`) and
/// the signature by its name (`兴坊镇人民政府`): the signature's name, the
/// last of those places, is the body.
fn signed_name_of(signature: &str, title_org: &str) -> bool {
    GOVERNMENT_SUFFIXES
        .iter()
        .find_map(|suf| signature.strip_suffix(suf))
        .is_some_and(|stem| stem.chars().count() >= 2 && title_org.ends_with(stem))
}

fn ends_with_org_suffix(s: &str) -> bool {
    ORG_SUFFIXES.iter().any(|suf| s.ends_with(suf))
}

/// Reads the metadata from the first and last rows of a document.
#[must_use]
pub fn extract_metadata(rows: &[RawRow<'_>], norms: &RowNorms) -> Metadata {
    let mut meta = Metadata {
        admin_level: "unknown",
        ..Metadata::default()
    };
    let head = rows.len().min(40);
    // A crawler's header lines (`标题: …`), or a CMS's meta tags read as such.
    let crawler_title = (0..head).find_map(|i| {
        let n = &norms[i];
        n.strip_prefix("标题:")
            .filter(|t| t.contains("政府信息公开") || t.contains("年度报告") || t.contains("年报"))
            .map(|_| i)
    });
    let title_at = |i: usize| {
        let n = &norms[i];
        names_report(n) && n.chars().count() <= 80 && !is_field(n) && !is_breadcrumb(n)
    };
    // The title on one line; else wrapped over two or three (converters
    // wrap it anywhere: `2025 年上海市人民政府办公厅政府信息公开` / `工作年度报告`).
    let title_span = crawler_title.map(|i| (i, 1)).or_else(|| {
        (0..head).find_map(|i| {
            if title_at(i) {
                return Some((i, 1));
            }
            (2..=3)
                .filter(|&lines| i + lines <= head)
                .take_while(|&lines| !title_at(i + lines - 1))
                .find(|&lines| wrapped_title(rows, norms, i, lines))
                .map(|lines| (i, lines))
        })
    });
    let mut title_org = None;
    if let Some((i, lines)) = title_span {
        let joined = (i..i + lines)
            .map(|k| row_text(&rows[k]))
            .collect::<String>();
        let mut title = cut_title(strip_title_marks(&joined));
        let mut norm = normalize(&title);
        // A title whose first line the search above did not take: the line
        // before completes it ([`completes_title`]).
        if i > 0 && rows[i - 1].kind == RowKind::Single && completes_title(&norms[i - 1], &norm) {
            title = format!("{}{}", row_text(&rows[i - 1]), title);
            norm = normalize(&title);
        }
        if let Some(m) = YEAR_IN_TITLE.captures(&norm) {
            meta.report_year = m[1].parse().ok();
            let org = norm[..m.get(0).map_or(0, |g| g.start())].trim_start_matches(['《', '"']);
            let org = org.strip_suffix("关于").unwrap_or(org);
            if org.chars().count() >= 2 {
                title_org = Some(org.to_owned());
            } else if let Some(end) = norm.find("政府信息公开") {
                // `2020年保定市人民政府政府信息公开工作年度报告`: the body follows the year.
                let after = m.get(0).map_or(0, |g| g.end());
                let org = norm.get(after..end).unwrap_or("");
                if org.chars().count() >= 2 {
                    title_org = Some(org.to_owned());
                }
            }
        }
        meta.title = Some(title);
    }
    if meta.report_year.is_none() {
        // The statistics period, also when a converter wrapped it
        // (`统计期限为 2025` / `年 1 月 1 日至 12 月 31 日`).
        // Each line is read with the next one after it: a period on one
        // line is found all the same.
        meta.report_year = (0..norms.len().min(80)).find_map(|i| {
            let c = PERIOD_YEAR.captures(norms.joined(i..(i + 2).min(norms.len())))?;
            c.get(2)
                .is_none_or(|end| end.as_str() == &c[1])
                .then(|| c[1].parse().ok())
                .flatten()
        });
    }
    if meta.report_year.is_none() {
        // No title: the report names itself in its prose
        // (`现公布我局2022年政府信息公开工作年度报告`, `关于2022年度政府信息公开情况的报告`).
        meta.report_year = norms
            .iter()
            .take(80)
            .find_map(|n| PROSE_YEAR.captures(n).and_then(|c| c[1].parse().ok()));
    }

    // Signature block: a short line naming a body, near the end.
    let tail_start = rows.len().saturating_sub(12);
    let signature = (tail_start..rows.len()).rev().map(|i| &norms[i]).find(|n| {
        let len = n.chars().count();
        (4..=30).contains(&len)
            && ends_with_org_suffix(n)
            && !n.contains("。")
            && !n.contains(',')
            // A page footer's `主办单位:…` names the site, not the report's body.
            && !n.contains(':')
    });
    let source = norms
        .iter()
        .take(20)
        .find_map(|n| SOURCE.captures(n).map(|c| c[1].to_owned()));
    let candidates: Vec<&str> = signature.into_iter().chain(source.as_deref()).collect();
    meta.organization = match title_org {
        Some(org) if ends_with_org_suffix(&org) => Some(
            signature
                .into_iter()
                .chain(source.as_deref())
                .find(|named| fuller_name_of(named, &org))
                .map_or(org, str::to_owned),
        ),
        Some(org) => Some(
            signature
                .filter(|sig| signed_name_of(sig, &org))
                .or_else(|| {
                    candidates
                        .iter()
                        .copied()
                        .find(|c| c.contains(org.as_str()))
                })
                .map_or(org, str::to_owned),
        ),
        None => candidates.first().map(|c| (*c).to_owned()).or_else(|| {
            // No title and no signature: the body names itself where the
            // report starts (`2022年,二道区房屋征收工作管理办公室认真贯彻…`,
            // `…规定，现公布三岔河镇人民政府2023年政府信息公开工作年度报告`).
            norms.iter().take(20).find_map(|n| {
                BODY_ORG
                    .captures(n)
                    .or_else(|| INTRO_ORG.captures(n))
                    .map(|c| c[1].to_owned())
            })
        }),
    };
    if let Some(org) = meta.organization.clone() {
        fill_places(&org, &mut meta);
    }

    // Date: the signature date at the end, else the page header's 日期.
    meta.published_on = (tail_start..rows.len())
        .rev()
        .find_map(|i| {
            CN_DATE
                .captures(&norms[i])
                .and_then(|c| valid_date(&c[1], &c[2], &c[3]))
                .or_else(|| chinese_numeral_date(&norms[i]))
        })
        .or_else(|| {
            norms.iter().take(15).find_map(|n| {
                HEADER_DATE
                    .captures(n)
                    .and_then(|c| valid_date(&c[1], &c[2], &c[3]))
            })
        });
    meta
}

/// The line before a title completes it: the body or place before a title
/// that starts with its year (`淮安市人民政府` / `2024 年政府信息公开工作年度报告`,
/// `重庆市巫山县` / …: short, Chinese only), or the body and the year before a
/// title that holds no year (`…医疗保障局 2019 年` / `政府信息公开工作年度报告`,
/// `2022 年广州市人` / `民政府政府信息公开…`).
fn completes_title(prev: &str, title: &str) -> bool {
    match YEAR_IN_TITLE.find(title) {
        Some(year) => {
            let prev = prev.trim_start_matches('《');
            let cjk_only =
                !prev.is_empty() && prev.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let place_or_org = ends_with_org_suffix(prev)
                || ["省", "市", "县", "区", "旗", "镇", "乡", "街道", "州"]
                    .iter()
                    .any(|s| prev.ends_with(s));
            year.start() == 0 && prev.chars().count() <= 30 && cjk_only && place_or_org
        }
        None => {
            YEAR_IN_TITLE.is_match(prev)
                && prev.chars().count() <= 40
                && !prev.contains(['。', '，', ',', ':', '；'])
                && !is_field(prev)
        }
    }
}

/// A line that names a report: `…政府信息公开…年度报告` (or `年报`), not a
/// sentence of the report about itself (`本年度报告根据《…政府信息公开条例》`).
fn names_report(norm: &str) -> bool {
    norm.contains("政府信息公开")
        && (norm.contains("年度报告") || norm.contains("年报"))
        && !norm.starts_with('本')
        && !norm.contains("条例")
}

/// Lines `i..i + lines` are one title a converter wrapped: short single-cell
/// lines with no sentence punctuation that only together name the report,
/// the first holding the year or the body (not a heading like `正文`).
fn wrapped_title(rows: &[RawRow<'_>], norms: &RowNorms, i: usize, lines: usize) -> bool {
    let plain = |k: usize| {
        let n = &norms[i + k];
        let len = n.chars().count();
        (2..=40).contains(&len)
            && rows[i + k].kind == RowKind::Single
            && !n.contains(['。', '，', ',', '；', ':'])
            && !is_field(n)
            && !is_breadcrumb(n)
    };
    let last = &norms[i + lines - 1];
    (0..lines).all(plain)
        && norms[i].chars().count() > 4
        && (last.contains("报告") || last.contains("年报"))
        && names_report(norms.joined(i..i + lines))
        && !names_report(norms.joined(i..i + lines - 1))
}

/// A crawler header line or a page's metadata bar: `标题:`, `发布时间:`,
/// `发布机构:`, `来源:` … (normalised text).
pub(crate) fn is_field(norm: &str) -> bool {
    const FIELDS: [&str; 8] = [
        "标题:",
        "发布时间:",
        "发布机构:",
        "发布日期:",
        "来源:",
        "栏目:",
        "文号:",
        "原文链接:",
    ];
    FIELDS.iter().any(|f| norm.starts_with(f))
}

/// A web page's breadcrumb, `首页>政务公开>政府信息公开年报`, as a page
/// printed to PDF shows it above the title: a title never holds `>`.
fn is_breadcrumb(norm: &str) -> bool {
    norm.contains(['>', '›', '»'])
}

/// The title without a crawler's `标题:` field name or markdown's `#`.
fn strip_title_marks(title: &str) -> &str {
    let t = title.trim_start_matches(['#', ' ', '\u{3000}']);
    ["标题:", "标题："]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim()
}

fn cut_title(title: &str) -> String {
    // Web page titles carry the site name after the report title.
    match title.find("年度报告") {
        Some(pos) => {
            let end = pos + "年度报告".len();
            let rest = &title[end..];
            let suffix_len = rest
                .strip_prefix('（')
                .and_then(|r| r.find('）').map(|e| '（'.len_utf8() + e + '）'.len_utf8()))
                .or_else(|| {
                    rest.strip_prefix('(')
                        .and_then(|r| r.find(')').map(|e| 1 + e + 1))
                })
                .filter(|&l| l <= 24)
                .unwrap_or(0);
            title[..end + suffix_len]
                .trim_start_matches('《')
                .trim()
                .to_owned()
        }
        None => title.trim().to_owned(),
    }
}

/// `二〇二三年一月二十一日` (signature dates written in Chinese numerals).
fn chinese_numeral_date(s: &str) -> Option<(i32, u32, u32)> {
    fn digit(c: char) -> Option<u32> {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
            .or(if c == '零' || c == 'O' || c == '○' {
                Some(0)
            } else {
                None
            })
    }
    fn small(s: &str) -> Option<u32> {
        // 一 … 九, 十, 十一 … 十九, 二十 … 三十一
        let chars: Vec<char> = s.chars().collect();
        match chars.as_slice() {
            [d] if *d == '十' => Some(10),
            [d] => digit(*d).filter(|&v| v > 0),
            ['十', d] => digit(*d).map(|v| 10 + v),
            [t, '十'] => digit(*t).map(|v| v * 10),
            [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
            _ => None,
        }
    }
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    if y.chars().count() != 4 {
        return None;
    }
    let year = y
        .chars()
        .try_fold(0u32, |acc, c| digit(c).map(|v| acc * 10 + v))?;
    valid_date(
        &year.to_string(),
        &small(m)?.to_string(),
        &small(d)?.to_string(),
    )
}

fn valid_date(y: &str, m: &str, d: &str) -> Option<(i32, u32, u32)> {
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| (y, m, d))
}

const MUNICIPALITIES: &[&str] = &["北京市", "天津市", "上海市", "重庆市"];

/// Splits an organization name into the places it states and sets the level.
///
/// Positions are in chars; `word` slices the name at their byte offsets, so
/// trying every candidate end allocates nothing.
fn fill_places(org: &str, meta: &mut Metadata) {
    // bounds[i]: the byte offset of char i (bounds[len] = org.len()).
    let bounds: Vec<usize> = org
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(org.len()))
        .collect();
    let len = bounds.len() - 1;
    let word = |a: usize, b: usize| &org[bounds[a]..bounds[b]];
    let char_at = |i: usize| word(i.min(len), len).chars().next();
    let mut pos = 0;
    let take_until = |pos: usize, suffixes: &[&str], max: usize| -> Option<usize> {
        // Smallest end > pos+1 where the chars pos..end end with a suffix
        // (and is longer than it).
        (pos + 2..=(pos + max).min(len)).find(|&end| {
            let s = word(pos, end);
            suffixes
                .iter()
                .find(|suf| s.ends_with(*suf))
                .is_some_and(|suf| end - pos > suf.chars().count())
        })
    };
    if let Some(m) = MUNICIPALITIES.iter().find(|m| org.starts_with(*m)) {
        meta.province = Some((*m).to_owned());
        pos = m.chars().count();
    } else if let Some(end) = take_until(pos, &["省", "自治区"], 12) {
        meta.province = Some(word(pos, end).to_owned());
        pos = end;
    }
    if meta
        .province
        .as_deref()
        .is_none_or(|p| !MUNICIPALITIES.contains(&p))
        && let Some(end) = take_until(pos, &["市", "自治州", "地区", "盟"], 10)
        && (!matches!(char_at(end), Some('场' | '政' | '民' | '级'))
            || (end + 4 <= len && word(end, end + 4) == "人民政府"))
    {
        meta.city = Some(word(pos, end).to_owned());
        pos = end;
    }
    if let Some(mut end) = take_until(pos, &["县", "区", "旗", "市"], 8) {
        if matches!(char_at(end), Some('区')) {
            end += 1; // 沙县区
        }
        let w = word(pos, end);
        if !w.ends_with("社区") && !w.ends_with("园区") {
            meta.county = Some(w.to_owned());
            pos = end;
        }
    }
    // A township is followed by its government (`阿尔乡镇人民政府`), which
    // tells it apart from words that merely end in 乡 (`住房和城乡建设局`).
    let governs = |end: usize| {
        ["人民政府", "政府", "办事处", "街道办"]
            .iter()
            .any(|g| word(end, len).starts_with(g))
    };
    let township_end = (pos + 2..=(pos + 9).min(len)).find(|&end| {
        let w = word(pos, end);
        ["镇", "乡", "街道"].iter().any(|s| w.ends_with(s)) && governs(end)
    });
    if let Some(end) = township_end {
        meta.township = Some(word(pos, end).to_owned());
        pos = end;
    }
    let rest = word(pos, len);
    meta.admin_level = match rest {
        "人民政府" | "政府" | "人民政府办事处" | "办事处" => {
            if meta.township.is_some() {
                "township"
            } else if meta.county.is_some() {
                "county"
            } else if meta.city.is_some() {
                "city"
            } else if meta.province.is_some() {
                "province"
            } else {
                "unknown"
            }
        }
        "" => "unknown",
        _ => "department",
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_bytes;

    /// Year, organization and title of a text's report.
    fn meta_of(text: &str) -> (Option<i32>, Option<String>, Option<String>) {
        let r = parse_bytes("t.md", text.as_bytes());
        (r.meta.report_year, r.meta.organization, r.meta.title)
    }

    #[test]
    fn a_title_a_converter_wrapped_is_read_whole() {
        let body = "\n本年度报告根据《中华人民共和国政府信息公开条例》（以\n下简称《条例》）编制。\n一、总体情况\n";
        let whole = || Some("2025 年上海市人民政府办公厅政府信息公开工作年度报告".to_owned());
        // Wrapped inside a word, under a `正文` line, a sentence about the
        // report (not its title) below.
        let (year, org, title) = meta_of(&format!(
            "正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告{body}"
        ));
        assert_eq!(year, Some(2025));
        assert_eq!(org.as_deref(), Some("上海市人民政府办公厅"));
        assert_eq!(title, whole());
        // Wrapped after the year, and inside the body's name.
        for (first, second) in [
            ("上海市人民政府办公厅 2025 年", "政府信息公开工作年度报告"),
            ("2025 年上海市人民政", "府办公厅政府信息公开工作年度报告"),
        ] {
            let (year, org, _) = meta_of(&format!("{first}\n{second}{body}"));
            assert_eq!(year, Some(2025), "{first} / {second}");
            assert_eq!(org.as_deref(), Some("上海市人民政府办公厅"), "{first}");
        }
        // A sentence that only mentions a report is no title.
        let (year, org, _) = meta_of(&format!("正文{body}"));
        assert_eq!((year, org), (None, None));
    }

    #[test]
    fn a_wrapped_statistics_period_gives_the_year() {
        let text =
            "本年度报告中所列数据统计期限为 2024\n年 1 月 1 日至 12 月 31 日。\n一、总体情况\n";
        assert_eq!(meta_of(text).0, Some(2024));
        // A period over two years names no report year.
        let text = "本报告所列数据统计期限为 2023 年 1 月 1 日至 2024 年 12 月 31 日。\n";
        assert_eq!(meta_of(text).0, None);
    }

    fn places(
        org: &str,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        &'static str,
    ) {
        let mut m = Metadata::default();
        fill_places(org, &mut m);
        (m.province, m.city, m.county, m.township, m.admin_level)
    }

    #[test]
    fn places_stated_in_names() {
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(
            places("新绛县万安镇人民政府"),
            (None, None, s("新绛县"), s("万安镇"), "township")
        );
        assert_eq!(
            places("玉溪市江川区雄关乡人民政府"),
            (None, s("玉溪市"), s("江川区"), s("雄关乡"), "township")
        );
        assert_eq!(
            places("淮安市洪泽区人民政府"),
            (None, s("淮安市"), s("洪泽区"), None, "county")
        );
        assert_eq!(
            places("淮安市人民政府"),
            (None, s("淮安市"), None, None, "city")
        );
        assert_eq!(
            places("山西省人民政府"),
            (s("山西省"), None, None, None, "province")
        );
        assert_eq!(
            places("新绛县教育局"),
            (None, None, s("新绛县"), None, "department")
        );
        assert_eq!(
            places("思礼镇人民政府"),
            (None, None, None, s("思礼镇"), "township")
        );
        assert_eq!(
            places("淮安市市场监督管理局"),
            (None, s("淮安市"), None, None, "department")
        );
        assert_eq!(
            places("新绛县住房和城乡建设局"),
            (None, None, s("新绛县"), None, "department")
        );
        assert_eq!(
            places("阜新市彰武县阿尔乡镇人民政府"),
            (None, s("阜新市"), s("彰武县"), s("阿尔乡镇"), "township")
        );
        assert_eq!(
            places("三明市沙县区凤岗街道办事处"),
            (None, s("三明市"), s("沙县区"), s("凤岗街道"), "township")
        );
    }

    #[test]
    fn an_intro_that_publishes_the_report_names_its_body() {
        let org = |n: &str| INTRO_ORG.captures(n).map(|c| c[1].to_owned());
        assert_eq!(
            org("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,现公布三岔河镇人民政府2023年政府信息公开工作年度报告。").as_deref(),
            Some("三岔河镇人民政府")
        );
        assert_eq!(
            org("现将归州镇人民政府2019年度政府信息公开工作报告如下").as_deref(),
            Some("归州镇人民政府")
        );
        assert_eq!(org("现公布我局2022年政府信息公开工作年度报告"), None);
        assert_eq!(org("现公布本镇2022年政府信息公开工作年度报告"), None);
    }

    #[test]
    fn dates_in_chinese_numerals() {
        assert_eq!(
            chinese_numeral_date("二〇二三年一月二十一日"),
            Some((2023, 1, 21))
        );
        assert_eq!(
            chinese_numeral_date("二〇二五年十二月十日"),
            Some((2025, 12, 10))
        );
        assert_eq!(chinese_numeral_date("二〇二五年二月三十日"), None);
    }
}
