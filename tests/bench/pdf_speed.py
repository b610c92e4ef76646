#!/usr/bin/env python3
"""pdf_speed.py - PDF ingestion end to end against `pdftotext -layout` on the same files, and peak RSS
as the corpus grows.

    python3 tests/bench/pdf_speed.py --from /tmp/docs/corpus        # every readable *.pdf under it
    python3 tests/bench/pdf_speed.py --n 1000                       # generate (documents.py --make, cached)

Measured, on the same warm files in the same run, best of --repeat runs each:
  govreports   `govreports run DIR --out OUT -q` (its default -j: one worker a core), wall and CPU seconds,
               peak RSS; pages/s and files/s
  pdftotext    `xargs -0 -P2 -I{} pdftotext -layout {} /dev/null` over the same files (2 processes, as the
               machine has 2 cores), wall and CPU seconds; pages/s
  growth       govreports over the corpus copied --scale times (each copy's bytes differ by a trailing
               newline, so none is skipped as a duplicate): peak RSS must stay flat
Pages are counted by pdfinfo beforehand (not timed). Locked (user-password) and scanned files are left
out, as pdftotext reads neither. Exit 1 if the page rate is below --min-ratio × pdftotext's.
"""

import argparse
import glob
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def binary(bin_arg):
    if bin_arg:
        return bin_arg
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "govreports")


def timed(cmd, **kw):
    """(wall s, CPU s of the children, peak RSS MB of the largest child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024.0


def peak_rss(cmd):
    """Peak RSS (MB) of one command, measured by GNU time if there, else by a fresh Python child."""
    probe = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True);"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024.0


def pages_of(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="src", help="folder searched for *.pdf")
    ap.add_argument("--n", type=int, default=1000, help="without --from: documents generated (cached)")
    ap.add_argument("--bin", help="govreports binary (default: cargo build --release)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, default=3, help="copies of the corpus for the RSS growth run")
    ap.add_argument("--min-ratio", type=float, default=2.0)
    args = ap.parse_args(argv)
    if not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "poppler-utils"], check=True)
    src = args.src
    if not src:
        cache = os.path.join(os.path.expanduser("~"), ".cache", "govreports-bench", "docs-%d" % args.n)
        if not os.path.exists(os.path.join(cache, "truth.jsonl")):
            subprocess.run([sys.executable, os.path.join(ROOT, "data", "generator", "documents.py"), "--make",
                            str(args.n), "--seed", "7", "--out", cache, "--install"], check=True)
        src = os.path.join(cache, "corpus")
    files = [p for p in sorted(glob.glob(os.path.join(src, "**", "*.pdf"), recursive=True))
             if "/pdf_locked/" not in p and "/pdf_scanned/" not in p]
    if not files:
        sys.exit("no PDF under %s" % src)
    gr = binary(args.bin)
    work = tempfile.mkdtemp(prefix="pdf-speed-")
    try:
        corpus = os.path.join(work, "corpus")
        os.makedirs(corpus)
        for i, p in enumerate(files):
            shutil.copyfile(p, os.path.join(corpus, "%05d.pdf" % i))
        names = [os.path.join(corpus, f) for f in sorted(os.listdir(corpus))]
        pages = sum(pages_of(p) for p in names)
        mb = sum(os.path.getsize(p) for p in names) / 1e6
        print("%d PDFs, %d pages, %.1f MB (from %s)" % (len(names), pages, mb, src))
        listing = "\0".join(names).encode()
        # warm the page cache
        subprocess.run(["cat"] + names, stdout=subprocess.DEVNULL)
        ours, theirs = [], []
        for _ in range(args.repeat):
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            ours.append(timed([gr, "run", corpus, "--out", out, "-q"]))
            theirs.append(timed(["xargs", "-0", "-P2", "-I{}", "pdftotext", "-layout", "{}", "/dev/null"],
                                input=listing))
        w, c, _ = min(ours)
        rss = peak_rss([gr, "run", corpus, "--out", os.path.join(work, "out-rss"), "-q"])
        tw, tc, _ = min(theirs)
        print("govreports run   %6.2f s wall  %6.2f CPU-s  %7.0f pages/s  %6.0f files/s  peak RSS %.0f MB" % (
            w, c, pages / w, len(names) / w, rss))
        print("pdftotext -P2    %6.2f s wall  %6.2f CPU-s  %7.0f pages/s  %6.0f files/s" % (
            tw, tc, pages / tw, len(names) / tw))
        ratio = tw / w
        print("page rate: %.1fx pdftotext -layout (CPU: %.1fx)" % (ratio, tc / c))
        # growth: the corpus --scale times
        big = os.path.join(work, "big")
        os.makedirs(big)
        for k in range(args.scale):
            for i, p in enumerate(names):
                with open(p, "rb") as f:
                    data = f.read()
                with open(os.path.join(big, "%d_%05d.pdf" % (k, i)), "wb") as f:
                    f.write(data + b"\n" * k)
        rss_big = peak_rss([gr, "run", big, "--out", os.path.join(work, "out-big"), "-q"])
        print("peak RSS: %.0f MB at %d files, %.0f MB at %d files (%+.0f%%)" % (
            rss, len(names), rss_big, len(names) * args.scale, 100.0 * (rss_big - rss) / rss))
        return 0 if ratio >= args.min_ratio else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
