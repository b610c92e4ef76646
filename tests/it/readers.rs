//! PDF and Word files read natively: the real report PDFs give the same
//! cells as their `pdftotext -layout` twins (whose every cell
//! `real_corpus.rs` pins), with page and box; budgets and the blank form
//! never give a number; what is refused says why; damaged files never panic.

use govreports::parse::{parse_bytes, parse_file};
use govreports::report::{Report, Status};

use crate::support::{fixture, repo};

fn parse_doc(rel: &str) -> Report {
    parse_file(&repo().join("tests/fixtures").join(rel), rel, u64::MAX)
}

/// Every table fact as (table, row, column, value).
fn cells(r: &Report) -> Vec<(String, Option<f64>)> {
    let mut out = Vec::new();
    for f in &r.active {
        out.push((format!("二 {}/{}", f.item_code, f.metric_code), f.value));
    }
    for f in &r.applications {
        out.push((
            format!("三 {}/{}", f.row_code, f.applicant),
            f.count.map(|c| c as f64),
        ));
    }
    for f in &r.reviews {
        out.push((
            format!("四 {}/{}", f.proceeding, f.outcome),
            f.count.map(|c| c as f64),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn real_report_pdfs_give_the_cells_of_their_text_twins_with_page_and_box() {
    for name in ["kiro_1", "kiro_2", "govnianbao_1"] {
        let pdf = parse_doc(&format!("pdf/{name}.pdf"));
        let txt = parse_file(
            &fixture(&format!("real/{name}.txt")),
            &format!("real/{name}.txt"),
            u64::MAX,
        );
        assert_eq!(
            (pdf.format, pdf.layout),
            (Some("pdf"), Some("pdf_grid")),
            "{name}: {:?}",
            pdf.error
        );
        assert_eq!(pdf.status, txt.status, "{name}");
        assert_eq!(pdf.template_version, txt.template_version, "{name}");
        assert_eq!(pdf.meta.report_year, txt.meta.report_year, "{name}");
        let (got, want) = (cells(&pdf), cells(&txt));
        assert_eq!(got.len(), want.len(), "{name}: number of cells");
        let wrong: Vec<_> = got.iter().zip(&want).filter(|(g, w)| g != w).collect();
        assert!(
            wrong.is_empty(),
            "{name}: {} cells differ: {wrong:?}",
            wrong.len()
        );
        // Every table fact (二, 三 and 四) knows its page and box.
        let facts = pdf
            .active
            .iter()
            .map(|f| (f.source_line, f.raw))
            .chain(pdf.applications.iter().map(|f| (f.source_line, f.raw)))
            .chain(pdf.reviews.iter().map(|f| (f.source_line, f.raw)));
        for (line, raw) in facts {
            let o = pdf.origin(line, raw).expect("provenance");
            assert!(o.page.is_some_and(|p| p >= 1), "{name}: line {line}");
            let b = o.bbox.unwrap();
            assert!(b[0] < b[2] && b[1] < b[3], "{name}: {b:?}");
        }
        // pdftotext puts a space where glyphs are set apart (`2023 年`).
        let squash = |t: &Option<String>| t.as_deref().map(|t| t.replace(' ', ""));
        assert_eq!(squash(&pdf.meta.title), squash(&txt.meta.title), "{name}");
        assert_eq!(pdf.meta.organization, txt.meta.organization, "{name}");
        assert_eq!(pdf.meta.published_on, txt.meta.published_on, "{name}");
    }
}

/// A searchable scan (the page images, tesseract's reading of them drawn
/// invisibly on top) was read off images: tesseract read table 二's `33`
/// as `3`. Table 二 has no totals to catch that, so it gives no number;
/// every number tables 三 and 四 give adds up to its total and is the one
/// printed.
#[test]
fn a_searchable_scan_gives_only_the_numbers_its_totals_prove() {
    use govreports::diagnostics::DiagCode;
    let r = parse_doc("pdf/ocr_scan.pdf");
    assert_eq!((r.format, r.layout), (Some("pdf"), Some("pdf_text")));
    assert_eq!(r.status, Status::Partial);
    assert!(r.active.iter().all(|f| f.value.is_none()));
    let misread = r
        .active
        .iter()
        .find(|f| f.item_code == "administrative_license" && f.metric_code == "decisions")
        .and_then(|f| f.raw)
        .map(|s| r.raw(s));
    assert_eq!(misread, Some("3"), "printed 33");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == DiagCode::MisreadSuspected && d.message.starts_with("table 二"))
    );
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/pdf/ocr_scan.truth.json")).unwrap(),
    )
    .unwrap();
    let want: std::collections::BTreeMap<_, _> =
        crate::support::printed_cells(&truth, ["二", "三", "四"])
            .into_iter()
            .map(|((tag, a, b), v)| (format!("{tag} {a}/{b}"), v))
            .collect();
    let given: Vec<_> = cells(&r)
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    let wrong: Vec<_> = given
        .iter()
        .filter(|(k, v)| want.get(k) != Some(&Some(*v)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
    assert!(given.len() >= 60, "{} numbers given", given.len());
}

#[test]
fn encrypted_pdfs_with_an_empty_user_password_are_read() {
    let plain = cells(&parse_doc("pdf/kiro_2.pdf"));
    for name in ["kiro_2_no_copy_aes", "kiro_2_no_copy_rc4"] {
        let r = parse_doc(&format!("pdf/{name}.pdf"));
        assert_eq!(r.status, Status::Ok, "{name}: {:?}", r.error);
        assert_eq!(cells(&r), plain, "{name}");
    }
    let locked = parse_doc("pdf/locked_user_password.pdf");
    assert_eq!(
        (locked.status, locked.format),
        (Status::Failed, Some("pdf"))
    );
    assert!(locked.error.unwrap().contains("password"));
}

#[test]
fn budgets_are_not_reports_and_never_give_a_number() {
    for name in ["budgetchk_nonreport_1", "neg_putuo_wanli_budget_2023"] {
        let r = parse_doc(&format!("pdf/{name}.pdf"));
        assert_eq!(r.status, Status::NotAReport, "{name}: {:?}", r.error);
        assert_eq!(r.format, Some("pdf"));
        assert!(cells(&r).is_empty(), "{name}");
    }
}

#[test]
fn the_blank_2021_form_as_docx_is_partial_without_a_single_number() {
    let r = parse_doc("docx/gnb_template_blank.docx");
    assert_eq!(
        (r.format, r.layout, r.template_version),
        (Some("docx"), Some("docx_table"), Some("2021")),
        "{:?}",
        r.error
    );
    assert_eq!(r.status, Status::Partial);
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code.code() == "form_unfilled")
    );
    let cells = cells(&r);
    assert!(!cells.is_empty(), "the form's tables are found");
    assert!(
        cells.iter().all(|(_, v)| v.is_none()),
        "{:?}",
        cells
            .iter()
            .filter(|(_, v)| v.is_some())
            .collect::<Vec<_>>()
    );
}

#[test]
fn refused_formats_say_why_and_how_to_convert() {
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend(vec![0; 504]);
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    for (path, format) in [("a.doc", "doc"), ("b.wps", "wps"), ("c.txt", "doc")] {
        let r = parse_bytes(path, &doc);
        assert_eq!((r.status, r.format), (Status::Failed, Some(format)));
        assert!(
            r.error
                .as_deref()
                .unwrap()
                .contains("libreoffice --headless --convert-to docx")
        );
    }
    let png = parse_bytes("scan.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(png.status, Status::Failed);
    assert!(png.error.unwrap().contains("OCR"));
}

/// A one-page PDF with the given content stream and resources.
fn tiny_pdf(content: &str, resources: &str, extra: &[&str]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources {resources} >>"
        ),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ),
    ];
    objects.extend(extra.iter().map(|s| (*s).to_owned()));
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

