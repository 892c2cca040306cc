#!/usr/bin/env python3
"""make bench-merge: a fleet's run, merged and analysed. One real worker run against the local
SeaweedFS gives the template (its schema and real rows); its attempts are multiplied inside SQLite
to the asked count per worker, its requests digested by scoretune as a worker's run does at its end
(timed), and the file copied once per rank. Then, each with its wall time and peak RSS
(/usr/bin/time -v): `merge` of all the workers, and `report`, `recommend` and `compare` (the merged
run with itself) on the merged run. Two sizes (64 × 100,000 and 64 × 1,000,000 attempts by default),
to show how time grows. Then runs of many trials (100,000, 1,000,000 and 10,000,000 by default), on
one machine and spread over the workers and merged. Writes reports/bench-merge-<date>.md.
Targets (issue #25): every command under 256 MiB peak RSS; `report` under 120 s; merge at least
200,000 attempts/s."""
import argparse, datetime, os, platform, re, shutil, sqlite3, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = """name: bench-merge
env: {env}
mode: score
objects: {{sizes: [1MiB], count: 2, seed: 9}}
grid: {{UPLOAD_PARTSIZE: [20MiB], parallel: [1, 2]}}
repetitions: 2
warmup: 0
"""
RSS_TARGET_MIB = 256
REPORT_TARGET_S = 120
MERGE_TARGET = 200_000


