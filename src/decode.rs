//! Bytes → [`Text`]: encoding detection, BOM handling, newline normalisation
//! and a line index. Owns nothing about layouts or tables.
//!
//! Detection order: a BOM wins (UTF-8, UTF-16LE/BE); then strict UTF-8; then
//! `chardetng` (the detector Firefox uses) picks a legacy encoding, which for
//! Chinese text is GBK, decoded here as its superset GB18030. A guess that
//! still leaves replacement characters in more than a sliver of the text is
//! refused: a wrong decoding would produce wrong labels, and wrong labels can
//! mean wrong numbers.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::FileError;

/// Decoded text of one file with a line index.
///
/// Newlines are normalised to `\n` (CRLF and lone CR both become `\n`), so
/// line numbers agree with what editors show. Form feeds are kept: they mark
/// page breaks in `pdftotext` output and the layout readers treat them as
/// whitespace.
#[derive(Debug, Clone)]
pub struct Text {
    text: String,
    line_starts: Vec<u32>,
    /// Contract name of the encoding (`utf-8`, `gb18030`, `utf-16le`, …).
    pub encoding: &'static str,
    /// True when no BOM or strict UTF-8 decided the encoding and the detector guessed.
    pub guessed: bool,
    /// What was repaired in a UTF-8 file that was not quite UTF-8 (invalid
    /// bytes replaced, GB18030 runs decoded), as a diagnostic's message.
    pub repaired: Option<String>,
    /// Read off images: a PDF's OCR layer ([`crate::readers::Rendered::ocr_layer`]).
    pub ocr_layer: bool,
}

impl Text {
    /// Wraps already-decoded text (used by tests and the generator's round trip).
    #[must_use]
    pub fn from_utf8_text(s: &str) -> Self {
        Self::build(normalize_newlines(s), "utf-8", false)
    }

    fn build(text: String, encoding: &'static str, guessed: bool) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
        Self {
            text,
            line_starts,
            encoding,
            guessed,
            repaired: None,
            ocr_layer: false,
        }
    }

    /// The whole decoded text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of lines (a trailing newline does not open a new line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        if self.text.ends_with('\n') {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// Line `i` (0-based), without its `\n`.
    #[must_use]
    pub fn line(&self, i: usize) -> &str {
        let start = self.line_starts[i] as usize;
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&e| e as usize - 1);
        &self.text[start..end]
    }

    /// Byte offset where line `i` (0-based) starts.
    #[must_use]
    pub fn line_start(&self, i: usize) -> usize {
        self.line_starts[i] as usize
    }

    /// 1-based line number of a byte offset.
    #[must_use]
    pub fn line_of(&self, offset: usize) -> u32 {
        let idx = self.line_starts.partition_point(|&s| s as usize <= offset);
        idx as u32
    }

    /// Iterates over `(0-based line index, line text)`.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        (0..self.line_count()).map(move |i| (i, self.line(i)))
    }
}

