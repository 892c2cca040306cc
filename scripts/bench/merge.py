#!/usr/bin/env python3
"""make bench-merge: `scoretune merge` of many synthetic worker databases. One real worker run
against the local SeaweedFS gives the template (its schema and real rows); each synthetic worker is
a copy with its rank set and its attempts multiplied inside SQLite to the asked count. Measures the
merge's wall time, attempts per second and peak RSS (/usr/bin/time -v) at two worker counts, so
that flat memory shows, then `report` on the large merged run. Writes reports/bench-merge-<date>.md.
Targets (issue #14): memory flat in the number of attempts, at least 200,000 attempts/s."""
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


def synthesize(template, path, rank, workers, attempts):
    """A copy of the template as worker `rank` of `workers`, with `attempts` attempts."""
    shutil.copyfile(template, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE runs SET worker_rank = ?, workers = ?", (rank, workers))
    con.execute("UPDATE barriers SET worker = ?", (rank,))
    columns = [r[1] for r in con.execute("PRAGMA table_info(attempts)") if r[1] != "id"]
    listed = ", ".join(columns)
    while True:
        have = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
        if have >= attempts:
            break
        con.execute(f"INSERT INTO attempts ({listed}) SELECT {listed} FROM attempts LIMIT ?", (attempts - have,))
    con.commit()
    con.execute("VACUUM")
    con.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/scoretune"))
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--small", type=int, default=8, help="the smaller worker count, for the memory comparison")
    parser.add_argument("--attempts", type=int, default=100_000, help="attempts per worker database")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-merge-")
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
        shards = []
        for rank in range(args.workers):
            path = os.path.join(folder, f"worker-{rank}.sqlite")
            synthesize(template, path, rank, args.workers, args.attempts)
            shards.append(path)
        rows = []
        for count in (args.small, args.workers):
            subset = shards[:count]
            if count != args.workers:   # a complete set of `count` workers: ranks 0..count-1 of count
                subset = []
                for rank in range(count):
                    path = os.path.join(folder, f"small-{rank}.sqlite")
                    shutil.copyfile(shards[rank], path)
                    con = sqlite3.connect(path)
                    con.execute("UPDATE runs SET workers = ?", (count,))
                    con.commit()
                    con.close()
                    subset.append(path)
            merged = os.path.join(folder, f"merged-{count}.sqlite")
            seconds, rss, _ = timed([args.binary, "merge", "--db", merged] + subset)
            total = sqlite3.connect(merged).execute("SELECT count(*) FROM attempts").fetchone()[0]
            rows.append((count, total, seconds, total / seconds, rss))
        report_seconds, report_rss, _ = timed([args.binary, "report", "--db", os.path.join(folder, f"merged-{args.workers}.sqlite"),
                                               "--html", os.path.join(folder, "report.html"), "--md", os.path.join(folder, "report.md"),
                                               "--csv", os.path.join(folder, "report.csv")])
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    date = datetime.datetime.now(datetime.timezone.utc)
    out = os.path.join(ROOT, "reports", f"bench-merge-{date:%Y-%m-%d}.md")
    small, large = rows[0], rows[-1]
    flat = large[4] <= small[4] * 1.25
    fast = large[3] >= 200_000
    lines = [f"# Merge benchmark, {date:%Y-%m-%dT%H:%MZ}", "",
             f"`scoretune merge` of synthetic worker databases (`make bench-merge`, scripts/bench/merge.py): one real worker run",
             f"against the local SeaweedFS is the template; each worker is a copy with its rank set and {args.attempts:,} attempts",
             "(its real rows repeated inside SQLite). Wall time and peak RSS from `/usr/bin/time -v`.", "",
             "| workers | attempts merged | wall time | attempts/s | peak RSS |", "|---|---|---|---|---|"]
    for count, total, seconds, rate, rss in rows:
        lines.append(f"| {count} | {total:,} | {seconds:.1f} s | {rate:,.0f} | {rss / 1024:.0f} MiB |")
    lines += ["", f"Targets: memory flat in the number of attempts ({large[1]:,} attempts take {large[4] / small[4]:.2f}× the peak RSS of "
              f"{small[1]:,}: **{'met' if flat else 'MISSED'}**), at least 200,000 attempts/s (**{'met' if fast else 'MISSED'}**: {large[3]:,.0f}).",
              "", f"`scoretune report` on the {args.workers}-worker merged run ({large[1]:,} attempts): {report_seconds:.1f} s, peak RSS "
              f"{report_rss / 1024:.0f} MiB (the report loads every attempt into memory).", "",
              f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; shared, so times are noisy."]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
