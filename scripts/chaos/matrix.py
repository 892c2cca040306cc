#!/usr/bin/env python3
"""make chaos: scoretune's own chaos suite. Every way a run can end (SIGINT, SIGTERM, SIGHUP from a
closed pseudo-terminal, a double Ctrl-C, kill -9 followed by `clean`) at every phase (MD5
preparation, initiate, parts, finalize, download, Score's server calls, clean-up, a barrier wait,
`check`, `merge`) against every store state (healthy, refusing connections, frozen, answering
slowly, dropping the answer after acting, dying mid-body), on the real SeaweedFS behind the
project's fault proxy (`scoretune proxy`), whose state is switched at the moment of the ending.

For every cell the invariants are checked, not assumed:
  bound     the process ends within the stated bound after the signal;
  exit      its exit status is the documented one (130 after a signal; `clean` after kill -9: 0);
  status    the run's status in the database says what happened (interrupted);
  truthful  every message is true: no "its objects removed" when `clean` then found something to
            remove, no verdict from an interrupted `check`, no crash or stack trace;
  clean     after `clean`, no object and no multipart upload that was not there before is left
            (the buckets are listed);
  untouched everything that was there before (a canary object among it) is still there.
Plus, without any signal, the frozen store's own bound: a run whose store freezes ends by itself.

Seeded (--seed) and reproducible in its choices (delays, the sample); `--sample N` runs N cells
drawn from the matrix (what `make test` runs), the default runs all of it and writes the table to
reports/chaos-<date>.md. Exits 1 when any invariant failed."""
import argparse, datetime, json, os, platform, pty, random, re, select, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time, uuid

import boto3
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENV = os.path.join(ROOT, ".scoretune/backends/seaweedfs/.env.score")
UPSTREAM = "127.0.0.1:8333"

ENDINGS = ["sigint", "sigterm", "sighup", "double-sigint", "kill-9"]
RUN_PHASES = ["md5", "initiate", "parts", "finalize", "server", "download", "cleanup", "barrier"]
STATES = ["healthy", "refusing", "frozen", "slow", "lost-answer", "mid-body"]
# How long after the signal each store state may keep a process going: the clean-up's removals
# wait the run's own timeouts (here stall_timeout 5 s; a stopped proxy still accepts connections),
# twice for a store that gives none (Cleaner), so 10 s and the run around them.
BOUND_S = {"healthy": 10, "slow": 20, "lost-answer": 15, "mid-body": 15, "refusing": 10, "frozen": 20}
DOUBLE_BOUND_S = 3

# The store as the proxy plays it from the moment of the ending (healthy is a plain WAN, so that
# every phase lasts long enough to be caught).
PROFILES = {
    "healthy": "rtt: 40ms\nbandwidth_per_connection: 40MB/s\n",
    "slow": "rtt: 300ms\nbandwidth_per_connection: 1MB/s\n",
    "lost-answer": "rtt: 40ms\nfaults: {lost_answer: 0.5}\nseed: 5\n",
    "mid-body": "rtt: 40ms\nfaults: {reset: 0.5}\nseed: 5\n",
}