/// Files larger than this are refused by default: real reports are well under
/// 2 MB of text, and a huge file is almost always a dump or an archive.
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Lines a text may have. Reports have hundreds (the real fixtures at
/// most 689, cell-per-line layouts a few thousand); the layout readers and the extraction keep a row per line
/// (~300 bytes then), so a file of 16 million `1\n` lines (32 MB) took 5 GB.
/// The layout's cell bound ([`crate::layout::cell_limit`], ~100 bytes a
/// cell) is the tighter one now: 20,000 one-cell lines in a small file
/// (~2 MB), one per 10 bytes up to 100,000 in a 1 MB one.
pub const MAX_LINES: usize = 200_000;

/// Largest text, HTML or Markdown file parsed. Reports are under 1 MB;
/// with the layout's cell bounds ([`crate::layout::cell_limit`]) a file of
/// this size takes at most ~27 MB above a report's own (6.7× its size; the
/// hostile corpus of `tests/bench/hostile.py`). Containers (PDF, Office)
/// are not text and are not bounded by it.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

/// Decodes one file's bytes.
///
/// # Errors
/// A [`FileError`] saying why the bytes are not text this tool can read:
/// empty, a PDF/Office container, binary, or undecodable.
pub fn decode(bytes: &[u8]) -> Result<Text, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if let Some(kind) = sniff_container(bytes) {
        return Err(FileError::Unsupported(kind));
    }
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(FileError::TextTooLarge {
            size: bytes.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    let (encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((enc, len)) => (Some(enc), len),
        None => (None, 0),
    };
    let body = &bytes[bom_len..];
    let (text, name, guessed) = match encoding {
        Some(enc) => {
            let (cow, had_errors) = enc.decode_without_bom_handling(body);
            if had_errors {
                let (replacements, _, total) = odd_chars(&cow);
                if replacements * 1000 > total {
                    return Err(FileError::Undecodable(format!(
                        "invalid {} after its byte-order mark",
                        enc.name()
                    )));
                }
            }
            (cow.into_owned(), contract_name(enc), false)
        }
        None => {
            if looks_binary(body) {
                return Err(FileError::Binary("contains NUL or control bytes"));
            }
            let nuls = memchr::memchr_iter(0, body).count();
            if nuls * 100 > body.len() {
                return Err(FileError::Binary("contains NUL bytes"));
            }
            if nuls > 0 {
                // A few stray NULs: spaces, noted.
                let cleaned: Vec<u8> = body
                    .iter()
                    .map(|&b| if b == 0 { b' ' } else { b })
                    .collect();
                let mut text = decode(&cleaned)?;
                let note = format!("{nuls} NUL bytes read as spaces");
                text.repaired = Some(match text.repaired.take() {
                    Some(more) => format!("{note}; {more}"),
                    None => note,
                });
                return Ok(text);
            }
            // simdutf8 checks CJK text ~10x faster than std (which walks it
            // char by char); std is asked only for where an invalid file breaks.
            let utf8 = match simdutf8::basic::from_utf8(body) {
                Ok(s) => Ok(s),
                Err(_) => std::str::from_utf8(body),
            };
            match utf8 {
                // One copy, CR/LF already normalised.
                Ok(s) => (normalize_newlines(s), "utf-8", false),
                // A file cut inside its last character (a truncated download):
                // UTF-8 up to the cut; the parser reports what is missing.
                Err(e)
                    if e.error_len().is_none()
                        && e.valid_up_to() + 4 > body.len()
                        && e.valid_up_to() > 0 =>
                {
                    (
                        String::from_utf8_lossy(&body[..e.valid_up_to()]).into_owned(),
                        "utf-8",
                        false,
                    )
                }
                Err(_) => match decode_gb18030_report(body) {
                    Some(text) => (text.into_owned(), "gb18030", true),
                    None => match repair_utf8(body) {
                        Some(repair) => {
                            let text = repair.text;
                            if text.chars().all(crate::normalize::is_space) {
                                return Err(FileError::Blank);
                            }
                            let mut t = Text::build(normalize_newlines_owned(text), "utf-8", false);
                            t.repaired = Some(repair.note);
                            return check_lines(t);
                        }
                        None => match decode_gb18030_report_lossy(body) {
                            Some((text, note)) => {
                                let mut t =
                                    Text::build(normalize_newlines_owned(text), "gb18030", true);
                                t.repaired = Some(note);
                                return check_lines(t);
                            }
                            None => decode_guessed(body)?,
                        },
                    },
                },
            }
        }
    };
    if text.chars().all(crate::normalize::is_space) {
        return Err(FileError::Blank);
    }
    let mut text = text;
    let mut note = None;
    if memchr::memchr(0, text.as_bytes()).is_some() {
        // After a byte-order mark: NULs in bulk are binary, a stray few spaces.
        let nuls = memchr::memchr_iter(0, text.as_bytes()).count();
        if nuls * 100 > text.len() {
            return Err(FileError::Binary("decoded text contains NUL characters"));
        }
        text = text.replace('\0', " ");
        note = Some(format!("{nuls} NUL characters read as spaces"));
    }
    let mut t = check_lines(Text::build(normalize_newlines_owned(text), name, guessed))?;
    t.repaired = note;
    Ok(t)
}

/// Refuses a text with more than [`MAX_LINES`] lines.
fn check_lines(text: Text) -> Result<Text, FileError> {
    if text.line_count() > MAX_LINES {
        return Err(FileError::TooManyLines {
            lines: text.line_count(),
            limit: MAX_LINES,
        });
    }
    Ok(text)
}

/// A UTF-8 file with a few bytes that are not UTF-8, read as UTF-8.
struct Repair {
    text: String,
    /// What was done, for the diagnostic.
    note: String,
}

/// Reads `body` as UTF-8 when it is UTF-8 but for a few stray bytes (a
/// byte flipped in transit, a word pasted from a GBK document, a Latin-1
/// `é`): every stretch that is not UTF-8 becomes U+FFFD, except a run of
/// two or more GB2312 characters (both bytes 0xA1–0xFE, lead ≤ 0xF7,
/// decoding to CJK characters or punctuation), which is decoded as
/// GB18030. Such a run may begin with bytes that happen to form 2-byte
/// UTF-8 characters (GBK `中` is UTF-8 `א`), so those are given back to it.
///
/// `None` when the file is not mostly UTF-8: fewer than 20 valid
/// multi-byte UTF-8 characters per repaired one (the legacy detector then
/// decides, as for a GBK file).
fn repair_utf8(body: &[u8]) -> Option<Repair> {
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let (mut replaced, mut gb_chars, mut utf8_chars) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < body.len() {
        let (valid, bad_len) = match std::str::from_utf8(&body[i..]) {
            Ok(s) => (s, None),
            Err(e) => (
                std::str::from_utf8(&body[i..i + e.valid_up_to()]).unwrap_or_default(),
                Some(e.error_len().unwrap_or(body.len() - i - e.valid_up_to())),
            ),
        };
        utf8_chars += valid.chars().filter(|c| !c.is_ascii()).count();
        let Some(bad_len) = bad_len else {
            out.push_str(valid);
            break;
        };
        // Trailing 2-byte characters may be the start of a GBK run.
        let keep = valid
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.len_utf8() == 2)
            .last()
            .map_or(valid.len(), |(k, _)| k);
        let bad_at = i + valid.len();
        let (run, used) = gb2312_run(&body[i + keep..]);
        if used >= 4 && i + keep + used > bad_at {
            out.push_str(&valid[..keep]);
            out.push_str(&run);
            gb_chars += run.chars().count();
            utf8_chars -= valid[keep..].chars().count();
            i += keep + used;
        } else {
            out.push_str(valid);
            out.push('\u{FFFD}');
            replaced += 1;
            i = bad_at + bad_len.max(1);
        }
    }
    if utf8_chars < 20 * (replaced + gb_chars) {
        return None;
    }
    let mut note = String::from("not valid UTF-8 throughout; read as UTF-8 with");
    if replaced > 0 {
        note.push_str(&format!(
            " {replaced} invalid byte sequences replaced by U+FFFD"
        ));
    }
    if gb_chars > 0 {
        if replaced > 0 {
            note.push_str(" and");
        }
        note.push_str(&format!(" {gb_chars} characters decoded as GB18030"));
    }
    Some(Repair { text: out, note })
}

/// The longest run of GB2312 characters at the start of `bytes` (see
/// [`repair_utf8`]), stopping where valid 3-byte UTF-8 starts (the file's
/// own encoding wins where both read). Returns the text and bytes used.
fn gb2312_run(bytes: &[u8]) -> (String, usize) {
    let mut out = String::new();
    let mut j = 0;
    while let &[lead @ 0xA1..=0xF7, trail @ 0xA1..=0xFE, ..] = &bytes[j..] {
        if matches!(&bytes[j..], &[0xE0..=0xEF, 0x80..=0xBF, 0x80..=0xBF, ..])
            && std::str::from_utf8(&bytes[j..j + 3]).is_ok()
        {
            break;
        }
        let Some(c) = GB18030
            .decode_without_bom_handling_and_without_replacement(&[lead, trail])
            .and_then(|s| s.chars().next())
        else {
            break;
        };
        if !matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
        {
            break;
        }
        out.push(c);
        j += 2;
    }
    (out, j)
}

/// Bytes the detector sees, counted from the first non-ASCII byte: ASCII
/// (markup, numbers) says nothing about a legacy encoding, while 1 KB of
/// Chinese prose (~500 characters) tells GBK from Big5, Shift_JIS and
/// EUC-KR. chardetng runs every candidate encoding over every byte (~2,000
/// instructions a byte, measured with callgrind), so the sample size is
/// most of the cost of a legacy-encoded file. The whole file is fed only
/// when that guess fails to decode.
const DETECT_SAMPLE: usize = 1024;

fn guess_encoding(sample: &[u8], last: bool) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, last);
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    // GBK is a subset of GB18030; decoding as GB18030 never loses a character
    // that GBK would have produced, and reports use GB18030-only characters.
    if enc == GBK { GB18030 } else { enc }
}

