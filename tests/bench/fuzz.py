#!/usr/bin/env python3
"""Mutation fuzzing of the whole per-file path (read, decode, detect, layouts,
extraction, batches), through the real binary.

    python3 tests/bench/fuzz.py                         # CI size: 4 rounds × 25,000 files
    python3 tests/bench/fuzz.py --rounds 400 --seed 7   # 10M files over a night
    python3 tests/bench/fuzz.py --log tests/bench/fuzz-log.jsonl   # resumable: run again and again

Round r uses seed --seed + r, so a range of seeds is a range of rounds:
`--first-round 100 --rounds 4` is seeds --seed + 100 … + 103. With
--log FILE, every finished round appends one JSON line (seed, files,
panics, statuses, seconds, binary) and the next invocation starts after
the highest round already logged for that --seed and --files (so a
range is never run twice), so 10M files accumulate over many CI-sized runs (400 rounds of
25,000); the totals over the log are printed at the end.

Each round writes --files mutants of the sample and fixture reports (byte
flips, inserted/deleted/duplicated ranges, splices of two reports, hostile
tokens: `<a`, `|`, tabs, `共…条`, CR, NUL, 0xFF, GBK words, BOMs, truncation,
huge numbers, very long lines) into one corpus and runs `govreports run`
on it with a pipeline whose one statistic lists the reports that ended in
`internal error` (a panic caught per file): `_run.json` then says how many
there were without any Parquet reader. A round fails when the run does not
exit 0, when a file has no row, when any file panicked (the round's corpus
is kept under --work/crashes/SEED), or when the run's peak RSS passes
--rss-limit-mb, 1 GB by default (kept under --work/memory/SEED): a mutant
of 512 KB once took 9.7 GB.

Deterministic for a seed. Not part of `cargo test` (minutes of CPU).
"""
import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

TOKENS = [
    b"<a", b"<td>", b"</td>", b"<tr>", b"<table>", b"</table>", b"<!--", b"-->", b"&nbsp;", b"&#",
    b"|", b"| --- |", b"\t", b"\r", b"\r\n", b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf",
    "备注".encode("gb18030"), "共发布信息".encode(), "条".encode(), "件".encode(),
    "一、".encode(), "（三）".encode(), "合计".encode(), "总计".encode(), "第".encode(),
    "９９９９".encode(), b"1,234,567", b"99999999999999999999999", b"-", "—".encode(),
    "政府信息公开工作年度报告".encode(), "2021年".encode(), "\u3000".encode(), b"\x0c",
]


def seeds():
    files = []
    for root in [REPO / "data/sample", REPO / "tests/fixtures/corpus"]:
        files += [p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.stat().st_size < 2 << 20]
    return [f for f in files if f]