def timed(args):
    """Runs a command under /usr/bin/time -v; returns (seconds, peak RSS KiB, stdout)."""
    result = subprocess.run(["/usr/bin/time", "-v"] + args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench-merge: {' '.join(args[:3])} failed: {result.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, rss, result.stdout


def multiply(template, path, table, rows):
    """A copy of the template whose `table` rows (real ones) are repeated to `rows`, with no stored
    digests (they were of the template's own attempts). Trials keep unique ids: copies are
    renumbered past the largest; attempts take fresh ids."""
    shutil.copyfile(template, path)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM request_digests")
    con.execute("DELETE FROM run_digests")
    columns = ", ".join(r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "id")
    renumbered = table == "trials"
    while True:
        have, top = con.execute(f"SELECT count(*), max(id) FROM {table}").fetchone()
        if have >= rows:
            break
        if renumbered:
            con.execute(f"INSERT INTO {table} (id, {columns}) SELECT id + ?, {columns} FROM {table} LIMIT ?", (top, rows - have))
        else:
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} LIMIT ?", (rows - have,))
    con.commit()
    con.execute("VACUUM")
    con.close()


def workers_of(base, folder, workers):
    """`workers` copies of one worker's database, as ranks 0..workers-1 of workers."""
    paths = []
    for rank in range(workers):
        path = os.path.join(folder, f"worker-{rank}.sqlite")
        shutil.copyfile(base, path)
        con = sqlite3.connect(path)
        con.execute("UPDATE runs SET worker_rank = ?, workers = ?", (rank, workers))
        con.execute("UPDATE barriers SET worker = ?", (rank,))
        con.commit()
        con.close()
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/scoretune"))
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--attempts", type=int, nargs="*", default=[100_000, 1_000_000], help="attempts per worker, one size each")
    parser.add_argument("--trials", type=int, nargs="*", default=[100_000, 1_000_000, 10_000_000], help="trials of one run (then of a fleet's), for the analysis's trial memory")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-merge-", dir=os.environ.get("BENCH_DIR"))
    rows = []
    try:
        env = os.path.join(ROOT, ".scoretune/backends/seaweedfs/.env.score")
        scenario = os.path.join(folder, "scenario.yaml")
        with open(scenario, "w") as f:
            f.write(SCENARIO.format(env=env))
        template = os.path.join(folder, "template.sqlite")
        subprocess.run([args.binary, "run", scenario, "--worker", "0/1", "--tag", "bench-merge", "--db", template, "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "merge", template, "--db", os.path.join(folder, "drop.sqlite"), "--env", env],
                       check=True, stdout=subprocess.DEVNULL)   # removes the template run's end marker
        trial_rows = []
        for trials in args.trials:
            # One machine's run of this many trials, then a fleet's: the workers' trials add up to it.
            path = os.path.join(folder, f"trials-{trials}.sqlite")
            multiply(template, path, "trials", trials)
            run_id = sqlite3.connect(path).execute("SELECT max(id) FROM runs").fetchone()[0]
            single = [timed([args.binary, "report", "--db", path, "--md", os.path.join(folder, "trials.md")])[:2],
                      timed([args.binary, "recommend", "--db", path, "--json"])[:2],
                      timed([args.binary, "compare", "--db", path, str(run_id), str(run_id)])[:2]]
            os.remove(path)
            size = os.path.join(folder, f"trials-fleet-{trials}")
            os.makedirs(size)
            base = os.path.join(size, "base.sqlite")
            multiply(template, base, "trials", max(1, trials // args.workers))
            shards = workers_of(base, size, args.workers)
            os.remove(base)
            merged = os.path.join(size, "merged.sqlite")
            fleet = [timed([args.binary, "merge", "--db", merged] + shards)[:2]]
            for shard in shards:
                os.remove(shard)
            fleet += [timed([args.binary, "report", "--db", merged, "--md", os.path.join(size, "report.md")])[:2],
                      timed([args.binary, "recommend", "--db", merged, "--json"])[:2]]
            total = sqlite3.connect(merged).execute("SELECT count(*) FROM trials").fetchone()[0]
            shutil.rmtree(size, ignore_errors=True)
            trial_rows.append((trials, single, total, fleet))
        for per_worker in args.attempts:
            size = os.path.join(folder, f"size-{per_worker}")
            os.makedirs(size)
            base = os.path.join(size, "base.sqlite")
            multiply(template, base, "attempts", per_worker)
            # What a worker does at its run's end: its requests digested and stored with the run.
            digest_s, digest_rss, _ = timed([args.binary, "report", "--db", base, "--md", os.path.join(size, "worker.md")])
            shards = workers_of(base, size, args.workers)
            os.remove(base)
            merged = os.path.join(size, "merged.sqlite")
            merge_s, merge_rss, _ = timed([args.binary, "merge", "--db", merged] + shards)
            for shard in shards:
                os.remove(shard)
            con = sqlite3.connect(merged)
            total = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            con.close()
            size_mib = os.path.getsize(merged) / (1 << 20)
            report = timed([args.binary, "report", "--db", merged, "--html", os.path.join(size, "report.html"),
                            "--md", os.path.join(size, "report.md"), "--csv", os.path.join(size, "report.csv")])
            recommend = timed([args.binary, "recommend", "--db", merged, "--json"])
            compare = timed([args.binary, "compare", "--db", merged, "1", "1"])
            # A merged run without digests (an older scoretune's): report digests it in one pass first.
            con = sqlite3.connect(merged)
            con.execute("DELETE FROM run_digests")
            con.commit()
            con.close()
            undigested = timed([args.binary, "report", "--db", merged, "--md", os.path.join(size, "again.md")])
            rows.append(dict(per_worker=per_worker, total=total, mode=mode, size_mib=size_mib, digest=(digest_s, digest_rss),
                             merge=(merge_s, merge_rss), report=report[:2], recommend=recommend[:2], compare=compare[:2],
                             undigested=undigested[:2]))
            shutil.rmtree(size, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    date = datetime.datetime.now(datetime.timezone.utc)
    out = os.path.join(ROOT, "reports", f"bench-merge-{date:%Y-%m-%d}.md")
    lines = [f"# Fleet benchmark: merge and analysis, {date:%Y-%m-%dT%H:%MZ}", "",
             f"A fleet's run of {args.workers} workers (`make bench-merge`, scripts/bench/merge.py): one real worker run against the",
             "local SeaweedFS is the template; its attempts (real rows) are repeated inside SQLite to the count per worker, its",
             "requests digested as a worker does at its run's end, and the file copied once per rank. Wall time and peak RSS of",
             "each command from `/usr/bin/time -v`; `compare` compares the merged run with itself.", "",
             "| attempts | command | wall time | rate | peak RSS |", "|---|---|---|---|---|"]
    met = True
    for row in rows:
        label = f"{row['total']:,}"
        lines.append(f"| {row['per_worker']:,} (one worker) | end-of-run digest (`report` on the worker) | {row['digest'][0]:.1f} s | "
                     f"{row['per_worker'] / row['digest'][0]:,.0f} attempts/s | {row['digest'][1] / 1024:.0f} MiB |")
        for name in ("merge", "report", "recommend", "compare", "undigested"):
            seconds, rss = row[name]
            rate = f"{row['total'] / seconds:,.0f} attempts/s" if name in ("merge", "undigested") else ""
            command = "`report` of the run without stored digests (one pass over its attempts)" if name == "undigested" else f"`{name}`"
            lines.append(f"| {label} | {command} | {seconds:.1f} s | {rate} | {rss / 1024:.0f} MiB |")
            met &= rss / 1024 < RSS_TARGET_MIB
        met &= max(row["report"][0], row["undigested"][0]) < REPORT_TARGET_S and row["total"] / row["merge"][0] >= MERGE_TARGET
    large = rows[-1] if rows else None
    lines += ["", "Trials: a run whose trials (real rows) are repeated inside SQLite. Every count, failure and fleet window is",
              "added up over all of them in two passes; medians and rank tests come from an evenly spaced sample of each",
              "cell's (at most 2,000 a cell and direction). First one machine's run, then a fleet's: the same number of",
              f"trials spread over {args.workers} workers and merged (the fleet's windows, per round and worker, are computed too).", "",
              "| trials | run | command | wall time | peak RSS |", "|---|---|---|---|---|"]
    for trials, single, total, fleet in trial_rows:
        for name, (seconds, rss) in zip(("report", "recommend", "compare"), single):
            lines.append(f"| {trials:,} | one machine | `{name}` | {seconds:.1f} s | {rss / 1024:.0f} MiB |")
            met &= rss / 1024 < RSS_TARGET_MIB
        for name, (seconds, rss) in zip(("merge", "report", "recommend"), fleet):
            lines.append(f"| {total:,} | {args.workers} workers, merged | `{name}` | {seconds:.1f} s | {rss / 1024:.0f} MiB |")
            met &= rss / 1024 < RSS_TARGET_MIB
    if large:
        lines += ["", f"The merged file of {large['total']:,} attempts: {large['size_mib']:,.0f} MiB, journal mode `{large['mode']}` (one self-contained file)."]
    lines += ["", f"Targets on this machine: every command under {RSS_TARGET_MIB} MiB peak RSS; `report` under {REPORT_TARGET_S} s; merge at least "
              f"{MERGE_TARGET:,} attempts/s: **{'met' if met else 'MISSED'}**.", "",
              f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; shared, so times are noisy."]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