/// A phrase every disclosure report contains, used to accept GB18030
/// without running the detector.
const REPORT_PHRASE: &str = "信息公开";

/// GB18030 read strictly (no replacement), accepted when the text names
/// [`REPORT_PHRASE`]: legacy-encoded reports are GB18030 or its subset GBK
/// almost always, strict decoding costs a small fraction of the detector
/// (which spends ~2,000 instructions a byte), and bytes of another
/// encoding (Big5, Shift_JIS, EUC-KR) read as GB18030 do not both decode
/// without an error and spell that phrase.
fn decode_gb18030_report(body: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    GB18030
        .decode_without_bom_handling_and_without_replacement(body)
        .filter(|text| text.contains(REPORT_PHRASE))
}

/// A GB18030 report with a few stray bytes (a Latin-1 `é`, a flipped
/// byte): decoded with replacement, accepted when the text names
/// [`REPORT_PHRASE`] and at most 1% of its characters are replacements.
fn decode_gb18030_report_lossy(body: &[u8]) -> Option<(String, String)> {
    let (text, had_errors) = GB18030.decode_without_bom_handling(body);
    if !had_errors || !text.contains(REPORT_PHRASE) {
        return None;
    }
    let (replacements, _, total) = odd_chars(&text);
    if replacements * 100 > total {
        return None;
    }
    let note = format!(
        "not valid GB18030 throughout; read as GB18030 with {replacements} invalid byte sequences replaced by U+FFFD"
    );
    Some((text.into_owned(), note))
}

