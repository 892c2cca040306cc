#!/usr/bin/env python3
"""make soak: scoretune through a played faulty path for a long time (30 minutes by default,
SOAK_MINUTES or --minutes), against the local SeaweedFS: per 20 MiB part, 5% of the parts meet a
connection reset and 1% a 10 s stall (the fault proxy's rates are per MiB moved), and 2% of the
requests are answered 503 SlowDown. While it runs, the process's resident memory, open file
descriptors and threads are sampled every 10 s; afterwards every trial must be verified (ok) or
recorded with its cause, the buckets must hold exactly what they held before, and the samples must
be flat (the last fifth of the run within 15% of the first fifth's memory, and within a few
descriptors and threads). Writes reports/soak-<date>.md; exits 1 when an invariant fails."""
import argparse, datetime, os, platform, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "chaos"))
from matrix import ROOT, ENV, Store   # the chaos suite's direct lister of the store

PART_MIB = 20
RESET_PER_PART, STALL_PER_PART, SLOWDOWN_PER_REQUEST = 0.05, 0.01, 0.02
SCENARIO = """name: soak-faults
env: {env}
mode: score
objects: {{sizes: [64MiB], count: 4, seed: 17}}
grid: {{UPLOAD_PARTSIZE: 20MiB, parallel: 4, UPLOAD_RETRY_LIMIT: 10, stall_timeout: 3s}}
network:
  rtt: 10ms
  bandwidth_per_connection: 25MB/s
  faults:
    reset: {reset:.6f}
    stall: {stall:.6f}
    stall_for: 10s
    slowdown_503: {slowdown}
  seed: 11
backoff: {{base: 50ms, max: 2s}}
repetitions: 1000
warmup: 0
budget: {seconds}s
"""


def per_mib(per_part):
    return 1 - (1 - per_part) ** (1 / PART_MIB)


