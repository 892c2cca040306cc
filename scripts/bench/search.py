#!/usr/bin/env python3
"""make bench-search: the whole grid beside successive halving, on shipped scenarios against the
local SeaweedFS through their played networks. For each scenario: trials, wall time, the
recommended cell, and that cell's throughput as the whole grid measured it, relative to the
grid's best. Writes reports/bench-search-<date>.md. The target (issue #13): the same or a
statistically equivalent cell at no more than 35% of the grid's time."""
import argparse, datetime, json, os, sqlite3, statistics, subprocess, sys, tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def variant(path, strategy, repetitions=None, order_seed=None):
    """The scenario as a dict with its env made absolute and the search strategy set."""
    with open(path) as f:
        data = yaml.safe_load(f)
    data["env"] = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), data["env"]))
    data.pop("budget", None)
    if repetitions:
        data["repetitions"] = repetitions
    if order_seed is not None:
        data["order_seed"] = order_seed
    if strategy == "grid":
        data.pop("search", None)
    else:
        data["search"] = {"strategy": strategy, "eta": 3}
    return data


def run(binary, scenario, folder, name):
    """Runs one variant (with --folder, one already completed there is reused); returns its database
    and the run's own duration (runs.finished_at - started_at: from its first request to its clean-up)."""
    path = os.path.join(folder, name + ".yaml")
    db = os.path.join(folder, name + ".sqlite")
    if not (os.path.exists(db) and sqlite3.connect(db).execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0]):
        if os.path.exists(db):
            os.remove(db)
        with open(path, "w") as f:
            yaml.safe_dump(scenario, f, sort_keys=False)
        subprocess.run([binary, "run", path, "--db", db, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return db, sqlite3.connect(db).execute("SELECT finished_at - started_at FROM runs").fetchone()[0]


def recommended(binary, db, network):
    args = [binary, "recommend", "--db", db, "--format", "json", "--objective", "both"]
    if network:
        args += ["--network", network]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["chosen"]


def cell_rates(db, network):
    """Each cell's median rate over its rounds, as the search ranks it: a round's bytes up and
    down over the time each direction's transfers took."""
    con = sqlite3.connect(db)
    rows = con.execute("""
        SELECT c.id, t.round, t.direction, sum(CASE WHEN t.outcome = 'ok' THEN t.object_size ELSE 0 END),
               max(t.started_at + t.duration) - min(t.started_at)
        FROM trials t JOIN cells c ON c.id = t.cell_id
        WHERE t.warmup = 0 AND coalesce(c.network, '') = ? GROUP BY c.id, t.round, t.direction""", (network or "",)).fetchall()
    labels = {}
    for cell_id, part, par, dl in con.execute("SELECT id, upload_part_size, parallel, download_part_size FROM cells"):
        labels[cell_id] = (part, par, dl)
    per_round = {}
    for cell_id, rnd, _direction, moved, span in rows:
        entry = per_round.setdefault((cell_id, rnd), [0, 0.0])
        entry[0] += moved
        entry[1] += span
    rates = {}
    for (cell_id, _rnd), (moved, span) in per_round.items():
        if span > 0:
            rates.setdefault(labels[cell_id], []).append(moved / span / 1e6)
    trials = con.execute("SELECT count(*) FROM trials").fetchone()[0]
    return {k: statistics.median(v) for k, v in rates.items()}, trials, rates


def verdict(rounds, chosen, grid_choice):
    """Same cell; or, in the grid run's own rounds, ranges that overlap (statistically equivalent)."""
    if chosen == grid_choice:
        return "same cell"
    a, b = rounds.get(chosen, []), rounds.get(grid_choice, [])
    if a and b and min(a) <= max(b) and min(b) <= max(a):
        return f"equivalent: in the grid run its rounds ({min(a):.0f}–{max(a):.0f}) overlap the grid's choice ({min(b):.0f}–{max(b):.0f})"
    return "different cell"


def key_of(db, cell_id):
    con = sqlite3.connect(db)
    return con.execute("SELECT upload_part_size, parallel, download_part_size FROM cells WHERE id = ?", (cell_id,)).fetchone()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/scoretune"))
    parser.add_argument("--folder", help="keep the runs here and reuse those already done")
    args = parser.parse_args()
    cases = [
        ("scenarios/search-known-answer.yaml", None, ["network"], [1, 2], None),
        ("scenarios/wan.yaml", 4, ["wan-80ms", "lan"], [1], None),
        # The same grid with the repetitions an operator would give a decision that matters.
        ("scenarios/wan.yaml", 8, ["wan-80ms", "lan"], [1], "wan-r8"),
    ]
    floors = []
    folder = args.folder or tempfile.mkdtemp(prefix="bench-search-")
    os.makedirs(folder, exist_ok=True)
    lines = []
    for path, repetitions, networks, seeds, label in cases:
        name = label or os.path.splitext(os.path.basename(path))[0]
        shipped = variant(os.path.join(ROOT, path), "grid", repetitions)
        warmup, reps = shipped.get("warmup", 1), shipped.get("repetitions", 3)
        grid_db, grid_time = run(args.binary, variant(os.path.join(ROOT, path), "grid", repetitions), folder, name + "-grid")
        cells = sqlite3.connect(grid_db).execute("SELECT count(*) FROM cells").fetchone()[0]
        floor = (cells + len(networks) * (reps - 1)) / (cells * (warmup + reps))
        floors.append(f"{name}: ({cells} + {len(networks)} × {reps - 1}) ÷ ({cells} × ({warmup} + {reps})) = {floor * 100:.0f}%")
        searches = []
        for seed in seeds:
            db, seconds = run(args.binary, variant(os.path.join(ROOT, path), "halving", repetitions, seed), folder, f"{name}-halving-{seed}")
            searches.append((f"halving (seed {seed})", db, seconds))
        db, seconds = run(args.binary, variant(os.path.join(ROOT, path), "ramp", repetitions, seeds[0]), folder, f"{name}-ramp")
        searches.append((f"ramp + halving (seed {seeds[0]})", db, seconds))
        for network in networks:
            rates, grid_trials, rounds = cell_rates(grid_db, network)
            best_key = max(rates, key=rates.get)
            grid_choice = recommended(args.binary, grid_db, network)
            lines.append(f"| {name}{' / ' + network if network else ''} | grid | {grid_trials} | {grid_time:.0f} s | "
                         f"{grid_choice['label']} | {rates[key_of(grid_db, grid_choice['cellId'])]:.1f} MB/s (100%) | – |")
            for strategy, db, seconds in searches:
                choice = recommended(args.binary, db, network)
                _, trials, _ = cell_rates(db, network)
                measured = rates.get(key_of(db, choice["cellId"]), float("nan"))
                relative = measured / rates[key_of(grid_db, grid_choice["cellId"])] * 100
                lines.append(f"| {name}{' / ' + network if network else ''} | {strategy} | {trials} ({trials / grid_trials * 100:.0f}%) | "
                             f"{seconds:.0f} s ({seconds / grid_time * 100:.0f}%) | {choice['label']} | {measured:.1f} MB/s ({relative:.0f}%) | "
                             f"{verdict(rounds, key_of(db, choice['cellId']), key_of(grid_db, grid_choice['cellId']))} |")
            print(lines[-1], flush=True)
    date = datetime.datetime.now(datetime.timezone.utc)
    report = os.path.join(ROOT, "reports", f"bench-search-{date:%Y-%m-%d}.md")
    with open(report, "w") as f:
        f.write(f"""# Adaptive search benchmark, {date:%Y-%m-%dT%H:%MZ}

The whole grid beside successive halving (`search: {{strategy: halving, eta: 3}}`) and a parallel
ramp followed by halving (`strategy: ramp`), each scenario run
as shipped against the local SeaweedFS through its played networks (`make bench-search`,
scripts/bench/search.py). Trials count every row of `trials` (warm-ups included); times are each
run's own duration (`runs.finished_at - started_at`). "Grid MB/s" is the recommended cell's objective (`both`: bytes up and
down over the time they took) as the **whole grid** measured it, relative to the cell the grid
recommends. wan.yaml runs with repetitions 4 here, and again with 8 (`wan-r8`); its two networks are
searched and recommended separately. Both networks of wan.yaml share one run, so their trials and
times are the run's.

| scenario / network | strategy | trials | wall time | recommended cell | grid MB/s of that cell | |
|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

Target: the same or a statistically equivalent recommendation at no more than 35% of the grid's time.
A search measures every cell's first round before it can drop any, and its last survivor (one per
network) to the full repetitions, so even without warm-ups it cannot spend less than (cells + networks ×
(repetitions − 1)) ÷ (cells × (warm-up + repetitions)) of the grid's trials: {"; ".join(floors)}.
Small grids with few repetitions gain least.
Machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; shared, so times are noisy.
""")
    print("report:", report)


if __name__ == "__main__":
    sys.exit(main())