def mutate(rng: random.Random, base: bytes, other: bytes) -> bytes:
    b = bytearray(base)
    for _ in range(rng.choice([1, 1, 2, 3, 5, 10, 40])):
        op = rng.randrange(9)
        n = len(b)
        i = rng.randrange(n + 1)
        if op == 0 and n:  # flip bits
            b[min(i, n - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:  # random bytes
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif op == 2 and n:  # delete a range
            del b[i : i + rng.randrange(1, 400)]
        elif op == 3 and n:  # duplicate a range
            j = rng.randrange(n)
            b[i:i] = b[j : j + rng.randrange(1, 2000)]
        elif op == 4:  # splice another report
            j = rng.randrange(len(other) + 1)
            b = b[:i] + other[j:]
        elif op == 5:  # hostile token, repeated
            b[i:i] = rng.choice(TOKENS) * rng.choice([1, 1, 2, 10, 300])
        elif op == 6:  # truncate
            del b[i:]
        elif op == 7 and n:  # a line repeated (long tables, long files)
            s = b.rfind(b"\n", 0, i) + 1
            e = b.find(b"\n", i)
            e = n if e < 0 else e + 1
            b[s:s] = b[s:e] * rng.choice([2, 20, 200])
        elif op == 8 and n:  # newlines removed around i (long lines)
            s, e = max(0, i - 3000), min(n, i + 3000)
            b[s:e] = b[s:e].replace(b"\n", b"")
        if len(b) > MAX_BYTES:  # repeated growth would run away
            del b[MAX_BYTES:]
    return bytes(b)


MAX_BYTES = 512 << 10


PIPELINE = """
[[stat]]
name = "panicked"
description = "reports whose parser panicked (caught per file)"
sql = "SELECT source_path, error FROM reports WHERE error LIKE 'internal error%' ORDER BY source_path"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=25_000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=2026_12_07)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govreports-fuzz"))
    ap.add_argument("--bin", type=Path, default=None)
    ap.add_argument("--first-round", type=int, default=None, help="default 0, or after the last round in --log")
    ap.add_argument("--log", type=Path, default=None, help="JSON lines, one per finished round; resumes from it")
    ap.add_argument("--commit", default=None, help="the commit --bin was built from (logged); default this checkout's HEAD")
    ap.add_argument("--rss-limit-mb", type=float, default=1024, help="a round whose run peaks above this fails")
    args = ap.parse_args()
    import os

    exe = args.bin or Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release/govreports"
    base = seeds()
    args.work.mkdir(parents=True, exist_ok=True)
    pipeline = args.work / "fuzz.toml"
    pipeline.write_text(PIPELINE)
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    # `--version` does not say which code was built, so the log also keeps the
    # binary's hash and the commit it is taken to be built from (--commit, by
    # default this checkout's HEAD, "+dirty" with uncommitted changes).
    binary_sha = hashlib.sha256(exe.read_bytes()).hexdigest()[:12]
    commit = args.commit
    if commit is None:
        git = ["git", "-C", str(REPO)]
        head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(git + ["status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        commit = head + ("+dirty" if dirty else "")
    logged = []
    if args.log and args.log.exists():
        logged = [json.loads(line) for line in args.log.read_text().splitlines() if line.strip()]
    mine = [e for e in logged if e["base_seed"] == args.seed and e["files"] == args.files]
    first = args.first_round
    if first is None:
        first = 1 + max((e["round"] for e in mine), default=-1)
    total = panics = 0
    over = []
    for r in range(first, first + args.rounds):
        seed = args.seed + r
        rng = random.Random(seed)
        corpus = args.work / "corpus"
        out = args.work / "out"
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        t = time.perf_counter()
        for k in range(args.files):
            d = corpus / f"{k // 1000:03d}"
            if k % 1000 == 0:
                d.mkdir()
            data = mutate(rng, rng.choice(base), rng.choice(base))
            (d / f"{k:06d}.{rng.choice(['txt', 'html', 'md'])}").write_bytes(data)
        gen = time.perf_counter() - t
        t = time.perf_counter()
        p = subprocess.Popen(
            [str(exe), "run", str(corpus), "--out", str(out), "-q", "--allow-shrink", "--pipeline", str(pipeline)],
            stderr=subprocess.PIPE,
        )
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        rc, rss = os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
        secs = time.perf_counter() - t
        if rc != 0:
            sys.exit(f"round {r} (seed {seed}): exit {rc}\n{err.decode(errors='replace')}")
        run = json.loads((out / "_run.json").read_text())
        n = run["stats"]["panicked"]
        if run["files_seen"] != args.files or run["rows"]["reports"] != args.files:
            sys.exit(f"round {r}: {run['files_seen']} files seen, {run['rows']['reports']} rows, {args.files} written")
        total += args.files
        panics += n
        print(f"round {r} seed {seed}: {args.files} files (generated in {gen:.1f} s, run {secs:.1f} s, "
              f"peak RSS {rss:.0f} MB), statuses {run['statuses']}, panics {n}", flush=True)
        if rss > args.rss_limit_mb:
            # One mutant made the run balloon (one file's memory is meant to be bounded).
            over.append(seed)
            crashes = args.work / "memory" / str(seed)
            shutil.copytree(corpus, crashes, dirs_exist_ok=True)
            print(f"  peak RSS over {args.rss_limit_mb:.0f} MB: kept the round's corpus in {crashes}", flush=True)
        if args.log:
            entry = {"round": r, "base_seed": args.seed, "seed": seed, "files": args.files, "panics": n,
                     "peak_rss_mb": round(rss),
                     "statuses": run["statuses"], "run_seconds": round(secs, 1), "binary": version,
                     "binary_sha256": binary_sha, "commit": commit,
                     "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
            with open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
            logged.append(entry)
        if n:
            crashes = args.work / "crashes" / str(seed)
            shutil.copytree(corpus, crashes, dirs_exist_ok=True)
            print(f"  kept the round's corpus in {crashes}; see {out}/stats/panicked", flush=True)
    print(f"\n{total} mutated files, {panics} panics (rounds {first}..{first + args.rounds - 1})")
    if args.log:
        print(f"log {args.log}: {sum(e['files'] for e in logged)} files in {len(logged)} rounds, "
              f"{sum(e['panics'] for e in logged)} panics")
    if over:
        print(f"rounds over {args.rss_limit_mb:.0f} MB of peak RSS: seeds {over}")
    sys.exit(1 if panics or over else 0)


if __name__ == "__main__":
    main()