fn decode_guessed(body: &[u8]) -> Result<(String, &'static str, bool), FileError> {
    // `decode` tried GB18030 with the report phrase already.
    let (enc, cow, had_errors) = detect_and_decode(body);
    let (replacements, controls, total) = odd_chars(&cow);
    if had_errors && replacements * 1000 > total {
        return Err(FileError::Undecodable(format!(
            "not valid UTF-8, and the best guess ({}) leaves {:.1}% undecodable characters",
            enc.name(),
            replacements as f64 * 100.0 / total as f64
        )));
    }
    if controls * 100 > total {
        return Err(FileError::Binary(
            "mostly control characters after decoding",
        ));
    }
    Ok((cow.into_owned(), contract_name(enc), true))
}

/// Decodes with the detector's guess from a sample, and from the whole
/// file when the sample's guess leaves errors.
fn detect_and_decode(body: &[u8]) -> (&'static Encoding, std::borrow::Cow<'_, str>, bool) {
    // The first non-ASCII byte is a lead byte in every ASCII-compatible
    // legacy encoding, so the sample starts on a character boundary.
    let from = body.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let end = body.len().min(from + DETECT_SAMPLE);
    let mut enc = guess_encoding(&body[from..end], end == body.len());
    let (mut cow, _, mut had_errors) = enc.decode(body);
    if had_errors && end < body.len() {
        let full = guess_encoding(body, true);
        if full != enc {
            enc = full;
            (cow, _, had_errors) = enc.decode(body);
        }
    }
    (enc, cow, had_errors)
}

