//! The PDF engine behind one small interface: per page, the glyphs (text,
//! box, size), the ruling lines and how many images were drawn. Everything
//! engine-specific (hayro today, see `shared/spec/readers.md`) stays in
//! this file, so swapping engines is a local change; the grid rebuilding in
//! [`super::grid`] sees only [`Page`].

use std::sync::Arc;

use hayro_interpret::font::GlyphRun;
use hayro_interpret::hayro_cmap::{BfString, WritingMode};
use hayro_interpret::hayro_syntax::object::{Array, Stream};
use hayro_interpret::hayro_syntax::{Filter, LoadPdfError, Pdf};
use hayro_interpret::kurbo::{Affine, BezPath, PathEl, Point, Rect};
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, RenderContent, SoftMask, interpret_page,
};

use crate::error::FileError;

/// Pages beyond this are not read (a report has 5–30; a 2,000-page PDF is
/// a compilation, not a report).
pub const MAX_PAGES: usize = 400;
/// Filled shapes thinner than this (points) are rules; thicker ones are
/// backgrounds (WPS fills a white box behind every line and cell).
const RULE_MAX_THICKNESS: f64 = 2.0;

/// One drawn character.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// The text it stands for (usually one char).
    pub text: String,
    /// Box `x0, y0, x1, y1` in points, origin bottom-left.
    pub bbox: [f32; 4],
    /// Font size in points (the em height on the page).
    pub size: f32,
    /// Drawn with a vertical-writing font (`Identity-V`).
    pub vertical: bool,
}

impl Glyph {
    /// The centre of the glyph's box.
    #[must_use]
    pub fn center(&self) -> (f32, f32) {
        (
            (self.bbox[0] + self.bbox[2]) / 2.0,
            (self.bbox[1] + self.bbox[3]) / 2.0,
        )
    }
}

/// An axis-aligned ruling line: a stroked segment or a thin filled box,
/// as the box it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// `x0, y0, x1, y1`, x0 ≤ x1, y0 ≤ y1.
    pub rect: [f32; 4],
}

impl Rule {
    /// Wider than high.
    #[must_use]
    pub fn is_horizontal(&self) -> bool {
        self.rect[2] - self.rect[0] >= self.rect[3] - self.rect[1]
    }
}

/// What one page draws.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Glyphs in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines.
    pub rules: Vec<Rule>,
    /// Images drawn.
    pub images: usize,
    /// Glyphs drawn invisibly (text render mode 3): the text layer OCR
    /// lays over a scanned page's image.
    pub invisible: usize,
    /// Quarter turns the page's glyphs and rules were turned by so that
    /// its text runs left to right ([`Page::turn_upright`]); 0 as drawn.
    pub turn: u8,
}

impl Page {
    /// Turns the page so that its text runs left to right, when most of
    /// its glyphs run another way (`runs[k]`: glyphs whose baseline runs
    /// `k` quarter turns counter-clockwise from left to right). A printer
    /// driver draws a landscape page's content turned on a portrait page
    /// (`/Rotate 90`): read as drawn, every line would be a column.
    fn turn_upright(&mut self, runs: [usize; 4]) {
        let total: usize = runs.iter().sum();
        let Some((k, &n)) = runs.iter().enumerate().max_by_key(|&(_, n)| *n) else {
            return;
        };
        if k == 0 || n * 2 <= total {
            return;
        }
        self.turn = k as u8;
        for g in &mut self.glyphs {
            g.bbox = turn_box(g.bbox, self.turn);
        }
        for r in &mut self.rules {
            r.rect = turn_box(r.rect, self.turn);
        }
    }

    /// A box of the turned page ([`Page::turn`]) in the page's own space.
    #[must_use]
    pub fn to_source(&self, bbox: [f32; 4]) -> [f32; 4] {
        turn_box(bbox, (4 - self.turn) % 4)
    }
}

/// `b` turned `k` quarter turns clockwise (undoing text that runs `k`
/// quarter turns counter-clockwise), as a box again.
fn turn_box(b: [f32; 4], k: u8) -> [f32; 4] {
    let turn = |x: f32, y: f32| match k % 4 {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    };
    let (ax, ay) = turn(b[0], b[1]);
    let (bx, by) = turn(b[2], b[3]);
    [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)]
}

