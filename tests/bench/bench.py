#!/usr/bin/env python3
"""End-to-end benchmark of `govreports run`.

    python3 tests/bench/bench.py --n 100000            # full comparison
    python3 tests/bench/bench.py --n 20000 --skip-python

Generates (once, cached under --work) a corpus of N realistic reports with the
project's generator (all layouts, both formats), then measures on the same,
warm corpus:

  * `rg -c 予以公开` over the corpus (the cost of just reading and searching the bytes);
  * `govreports run` (release build, its default -j: CPUs + 1), --runs times (3): wall
    time, files/s, MB/s, seconds per stage (from _run.json) of the median run,
    and peak RSS (wait4 ru_maxrss), the highest of the runs, with the spread;
  * with --scale K, `govreports run` on K×N reports too, and the ratio of
    its peak RSS to the N-report runs' (K=4 is the flat-memory target);
  * with --paths M, `govreports run` on M empty files under long CJK
    directory paths (`第3省人民政府/第7市人民政府/…/…年度报告（…）.txt`,
    ~145 bytes): generated paths are short, real ones are not, and the file
    list is the part of a run that grows with the corpus (every file is a
    `failed` row there, and no statistics run, so this measures discovery
    and the list);
  * the straightforward Python implementation `tests/bench/baseline.py`
    (multiprocessing, compiled regexes, pyarrow, polars), in a venv it creates.

and prints the ratios the performance targets are stated in. Nothing in the
test suite depends on timing; this script is run by hand.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, **kw):
    """Runs cmd; returns (seconds, peak RSS bytes of the child, stdout).

    Output goes to temporary files, not pipes: a child that writes more than a
    pipe holds would otherwise block while we sit in wait4.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        # wait4 gives the child's own peak RSS.
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            sys.stderr.write(err.read().decode(errors="replace"))
            raise SystemExit(f"{cmd[0]} exited {p.returncode}")
        return secs, ru.ru_maxrss * 1024, out.read()


def release_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    sh(["cargo", "build", "--release", "--locked", "--quiet"], cwd=REPO)
    exe = target / "release" / "govreports"
    if not exe.exists():
        raise SystemExit(f"release binary not found at {exe}")
    return exe


def ripgrep():
    rg = shutil.which("rg")
    if rg:
        return rg
    root = CACHE / "govreports-tools"
    rg = root / "bin" / "rg"
    if not rg.exists():
        print("installing ripgrep into", root, file=sys.stderr)
        sh(["cargo", "install", "ripgrep", "--locked", "--quiet", "--root", str(root)])
    return str(rg)


def python_env():
    venv = CACHE / "govreports-bench-venv"
    py = venv / "bin" / "python"
    ok = py.exists() and subprocess.run([py, "-c", "import pyarrow, polars"], capture_output=True).returncode == 0
    if not ok:
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([venv / "bin" / "pip", "install", "--quiet", "pyarrow", "polars"])
    return py