SCENARIO = """name: chaos-{phase}
mode: score
objects: {{sizes: [{size}], count: {count}, seed: {seed}}}
grid: {{UPLOAD_PARTSIZE: 20MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 2, stall_timeout: 5s}}
repetitions: {repetitions}
warmup: 0
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings():
    values = {}
    for line in open(ENV):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value.strip('"')
    return values


class Store:
    """The real store, listed directly (never through the proxy)."""
    def __init__(self):
        v = settings()
        self.buckets = [v["BUCKET_NAME_OBJECT"], v["BUCKET_NAME_STATE"]]
        self.s3 = boto3.client("s3", endpoint_url="http://" + UPSTREAM, aws_access_key_id=v["S3_ACCESSKEY"],
                               aws_secret_access_key=v["S3_SECRETKEY"], region_name="us-east-1",
                               config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30))

    def snapshot(self):
        """Every object key and every multipart upload in the two buckets."""
        items = set()
        for bucket in self.buckets:
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                items |= {("object", bucket, o["Key"]) for o in page.get("Contents", [])}
            uploads = self.s3.list_multipart_uploads(Bucket=bucket)
            items |= {("upload", bucket, u["Key"] + " " + u["UploadId"]) for u in uploads.get("Uploads", [])}
        return items


class Proxy:
    """`scoretune proxy` in front of the store, switched between states."""
    def __init__(self, binary, folder):
        self.binary, self.folder, self.port, self.process = binary, folder, free_port(), None

    def start(self, state="healthy"):
        profile = os.path.join(self.folder, f"{state}.yaml")
        with open(profile, "w") as f:
            f.write(PROFILES[state])
        self.process = subprocess.Popen([self.binary, "proxy", "--listen", f"127.0.0.1:{self.port}", "--upstream", UPSTREAM,
                                         "--profile", profile, "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.process.stdout.readline()   # it listens once it has said where

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
        self.process = None

    def become(self, state):
        """The store's state from now on."""
        if state == "healthy":
            return
        if state == "frozen":
            self.process.send_signal(signal.SIGSTOP)
            return
        self.stop()
        if state != "refusing":
            self.start(state)

    def heal(self):
        self.stop()
        self.start("healthy")


def env_through(folder, port):
    path = os.path.join(folder, ".env.score")
    with open(ENV) as f, open(path, "w") as out:
        for line in f:
            out.write(f"S3_ENDPOINT=http://127.0.0.1:{port}\n" if line.startswith("S3_ENDPOINT=") else line)
    return path


def latest_phase(db):
    """What the run is doing, from its own database (read while it writes, as `sqlite3` can)."""
    if not os.path.exists(db):
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        row = con.execute("""SELECT a.phase, a.operation, t.direction FROM attempts a LEFT JOIN trials t ON t.id = a.trial_id
                             ORDER BY a.id DESC LIMIT 1""").fetchone()
        runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        con.close()
    except sqlite3.Error:
        return None
    if not runs:
        return None
    if row is None:
        return "md5"
    phase, operation, direction = row
    if phase == "cleanup":
        return "cleanup"
    if phase in ("state-cleanup", "meta"):
        return "server"
    if phase == "parts" and operation == "get-object" or direction == "download":
        return "download"
    return phase or "md5"


class Ended:
    def __init__(self, code, seconds, out, err, before=False):
        self.code, self.seconds, self.out, self.err, self.before = code, seconds, out, err, before


def launch(args, on_pty):
    if on_pty:
        pid, master = pty.fork()
        if pid == 0:
            os.execv(args[0], args)
        return ("pty", pid, master)
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return ("pipe", process)


def end(handle, ending, proxy, state, timeout):
    """Delivers the ending (the store switched first), then waits for the process; the seconds are
    from the signal to the exit."""
    proxy.become(state)
    started = time.monotonic()
    if handle[0] == "pty":
        _, pid, master = handle
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 0)
            if not ready:
                break
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        os.close(master)   # the terminal hangs up: SIGHUP, and every later write fails
        deadline = started + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
                return Ended(code, time.monotonic() - started, seen.decode("utf-8", "replace"), "")
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return Ended(None, timeout, seen.decode("utf-8", "replace"), "")
    process = handle[1]
    if process.poll() is not None:
        # The store's new state ended it before the signal could: that is the ending to judge.
        out, err = process.communicate()
        return Ended(process.returncode, 0.0, out, err, before=True)
    if ending == "kill-9":
        process.kill()
    else:
        process.send_signal(signal.SIGTERM if ending == "sigterm" else signal.SIGINT)
        if ending == "double-sigint":
            time.sleep(0.2)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return Ended(None, timeout, out, err)
    return Ended(process.returncode, time.monotonic() - started, out, err)


