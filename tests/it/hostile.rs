//! Hostile inputs and hostile moments (issue 27): stray bytes, names that
//! are not UTF-8, files that are not files, links out of the corpus, the
//! walker's defaults, the shrink guard, versioned publishing, absurd
//! arguments. Everything runs the real binary on real files.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{bin, duckdb, repo, run, run_json, table};

fn sample_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    copy_tree(&repo().join("data/sample"), &corpus);
    corpus
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn source_paths(out: &Path) -> Vec<String> {
    duckdb(&format!(
        "SELECT source_path FROM {} ORDER BY 1",
        table(out, "reports")
    ))
    .into_iter()
    .map(|r| r[0].as_str().unwrap().to_owned())
    .collect()
}

/// The facts of every report whose path starts with `prefix`, keyed by
/// the path after it: what a clean twin and a damaged one must share.
fn facts(out: &Path, prefix: &str) -> Vec<Vec<Value>> {
    duckdb(&format!(
        "SELECT substr(r.source_path, {}), r.status, r.report_year, a.row_code, a.applicant, a.count \
         FROM {} a JOIN {} r USING (doc_id) WHERE starts_with(r.source_path, '{prefix}') ORDER BY ALL",
        prefix.len() + 1,
        table(out, "applications"),
        table(out, "reports"),
    ))
}

