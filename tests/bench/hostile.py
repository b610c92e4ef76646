#!/usr/bin/env python3
"""Hostile files: time and memory per file stay linear and bounded (issue 27).

    python3 tests/bench/hostile.py                      # every family, 16 sizes up to 32 MB
    python3 tests/bench/hostile.py --max-mb 4 --sizes 6 # quicker

For each family below, files of --sizes sizes (geometric, 64 KB up to
--max-mb) are written under --work, and `govreports inspect` is run on each
(the per-file path of `run`, one process per file), recording wall time and
peak RSS (wait4's ru_maxrss). Then `govreports run` goes over the whole
corpus (all families and sizes, plus a FIFO, a socket-like device link and
/proc links, and a file replaced by a FIFO after discovery) and its wall
time, peak RSS and the rows it wrote are reported: every file must have a
row, the run must finish, and the peak must stay under 1 GB.

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


def measure(cmd, **kw):
    """Runs cmd; returns (seconds, peak RSS in MB of the child, returncode)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return secs, usage.ru_maxrss / 1024, p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govreports-hostile"))
    ap.add_argument("--max-mb", type=float, default=32)
    ap.add_argument("--sizes", type=int, default=16)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--skip-inspect", action="store_true")
    args = ap.parse_args()
    exe = binary()
    if not exe.exists():
        sys.exit(f"build first: {exe} is missing")
    corpus = args.work / "corpus"
    if args.work.exists():
        shutil.rmtree(args.work)
    corpus.mkdir(parents=True)
    lo, hi = 64 << 10, int(args.max_mb * (1 << 20))
    sizes = [int(lo * (hi / lo) ** (k / max(1, args.sizes - 1))) for k in range(args.sizes)]
    families = args.families.split(",")
    total = 0
    worst = {}
    for fam in families:
        (corpus / fam).mkdir()
        for size in sizes:
            data = FAMILIES[fam](size)
            path = corpus / fam / f"{len(data):010d}.{'html' if fam.startswith('html') else 'txt'}"
            path.write_bytes(data)
            total += len(data)
            if args.skip_inspect:
                continue
            secs, rss, rc = measure([str(exe), "inspect", str(path)])
            mb = len(data) / (1 << 20)
            print(f"{fam:10s} {mb:8.2f} MB  {secs:6.2f} s  {secs / mb:6.2f} s/MB  RSS {rss:7.1f} MB  ({rss / max(mb, 0.01):5.1f}x)  rc {rc}", flush=True)
            w = worst.setdefault(fam, [0, 0])
            w[0] = max(w[0], secs / mb)
            w[1] = max(w[1], rss)
    # Files that are not files.
    os.mkfifo(corpus / "fifo.txt")
    for name, target in [("kmsg.txt", "/proc/kmsg"), ("zero.txt", "/dev/zero"), ("mem.txt", "/proc/self/mem")]:
        os.symlink(target, corpus / name)
    late = corpus / "zzz_late.txt"
    late.write_bytes(sample())
    out = args.work / "out"
    print(f"\ncorpus: {sum(1 for _ in corpus.rglob('*'))} entries, {total / (1 << 20):.0f} MB", flush=True)

    def swap_late():
        # A file replaced by a FIFO after discovery (the run sorts it last).
        time.sleep(0.3)
        late.unlink()
        os.mkfifo(late)

    for follow in ([], ["--follow"]):
        if late.exists() and not late.is_fifo():
            pass
        else:
            late.unlink()
            late.write_bytes(sample())
        th = threading.Thread(target=swap_late)
        th.start()
        secs, rss, rc = measure([str(exe), "run", str(corpus), "--out", str(out), "-q", *follow])
        th.join()
        run = json.loads((out / "_run.json").read_text()) if rc == 0 else {}
        print(
            f"run {' '.join(follow) or '(no --follow)'}: {secs:.1f} s, peak RSS {rss:.0f} MB, exit {rc}, "
            f"files {run.get('files_seen')}, statuses {run.get('statuses')}",
            flush=True,
        )
    if worst:
        print("\nworst per family: s/MB, peak RSS MB")
        for fam, (spm, rss) in worst.items():
            print(f"  {fam:10s} {spm:6.2f} {rss:7.1f}")


if __name__ == "__main__":
    main()
