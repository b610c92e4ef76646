#!/usr/bin/env python3
"""Hostile moments (issue 27): the lock-deleted race and readers during publishes.

    python3 tests/bench/races.py --tries 50 --publishes 50 --staging-deletes 50

1. Lock race, --tries times: run A starts over a corpus and is frozen
   (SIGSTOP) once its staging directory exists; everything a cleaner or an
   operator could delete as a "stale lock" is deleted (the lock file of the
   layout before versions, `.out.lock`); run B starts over another corpus and
   the same output and must be refused; A is resumed and must publish its
   complete output (every table's rows in the Parquet footers equal
   `_run.json`, reports = files).
2. Readers, during --publishes runs that alternate between two corpora of
   different sizes: two reader processes query in a loop, one through the
   resolved version (`readlink -f OUT/current`, the README's way), one
   through `OUT/<table>` (the old way), each counting `reports` and
   `applications` rows in one query; a result that matches neither corpus is
   a mix. The README's way must see none; the old way's mixes are reported.
3. Staging deleted, --staging-deletes times: a run is frozen at a random
   moment after its staging directory `OUT/.staging-<id>` exists, a
   cleaner deletes it (a hidden directory under a tmp cleaner), the run is
   resumed. It must either fail (exit 1, the previous output still
   complete) or publish a complete output (its staging recreated before
   anything was written): never an incomplete one.

Uses DuckDB (the tests' venv under the target directory, or a `duckdb`
module on the path). Not part of `cargo test`.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
EXE = Path(os.environ.get("GOVREPORTS_BIN", TARGET / "release/govreports"))


def python_with_duckdb():
    for py in [TARGET / "tmp/duckdb-venv/bin/python", Path(sys.executable)]:
        if py.exists() and subprocess.run([str(py), "-c", "import duckdb"], capture_output=True).returncode == 0:
            return py
    sys.exit("no python with duckdb: run `cargo test --release` once (it installs one) or pip install duckdb")


def make_corpus(dirpath: Path, copies: int):
    shutil.rmtree(dirpath, ignore_errors=True)
    files = [p for p in (REPO / "data/sample").rglob("*") if p.is_file()]
    for k in range(copies):
        for f in files:
            d = dirpath / f"{k:04d}"
            d.mkdir(parents=True, exist_ok=True)
            # distinct bytes, so no file is a duplicate of another
            (d / f.name).write_bytes(f.read_bytes() + f"\n{k}\n".encode())


def footer_rows(py, version: Path):
    code = f"""
import duckdb, json
v = {str(version)!r}
out = {{}}
for t in ['reports','active_disclosure','applications','reviews_litigation','narrative_counts','checks','diagnostics']:
    out[t] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{{v}}/{{t}}/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