/// Reads every page's glyphs and rules.
///
/// # Errors
/// Damaged, password-protected (a non-empty user password) or empty PDFs.
pub fn read_pages(bytes: &[u8]) -> Result<Vec<Page>, FileError> {
    let pdf = Pdf::new(Arc::new(bytes.to_vec())).map_err(|e| match e {
        LoadPdfError::Decryption(
            hayro_interpret::hayro_syntax::DecryptionError::PasswordProtected,
        ) => FileError::Refused {
            format: Some("pdf"),
            reason: "password-protected PDF: cannot be read without its password",
        },
        LoadPdfError::Decryption(e) => FileError::Damaged {
            format: "pdf",
            reason: format!("cannot decrypt ({e:?})"),
        },
        LoadPdfError::Invalid => FileError::Damaged {
            format: "pdf",
            reason: "no readable cross-reference table or page tree".to_owned(),
        },
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(FileError::Damaged {
            format: "pdf",
            reason: "no pages".to_owned(),
        });
    }
    let cache = InterpreterCache::new();
    let mut out = Vec::with_capacity(pages.len().min(MAX_PAGES));
    for (i, page) in pages.iter().take(MAX_PAGES).enumerate() {
        if !contents_intact(page) {
            return Err(FileError::Damaged {
                format: "pdf",
                reason: format!(
                    "page {}: a compressed content stream fails its checksum",
                    i + 1
                ),
            });
        }
        let settings = InterpreterSettings {
            render_content: RenderContent::PAGE,
            ..InterpreterSettings::default()
        };
        let bbox = page.intersected_crop_box();
        let mut context = Context::new(
            Affine::IDENTITY,
            Rect::new(bbox.x0, bbox.y0, bbox.x1, bbox.y1),
            &cache,
            pdf.xref(),
            settings,
        );
        let mut device = Collector {
            page: Page {
                number: i as u32 + 1,
                ..Page::default()
            },
            runs: [0; 4],
        };
        interpret_page(page, &mut context, &mut device);
        let mut page = device.page;
        page.turn_upright(device.runs);
        out.push(page);
    }
    Ok(out)
}

/// Every Flate-compressed content stream of the page inflates with a
/// correct zlib checksum. hayro falls back to raw inflate when the checksum
/// fails and reads on: a flipped byte could then show another digit, and
/// this tool prints no number it is not sure of.
fn contents_intact(page: &hayro_interpret::hayro_syntax::page::Page<'_>) -> bool {
    let intact = |s: &Stream<'_>| match s.filters().as_slice() {
        [Filter::FlateDecode] => {
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&s.raw_data(), 256 << 20)
                .is_ok()
        }
        _ => true,
    };
    let raw = page.raw();
    if let Some(stream) = raw.get::<Stream<'_>>(b"Contents") {
        return intact(&stream);
    }
    if let Some(array) = raw.get::<Array<'_>>(b"Contents") {
        return array.iter::<Stream<'_>>().all(|s| intact(&s));
    }
    true
}

struct Collector {
    page: Page,
    /// Glyphs per direction of their baseline ([`Page::turn_upright`]).
    runs: [usize; 4],
}

impl Collector {
    fn add_rule(&mut self, x0: f64, y0: f64, x1: f64, y1: f64) {
        let rect = [
            x0.min(x1) as f32,
            y0.min(y1) as f32,
            x0.max(x1) as f32,
            y0.max(y1) as f32,
        ];
        if rect.iter().all(|v| v.is_finite()) {
            self.page.rules.push(Rule { rect });
        }
    }