/// A report with one stray byte (0xFF), a GBK word at a line start, a
/// Latin-1 `é` or a stray NUL reads as its clean twin: UTF-8 with a
/// warning, the same facts.
#[test]
fn stray_bytes_give_the_values_of_the_clean_twin() {
    let dir = tempfile::tempdir().unwrap();
    let clean = sample_corpus(dir.path());
    let damaged = dir.path().join("damaged");
    let (gbk_word, _, _) = encoding_rs::GB18030.encode("备注");
    let variants: [(&str, &[u8]); 4] = [
        ("ff", b"\xff"),
        ("gbk", &gbk_word),
        ("latin1", b"caf\xe9 "),
        ("nul", b"\0"),
    ];
    let mut files = Vec::new();
    let mut stack = vec![clean.clone()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    for (name, insert) in variants {
        for f in &files {
            let rel = f.strip_prefix(&clean).unwrap();
            let bytes = fs::read(f).unwrap();
            if bytes.is_empty() {
                // misc/000011.txt: an empty file has no clean twin to match.
                fs::create_dir_all(damaged.join(name).join(rel.parent().unwrap())).unwrap();
                fs::write(damaged.join(name).join(rel), b"").unwrap();
                continue;
            }
            // At the start of the second line.
            let at = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
            let mut changed = bytes[..at].to_vec();
            changed.extend_from_slice(insert);
            changed.extend_from_slice(&bytes[at..]);
            let to = damaged.join(name).join(rel);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::write(to, changed).unwrap();
        }
    }
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let o = run(&clean, &a, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&damaged, &b, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = facts(&a, "");
    assert!(!want.is_empty());
    for (variant, _) in variants {
        assert_eq!(facts(&b, &format!("{variant}/")), want, "variant {variant}");
    }
    // Each damaged file has its twin's status and encoding (some samples
    // are GBK: a stray byte there is read as GB18030 with replacements).
    let twins = duckdb(&format!(
        "SELECT count(*) FROM {} d JOIN {} c ON d.source_path LIKE '%/' || c.source_path \
         WHERE d.status <> c.status OR d.encoding IS DISTINCT FROM c.encoding",
        table(&b, "reports"),
        table(&a, "reports"),
    ));
    assert_eq!(twins[0][0], Value::from(0));
    // A warning for every repair (a GBK word in a GBK file needs none).
    let repaired = duckdb(&format!(
        "SELECT count(DISTINCT doc_id) FROM {} WHERE code = 'encoding_fallback' AND severity = 'warning'",
        table(&b, "diagnostics")
    ));
    assert!(
        repaired[0][0].as_u64().unwrap() >= (files.len() as u64 - 1) * 3,
        "{repaired:?}"
    );
}

/// An empty corpus (an unmounted disk) and one that lost more than half
/// its files are refused with exit 1, the previous output intact and the
/// override named; `--allow-shrink` lets a real shrink through.
#[test]
fn the_shrink_guard_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_corpus(dir.path());
    let out = dir.path().join("out");
    assert!(run(&corpus, &out, &[]).status.success());
    let before = fs::read(out.join("_run.json")).unwrap();
    let files = run_json(&out)["files_seen"].as_u64().unwrap();
    assert!(files >= 6);

    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    for args in [&[][..], &["--allow-shrink"]] {
        let o = run(&empty, &out, args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("no files"), "{}", stderr(&o));
        assert_eq!(fs::read(out.join("_run.json")).unwrap(), before);
    }

    // Down to 40% of the files.
    let mut kept = 0;
    for sub in fs::read_dir(&corpus).unwrap().flatten() {
        for f in fs::read_dir(sub.path()).unwrap().flatten() {
            kept += 1;
            if kept * 5 > files as usize * 2 {
                fs::remove_file(f.path()).unwrap();
            }
        }
    }
    let o = run(&corpus, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--allow-shrink"), "{}", stderr(&o));
    assert_eq!(fs::read(out.join("_run.json")).unwrap(), before);
    let o = run(&corpus, &out, &["--allow-shrink"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(run_json(&out)["files_seen"].as_u64().unwrap() * 2 < files);
}

/// Hidden files and folders, VCS folders and the output inside the corpus
/// are not read by default; `--hidden`, `--include` and `--exclude` change
/// what is.
#[test]
fn the_walker_skips_hidden_files_and_the_output_and_applies_globs() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_corpus(dir.path());
    fs::create_dir_all(corpus.join(".git/objects")).unwrap();
    fs::write(corpus.join(".git/config"), "[core]\n").unwrap();
    fs::write(corpus.join(".git/objects/ab"), "x").unwrap();
    fs::create_dir_all(corpus.join("CVS")).unwrap();
    fs::write(corpus.join("CVS/Entries"), "x").unwrap();
    fs::write(corpus.join(".DS_Store"), "\0\0\0\x01Bud1").unwrap();
    fs::write(corpus.join("misc/.notes.txt"), "hidden").unwrap();
    let visible = {
        let out = dir.path().join("plain");
        assert!(run(&corpus, &out, &[]).status.success());
        source_paths(&out)
    };
    assert!(
        visible
            .iter()
            .all(|p| !p.contains(".git") && !p.contains("CVS") && !p.contains("/."))
    );
    assert!(!visible.iter().any(|p| p.starts_with('.')), "{visible:?}");

    // `run . --out out`: the output (with its lock and staging) is in the
    // corpus, twice, and never becomes rows.
    let inside = corpus.join("out");
    for _ in 0..2 {
        let o = run(&corpus, &inside, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(source_paths(&inside), visible);

    let out = dir.path().join("hidden");
    assert!(run(&corpus, &out, &["--hidden"]).status.success());
    let all = source_paths(&out);
    for p in [".git/config", ".DS_Store", "CVS/Entries", "misc/.notes.txt"] {
        assert!(all.iter().any(|a| a == p), "{p} not in {all:?}");
    }
    assert!(!all.iter().any(|p| p.starts_with("out/")), "{all:?}");

    let out = dir.path().join("globs");
    let o = run(
        &corpus,
        &out,
        &[
            "--include",
            "*.txt",
            "--include",
            "html_table/*",
            "--exclude",
            "misc/**",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let some = source_paths(&out);
    let want: Vec<_> = visible
        .iter()
        .filter(|p| {
            (p.ends_with(".txt") || p.starts_with("html_table/")) && !p.starts_with("misc/")
        })
        .cloned()
        .collect();
    assert_eq!(some, want);
    let o = run(&corpus, &dir.path().join("bad"), &["--include", "a[b"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// A FIFO and a device are rows, never read (a FIFO's open would block);
/// a symlink out of the corpus is not followed without `--follow`.
#[cfg(unix)]
#[test]
fn files_that_are_not_files_and_links_out_of_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_corpus(dir.path());
    let fifo = corpus.join("pipe.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let outside = dir.path().join("outside.txt");
    fs::copy(repo().join("data/sample/tabbed/000000.txt"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, corpus.join("link.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", corpus.join("zero.txt")).unwrap();
    std::os::unix::fs::symlink(corpus.join("tabbed"), corpus.join("inside")).unwrap();
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = duckdb(&format!(
        "SELECT source_path, status, error FROM {} WHERE source_path IN ('pipe.txt', 'link.txt', 'zero.txt') OR source_path LIKE 'inside/%' ORDER BY 1",
        table(&out, "reports")
    ));
    let get = |p: &str| {
        rows.iter()
            .find(|r| r[0] == p)
            .unwrap_or_else(|| panic!("{p}: {rows:?}"))
    };
    assert_eq!(get("pipe.txt")[1], "failed");
    assert!(
        get("link.txt")[2].as_str().unwrap().contains("--follow"),
        "{rows:?}"
    );
    assert!(
        get("zero.txt")[2].as_str().unwrap().contains("--follow"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[0] == "inside/000000.txt" && r[1] == "ok"),
        "links inside the root are followed: {rows:?}"
    );
    let out = dir.path().join("follow");
    let o = run(&corpus, &out, &["--follow"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = duckdb(&format!(
        "SELECT source_path, status, error FROM {} WHERE source_path IN ('link.txt', 'zero.txt') ORDER BY 1",
        table(&out, "reports")
    ));
    assert_eq!(rows[0][1], "duplicate", "{rows:?}"); // of tabbed/000000.txt
    assert_eq!(rows[1][1], "failed", "{rows:?}");
    assert!(
        rows[1][2].as_str().unwrap().contains("not a regular file"),
        "{rows:?}"
    );

    // `inspect` on a FIFO returns at once.
    let o = bin().arg("inspect").arg(&fifo).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("not a regular file"));
}

/// Names that are not UTF-8 stay apart: GB18030 where sure, `\xHH`
/// escapes otherwise, and never two files with one `source_path`.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_kept_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(corpus.join("both")).unwrap();
    let report = fs::read(repo().join("data/sample/tabbed/000000.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode("年报.txt");
    let names: Vec<Vec<u8>> = vec![
        b"\xff.txt".to_vec(),
        b"\xfe.txt".to_vec(),
        gbk.to_vec(),
        [b"both/".as_slice(), &gbk].concat(),
        "both/年报.txt".as_bytes().to_vec(),
    ];
    for (i, name) in names.iter().enumerate() {
        let mut bytes = report.clone();
        bytes.extend_from_slice(format!("\n{i}\n").as_bytes());
        fs::write(corpus.join(std::ffi::OsStr::from_bytes(name)), bytes).unwrap();
    }
    let out = dir.path().join("out");
    let o = run(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut paths = source_paths(&out);
    paths.sort();
    let mut want = vec![
        "\\xFF.txt".to_owned(),
        "\\xFE.txt".to_owned(),
        "年报.txt".to_owned(),
        "both/\\xC4\\xEA\\xB1\\xA8.txt".to_owned(),
        "both/年报.txt".to_owned(),
    ];
    want.sort();
    assert_eq!(paths, want);
}

/// Absurd `-j` is a usage error; a log that cannot be written never
/// panics; `--out` through a symlink writes (and locks) the real directory.
#[cfg(unix)]
#[test]
fn the_run_itself_absurd_jobs_full_log_disk_and_symlinked_out() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_corpus(dir.path());
    let o = run(&corpus, &dir.path().join("j"), &["-j", "100000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let full = fs::File::options().write(true).open("/dev/full").unwrap();
    let o = bin()
        .arg("run")
        .arg(&corpus)
        .arg("--out")
        .arg(&link)
        .arg("-v")
        .stderr(full)
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link is kept"
    );
    assert!(real.join("_run.json").exists());
    // An error with nowhere to write it still exits 1, not 101.
    let full = fs::File::options().write(true).open("/dev/full").unwrap();
    let o = bin()
        .arg("run")
        .arg(dir.path().join("empty-nonexistent"))
        .arg("--out")
        .arg(&link)
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// Readers that resolve `current` once read one version to the end, even
/// while the next run publishes and the one after removes it... no: the
/// previous version stays until the next run, so a reader is safe for a
/// whole run's time.
#[test]
fn a_reader_on_the_previous_version_keeps_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_corpus(dir.path());
    let out = dir.path().join("out");
    assert!(run(&corpus, &out, &[]).status.success());
    let first = fs::canonicalize(out.join("current")).unwrap();
    let n = |root: &Path| {
        duckdb(&format!("SELECT count(*) FROM {}", table(root, "reports")))[0][0].clone()
    };
    let before = n(&first);
    fs::copy(
        repo().join("data/sample/tabbed/000000.txt"),
        corpus.join("extra.txt"),
    )
    .unwrap();
    assert!(run(&corpus, &out, &[]).status.success());
    assert_eq!(n(&first), before, "the previous version is kept");
    assert_ne!(n(&out), before, "the new one is published");
    assert!(run(&corpus, &out, &[]).status.success());
    assert!(!first.exists(), "versions older than the previous one go");
}
