#!/usr/bin/env python3
"""Hostile files: time and memory per file stay linear and bounded (issue 27).

    python3 tests/bench/hostile.py                      # issue 27's done-when, one command (~3 min)
    python3 tests/bench/hostile.py --max-mb 1 --sizes 6 # quicker

For each family below, files of --sizes sizes (geometric, 64 KB up to
--max-mb, by default the text limit of 4 MB) are written under --work, and
`govreports inspect` is run on each (the per-file path of `run`, one
process per file), recording wall time and peak RSS (wait4's ru_maxrss,
what `/usr/bin/time -v` reports). Past the limits: each family at twice
the text limit (read, refused as text), a sparse file of 20 GB (over
--max-file-size: not read), a FIFO, /dev/zero, /proc links, and a file
replaced by a FIFO after discovery. Stray-byte twins: every sample report
with one 0xFF, the GB18030 bytes of 备注 or a Latin-1 `é` inserted at a
line start, next to its clean copy.

Then `govreports run` (default -j) goes over the whole corpus, twice
(without and with --follow), and over a quarter-size corpus (the same
families up to --max-mb / 4) for time against bytes. Reported, and checked
(exit 1 when one fails): the run exits 0 with peak RSS under 1 GB; every
file has exactly one `reports` row; each stray twin gives the same values
as its clean twin (every fact table's values and the report's fields,
compared with DuckDB, from the venv at ~/.cache/venv or any `duckdb`
module).

Families (issue 27's reproducers and their cousins):
  ones        `1\\n` × n                     (memory per line)
  sentences   a title and `共发布信息N条` × n on one line (narrative mapping)
  html_a      `<html><body>` + `<a` × n      (tags without `>`)
  html_cells  a table of n `<td>1</td>` cells in one row
  html_nest   `<table><tr><td>` × n, never closed
  long_line   a report line of CJK prose, n bytes, no newline
  pipes       a markdown table row of n `|1` cells
  digits      one number of n digits
  report_x    a real report repeated to size (many tables)
  stray       a real report with 0xFF / GBK / Latin-1 bytes every 4 KB
  twins       (not sized) each sample report with one stray byte or word,
              and its clean twin

Nothing here runs in `cargo test`: it takes minutes and measures time.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def binary():
    if os.environ.get("GOVREPORTS_BIN"):
        return Path(os.environ["GOVREPORTS_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "govreports"


def sample(name="tabbed/000000.txt"):
    return (REPO / "data/sample" / name).read_bytes()


def fill(unit: bytes, size: int, head: bytes = b"") -> bytes:
    n = max(1, (size - len(head)) // len(unit))
    return head + unit * n


FAMILIES = {
    "ones": lambda n: fill(b"1\n", n),
    "sentences": lambda n: fill(
        "共发布信息123条，".encode(), n, "2023年政府信息公开工作年度报告\n".encode()
    ),
    "html_a": lambda n: fill(b"<a", n, b"<html><body>"),
    "html_cells": lambda n: fill(b"<td>1</td>", n, b"<html><body><table><tr>"),
    "html_nest": lambda n: fill(b"<table><tr><td>", n, b"<html><body>"),
    "long_line": lambda n: fill(
        "本机关全年共受理政府信息公开申请并依法答复".encode(),
        n,
        "2023年政府信息公开工作年度报告\n".encode(),
    ),
    "pipes": lambda n: fill(b"|1", n, "2023年政府信息公开工作年度报告\n".encode()),
    "digits": lambda n: fill(b"7", n, "2023年政府信息公开工作年度报告\n共发布信息".encode()),
    "report_x": lambda n: fill(sample(), n),
    "stray": lambda n: stray(fill(sample("markdown_table/000001.md"), n)),
}


def stray(b: bytes) -> bytes:
    gbk = "备注".encode("gb18030")
    out = bytearray()
    for k in range(0, len(b), 4096):
        chunk = b[k : k + 4096]
        # cut at a line start so the insert does not split a character
        cut = chunk.find(b"\n") + 1
        out += chunk[:cut] + [b"\xff", gbk, b"caf\xe9 "][(k // 4096) % 3] + chunk[cut:]
    return bytes(out)


TIME = Path("/usr/bin/time")


def measure(cmd, **kw):
    """Runs cmd; returns (seconds, peak RSS in MB of the child, returncode).

    The peak comes from GNU time (`%M`) where it is installed: the ru_maxrss
    that wait4 gives a child of this process starts at this process's own
    peak (Linux carries the forking process's high-water mark across fork
    and exec), so a 30 MB report's peak read here as the ~25 MB this script
    had reached while writing the corpus. Without /usr/bin/time, wait4's
    figure is an upper bound (the runs' figures, far above that floor,
    are exact either way)."""
    t = time.perf_counter()
    if TIME.exists():
        p = subprocess.Popen([str(TIME), "-f", "@@maxrss %M", *cmd], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, **kw)
        err = p.communicate()[1]
        secs = time.perf_counter() - t
        line = [x for x in err.splitlines() if x.startswith(b"@@maxrss ")]
        # time exits with the command's status
        return secs, int(line[-1].split()[1]) / 1024 if line else float("nan"), p.returncode
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return secs, usage.ru_maxrss / 1024, p.returncode


STRAYS = {"ff": b"\xff", "gbk": "备注".encode("gb18030"), "latin1": b"caf\xe9 "}


def twins(corpus: Path):
    """Each sample report with one stray insert at a line start (half way
    down), and its clean twin: {stray path: clean path}, relative."""
    pairs = {}
    (corpus / "twins").mkdir()
    for f in sorted((REPO / "data/sample").rglob("*")):
        b = f.read_bytes() if f.is_file() else b""
        if len(b) < 200:  # not a report (an empty file)
            continue
        clean = Path("twins") / f"{f.parent.name}_{f.stem}_clean{f.suffix}"
        (corpus / clean).write_bytes(b)
        lines = b.split(b"\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        # 0xFF: the middle line that is not empty, whatever it holds (in a
        # one-cell-per-line table, glued to a number). Words: the middle
        # line of text (one with an ideograph: a label or prose), as a word
        # pasted there. (A word glued to a number changes that cell, and a
        # byte alone on an empty line adds one: not compared.)
        full = [s for s, line in zip(starts, lines) if line.strip()]
        texty = [s for s, line in zip(starts, lines) if any(0xE4 <= c <= 0xE9 for c in line)]
        for kind, stray in STRAYS.items():
            at = full[len(full) // 2] if kind == "ff" else texty[len(texty) // 2]
            p = Path("twins") / f"{f.parent.name}_{f.stem}_{kind}{f.suffix}"
            (corpus / p).write_bytes(b[:at] + stray + b[at:])
            pairs[str(p)] = str(clean)
    return pairs


# What a report says, compared between twins: every fact table's values
# (not `raw`/`sentence`, which hold the stray text where it landed).
VALUES = {
    "reports": "title, organization, province, city, county, township, admin_code, admin_level, "
    "published_on, template_version, status, format, layout, cells_expected, cells_found, "
    "cells_blank, checks_failed, report_year",
    "applications": "source_line, row_code, applicant, count",
    "active_disclosure": "source_line, article, item_code, metric_code, value, unit",
    "reviews_litigation": "source_line, proceeding, outcome, count",
    "narrative_counts": "source_line, subject, category, channel, is_total, count, approximate",
    "checks": "check_code, scope, expected, actual, passed",
}


def duckdb_module(just_check=False):
    """The duckdb module (re-running under ~/.cache/venv's python if only
    that has it). `just_check` does not import it: a child forked from a
    process holding DuckDB (~48 MB) reports that as its ru_maxrss floor."""
    import importlib.util

    if importlib.util.find_spec("duckdb") is not None:
        if just_check:
            return None
        import duckdb

        return duckdb
    else:
        venv = Path.home() / ".cache/venv/bin/python"
        if venv.exists() and os.environ.get("HOSTILE_REEXEC") != "1":
            os.environ["HOSTILE_REEXEC"] = "1"
            os.execv(str(venv), [str(venv), *sys.argv])
        sys.exit("needs the duckdb module (pip install duckdb)")


def check_rows(out: Path, corpus: Path, pairs: dict) -> list:
    """Every file has one row; twins give the same values. Returns failures."""
    duckdb = duckdb_module()
    v = Path(os.path.realpath(out / "current"))
    c = duckdb.connect()
    for t in VALUES:
        c.execute(
            f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{v}/{t}/**/*.parquet', hive_partitioning = true)"
            if any((v / t).rglob("*.parquet"))
            else f"CREATE VIEW {t} AS SELECT NULL::VARCHAR AS doc_id WHERE false"
        )
    rows = c.sql("SELECT source_path, count(*) FROM reports GROUP BY 1").fetchall()
    seen = dict(rows)
    entries = sorted(
        str(p.relative_to(corpus)) for p in corpus.rglob("*") if not p.is_dir() or p.is_symlink()
    )
    fails = [f"no row: {e}" for e in entries if e not in seen]
    fails += [f"{n} rows: {p}" for p, n in seen.items() if n != 1]
    fails += [f"row for a file not in the corpus: {p}" for p in seen if p not in set(entries)]
    print(f"rows: {len(rows)} source paths for {len(entries)} corpus entries", flush=True)
    for p in ["fifo.txt", "kmsg.txt", "zero.txt", "mem.txt", "zzz_late.txt", "sparse_20g.txt"]:
        r = c.sql(f"SELECT status, error FROM reports WHERE source_path = '{p}'").fetchall()
        print(f"  {p:15s} {r[0] if r else 'NO ROW'}")
    same = 0
    for stray, clean in pairs.items():
        diff = []
        for t, cols in VALUES.items():
            q = lambda path: (
                f"SELECT {cols} FROM {t} WHERE doc_id = (SELECT doc_id FROM reports WHERE source_path = '{path}')"
                if t != "reports"
                else f"SELECT {cols} FROM reports WHERE source_path = '{path}'"
            )
            n = c.sql(f"SELECT count(*) FROM (({q(stray)}) EXCEPT ALL ({q(clean)})) UNION ALL "
                      f"SELECT count(*) FROM (({q(clean)}) EXCEPT ALL ({q(stray)}))").fetchall()
            if n[0][0] or n[1][0]:
                diff.append(f"{t} {n[0][0]}/{n[1][0]}")
        facts = c.sql(
            f"SELECT count(*) FROM applications WHERE doc_id = (SELECT doc_id FROM reports WHERE source_path = '{clean}')"
        ).fetchall()[0][0]
        if diff:
            fails.append(f"twin differs: {stray} vs {clean}: {', '.join(diff)}")
        else:
            same += 1
        print(f"  twin {stray:45s} {'same' if not diff else 'DIFFERS ' + ', '.join(diff)} ({facts} applications rows)")
    print(f"twins: {same} of {len(pairs)} give their clean twin's values", flush=True)
    return fails


BASE_RSS = [0.0]  # inspect's peak RSS on a sample report (the process and its tables)


def build(corpus: Path, families, sizes, inspect, exe, worst):
    total = 0
    for fam in families:
        (corpus / fam).mkdir(parents=True)
        for size in sizes:
            data = FAMILIES[fam](size)
            path = corpus / fam / f"{len(data):010d}.{'html' if fam.startswith('html') else 'txt'}"
            path.write_bytes(data)
            total += len(data)
            if not inspect:
                continue
            secs, rss, rc = measure([str(exe), "inspect", str(path)])
            mb = len(data) / (1 << 20)
            extra = max(0.0, rss - BASE_RSS[0])
            print(f"{fam:10s} {mb:8.2f} MB  {secs:6.2f} s  {secs / mb:6.2f} s/MB  RSS {rss:7.1f} MB  "
                  f"(+{extra:5.1f} MB over a sample report's, {extra / mb:5.1f}x the file)  rc {rc}", flush=True)
            w = worst.setdefault(fam, [0, 0, 0, 0])
            w[0] = max(w[0], secs / mb)
            w[1] = max(w[1], rss)
            w[2] = max(w[2], secs)
            w[3] = max(w[3], extra / mb)
    return total


def sizes_up_to(hi: int, n: int):
    lo = 64 << 10
    return [int(lo * (hi / lo) ** (k / max(1, n - 1))) for k in range(n)]


TEXT_LIMIT = 4 << 20  # src/decode.rs MAX_TEXT_BYTES


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govreports-hostile"))
    ap.add_argument("--max-mb", type=float, default=TEXT_LIMIT / (1 << 20))
    ap.add_argument("--sizes", type=int, default=16)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--skip-inspect", action="store_true")
    ap.add_argument("--rss-limit-mb", type=float, default=1024)
    args = ap.parse_args()
    exe = binary()
    if not exe.exists():
        sys.exit(f"build first: {exe} is missing")
    duckdb_module(just_check=True)  # before minutes of work
    corpus = args.work / "corpus"
    if args.work.exists():
        shutil.rmtree(args.work)
    corpus.mkdir(parents=True)
    families = args.families.split(",")
    worst = {}
    if not args.skip_inspect:
        BASE_RSS[0] = max(measure([str(exe), "inspect", str(REPO / "data/sample" / n)])[1]
                          for n in ["tabbed/000000.txt", "html_table/000006.html"])
        print(f"inspect on a sample report: peak RSS {BASE_RSS[0]:.1f} MB", flush=True)
    sized = build(corpus / "sized", families, sizes_up_to(int(args.max_mb * (1 << 20)), args.sizes),
                  not args.skip_inspect, exe, worst)
    total = sized
    # Past the text limit: read, refused as text (twice the limit).
    over = corpus / "over_limit"
    over.mkdir()
    for fam in families:
        data = FAMILIES[fam](2 * TEXT_LIMIT)
        (over / f"{fam}.txt").write_bytes(data)
        total += len(data)
    # Past --max-file-size: a sparse 20 GB file, never read.
    with open(corpus / "sparse_20g.txt", "wb") as f:
        f.truncate(20 << 30)
    pairs = twins(corpus)
    total += sum((corpus / p).stat().st_size for p in [*pairs, *set(pairs.values())])
    # Files that are not files.
    os.mkfifo(corpus / "fifo.txt")
    for name, target in [("kmsg.txt", "/proc/kmsg"), ("zero.txt", "/dev/zero"), ("mem.txt", "/proc/self/mem")]:
        os.symlink(target, corpus / name)
    late = corpus / "zzz_late.txt"
    out = args.work / "out"
    print(f"\ncorpus: {sum(1 for _ in corpus.rglob('*'))} entries, {total / (1 << 20):.1f} MB read "
          f"(+ a 20 GB sparse file not read)", flush=True)

    def run_swapping(cmd):
        """Runs cmd, replacing `late` by a FIFO as soon as the run logs that
        discovery is over (it sorts the file last, so it opens it after)."""
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        swapped = []

        def watch():
            for line in p.stderr:
                if b"discover:" in line and not swapped:
                    late.unlink()
                    os.mkfifo(late)
                    swapped.append(time.perf_counter() - t)

        th = threading.Thread(target=watch)
        th.start()
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t
        th.join()
        return secs, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), swapped

    fails = []
    runs = {}
    for follow in ([], ["--follow"]):
        if late.exists() or late.is_symlink():
            late.unlink()
        late.write_bytes(sample())
        secs, rss, rc, swapped = run_swapping([str(exe), "run", str(corpus), "--out", str(out), *follow])
        run = json.loads((out / "_run.json").read_text()) if rc == 0 else {}
        label = " ".join(follow) or "(no --follow)"
        runs[label] = secs
        if not swapped:
            fails.append(f"run {label}: the late file was not swapped")
        print(
            f"run {label}: {secs:.1f} s, peak RSS {rss:.0f} MB, exit {rc}, late file swapped at "
            f"{swapped[0] if swapped else float('nan'):.2f} s, "
            f"files {run.get('files_seen')}, statuses {run.get('statuses')}",
            flush=True,
        )
        if rc != 0:
            fails.append(f"run {label}: exit {rc}")
            continue
        if rss > args.rss_limit_mb:
            fails.append(f"run {label}: peak RSS {rss:.0f} MB > {args.rss_limit_mb:.0f} MB")
        fails += check_rows(out, corpus, pairs)

    # Time against bytes: the sized families alone, and again up to a
    # quarter of the size.
    secs_s, rss_s, rc_s = measure([str(exe), "run", str(corpus / "sized"), "--out", str(args.work / "out_s"), "-q"])
    small = args.work / "quarter"
    small_total = build(small, families, sizes_up_to(int(args.max_mb * (1 << 20) / 4), args.sizes), False, exe, {})
    secs_q, rss_q, rc_q = measure([str(exe), "run", str(small), "--out", str(args.work / "out_q"), "-q"])
    mb_s, mb_q = sized / (1 << 20), small_total / (1 << 20)
    print(f"\ntime against bytes (sized families only, default -j):\n"
          f"  whole   {mb_s:7.1f} MB  {secs_s:6.2f} s  {secs_s / mb_s:.4f} s/MB  peak RSS {rss_s:.0f} MB  exit {rc_s}\n"
          f"  quarter {mb_q:7.1f} MB  {secs_q:6.2f} s  {secs_q / mb_q:.4f} s/MB  peak RSS {rss_q:.0f} MB  exit {rc_q}\n"
          f"  time ratio {secs_s / secs_q:.2f} for a byte ratio {mb_s / mb_q:.2f}", flush=True)
    if rc_s or rc_q:
        fails.append(f"sized/quarter runs: exit {rc_s}/{rc_q}")
    if worst:
        print("\nworst per family: s/MB, peak RSS MB, slowest file s, RSS over the sample's / file size")
        for fam, (spm, rss, secs, ratio) in worst.items():
            print(f"  {fam:10s} {spm:6.2f} {rss:7.1f} {secs:6.2f} {ratio:6.1f}x")
    print("\n" + ("\n".join(f"FAIL {f}" for f in fails) if fails else "all checks passed"))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