#[test]
fn a_scanned_pdf_is_refused_with_the_reason() {
    let pdf = tiny_pdf(
        "q 100 0 0 100 0 0 cm /Im1 Do Q",
        "<< /XObject << /Im1 5 0 R >> >>",
        &[
            "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\u{7f}\nendstream",
        ],
    );
    let r = parse_bytes("scan.pdf", &pdf);
    assert_eq!(
        (r.status, r.format),
        (Status::Failed, Some("pdf")),
        "{:?}",
        r.error
    );
    assert_eq!(
        r.error.as_deref(),
        Some("scanned PDF, no text layer — OCR it first")
    );
}

#[test]
fn a_pdf_without_rules_is_read_as_positioned_text() {
    let pdf = tiny_pdf(
        "BT /F1 12 Tf 20 150 Td (2023 Annual Report) Tj ET",
        "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
        &[],
    );
    let r = parse_bytes("plain.pdf", &pdf);
    assert_eq!(r.format, Some("pdf"), "{:?}", r.error);
    let text = r.text.as_ref().unwrap().as_str();
    assert!(text.contains("2023 Annual Report"), "{text}");
}

#[test]
fn damaged_pdfs_and_docx_files_never_panic_nor_give_a_wrong_number() {
    let pdf = std::fs::read(repo().join("tests/fixtures/pdf/kiro_2.pdf")).unwrap();
    let docx = std::fs::read(repo().join("tests/fixtures/docx/gnb_template_blank.docx")).unwrap();
    let plain = cells(&parse_doc("pdf/kiro_2.pdf"));
    // A value read from a damaged file is the value of the intact file.
    let no_wrong_number = |r: &Report, what: &str| {
        if r.format != Some("pdf") {
            return;
        }
        for (key, value) in cells(r) {
            if let (Some(v), Some((_, want))) = (value, plain.iter().find(|(k, _)| *k == key)) {
                assert_eq!(Some(v), *want, "{what}: {key}");
            }
        }
    };
    let mut seen = 0;
    for (name, bytes) in [("d.pdf", &pdf), ("d.docx", &docx)] {
        // Truncated anywhere, and bytes overwritten at spread-out places.
        for k in 1..40usize {
            let cut = bytes.len() * k / 40;
            let r = parse_bytes(name, &bytes[..cut]);
            assert_ne!(
                r.error.as_deref().map(|e| e.starts_with("internal error")),
                Some(true),
                "{name} cut at {cut}: {:?}",
                r.error
            );
            no_wrong_number(&r, &format!("{name} cut at {cut}"));
            seen += 1;
            let mut flipped = bytes.clone();
            for j in 0..16 {
                let at = (cut + j * 7919) % flipped.len();
                flipped[at] ^= 0x5a;
            }
            let r = parse_bytes(name, &flipped);
            assert_ne!(
                r.error.as_deref().map(|e| e.starts_with("internal error")),
                Some(true),
                "{name} flipped near {cut}: {:?}",
                r.error
            );
            no_wrong_number(&r, &format!("{name} flipped near {cut}"));
            seen += 1;
        }
    }
    assert_eq!(seen, 156);
}