def sample(pid):
    try:
        status = open(f"/proc/{pid}/status").read()
        rss = int(next(l for l in status.splitlines() if l.startswith("VmRSS:")).split()[1])
        threads = int(next(l for l in status.splitlines() if l.startswith("Threads:")).split()[1])
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return rss, fds, threads
    except (OSError, StopIteration):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/scoretune"))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 30)))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="scoretune-soak-")
    store = Store()
    # Buckets of its own, so that other work on the same store (the chaos suite) neither counts
    # as the soak's nor disturbs its listing; the sentinel copied in, as Score needs it.
    sentinel_bucket, sentinel = store.buckets[0], "data/heliograph"
    store.buckets = ["scoretune-soak-object", "scoretune-soak-state"]
    for bucket in store.buckets:
        try:
            store.s3.create_bucket(Bucket=bucket)
        except store.s3.exceptions.ClientError:
            pass
    store.s3.copy_object(Bucket=store.buckets[0], Key=sentinel, CopySource={"Bucket": sentinel_bucket, "Key": sentinel})
    env = os.path.join(folder, ".env.score")
    with open(ENV) as source, open(env, "w") as out:
        for line in source:
            key = line.split("=", 1)[0]
            out.write({"BUCKET_NAME_OBJECT": f"BUCKET_NAME_OBJECT={store.buckets[0]}\n",
                       "BUCKET_NAME_STATE": f"BUCKET_NAME_STATE={store.buckets[1]}\n"}.get(key, line))
    before = store.snapshot()
    scenario = os.path.join(folder, "soak.yaml")
    with open(scenario, "w") as f:
        f.write(SCENARIO.format(env=env, reset=per_mib(RESET_PER_PART), stall=per_mib(STALL_PER_PART), slowdown=SLOWDOWN_PER_REQUEST,
                                seconds=int(args.minutes * 60)))
    db = os.path.join(folder, "soak.sqlite")
    started = time.monotonic()
    process = subprocess.Popen([args.binary, "run", scenario, "--db", db, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples = []
    while process.poll() is None:
        taken = sample(process.pid)
        if taken:
            samples.append((time.monotonic() - started,) + taken)
        for _ in range(100):
            if process.poll() is not None:
                break
            time.sleep(0.1)
    out, err = process.communicate()
    wall = time.monotonic() - started
    con = sqlite3.connect(db)
    trials = con.execute("SELECT outcome, coalesce(error_class, ''), count(*) FROM trials GROUP BY 1, 2 ORDER BY 3 DESC").fetchall()
    unexplained = con.execute("SELECT count(*) FROM trials WHERE outcome != 'ok' AND (error_class IS NULL OR error IS NULL)").fetchone()[0]
    faults = con.execute("SELECT kind, count(*) FROM faults GROUP BY 1 ORDER BY 2 DESC").fetchall()
    attempts = con.execute("SELECT count(*), sum(error_class IS NOT NULL) FROM attempts").fetchone()
    status = con.execute("SELECT status FROM runs").fetchone()[0]
    moved = con.execute("SELECT coalesce(sum(object_size), 0) FROM trials WHERE outcome = 'ok'").fetchone()[0]
    open_ledger = con.execute("SELECT count(*) FROM created WHERE removed_at IS NULL").fetchone()[0]
    con.close()
    after = store.snapshot()
    left = after - before
    shutil.rmtree(folder, ignore_errors=True)

    fifth = max(1, len(samples) // 5)
    first, last = samples[fifth:2 * fifth] or samples[:fifth], samples[-fifth:]
    def median(rows, i): return statistics.median(r[i] for r in rows) if rows else 0
    rss_first, rss_last = median(first, 1), median(last, 1)
    checks = {
        "the run ended by its budget": process.returncode == 0 and status == "budget-exhausted",
        "every trial verified or recorded with its cause": unexplained == 0,
        "nothing left in the buckets, nothing open in the ledger": not left and open_ledger == 0,
        "memory flat (last fifth within 15% of the second)": rss_last <= rss_first * 1.15,
        "file descriptors flat (the last fifth's most within 8 of the second fifth's)": max(r[2] for r in last) <= max(r[2] for r in first) + 8 if samples else False,
        "threads flat (within 4)": max(r[3] for r in samples[fifth:]) - min(r[3] for r in samples[fifth:]) <= 4 if samples else False,
        "faults were played": sum(n for _, n in faults) > 0,
    }
    date = datetime.datetime.now(datetime.timezone.utc)
    lines = [f"# Soak through a faulty path, {date:%Y-%m-%dT%H:%MZ}", "",
             f"`make soak` (scripts/soak/run.py): {args.minutes:g} minutes of `scoretune run` (score mode, 64 MiB objects in 20 MiB parts,",
             "4 in flight, retry limit 10, stall timeout 3 s) against the local SeaweedFS (buckets of its own) through the fault proxy",
             "(10 ms round trip, 25 MB/s per connection): per 20 MiB part 5% meet a",
             "connection reset and 1% a 10 s stall; 2% of requests are answered 503 SlowDown. The process sampled every 10 s.", "",
             f"Wall time {wall / 60:.1f} min; run status `{status}`, exit {process.returncode}; {moved / 2**30:.1f} GiB moved in verified trials;",
             f"{attempts[0]:,} HTTP attempts, {attempts[1] or 0:,} of them failed.", "",
             "| trials | outcome | cause |", "|---|---|---|"]
    lines += [f"| {n:,} | {outcome} | {cause or '-'} |" for outcome, cause, n in trials]
    lines += ["", "Faults the proxy injected: " + (", ".join(f"{kind} {n:,}" for kind, n in faults) or "none"), "",
              "| sampled | resident memory (MiB) | file descriptors | threads |", "|---|---|---|---|"]
    for label, rows in (("first fifth", samples[:fifth]), ("second fifth", first), ("last fifth", last), ("all", samples)):
        if rows:
            lines.append(f"| {label} ({len(rows)} samples) | {min(r[1] for r in rows) / 1024:.0f}–{max(r[1] for r in rows) / 1024:.0f} "
                         f"(median {median(rows, 1) / 1024:.0f}) | {min(r[2] for r in rows)}–{max(r[2] for r in rows)} | "
                         f"{min(r[3] for r in rows)}–{max(r[3] for r in rows)} |")
    lines += ["", "| invariant | held |", "|---|---|"] + [f"| {name} | {'yes' if held else '**NO**'} |" for name, held in checks.items()]
    if left:
        lines += ["", f"Left in the store: {sorted(left)[:5]}"]
    lines += ["", f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; shared, so times are noisy."]
    report = os.path.join(ROOT, "reports", f"soak-{date:%Y-%m-%d}.md")
    with open(report, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if err.strip():
        print("stderr (last lines):\n" + "\n".join(err.strip().splitlines()[-5:]))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