print(json.dumps(out))
"""
    return json.loads(subprocess.run([str(py), "-c", code], check=True, capture_output=True).stdout)


def freeze(p: subprocess.Popen) -> bool:
    """SIGSTOPs p and waits until it is stopped; False when it had already
    finished (on a loaded machine this script can be descheduled for the
    whole rest of a run between seeing its staging directory and the
    signal: such a try tests nothing and is done again)."""
    p.send_signal(signal.SIGSTOP)
    for _ in range(5000):
        try:
            state = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state in "Tt":
            return True
        if state in "ZX":
            return False
        time.sleep(0.001)
    return False


def lock_race(py, work: Path, tries: int):
    a_corpus, b_corpus, out = work / "a", work / "b", work / "out"
    make_corpus(a_corpus, 40)
    make_corpus(b_corpus, 20)
    shutil.rmtree(out, ignore_errors=True)
    bad = void = t = 0
    while t < tries:
        a = subprocess.Popen([str(EXE), "run", str(a_corpus), "--out", str(out), "-q"], stderr=subprocess.PIPE)
        while not any(p.name.startswith(".staging-") for p in out.glob(".staging-*")) and a.poll() is None:
            time.sleep(0.002)
        if not freeze(a):
            a.communicate()
            void += 1
            continue
        for stale in [work / ".out.lock", work / ".out.staging"]:
            if stale.exists():
                stale.unlink() if stale.is_file() else shutil.rmtree(stale)
        b = subprocess.run([str(EXE), "run", str(b_corpus), "--out", str(out), "-q"], capture_output=True)
        a.send_signal(signal.SIGCONT)
        a_err = a.communicate()[1]
        run = json.loads((out / "_run.json").read_text())
        rows = footer_rows(py, out / "current")
        ok = (
            b.returncode == 1
            and b"another govreports run" in b.stderr
            and a.returncode == 0
            and rows == run["rows"]
            and rows["reports"] == run["files_seen"] == 40 * 12
        )
        if not ok:
            bad += 1
            print(f"  try {t}: B exit {b.returncode} {b.stderr[:200]!r}, A exit {a.returncode} {a_err[:200]!r}, rows {rows}, run {run['rows']}")
        t += 1
    print(f"lock race: {tries} tries, {bad} bad (B refused, A published complete: {tries - bad}); "
          f"{void} more where A finished before it could be frozen, done again", flush=True)
    return bad


def complete(py, out: Path, files: int) -> bool:
    run = json.loads((out / "_run.json").read_text())
    return footer_rows(py, out / "current") == run["rows"] and run["files_seen"] == files == run["rows"]["reports"]


def staging_deletes(py, work: Path, tries: int):
    a_corpus, b_corpus, out = work / "a", work / "b", work / "staging-out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(EXE), "run", str(b_corpus), "--out", str(out), "-q"], check=True)
    rng = random.Random(27)
    bad = failed = published = deleted = 0
    for t in range(tries):
        a = subprocess.Popen([str(EXE), "run", str(a_corpus), "--out", str(out), "-q"], stderr=subprocess.PIPE)
        while not any(out.glob(".staging-*")) and a.poll() is None:
            time.sleep(0.001)
        time.sleep(rng.random() * 0.3)
        frozen = freeze(a)
        gone = list(out.glob(".staging-*")) if frozen else []
        for s in gone:
            shutil.rmtree(s, ignore_errors=True)
        deleted += bool(gone)
        a.send_signal(signal.SIGCONT)
        a_err = a.communicate()[1]
        if a.returncode == 0:
            published += 1
            ok = complete(py, out, 40 * 12)
        else:
            failed += 1
            ok = a.returncode == 1 and complete(py, out, 20 * 12)
        if not ok:
            bad += 1
            print(f"  try {t}: exit {a.returncode} {a_err[-200:]!r}, staging deleted: {bool(gone)}")
        # back to B's output for the next try
        subprocess.run([str(EXE), "run", str(b_corpus), "--out", str(out), "-q", "--allow-shrink"], check=True)
    print(f"staging deleted: {tries} tries ({deleted} with a staging directory deleted), {failed} failed with the "
          f"previous output complete, {published} published complete, {bad} bad", flush=True)
    return bad


def readers(py, work: Path, publishes: int):
    small, big, out = work / "small", work / "big", work / "readers-out"
    make_corpus(small, 30)
    make_corpus(big, 50)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(EXE), "run", str(big), "--out", str(out), "-q"], check=True)
    want = set()
    for c in [big, small]:
        subprocess.run([str(EXE), "run", str(c), "--out", str(out), "-q"], check=True)
        r = json.loads((out / "_run.json").read_text())["rows"]
        want.add((r["reports"], r["applications"]))
    reader = f"""
import duckdb, os, sys, time, json
out, mode, stop = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {{}}
n = 0
con = duckdb.connect()
while not os.path.exists(stop):
    root = os.path.realpath(out + '/current') if mode == 'version' else out
    q = f"SELECT (SELECT count(*) FROM read_parquet('{{root}}/reports/**/*.parquet', hive_partitioning=true)), (SELECT count(*) FROM read_parquet('{{root}}/applications/**/*.parquet', hive_partitioning=true))"
    try:
        r = con.sql(q).fetchall()[0]
        key = f"{{r[0]}},{{r[1]}}"
    except Exception as e:
        key = 'error: ' + str(e).splitlines()[0][:80]
    seen[key] = seen.get(key, 0) + 1
    n += 1
print(json.dumps(seen))
"""
    stop = work / "stop"
    stop.unlink(missing_ok=True)
    procs = {m: subprocess.Popen([str(py), "-c", reader, str(out), m, str(stop)], stdout=subprocess.PIPE) for m in ["version", "path"]}
    t = time.time()
    for k in range(publishes):
        subprocess.run([str(EXE), "run", str(small if k % 2 else big), "--out", str(out), "-q"], check=True)
    stop.touch()
    result = {m: json.loads(p.communicate()[0]) for m, p in procs.items()}
    good = {f"{a},{b}" for a, b in want}
    for m, seen in result.items():
        total = sum(seen.values())
        mixed = {k: v for k, v in seen.items() if k not in good}
        print(f"readers via {'the resolved version' if m == 'version' else 'OUT/<table>'}: {total} queries during {publishes} publishes "
              f"({time.time() - t:.0f} s), {sum(mixed.values())} neither version: {mixed}", flush=True)
    return sum(v for k, v in result["version"].items() if k not in good)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tries", type=int, default=50)
    ap.add_argument("--publishes", type=int, default=50)
    ap.add_argument("--staging-deletes", type=int, default=50)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govreports-races"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    py = python_with_duckdb()
    bad = lock_race(py, args.work, args.tries) if args.tries else 0
    if args.staging_deletes:
        if not args.tries:
            make_corpus(args.work / "a", 40)
            make_corpus(args.work / "b", 20)
        bad += staging_deletes(py, args.work, args.staging_deletes)
    mixed = readers(py, args.work, args.publishes) if args.publishes else 0
    sys.exit(1 if bad or mixed else 0)


if __name__ == "__main__":
    main()