/// The generated documents in `tests/fixtures/docs` (made by
/// `data/generator/documents.py --make`, one or two of every producer and
/// variant) against their truth, cell by cell: a blank cell is NULL, every
/// other cell its number, and no cell the truth does not list; status,
/// format, layout and the header's metadata as the truth says.
#[test]
fn generated_documents_of_every_producer_give_their_truth_cell_for_cell() {
    use serde_json::Value;
    use std::collections::{BTreeMap, BTreeSet};
    let dir = repo().join("tests/fixtures/docs");
    let truth = std::fs::read_to_string(dir.join("truth.jsonl")).unwrap();
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && !"《》“”".contains(*c))
            .collect::<String>()
    };
    let mut seen = BTreeSet::new();
    for line in truth.lines() {
        let t: Value = serde_json::from_str(line).unwrap();
        let rel = t["source_path"].as_str().unwrap();
        let r = parse_file(&dir.join(rel), rel, u64::MAX);
        seen.insert(t["gen_layout"].as_str().unwrap().to_owned());
        for f in t["features"].as_array().unwrap() {
            seen.insert(f.as_str().unwrap().to_owned());
        }
        // `status_alt`: every cell of 三 blank, which reads as the unfilled form (partial).
        assert!(
            r.status.code() == t["status"]
                || t.get("status_alt").is_some_and(|a| a == r.status.code()),
            "{rel}: {:?} {:?}",
            r.status,
            r.error
        );
        assert_eq!(r.format, t["format"].as_str(), "{rel}");
        if let Some(reason) = t.get("error").and_then(Value::as_str) {
            assert!(
                r.error.as_deref().is_some_and(|e| e.contains(reason)),
                "{rel}: {:?}",
                r.error
            );
        }
        if t["status"] != "ok" {
            assert!(cells(&r).iter().all(|(_, v)| v.is_none()), "{rel}");
            continue;
        }
        assert_eq!(r.layout, t["layout"].as_str(), "{rel}");
        assert_eq!(r.template_version, t["template_version"].as_str(), "{rel}");
        assert_eq!(
            r.meta.report_year.map(i64::from),
            t["report_year"].as_i64(),
            "{rel}"
        );
        assert_eq!(
            r.meta.title.as_deref().map(squash),
            t["title"].as_str().map(squash),
            "{rel}"
        );
        assert_eq!(
            r.meta.organization.as_deref().map(squash),
            t["organization"].as_str().map(squash),
            "{rel}"
        );
        let published = r
            .meta
            .published_on
            .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        assert_eq!(published.as_deref(), t["published_on"].as_str(), "{rel}");
        // Truth cells: key → number, or None for a blank cell.
        let want: BTreeMap<_, _> = crate::support::printed_cells(&t, ["二", "三", "四"])
            .into_iter()
            .map(|((tag, a, b), v)| (format!("{tag} {a}/{b}"), v))
            .collect();
        let got: BTreeMap<_, _> = cells(&r).into_iter().collect();
        let wrong: Vec<_> = want
            .iter()
            .filter(|(k, v)| got.get(*k) != Some(*v))
            .map(|(k, v)| (k, v, got.get(k)))
            .collect();
        assert!(
            wrong.is_empty(),
            "{rel}: {} cells differ: {wrong:?}",
            wrong.len()
        );
        assert_eq!(
            got.len(),
            want.len(),
            "{rel}: cells the truth does not list"
        );
        if t["format"] == "pdf" {
            for f in &r.applications {
                let o = r.origin(f.source_line, f.raw).expect("provenance");
                assert!(o.page.is_some_and(|p| p >= 1) && o.bbox.is_some(), "{rel}");
            }
        }
    }
    for want in [
        "docx_table",
        "pdf_lo",
        "pdf_chromium",
        "pdf_reportlab",
        "pdf_encrypted",
        "pdf_locked",
        "pdf_scanned",
        "pdf_turned",
        "docx:vmerge_bare",
        "docx:vmerge_continue",
        "docx:flat_spans",
        "docx:tbl_header",
        "pdf:font_not_embedded",
        "form:2019",
        "form:2021",
        "blank_ph:empty",
    ] {
        assert!(seen.contains(want), "no fixture for {want}");
    }
}