    /// Straight axis-aligned segments of a stroked path, as thin boxes.
    fn stroke(&mut self, path: &BezPath, transform: Affine, width: f64) {
        let half = (width
            * transform.as_coeffs()[0]
                .abs()
                .max(transform.as_coeffs()[3].abs()))
        .clamp(0.1, RULE_MAX_THICKNESS)
            / 2.0;
        let mut start = Point::ZERO;
        let mut current = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    start = transform * p;
                    current = start;
                }
                PathEl::LineTo(p) => {
                    let p = transform * p;
                    self.segment(current, p, half);
                    current = p;
                }
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => current = transform * p,
                PathEl::ClosePath => {
                    self.segment(current, start, half);
                    current = start;
                }
            }
        }
    }

    fn segment(&mut self, a: Point, b: Point, half: f64) {
        let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
        if dy < 0.5 && dx > 1.0 {
            let y = (a.y + b.y) / 2.0;
            self.add_rule(a.x, y - half, b.x, y + half);
        } else if dx < 0.5 && dy > 1.0 {
            let x = (a.x + b.x) / 2.0;
            self.add_rule(x - half, a.y, x + half, b.y);
        }
    }

    /// Filled subpaths that are thin axis-aligned boxes.
    fn fill(&mut self, path: &BezPath, transform: Affine) {
        let mut points: Vec<Point> = Vec::with_capacity(5);
        let flush = |points: &mut Vec<Point>, this: &mut Self| {
            if points.len() >= 4 {
                let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for p in points.iter() {
                    x0 = x0.min(p.x);
                    y0 = y0.min(p.y);
                    x1 = x1.max(p.x);
                    y1 = y1.max(p.y);
                }
                // Every corner on the box's edges: a rectangle, not a shape.
                let on_edge = points.iter().all(|p| {
                    ((p.x - x0).abs() < 0.5 || (p.x - x1).abs() < 0.5)
                        && ((p.y - y0).abs() < 0.5 || (p.y - y1).abs() < 0.5)
                });
                let thin = (x1 - x0).min(y1 - y0) <= RULE_MAX_THICKNESS;
                let long = (x1 - x0).max(y1 - y0) > 1.0;
                if on_edge && thin && long {
                    this.add_rule(x0, y0, x1, y1);
                }
            }
            points.clear();
        };
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    flush(&mut points, self);
                    points.push(transform * p);
                }
                PathEl::LineTo(p) => points.push(transform * p),
                PathEl::QuadTo(..) | PathEl::CurveTo(..) => {
                    // A curve: not a rule; forget this subpath.
                    points.clear();
                    points.push(Point::new(f64::NAN, f64::NAN));
                }
                PathEl::ClosePath => {}
            }
        }
        if points.iter().all(|p| p.x.is_finite()) {
            flush(&mut points, self);
        }
    }
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, draw_mode: &DrawMode) {
        match draw_mode {
            DrawMode::Stroke(stroke) => {
                self.stroke(path, props.transform, f64::from(stroke.line_width))
            }
            DrawMode::Fill(_) => self.fill(path, props.transform),
            DrawMode::FillAndStroke(_, stroke) => {
                self.fill(path, props.transform);
                self.stroke(path, props.transform, f64::from(stroke.line_width));
            }
            DrawMode::Invisible => {}
        }
    }

    fn push_clip_path(&mut self, _: &ClipPath) {}

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, mode: &DrawMode) {
        let vertical = run.writing_mode() == WritingMode::Vertical;
        let invisible = matches!(mode, DrawMode::Invisible);
        for glyph in run.glyphs() {
            let Some(text) = glyph.as_unicode() else {
                continue;
            };
            let text: String = match text {
                BfString::Char(c) => unify_radical(c).to_string(),
                BfString::String(s) => s.chars().map(unify_radical).collect(),
            };
            if text.chars().all(char::is_whitespace) {
                continue;
            }
            // Glyph space is 1000 units to the em; a missing width is a
            // full em, as CJK glyphs are.
            let advance = match &**glyph {
                hayro_interpret::font::Glyph::Outline(g) => g.advance_width(),
                hayro_interpret::font::Glyph::Type3(g) => g.advance_width(),
            }
            .filter(|w| w.is_finite() && *w > 0.0)
            .unwrap_or(1000.0);
            let t = props.transform * glyph.transform();
            let [a, b, ..] = t.as_coeffs();
            let run = if a.abs() >= b.abs() {
                if a >= 0.0 { 0 } else { 2 }
            } else if b > 0.0 {
                1
            } else {
                3
            };
            let corners = [
                t * Point::new(0.0, -120.0),
                t * Point::new(f64::from(advance), -120.0),
                t * Point::new(0.0, 880.0),
                t * Point::new(f64::from(advance), 880.0),
            ];
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for p in corners {
                x0 = x0.min(p.x);
                y0 = y0.min(p.y);
                x1 = x1.max(p.x);
                y1 = y1.max(p.y);
            }
            let em = t * Point::new(0.0, 1000.0) - t * Point::ZERO;
            let size = em.hypot() as f32;
            let bbox = [x0 as f32, y0 as f32, x1 as f32, y1 as f32];
            if !bbox.iter().all(|v| v.is_finite()) || !size.is_finite() {
                continue;
            }
            self.page.glyphs.push(Glyph {
                text,
                bbox,
                size,
                vertical,
            });
            self.page.invisible += usize::from(invisible);
            self.runs[run] += 1;
        }
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {
        self.page.images += 1;
    }

    fn pop_clip(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}

/// First code point of [`RADICALS`]: CJK Radicals Supplement (U+2E80) and
/// Kangxi Radicals (to U+2FD5).
const RADICALS_FIRST: u32 = 0x2E80;
/// The unified ideograph each radical stands for (0: none), from the
/// Unicode Character Database's `EquivalentUnifiedIdeograph.txt` (the
/// Kangxi block is also its NFKC form). Fonts such as Noto Sans CJK map
/// one glyph to both the radical and the ideograph, and producers that
/// build `ToUnicode` from the font's cmap (Chromium/Skia, some WPS
/// exports) write the radical: `⾸⻚` for 首页, `⼈⺠` for 人民. A report
/// never means a radical, so the reader reads the ideograph.
#[rustfmt::skip]
const RADICALS: [u32; 342] = [
    0x00000, 0x05382, 0x04E5B, 0x04E5A, 0x04E59, 0x04EBB, 0x05182, 0x20628,
    0x05200, 0x05202, 0x0535C, 0x0353E, 0x05C0F, 0x05C0F, 0x05140, 0x05C23,
    0x05C22, 0x21BC2, 0x05DF3, 0x05E7A, 0x05F51, 0x2B739, 0x05FC4, 0x05FC3,
    0x0624C, 0x06535, 0x00000, 0x065E1, 0x065E5, 0x06708, 0x06B7A, 0x06BCD,
    0x06C11, 0x06C35, 0x06C3A, 0x0706C, 0x0722B, 0x0722B, 0x04E2C, 0x0725B,
    0x072AD, 0x0738B, 0x24D14, 0x076EE, 0x0793A, 0x0793B, 0x25AD7, 0x07CF9,
    0x07E9F, 0x07F53, 0x07F52, 0x034C1, 0x05197, 0x2626B, 0x07F8A, 0x2634C,
    0x2634B, 0x08002, 0x08080, 0x0807F, 0x08089, 0x26951, 0x08279, 0x08279,
    0x08279, 0x0864E, 0x08864, 0x08980, 0x0897F, 0x089C1, 0x089D2, 0x278B2,
    0x08BA0, 0x08D1D, 0x27FB7, 0x08F66, 0x08FB6, 0x08FB6, 0x08FB6, 0x09091,
    0x09485, 0x09577, 0x09578, 0x0957F, 0x095E8, 0x28E0F, 0x0961D, 0x096E8,
    0x09752, 0x097E6, 0x09875, 0x098CE, 0x098DE, 0x098DF, 0x2967F, 0x098E0,
    0x09963, 0x29810, 0x09A6C, 0x09AA8, 0x09B3C, 0x09C7C, 0x09E1F, 0x05364,
    0x09EA6, 0x09EC4, 0x09EFE, 0x06589, 0x09F50, 0x06B6F, 0x09F7F, 0x07ADC,
    0x09F99, 0x09F9C, 0x04E80, 0x09F9F, 0x00000, 0x00000, 0x00000, 0x00000,
    0x00000, 0x00000, 0x00000, 0x00000, 0x00000, 0x00000, 0x00000, 0x00000,
    0x04E00, 0x04E28, 0x04E36, 0x04E3F, 0x04E59, 0x04E85, 0x04E8C, 0x04EA0,
    0x04EBA, 0x0513F, 0x05165, 0x0516B, 0x05182, 0x05196, 0x051AB, 0x051E0,
    0x051F5, 0x05200, 0x0529B, 0x052F9, 0x05315, 0x0531A, 0x05338, 0x05341,
    0x0535C, 0x05369, 0x05382, 0x053B6, 0x053C8, 0x053E3, 0x056D7, 0x0571F,
    0x058EB, 0x05902, 0x0590A, 0x05915, 0x05927, 0x05973, 0x05B50, 0x05B80,
    0x05BF8, 0x05C0F, 0x05C22, 0x05C38, 0x05C6E, 0x05C71, 0x05DDB, 0x05DE5,
    0x05DF1, 0x05DFE, 0x05E72, 0x05E7A, 0x05E7F, 0x05EF4, 0x05EFE, 0x05F0B,
    0x05F13, 0x05F50, 0x05F61, 0x05F73, 0x05FC3, 0x06208, 0x06236, 0x0624B,
    0x0652F, 0x06534, 0x06587, 0x06597, 0x065A4, 0x065B9, 0x065E0, 0x065E5,
    0x066F0, 0x06708, 0x06728, 0x06B20, 0x06B62, 0x06B79, 0x06BB3, 0x06BCB,
    0x06BD4, 0x06BDB, 0x06C0F, 0x06C14, 0x06C34, 0x0706B, 0x0722A, 0x07236,
    0x0723B, 0x0723F, 0x07247, 0x07259, 0x0725B, 0x072AC, 0x07384, 0x07389,
    0x074DC, 0x074E6, 0x07518, 0x0751F, 0x07528, 0x07530, 0x0758B, 0x07592,
    0x07676, 0x0767D, 0x076AE, 0x076BF, 0x076EE, 0x077DB, 0x077E2, 0x077F3,
    0x0793A, 0x079B8, 0x079BE, 0x07A74, 0x07ACB, 0x07AF9, 0x07C73, 0x07CF8,
    0x07F36, 0x07F51, 0x07F8A, 0x07FBD, 0x08001, 0x0800C, 0x08012, 0x08033,
    0x0807F, 0x08089, 0x081E3, 0x081EA, 0x081F3, 0x081FC, 0x0820C, 0x0821B,
    0x0821F, 0x0826E, 0x08272, 0x08278, 0x0864D, 0x0866B, 0x08840, 0x0884C,
    0x08863, 0x0897E, 0x0898B, 0x089D2, 0x08A00, 0x08C37, 0x08C46, 0x08C55,
    0x08C78, 0x08C9D, 0x08D64, 0x08D70, 0x08DB3, 0x08EAB, 0x08ECA, 0x08F9B,
    0x08FB0, 0x08FB5, 0x09091, 0x09149, 0x091C6, 0x091CC, 0x091D1, 0x09577,
    0x09580, 0x0961C, 0x096B6, 0x096B9, 0x096E8, 0x09751, 0x0975E, 0x09762,
    0x09769, 0x097CB, 0x097ED, 0x097F3, 0x09801, 0x098A8, 0x098DB, 0x098DF,
    0x09996, 0x09999, 0x099AC, 0x09AA8, 0x09AD8, 0x09ADF, 0x09B25, 0x09B2F,
    0x09B32, 0x09B3C, 0x09B5A, 0x09CE5, 0x09E75, 0x09E7F, 0x09EA5, 0x09EBB,
    0x09EC3, 0x09ECD, 0x09ED1, 0x09EF9, 0x09EFD, 0x09F0E, 0x09F13, 0x09F20,
    0x09F3B, 0x09F4A, 0x09F52, 0x09F8D, 0x09F9C, 0x09FA0,
];

/// `c`, or the ideograph the radical `c` stands for.
fn unify_radical(c: char) -> char {
    (c as u32)
        .checked_sub(RADICALS_FIRST)
        .and_then(|i| RADICALS.get(i as usize))
        .filter(|&&u| u != 0)
        .and_then(|&u| char::from_u32(u))
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::{Glyph, Page, turn_box, unify_radical};

    #[test]
    fn radicals_are_read_as_the_ideographs_they_stand_for() {
        let read = |s: &str| s.chars().map(unify_radical).collect::<String>();
        // As Chromium prints 首页 and 人民政府 in Noto Sans CJK.
        assert_eq!(read("⾸⻚"), "首页");
        assert_eq!(read("⼈⺠政府"), "人民政府");
        assert_eq!(read("⻓⼀"), "长一");
        // Not radicals: unchanged; a radical without an ideograph stays.
        assert_eq!(read("政府信息2021"), "政府信息2021");
        assert_eq!(read("\u{2E9A}\u{2E80}"), "\u{2E9A}\u{2E80}");
    }

    #[test]
    fn a_page_whose_text_runs_up_or_down_is_read_turned_upright() {
        // Two glyphs of one line drawn running up the page (x fixed, y
        // growing), as a printer driver draws a landscape page.
        let glyph = |y: f32| Glyph {
            text: "1".into(),
            bbox: [100.0, y, 110.0, y + 5.0],
            size: 10.0,
            vertical: false,
        };
        let mut page = Page {
            glyphs: vec![glyph(200.0), glyph(206.0)],
            ..Page::default()
        };
        page.turn_upright([1, 2, 0, 0]);
        assert_eq!(page.turn, 1);
        // Upright, the second glyph is to the right of the first, on one line.
        let [a, b] = [&page.glyphs[0].bbox, &page.glyphs[1].bbox];
        assert!(b[0] > a[2] - 0.01 && (a[1] - b[1]).abs() < 0.01);
        // Boxes go back to the page's own space for provenance.
        assert_eq!(
            page.to_source(page.glyphs[0].bbox),
            [100.0, 200.0, 110.0, 205.0]
        );
        for k in 1..4 {
            let b = [1.0, 2.0, 3.0, 5.0];
            assert_eq!(turn_box(turn_box(b, k), 4 - k), b);
        }
        // A few turned glyphs (a vertical header cell) leave the page as it is.
        let mut page = Page {
            glyphs: vec![glyph(0.0)],
            ..Page::default()
        };
        page.turn_upright([3, 2, 0, 0]);
        assert_eq!(page.turn, 0);
    }
}
