#!/usr/bin/env python3
"""Cost of incremental runs against a full run, on a generated corpus.

    python3 data/generator/genreports.py --n 100000 --seed 1 --out /tmp/inc100k
    python3 tests/bench/incremental.py --corpus /tmp/inc100k/corpus --bin target/release/govreports

Works on a copy of the corpus (`--work`, hard links: the files changed are
replaced, never written in place) and measures, wall time and peak RSS
(wait4):

  1. a full run (`--full`) into OUT;
  2. a second run over the unchanged corpus (incremental);
  3. after changing 1% of the files (one digit each, same size, a later
     mtime), deleting 200 and adding 200 byte-identical copies: an
     incremental run, then a full run into another directory;
  4. with --check, DuckDB `EXCEPT ALL` both ways on every table between the
     two outputs of step 3, and the statistics files byte for byte.

Nothing in the test suite depends on timing; run by hand.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ["reports", "active_disclosure", "applications", "reviews_litigation",
          "narrative_counts", "checks", "diagnostics"]


def timed(cmd):
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            raise SystemExit(f"{cmd} failed")
        return secs, ru.ru_maxrss / 1024


def run(binary, corpus, out, *extra):
    secs, rss = timed([binary, "run", str(corpus), "--out", str(out), "-q", *extra])
    info = json.loads((Path(out) / "_run.json").read_text())
    return secs, rss, info


def line(name, secs, rss, info, full_secs=None):
    ratio = f" = {100 * secs / full_secs:.1f}% of the full run" if full_secs else ""
    st = info["stages"]
    print(f"{name}: {secs:.2f} s{ratio}, peak RSS {rss:.0f} MB; mode {info['mode']}, "
          f"reused {info['files_reused']}, parsed {info['files_parsed']}, dropped {info['files_dropped']}; "
          f"stages plan {st.get('plan', 0):.2f} carry {st.get('carry', 0):.2f} parse {st['parse']:.2f} "
          f"write {st['write']:.2f} stats {st['stats']:.2f} publish {st['publish']:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "gr-incremental-bench")
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--deleted", type=int, default=200)
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="compare the outputs with DuckDB")
    a = ap.parse_args()

    shutil.rmtree(a.work, ignore_errors=True)
    corpus = a.work / "corpus"
    shutil.copytree(a.corpus, corpus, copy_function=os.link)
    out, full_out = a.work / "out", a.work / "full"
    # Warm the cache the way a nightly run finds it: read once.
    for p in corpus.rglob("*"):
        if p.is_file():
            p.read_bytes()

    full_secs, rss, info = run(a.bin, corpus, out, "--full")
    line("full run", full_secs, rss, info)
    secs, rss, info = run(a.bin, corpus, out)
    line("unchanged, incremental", secs, rss, info, full_secs)

    rng = random.Random(a.seed)
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    picked = rng.sample(files, int(len(files) * a.changed) + a.deleted + a.copies)
    changed = picked[: int(len(files) * a.changed)]
    deleted = picked[len(changed): len(changed) + a.deleted]
    sources = picked[len(changed) + a.deleted:]
    for p in changed:
        data = bytearray(p.read_bytes())
        digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
        if digits:
            i = digits[-1]
            data[i] = 49 if data[i] == 57 else data[i] + 1
        st = p.stat()
        p.unlink()  # a hard link to the original corpus: replace, never write through
        p.write_bytes(bytes(data))
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    for p in deleted:
        p.unlink()
    for k, p in enumerate(sources):
        shutil.copyfile(p, p.with_name(f"copy{k:04d}-{p.name}"))
    print(f"changed {len(changed)}, deleted {len(deleted)}, copies added {len(sources)}")

    secs, rss, info = run(a.bin, corpus, out)
    line("changed, incremental", secs, rss, info, full_secs)
    fsecs, frss, finfo = run(a.bin, corpus, full_out, "--full")
    line("changed, full", fsecs, frss, finfo)
    for k in ["files_seen", "bytes_seen", "statuses", "rows", "stats"]:
        if info[k] != finfo[k]:
            raise SystemExit(f"_run.json {k} differs: {info[k]} vs {finfo[k]}")
    print("_run.json counts equal")
    if a.check:
        import duckdb
        for t in TABLES:
            x = f"read_parquet('{out}/{t}/**/*.parquet', hive_partitioning=true)"
            y = f"read_parquet('{full_out}/{t}/**/*.parquet', hive_partitioning=true)"
            n = duckdb.sql(f"SELECT (SELECT count(*) FROM (FROM {x} EXCEPT ALL FROM {y})), "
                           f"(SELECT count(*) FROM (FROM {y} EXCEPT ALL FROM {x}))").fetchall()[0]
            print(f"  {t}: only incremental {n[0]}, only full {n[1]}")
            if n != (0, 0):
                raise SystemExit(f"{t} differs")
        for p in sorted((out / "stats").rglob("*.parquet")):
            q = full_out / "stats" / p.relative_to(out / "stats")
            if p.read_bytes() != q.read_bytes():
                raise SystemExit(f"statistic {p} differs")
        print("tables equal (EXCEPT ALL both ways), statistics byte-identical")


if __name__ == "__main__":
    main()