/// Replacement characters, C0/C1 controls (other than tab, newline, CR and
/// form feed) and all characters of `s`, in one pass (at least 1 in total).
fn odd_chars(s: &str) -> (usize, usize, usize) {
    let (mut replacements, mut controls, mut total) = (0, 0, 0);
    for c in s.chars() {
        total += 1;
        if c == '\u{FFFD}' {
            replacements += 1;
        } else if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            controls += 1;
        }
    }
    (replacements, controls, total.max(1))
}

fn contract_name(enc: &'static Encoding) -> &'static str {
    if enc == UTF_8 {
        "utf-8"
    } else if enc == GB18030 || enc == GBK {
        "gb18030"
    } else if enc == UTF_16LE {
        "utf-16le"
    } else if enc == UTF_16BE {
        "utf-16be"
    } else {
        match enc.name() {
            "Big5" => "big5",
            "Shift_JIS" => "shift_jis",
            "EUC-KR" => "euc-kr",
            "EUC-JP" => "euc-jp",
            "windows-1252" => "windows-1252",
            other => leak_lowercase(other),
        }
    }
}

/// Encoding names are a small closed set; the few not listed above are
/// lowercased once and interned for the life of the process.
fn leak_lowercase(name: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let map = NAMES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    guard
        .entry(name)
        .or_insert_with(|| Box::leak(name.to_ascii_lowercase().into_boxed_str()))
}

fn sniff_container(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        Some("PDF")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some("ZIP container (docx/xlsx/zip)")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("OLE2 document (doc/xls)")
    } else if bytes.starts_with(b"{\\rtf") {
        Some("RTF")
    } else if bytes.starts_with(&[0x1F, 0x8B]) {
        Some("gzip archive")
    } else if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
    {
        Some("image")
    } else {
        None
    }
}

/// NUL bytes never occur in UTF-8 or GB18030 text; other C0 controls (apart
/// from tab, newline, CR and form feed) are rare in real reports.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // NULs in bulk (UTF-16 without a BOM, binary data); a stray few are
    // read as spaces by `decode`.
    if memchr::memchr_iter(0, sample).count() * 200 > sample.len() {
        return true;
    }
    // Runs over every file: sums without branches, in blocks small enough
    // for a byte-wide count, so the compiler adds 32 bytes at a time.
    let controls: usize = sample
        .chunks(255)
        .map(|block| {
            let n = block.iter().fold(0u8, |n, &b| {
                n + u8::from(b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
            });
            usize::from(n)
        })
        .sum();
    controls * 100 > sample.len()
}

/// CRLF and lone CR → LF. Slices are cut only at `\r` (ASCII: in UTF-8 no
/// byte of a multi-byte character is below 0x80), and whole runs between
/// them are copied, so the text is neither walked byte by byte nor checked
/// for UTF-8 again.
fn normalize_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
    out
}

/// [`normalize_newlines`] without a copy when there is no `\r`.
fn normalize_newlines_owned(s: String) -> String {
    if memchr::memchr(b'\r', s.as_bytes()).is_none() {
        return s;
    }
    normalize_newlines(&s)
}