def wait_for(predicate, limit=60, step=0.03):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def run_cell(binary, store, ending, phase, state, rng, base):
    folder = tempfile.mkdtemp(prefix="chaos-", dir=base)
    proxy = Proxy(binary, folder)
    proxy.start()
    canary = ("object", store.buckets[0], f"chaos-canary/{uuid.uuid4()}")
    store.s3.put_object(Bucket=canary[1], Key=canary[2], Body=b"not scoretune's")
    before = store.snapshot()
    env = env_through(folder, proxy.port)
    db = os.path.join(folder, "results.sqlite")
    row = dict(ending=ending, phase=phase, state=state, reached="", exit=None, seconds=None, status="", left=0, failed=[])
    try:
        if phase == "check":
            args = [binary, "check", "--env", env]
            handle = launch(args, ending == "sighup")
            time.sleep(rng.uniform(0.05, 0.6))
            reached = "check"
        elif phase == "merge":
            return merge_cell(binary, folder, ending, rng, row)
        else:
            size, count, repetitions = ("1GiB", 1, 1) if phase == "md5" else ("48MiB", 2, 2)
            scenario = os.path.join(folder, "scenario.yaml")
            with open(scenario, "w") as f:
                f.write(SCENARIO.format(phase=phase, size=size, count=count, seed=rng.randrange(1 << 30), repetitions=repetitions))
            args = [binary, "run", scenario, "--env", env, "--db", db, "--progress", "plain"]
            if phase == "barrier":
                args += ["--worker", "0/2", "--tag", f"chaos{rng.randrange(1 << 30)}", "--barrier-timeout", "120"]
            handle = launch(args, ending == "sighup")
            if phase == "barrier":
                # A lone worker of two waits at the first barrier: its run is recorded, no trial starts
                # (it says so after 2 s of waiting).
                wait_for(lambda: latest_phase(db), limit=60)
                time.sleep(2.5)
                reached = "barrier" if latest_phase(db) == "md5" else latest_phase(db) or "start"
            else:
                reached = wait_for(lambda: (lambda p: p if p and (p == phase or order(p) > order(phase)) else None)(latest_phase(db)), limit=90)
                reached = reached or latest_phase(db) or "start"
        row["reached"] = reached
        ended = end(handle, ending, proxy, state, DOUBLE_BOUND_S + 10 if ending == "double-sigint" else BOUND_S[state] + 30)
        row["exit"], row["seconds"] = ended.code, ended.seconds
        # Ended by the store's new state a moment before the signal landed: it finished or failed,
        # and never said it was interrupted.
        # (Never on a healthy store, and never when the output after the signal is lost: there an
        # ignored signal would look the same.)
        if not ended.before and state != "healthy" and ending not in ("sighup", "kill-9") and ended.code in (0, 1) \
                and "interrupted" not in ended.out + ended.err:
            ended.before = True
        if ended.before:
            row["reached"] += ", ended by the store's state before the signal"
        text = ended.out + ended.err
        bound = DOUBLE_BOUND_S if ending == "double-sigint" else BOUND_S[state]
        if ending != "kill-9" and (ended.code is None or ended.seconds > bound):
            row["failed"].append(f"bound: {ended.seconds:.1f} s > {bound} s")
        # After a signal: 130 (kill -9: killed). Ended by the store first: finished or failed (0, 1).
        expected = {0, 1} if ended.before else {-9} if ending == "kill-9" else {130}
        if ended.code not in expected:
            row["failed"].append(f"exit: {ended.code} (expected {'/'.join(map(str, sorted(expected)))})")
        if re.search(r"Fatal error|Stack dump|Illegal instruction|Segmentation", text):
            row["failed"].append("truthful: a crash")
        # An interrupted check gives no verdict, and blames no step for the interrupt (a step the
        # store's own state failed before the signal, a refused connection, is true of it).
        if phase == "check" and not ended.before and (re.search(r"^(Compatible|Not compatible):", ended.out, re.M)
                                 or re.search(r"^(WARN|FAIL) +(?!cleanup).*cancel", ended.out, re.M | re.I)
                                 or (ending in ("sigint", "sigterm") and "Interrupted: no verdict" not in ended.out)):
            row["failed"].append("truthful: a verdict or a blamed step after an interrupt")
        # The store answers again; then `clean` (always: after a signal it should find nothing).
        proxy.heal()
        if phase == "check":
            # What a check's probe could not remove, by the command its clean-up row names (or, when
            # its terminal was gone, by the probe's id in the keys it left).
            ids = set(re.findall(r"scoretune clean --check ([0-9a-f-]+)", text))
            ids |= {i[2].split("/")[1] for i in store.snapshot() - before if i[2].startswith("scoretune-check/")}
            for probe in sorted(ids):
                cleaned = subprocess.run([binary, "clean", "--check", probe, "--env", env], capture_output=True, text=True, timeout=120)
                if cleaned.returncode != 0:
                    row["failed"].append(f"clean: `clean --check` exit {cleaned.returncode}: {cleaned.stderr.strip()[:200]}")
        if phase != "check" and os.path.exists(db):
            cleaned = subprocess.run([binary, "clean", "--db", db, "--env", env, "--json"], capture_output=True, text=True, timeout=120)
            if cleaned.returncode != 0:
                row["failed"].append(f"clean: exit {cleaned.returncode}: {cleaned.stderr.strip()[:200]}")
            else:
                removed = json.loads(cleaned.stdout).get("removed", 0) if cleaned.stdout.strip() else 0
                if removed and "its objects removed" in text:
                    row["failed"].append(f"truthful: said its objects were removed, `clean` then removed {removed}")
            if os.path.exists(db):
                con = sqlite3.connect(db)
                statuses = [r[0] for r in con.execute("SELECT status FROM runs")]
                con.close()
                row["status"] = ",".join(statuses)
                settled = ("completed", "failed") if ended.before else ("interrupted", "failed")
                if any(s == "running" for s in statuses) or (statuses and ending != "kill-9" and statuses[-1] not in settled):
                    row["failed"].append(f"status: {row['status']}")
        after = store.snapshot()
        left = {i for i in after - before if not i[2].startswith("scoretune-barrier/")}
        row["left"] = len(left)
        if left:
            row["failed"].append(f"clean: {len(left)} left, e.g. {sorted(left)[0]}")
        if not before <= after:
            row["failed"].append(f"untouched: {len(before - after)} gone, e.g. {sorted(before - after)[0]}")
        return row
    finally:
        proxy.stop()
        # The barrier's own markers (a tag's) and the canary go: `clean --tag` is tested elsewhere.
        for item in store.snapshot():
            if item[0] == "object" and (item[2].startswith("scoretune-barrier/") or item == canary):
                store.s3.delete_object(Bucket=item[1], Key=item[2])
        shutil.rmtree(folder, ignore_errors=True)


