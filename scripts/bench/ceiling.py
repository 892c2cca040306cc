#!/usr/bin/env python3
"""make bench-ceiling: scoretune's transport against curl CLI, both on an in-memory HTTP sink.

The sink (scripts/bench/sink.c, built here with gcc) reads and drops request bodies and serves GETs
from a static buffer, so the client is the only bottleneck. Same sizes, same number of connections,
rounds alternating the two clients. curl uploads a file on tmpfs and writes downloads to tmpfs files.
Writes reports/bench-ceiling-<date>.md.
"""
import argparse
import datetime
import os
import pathlib
import platform
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import json

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCORETUNE = ROOT / ".build" / "release" / "scoretune"
SHM = pathlib.Path("/dev/shm/scoretune-ceiling")
GiB = 1 << 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(command):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", "-o", report.name] + command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr[-300:]}")
        wall, user, system = map(float, report.read().split()[-3:])
        return wall, user + system, result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sink = ROOT / ".scoretune" / "bin" / "sink"
    sink.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gcc", "-O2", "-pthread", "-o", str(sink), str(ROOT / "scripts" / "bench" / "sink.c")], check=True)
    port = free_port()
    server = subprocess.Popen([str(sink), str(port)])
    url = f"http://127.0.0.1:{port}/"
    # The fault proxy with no profile in front of the same sink: what it costs to go through it.
    proxy_port = free_port()
    proxy = subprocess.Popen([str(SCORETUNE), "proxy", "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{port}"],
                             stderr=subprocess.DEVNULL)
    proxied_url = f"http://127.0.0.1:{proxy_port}/"
    SHM.mkdir(parents=True, exist_ok=True)
    source = SHM / "source.bin"
    with open(source, "wb") as out:
        for _ in range(4):
            out.write(os.urandom(GiB // 4))
    results, commands = {}, {}
    try:
        time.sleep(0.3)
        for connections, requests in ((1, 4), (4, 8)):
            for method in ("PUT", "GET"):
                for _ in range(args.rounds):
                    ours = [str(SCORETUNE), "bench-transport", "--url", url, "--method", method, "--size", str(GiB),
                            "--connections", str(connections), "--requests", str(requests)]
                    wall, cpu, out = timed(ours)
                    report = json.loads(out)
                    results.setdefault((connections, method, "scoretune"), []).append((report["mbps"], cpu / (requests)))
                    commands[(connections, method, "scoretune")] = " ".join(ours)
                    config = SHM / "curl.conf"
                    lines = []
                    for i in range(requests):
                        if method == "PUT":
                            lines += [f'upload-file = "{source}"', f'url = "{url}"', f'output = "{SHM}/reply-{i}"']
                        else:
                            lines += [f'url = "{url}{GiB}"', f'output = "{SHM}/download-{i}"']
                    config.write_text("\n".join(lines) + "\n")
                    theirs = ["curl", "-s", "--fail", "--parallel", "--parallel-max", str(connections), "-K", str(config)]
                    wall, cpu, _ = timed(theirs)
                    for leftover in SHM.glob("download-*"):
                        leftover.unlink()
                    results.setdefault((connections, method, "curl"), []).append((requests * GiB / wall / 1e6, cpu / requests))
                    commands[(connections, method, "curl")] = " ".join(theirs) + f"   # {config.name}: {lines[0]} …"
                    via = [str(SCORETUNE), "bench-transport", "--url", proxied_url, "--method", method, "--size", str(GiB),
                           "--connections", str(connections), "--requests", str(requests)]
                    _, _, out = timed(via)
                    results.setdefault((connections, method, "proxy"), []).append((json.loads(out)["mbps"], 0))
                    commands[(connections, method, "proxy")] = " ".join(via) + f"   # through scoretune proxy --listen 127.0.0.1:{proxy_port} --upstream 127.0.0.1:{port}"
                    print(f"ceiling: {method} x{connections}: scoretune {results[(connections, method, 'scoretune')][-1][0]:.0f} MB/s, "
                          f"curl {results[(connections, method, 'curl')][-1][0]:.0f} MB/s", flush=True)
    finally:
        proxy.send_signal(2)
        proxy.wait(timeout=10)
        server.terminate()
        shutil.rmtree(SHM, ignore_errors=True)
    today = datetime.date.today().isoformat()
    path = ROOT / "reports" / f"bench-ceiling-{today}.md"
    med = statistics.median
    lines = [f"# Transport ceiling: scoretune beside curl CLI on an in-memory sink, {today}", "",
             f"Machine: {os.cpu_count()} cores, {platform.platform()}. 1 GiB requests to `scripts/bench/sink.c` on 127.0.0.1; "
             f"{args.rounds} rounds alternating the clients; medians. CPU is client user + system seconds per GiB "
             "(scoretune: the whole process, generating every uploaded byte; curl: reading the tmpfs file or writing one).", "",
             "| connections | method | scoretune MB/s | curl MB/s | scoretune ÷ curl | scoretune CPU s/GiB | curl CPU s/GiB |",
             "|---|---|---|---|---|---|---|"]
    for connections in (1, 4):
        for method in ("PUT", "GET"):
            ours, theirs = results[(connections, method, "scoretune")], results[(connections, method, "curl")]
            a, b = med([r[0] for r in ours]), med([r[0] for r in theirs])
            lines.append(f"| {connections} | {method} | {a:.0f} | {b:.0f} | {a / b:.2f} | {med([r[1] for r in ours]):.2f} | {med([r[1] for r in theirs]):.2f} |")
    lines += ["", "## The fault proxy with no profile (scoretune → proxy → sink)", "",
              "| connections | method | direct MB/s | through the proxy MB/s | proxy ÷ direct |", "|---|---|---|---|---|"]
    for connections in (1, 4):
        for method in ("PUT", "GET"):
            direct = med([r[0] for r in results[(connections, method, "scoretune")]])
            via = med([r[0] for r in results[(connections, method, "proxy")]])
            lines.append(f"| {connections} | {method} | {direct:.0f} | {via:.0f} | {via / direct:.2f} |")
    lines += ["", "Commands:", ""] + [f"- `{c}`" for c in sorted(set(commands.values()))]
    lines += ["", "Reproduce: `make bench-ceiling`."]
    path.write_text("\n".join(lines) + "\n")
    print(f"ceiling: wrote {path}")


if __name__ == "__main__":
    main()