/// Lowercase hex of the first 128 bits of the BLAKE3 hash of the bytes: the
/// contract's `doc_id`. Same bytes, same id, on every machine.
#[must_use]
pub fn doc_id(bytes: &[u8]) -> String {
    id_of(&blake3::hash(bytes))
}

/// The `doc_id` of a BLAKE3 hash, however the bytes were hashed (in memory
/// here, as a stream in [`crate::parse::stream_doc_id`]).
pub(crate) fn id_of(hash: &blake3::Hash) -> String {
    hash.to_hex()[..32].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_cut_inside_the_last_character_is_still_utf8() {
        let bytes = "第二十条".as_bytes();
        let t = decode(&bytes[..bytes.len() - 1]).unwrap();
        assert_eq!((t.as_str(), t.encoding), ("第二十", "utf-8"));
    }

    #[test]
    fn decodes_each_supported_encoding() {
        let s = "新绛县万安镇人民政府\r\n2021年政府信息公开工作年度报告\r";
        let want = "新绛县万安镇人民政府\n2021年政府信息公开工作年度报告\n";
        let utf8 = decode(s.as_bytes()).unwrap();
        assert_eq!((utf8.as_str(), utf8.encoding), (want, "utf-8"));

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        let t = decode(&bom).unwrap();
        assert_eq!((t.as_str(), t.encoding), (want, "utf-8"));

        let (gb, _, _) = GB18030.encode(s);
        let t = decode(&gb).unwrap();
        assert_eq!((t.as_str(), t.encoding, t.guessed), (want, "gb18030", true));

        let mut u16 = vec![0xFF, 0xFE];
        for unit in s.encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        let t = decode(&u16).unwrap();
        assert_eq!((t.as_str(), t.encoding), (want, "utf-16le"));
    }

    #[test]
    fn gb18030_fast_path_agrees_with_the_detector_and_leaves_other_encodings_to_it() {
        let s = "2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息1234条，其中政策文件56件。\n";
        let (gb, _, _) = GB18030.encode(s);
        let fast = decode_gb18030_report(&gb).expect("a GB18030 report takes the fast path");
        let (enc, detected, errors) = detect_and_decode(&gb);
        assert_eq!(
            (fast.as_ref(), GB18030.name()),
            (detected.as_ref(), enc.name())
        );
        assert!(!errors);
        // Without the phrase the detector decides, whatever the bytes.
        let (other, _, _) = GB18030.encode("一、总体情况\n本年度公开1234条。\n");
        assert!(decode_gb18030_report(&other).is_none());
        // The same report in Big5 and Shift_JIS is not read as GB18030.
        let traditional = "2021年政府信息公開工作年度報告\n一、總體情況\n本年度主動公開政府信息1234條，其中政策文件56件。\n";
        for enc in [
            encoding_rs::BIG5,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_KR,
        ] {
            let (bytes, _, _) = enc.encode(traditional);
            assert!(decode_gb18030_report(&bytes).is_none(), "{}", enc.name());
        }
    }

    #[test]
    fn utf8_with_stray_bytes_is_utf8_with_repairs() {
        let report = "2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息1234条，其中政策文件56件。\n".repeat(4);
        let insert = |at: usize, bytes: &[u8]| {
            let mut b = report.as_bytes()[..at].to_vec();
            b.extend_from_slice(bytes);
            b.extend_from_slice(&report.as_bytes()[at..]);
            b
        };
        let line2 = report.find('\n').unwrap() + 1;
        let (gbk, _, _) = GB18030.encode("备注");
        let (zhongguo, _, _) = GB18030.encode("中国"); // D6 D0 is UTF-8 `א`
        let cases: [(&[u8], &str, &str); 5] = [
            (b"\xff", "\u{FFFD}", "1 invalid"),
            (&gbk, "备注", "2 characters decoded as GB18030"),
            (&zhongguo, "中国", "2 characters decoded as GB18030"),
            (b"caf\xe9 ", "caf\u{FFFD} ", "1 invalid"),
            (b"\0", " ", "1 NUL"),
        ];
        for (bytes, shown, note) in cases {
            let t = decode(&insert(line2, bytes)).unwrap();
            assert_eq!(t.encoding, "utf-8");
            let want = format!("{}{shown}{}", &report[..line2], &report[line2..]);
            assert_eq!(t.as_str(), want, "{bytes:?}");
            assert!(
                t.repaired.as_ref().unwrap().contains(note),
                "{:?}",
                t.repaired
            );
        }
        // A GBK file is still GBK, a clean one needs no repair.
        let (whole, _, _) = GB18030.encode(&report);
        let t = decode(&whole).unwrap();
        assert_eq!((t.encoding, t.repaired.is_none()), ("gb18030", true));
        assert!(decode(report.as_bytes()).unwrap().repaired.is_none());
        // Too many lines.
        assert_eq!(
            decode(&b"1\n".repeat(MAX_LINES + 1)).unwrap_err().code(),
            "file_too_large"
        );
    }

    #[test]
    fn refuses_what_is_not_text() {
        assert_eq!(decode(b"").unwrap_err(), FileError::Empty);
        assert_eq!(
            decode(b"%PDF-1.7 ...").unwrap_err().code(),
            "unsupported_format"
        );
        assert_eq!(
            decode(&[0u8, 1, 2, 3, 200, 201, 0, 0]).unwrap_err().code(),
            "binary_file"
        );
    }

    #[test]
    fn line_index_is_one_based_and_stable() {
        let t = Text::from_utf8_text("a\nbb\n\nccc");
        assert_eq!(t.line_count(), 4);
        assert_eq!(t.line(1), "bb");
        assert_eq!(t.line(2), "");
        assert_eq!(t.line_of(0), 1);
        assert_eq!(t.line_of(2), 2);
        assert_eq!(t.line_of(t.as_str().len() - 1), 4);
    }

    #[test]
    fn crlf_and_lone_cr_become_lf_and_nothing_else_changes() {
        let cases = [
            ("一\r\n二\r\n", "一\n二\n"),
            ("一\r二\r\r\n三\r", "一\n二\n\n三\n"),
            ("\r\n\r\n", "\n\n"),
            ("\n\r", "\n\n"),
            ("no carriage return 无", "no carriage return 无"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_newlines(input), expected, "{input:?}");
            assert_eq!(normalize_newlines_owned(input.to_owned()), expected);
        }
        // Through decode: the line index is built on the normalised text.
        let t = decode("信息公开\r\n表二\r\n".as_bytes()).expect("utf-8");
        assert_eq!(t.line_count(), 2);
        assert_eq!(t.line(1), "表二");
    }

    #[test]
    fn control_bytes_above_one_percent_mean_binary() {
        let mut bytes = "年度报告".repeat(20).into_bytes();
        assert!(!looks_binary(&bytes));
        bytes.extend([0x01, 0x02, 0x03, 0x1f, 0x1b, 0x07]);
        assert!(looks_binary(&bytes), "{} bytes, 6 controls", bytes.len());
        assert!(!looks_binary(b"a\tb\nc\r\x0cd"));
        assert!(looks_binary(b"text\0more"));
        // Counted in byte-wide blocks: exact across block ends, no overflow
        // in a block of nothing but controls.
        assert!(looks_binary(&[0x01; 1000]));
        for (controls, binary) in [(100, false), (101, true)] {
            let mut bytes = vec![b'a'; 10_000];
            for i in 0..controls {
                bytes[i * 97 + 3] = 0x1b;
            }
            assert_eq!(looks_binary(&bytes), binary, "{controls} controls");
        }
    }

    #[test]
    fn doc_id_is_128_bit_hex() {
        let id = doc_id(b"abc");
        assert_eq!(id.len(), 32);
        assert_eq!(id, doc_id(b"abc"));
        assert_ne!(id, doc_id(b"abd"));
    }
}