def order(phase):
    return ["start", "md5", "initiate", "parts", "finalize", "server", "download", "cleanup"].index(phase) if phase in \
        ["start", "md5", "initiate", "parts", "finalize", "server", "download", "cleanup"] else 0


MERGE_SOURCES = {}


def merge_cell(binary, folder, ending, rng, row):
    """`merge` of two workers' databases, interrupted: no half-merged run, the workers' files untouched."""
    shards = MERGE_SOURCES["shards"]
    sums = [os.path.getsize(s) for s in shards]
    out = os.path.join(folder, "merged.sqlite")
    handle = launch([binary, "merge", "--db", out] + shards, ending == "sighup")
    time.sleep(rng.uniform(0.1, 0.8))
    row["reached"] = "merge"
    ended = end(handle, ending, Proxy(binary, folder), "healthy", 40)
    row["exit"], row["seconds"] = ended.code, ended.seconds
    expected = -9 if ending == "kill-9" else 130
    if ended.code not in (expected, 0):   # a merge that finished before the signal is a merge
        row["failed"].append(f"exit: {ended.code}")
    if ending != "kill-9" and ended.seconds > (DOUBLE_BOUND_S if ending == "double-sigint" else 10):
        row["failed"].append(f"bound: {ended.seconds:.1f} s")
    if ending == "kill-9" and os.path.exists(out):
        # What a kill -9 leaves is marked by the next writer: `clean` takes the lease.
        subprocess.run([binary, "clean", "--db", out], capture_output=True, text=True, timeout=60)
    if os.path.exists(out):
        try:
            con = sqlite3.connect(out)
            statuses = [r[0] for r in con.execute("SELECT status FROM runs")]
            con.close()
        except sqlite3.Error:
            statuses = []
        row["status"] = ",".join(statuses) or "no run"
        if any(s == "running" for s in statuses) or (ended.code == 130 and statuses):
            row["failed"].append(f"status: a half-merged run ({row['status']})")
    if [os.path.getsize(s) for s in shards] != sums:
        row["failed"].append("untouched: a worker's database changed")
    return row


