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
        };
        interpret_page(page, &mut context, &mut device);
        out.push(device.page);
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

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        let vertical = run.writing_mode() == WritingMode::Vertical;
        for glyph in run.glyphs() {
            let Some(text) = glyph.as_unicode() else {
                continue;
            };
            let text = match text {
                BfString::Char(c) => c.to_string(),
                BfString::String(s) => s,
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
        }
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {
        self.page.images += 1;
    }

    fn pop_clip(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}