def corpus(work, n, seed):
    d = work / f"corpus-{n}-{seed}"
    if not (d / "truth.jsonl").exists():
        if d.exists():
            shutil.rmtree(d)
        t = time.perf_counter()
        sh([sys.executable, REPO / "data/generator/genreports.py", "--n", str(n), "--seed", str(seed), "--out", str(d)], stdout=subprocess.DEVNULL)
        print(f"generated {n} reports in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return d / "corpus"


def long_paths(work, m):
    """M empty files, 10 per directory, under three levels of CJK directories (cached)."""
    d = work / f"paths-{m}"
    done = d / "done"
    if not done.exists():
        if d.exists():
            shutil.rmtree(d)
        for n in range(m):
            # File b of directory k (county) of city c of province p.
            folder, b = divmod(n, 10)
            p, rest = divmod(folder, 200)
            c, k = divmod(rest, 10)
            sub = d / "corpus" / f"第{p}省人民政府" / f"第{c}市人民政府" / f"第{k}县人民政府办公室"
            if b == 0:
                sub.mkdir(parents=True)
            (sub / f"第{b}局{2016 + b}年度政府信息公开工作年度报告（某某县某某局）.txt").touch()
        done.touch()
    return d / "corpus"


def size_of(root):
    files, total = 0, 0
    for dp, _, fs in os.walk(root):
        for f in fs:
            files += 1
            total += os.path.getsize(os.path.join(dp, f))
    return files, total


def jobs_args(a):
    """`-j N` when --jobs was given; else govreports' own default (CPUs + 1)."""
    return ["-j", str(a.jobs)] if a.jobs else []


def run_job(exe, root, out, a):
    """Runs `govreports run` a.runs times: [(wall seconds, peak RSS bytes, _run.json)]."""
    runs = []
    for _ in range(a.runs):
        # --full: a run over an existing output is incremental by default.
        secs, rss, _ = timed([exe, "run", str(root), "--out", str(out), "-q", "--full", *jobs_args(a)], cwd=REPO)
        runs.append((secs, rss, json.loads((out / "_run.json").read_text())))
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="reports to generate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=CACHE / "govreports-bench", help="where corpora and outputs go")
    ap.add_argument("--jobs", type=int, default=None,
                    help="parser threads for govreports (default: its own, CPUs + 1) "
                         "and processes for the Python baseline (default: CPUs)")
    ap.add_argument("--skip-python", action="store_true", help="do not run the Python baseline")
    ap.add_argument("--runs", type=int, default=3, help="times to run govreports (median wall time, highest peak RSS)")
    ap.add_argument("--scale", type=int, default=0, metavar="K",
                    help="also run on K×N reports and compare peak RSS (the flat-memory target: K=4)")
    ap.add_argument("--paths", type=int, default=0, metavar="M",
                    help="also run on M empty files with ~145-byte CJK paths (the file list's memory)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if a.scale == 1 or a.scale < 0:
        ap.error("--scale must be at least 2 (or 0: off)")
    a.work.mkdir(parents=True, exist_ok=True)

    exe = release_binary()
    root = corpus(a.work, a.n, a.seed)
    files, nbytes = size_of(root)
    mb = nbytes / 1e6
    rg = ripgrep()
    # Warm the page cache, then time ripgrep (best of 3).
    subprocess.run([rg, "-c", "予以公开", str(root)], stdout=subprocess.DEVNULL)
    rg_secs = min(timed([rg, "-c", "予以公开", str(root)])[0] for _ in range(3))

    # Wall time and peak RSS vary from run to run on a shared 2-core VM
    # (same binary, same warm corpus: wall ±15–30%, peak RSS at 100k 175–255 MB),
    # so the job runs several times: time figures come from the run with the
    # median wall time, the peak RSS is the highest of all runs (a peak is what
    # a machine must have), and the spread of both is printed.
    runs = run_job(exe, root, a.work / f"out-{a.n}", a)
    by_wall = sorted(runs, key=lambda r: r[0])
    secs, _, run = by_wall[len(by_wall) // 2]
    rss = max(r[1] for r in runs)
    st = run["stages"]

    res = {
        "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}",
        "files": files,
        "megabytes": round(mb, 1),
        "govreports": {
            "wall_seconds": round(secs, 2),
            "files_per_second": round(files / secs),
            "mb_per_second": round(mb / secs, 1),
            "stages": {k: round(v, 2) for k, v in st.items()},
            "parse_files_per_second": round(files / st["parse"]),
            "peak_rss_mb": round(rss / 1e6, 1),
            "runs": len(runs),
            "wall_seconds_each": [round(r[0], 2) for r in runs],
            "peak_rss_mb_each": [round(r[1] / 1e6, 1) for r in runs],
            "statuses": run["statuses"],
        },
        "ripgrep_seconds": round(rg_secs, 3),
        "parse_vs_ripgrep": round(rg_secs / st["parse"], 3),
    }
    if not a.skip_python:
        py = python_env()
        bout = a.work / f"baseline-out-{a.n}"
        if bout.exists():
            shutil.rmtree(bout)
        psecs, prss, _ = timed([py, REPO / "tests/bench/baseline.py", str(root), str(bout), "--jobs", str(a.jobs or os.cpu_count())])
        res["python"] = {"wall_seconds": round(psecs, 2), "files_per_second": round(files / psecs), "peak_rss_mb_parent": round(prss / 1e6, 1)}
        res["speedup_vs_python"] = round(psecs / secs, 1)

    if a.scale:
        big = a.n * a.scale
        big_runs = run_job(exe, corpus(a.work, big, a.seed), a.work / f"out-{big}", a)
        peaks = [r[1] for r in runs]
        big_peaks = [r[1] for r in big_runs]
        res["scaled"] = {
            "files": big,
            "wall_seconds_each": [round(r[0], 2) for r in big_runs],
            "peak_rss_mb_each": [round(r / 1e6, 1) for r in big_peaks],
            "highest_vs_highest": round(max(big_peaks) / max(peaks), 3),
            "lowest_vs_lowest": round(min(big_peaks) / min(peaks), 3),
        }

    if a.paths:
        proot = long_paths(a.work, a.paths)
        pout = a.work / f"out-paths-{a.paths}"
        # No statistics: their memory (Polars) would hide the file list's.
        none = a.work / "no-statistics.toml"
        none.write_text('description = "none: the long-path run measures discovery and the file list"\n')
        psecs, prss, _ = timed([exe, "run", str(proot), "--out", str(pout), "-q", "--full", *jobs_args(a),
                                "--pipeline", str(none)], cwd=REPO)
        res["long_paths"] = {"files": a.paths, "wall_seconds": round(psecs, 2), "peak_rss_mb": round(prss / 1e6, 1)}

    g = res["govreports"]
    print(f"corpus            {files} files, {mb:.0f} MB ({root})")
    print(f"govreports run    {g['wall_seconds']} s wall, {g['files_per_second']} files/s, {g['mb_per_second']} MB/s, peak RSS {g['peak_rss_mb']} MB")
    print(f"  {g['runs']} runs         wall {' / '.join(map(str, g['wall_seconds_each']))} s; peak RSS {' / '.join(map(str, g['peak_rss_mb_each']))} MB")
    print("  stages (s)      " + ", ".join(f"{k} {v}" for k, v in g["stages"].items()) + "   (parse and write overlap)")
    print(f"  parse stage     {g['parse_files_per_second']} files/s")
    print(f"rg -c 予以公开     {res['ripgrep_seconds']} s   → parse throughput = {100 * res['parse_vs_ripgrep']:.0f}% of ripgrep (target ≥ 25%)")
    if "python" in res:
        print(f"python baseline   {res['python']['wall_seconds']} s wall, {res['python']['files_per_second']} files/s → govreports is {res['speedup_vs_python']}× faster (target ≥ 30×)")
    print(f"peak RSS          {g['peak_rss_mb']} MB, highest of {g['runs']} runs (target ≤ 300 MB at 100k, flat ±10% at 400k)")
    if "scaled" in res:
        sc = res["scaled"]
        print(f"peak RSS at {a.scale}×    {sc['files']} files: {' / '.join(map(str, sc['peak_rss_mb_each']))} MB "
              f"(wall {' / '.join(map(str, sc['wall_seconds_each']))} s) → highest {sc['highest_vs_highest']}× "
              f"and lowest {sc['lowest_vs_lowest']}× the {a.n}-file runs' (target: within 0.9–1.1×)")
    if "long_paths" in res:
        lp = res["long_paths"]
        print(f"long paths        {lp['files']} empty files, ~145-byte paths, no statistics: {lp['wall_seconds']} s, peak RSS {lp['peak_rss_mb']} MB")
    if a.json:
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