def prepare_merge(binary, base):
    """Two workers' databases of one small run, their attempts repeated so a merge takes a while."""
    sys.path.insert(0, os.path.join(ROOT, "scripts", "bench"))
    from merge import multiply   # the bench's own row multiplier
    folder = tempfile.mkdtemp(prefix="chaos-merge-", dir=base)
    scenario = os.path.join(folder, "scenario.yaml")
    with open(scenario, "w") as f:
        f.write(SCENARIO.format(phase="merge", size="1MiB", count=2, seed=3, repetitions=1))
    tag = f"chaosmerge{random.randrange(1 << 30)}"
    runs = [subprocess.Popen([binary, "run", scenario, "--env", ENV, "--db", os.path.join(folder, f"w{r}.sqlite"), "--worker", f"{r}/2",
                              "--tag", tag, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for r in (0, 1)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        if run.returncode != 0:
            sys.exit(f"chaos: the merge's worker runs failed: {err[-500:]}")
    subprocess.run([binary, "clean", "--tag", tag, "--env", ENV], check=True, capture_output=True)
    shards = []
    for r in (0, 1):
        path = os.path.join(folder, f"big{r}.sqlite")
        multiply(os.path.join(folder, f"w{r}.sqlite"), path, "attempts", 400_000)
        shards.append(path)
    MERGE_SOURCES["shards"] = shards
    return folder


def frozen_bound(binary, store, base):
    """No signal: the store freezes mid-run and the run must end by itself, failed, in bounded time."""
    folder = tempfile.mkdtemp(prefix="chaos-frozen-", dir=base)
    proxy = Proxy(binary, folder)
    proxy.start()
    before = store.snapshot()
    env = env_through(folder, proxy.port)
    db = os.path.join(folder, "results.sqlite")
    scenario = os.path.join(folder, "scenario.yaml")
    with open(scenario, "w") as f:
        f.write(SCENARIO.format(phase="frozen", size="48MiB", count=2, seed=8, repetitions=3).replace("stall_timeout: 5s", "stall_timeout: 3s"))
    process = subprocess.Popen([binary, "run", scenario, "--env", env, "--db", db, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: latest_phase(db) == "parts", limit=60)
    proxy.become("frozen")
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    seconds = time.monotonic() - started
    proxy.heal()
    cleaned = subprocess.run([binary, "clean", "--db", db, "--env", env], capture_output=True, text=True)
    left = store.snapshot() - before
    proxy.stop()
    shutil.rmtree(folder, ignore_errors=True)
    # Its bound: silence (3 s) + a probe (15 s to connect, 3 s to answer) + the clean-up's one try, and a little.
    held = process.returncode == 1 and "store not answering" in err and "clean" in err and cleaned.returncode == 0 and not left and seconds < 30
    return dict(seconds=seconds, exit=process.returncode, message=err.strip().splitlines()[-1][:300] if err.strip() else "", held=held, left=len(left))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/scoretune"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, help="run this many cells drawn from the matrix (no report unless --report)")
    parser.add_argument("--report", action="store_true", help="write reports/chaos-<date>.md for a sample too")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cells = [(e, p, s) for e in ENDINGS for p in RUN_PHASES + ["check"] for s in STATES] + [(e, "merge", "healthy") for e in ENDINGS]
    global CELLS_IN_MATRIX
    CELLS_IN_MATRIX = len(cells)
    if args.sample:
        cells = rng.sample(cells, min(args.sample, len(cells)))
    base = tempfile.mkdtemp(prefix="scoretune-chaos-")
    store = Store()
    rows = []
    try:
        if any(p == "merge" for _, p, _ in cells):
            prepare_merge(args.binary, base)
        for index, (ending, phase, state) in enumerate(cells, 1):
            row = run_cell(args.binary, store, ending, phase, state, random.Random(rng.randrange(1 << 30)), base)
            rows.append(row)
            mark = "ok" if not row["failed"] else "FAILED: " + "; ".join(row["failed"])
            seconds = f"{row['seconds']:.1f} s" if row["seconds"] is not None else "-"
            print(f"[{index}/{len(cells)}] {ending} at {phase} ({row['reached']}), store {state}: exit {row['exit']} after {seconds} — {mark}", flush=True)
        frozen = None if args.sample and not args.report else frozen_bound(args.binary, store, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    failed = [r for r in rows if r["failed"]]
    if frozen is not None:
        print(f"frozen store, no signal: exit {frozen['exit']} after {frozen['seconds']:.1f} s ({'held' if frozen['held'] else 'NOT held'}): {frozen['message']}")
    if not args.sample or args.report:
        write_report(args.seed, rows, frozen, sampled_from=CELLS_IN_MATRIX if args.sample else None)
    print(f"chaos: {len(rows) - len(failed)} of {len(rows)} cells held every invariant")
    sys.exit(1 if failed or (frozen is not None and not frozen["held"]) else 0)


CELLS_IN_MATRIX = 0


def write_report(seed, rows, frozen, sampled_from=None):
    date = datetime.datetime.now(datetime.timezone.utc)
    signalled = [r for r in rows if r["ending"] != "kill-9" and r["seconds"] is not None]
    slowest = max(signalled, key=lambda r: r["seconds"]) if signalled else None
    lines = [f"# Chaos matrix, {date:%Y-%m-%dT%H:%MZ}", "",
             "`make chaos` (scripts/chaos/matrix.py, seed " + str(seed) + "): every ending at every phase against every store state, on the",
             "local SeaweedFS behind `scoretune proxy`, whose state is switched at the moment of the ending. Invariants per cell: bound (ends",
             "within the state's bound after the signal), exit (130; kill -9 then `clean`: 0), status (the database says interrupted or",
             "failed, never running), truthful (no false \"its objects removed\", no verdict from an interrupted check, no crash), clean",
             "(after `clean`, nothing of the run left in either bucket, listed), untouched (everything there before, a canary among it, still there).", "",
             f"Cells: **{len(rows)}**" + (f" (a seeded sample of the matrix's {sampled_from})" if sampled_from else "")
             + f"; every invariant held in **{len(rows) - len([r for r in rows if r['failed']])}**.",
             f"Slowest exit after a signal: **{slowest['seconds']:.1f} s** ({slowest['ending']} at {slowest['phase']}, store {slowest['state']})." if slowest else "",
             "Bounds after the signal, by store state: " + ", ".join(f"{k} {v} s" for k, v in BOUND_S.items()) + f"; a double Ctrl-C {DOUBLE_BOUND_S} s.", ""]
    if frozen:
        lines += [f"Frozen store without any signal (stall_timeout 3 s, UPLOAD_CONNECTIONTIMEOUT 15 s): the run ended by itself after "
                  f"**{frozen['seconds']:.1f} s**, exit {frozen['exit']}, {'every invariant held' if frozen['held'] else 'NOT held'} "
                  f"({frozen['left']} left after `clean`). Its last line: `{frozen['message']}`", ""]
    lines += ["| ending | phase (reached) | store | exit | seconds | status | left | invariants |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        seconds = f"{r['seconds']:.1f}" if r["seconds"] is not None else "-"
        lines.append(f"| {r['ending']} | {r['phase']} ({r['reached']}) | {r['state']} | {r['exit']} | {seconds} | {r['status']} | {r['left']} | "
                     + ("held" if not r["failed"] else "**" + "; ".join(r["failed"]).replace("|", "/") + "**") + " |")
    lines += ["", f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; shared, so times are noisy."]
    out = os.path.join(ROOT, "reports", f"chaos-{date:%Y-%m-%d}.md")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"chaos: report in {out}")


if __name__ == "__main__":
    main()
