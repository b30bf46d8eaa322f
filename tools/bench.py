#!/usr/bin/env python3
"""`make bench`: OneMap against the by-hand QGIS workflow and the read floor, same run, same data.

Tiers (tools/bench_data.py) are generated once into out/bench/ and reused. Per tier, each
measurement runs in its own process (its own peak memory):
- read:    every feature of the layers the rule set uses read through QGIS (the floor);
- by hand: the 永久基本农田 rule as a technician does it — Extract by expression (non-cropland),
           native:intersection with the farmland, areas summed (Processing, as qgis_process runs it);
- OneMap:  onemap:verifyplan's engine, the whole default village rule set, findings GeoPackage written;
- PostGIS: the same with plan and one map in one PostGIS database (the overlap rules pushed down).
- two processes (200k only, an experiment the README quotes, not how the plugin runs): the rule
           set split in two processes running at once (run_split).
Every OneMap run must give exactly the expected findings (count and area per rule, 0.01 m²) and
the by-hand area must equal CL-01's. `--quick` runs the 2k tier only; `--readme` rewrites the
README's bench table. Goals (issue 11) are printed beside the ratios.
"""
import argparse
import collections
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
OUT = os.environ.get("ONEMAP_BENCH_OUT") or os.path.join(ROOT, "out", "bench")    # (the workers inherit it)
README = os.path.join(ROOT, "README.md")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PLAN_LAYERS = ("GHYDYH", "CJDCQ", "YJJBNTBHTB", "STBHHX")
ONEMAP_LAYERS = ("YJJBNTBHTB", "STBHHX", "LSWHBHX", "CZKFBJ", "CJZBFJ")


def tiers(quick):
    from bench_data import Tier
    small = [Tier("2k", 45)]
    if quick:
        return small
    return small + [Tier("50k", 224), Tier("200k", 448),
                    Tier("200k, 1M farmland patches", 448, patch_pitch=(9.0, 9.0), patch_size=(7.0, 7.0),
                         stress=True),
                    Tier("village 3k vs county 200k", 55, onemap_n=448),
                    Tier("village 3k vs township", 55, onemap_n=70)]


# ------------------------------------------------------------------ workers (one process each)
def _qgis():
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    return app


def _peak_mb():
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not inherit the parent's)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def work_read(plan, onemap):
    from qgis.core import QgsVectorLayer
    start, cpu = time.perf_counter(), time.process_time()
    counts = {}
    for side, path, names in (("plan", plan, PLAN_LAYERS), ("onemap", onemap, ONEMAP_LAYERS)):
        for name in names:
            layer = QgsVectorLayer("{}|layername={}".format(path, name), name, "ogr")
            for feature in layer.getFeatures():
                feature.geometry().constGet()
                feature.attributes()
                counts[side] = counts.get(side, 0) + 1
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "plan_features": counts["plan"], "onemap_features": counts["onemap"]}


def work_hand(plan, onemap):
    sys.path.append("/usr/share/qgis/python/plugins")      # Processing (Debian path)
    import processing
    from processing.core.Processing import Processing
    from qgis.core import QgsVectorLayer
    Processing.initialize()
    with tempfile.TemporaryDirectory() as folder:
        start, cpu = time.perf_counter(), time.process_time()
        extracted = processing.run("native:extractbyexpression", {
            "INPUT": plan + "|layername=GHYDYH", "EXPRESSION": "left(\"YDYHFLDM\", 2) <> '01'",
            "OUTPUT": os.path.join(folder, "extract.gpkg")})["OUTPUT"]
        overlay = processing.run("native:intersection", {
            "INPUT": extracted, "OVERLAY": onemap + "|layername=YJJBNTBHTB",
            "OUTPUT": os.path.join(folder, "hand.gpkg")})["OUTPUT"]
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        areas = [f.geometry().area() for f in QgsVectorLayer(overlay, "hand", "ogr").getFeatures()]
    kept = [a for a in areas if a >= 1.0]
    return {"seconds": seconds, "cpu_seconds": cpu, "count": len(kept), "area": round(sum(kept), 2)}


def work_verify(plan, onemap, group=None):
    """OneMap's run; with `group` only that part of the rule set (the two-process experiment)."""
    from plugin.core.check.engine import verify
    from plugin.core.check.ruleset import load_ruleset
    rules = load_ruleset(None, "village")
    if group is not None:
        rules.rules = [rule for rule in rules.rules if rule.id.startswith(PLAN_ONLY_RULES) == (group == "plan")]
    per_rule = {}
    for rule in rules.rules:                       # time each rule (the table's breakdown)
        def timed(ctx, run=rule.run, rule_id=rule.id):
            start = time.perf_counter()
            try:
                return run(ctx)
            finally:
                per_rule[rule_id] = per_rule.get(rule_id, 0.0) + time.perf_counter() - start
        rule.run = timed
    output = findings_path(plan, onemap, group)
    started, start, cpu = time.time(), time.perf_counter(), time.process_time()
    result = verify(plan, onemap, ruleset=rules, kind="village", output=output)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = collections.defaultdict(lambda: [0, 0.0])
    for finding in result.findings:
        if finding.severity in ("error", "warning"):
            found[finding.rule_id][0] += 1
            found[finding.rule_id][1] += finding.area_m2 or 0.0
    errors = [o for o in result.outcomes if o["status"] == "error"]
    return {"seconds": seconds, "cpu_seconds": cpu, "findings": {k: [c, round(a, 2)] for k, (c, a) in sorted(found.items())},
            "rule_seconds": per_rule, "rule_errors": [(o["rule_id"], o["reason"]) for o in errors],
            "pushed_down": result.record.get("pushed_down", ""), "started": started, "ended": started + seconds}


def findings_path(plan, onemap, group=None):
    """Where a tier's OneMap run writes its findings (the re-check run edits them)."""
    name = "findings-{}{}.gpkg".format("pg" if onemap.startswith("PG:") else os.path.splitext(os.path.basename(plan))[0],
                                       "-" + group if group else "")
    return os.path.join(OUT, name)


def work_recheck(plan, onemap):
    """One edited parcel re-checked (plugin.core.check.recheck, as the panel does in edit mode), median of 25."""
    import statistics

    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    from plugin.core.check.recheck import Recheck
    start = time.perf_counter()
    checker = Recheck(plan, onemap)
    checker.prepare()
    setup = time.perf_counter() - start
    layer = QgsVectorLayer(plan + "|layername=GHYDYH", "plan", "ogr")
    count = layer.featureCount()
    fids = [1 + (count * k) // 25 for k in range(25)]
    check_s, apply_s = [], []
    for feature in layer.getFeatures(QgsFeatureRequest().setFilterFids(fids)):
        feature.setAttribute("YDYHFLDM", "1001")             # the edit: the parcel becomes industrial land
        start = time.perf_counter()
        found = checker.check(feature)
        check_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        checker.apply(findings_path(plan, onemap), feature.id(), found)
        apply_s.append(time.perf_counter() - start)
    return {"seconds": statistics.median(check_s), "apply_seconds": statistics.median(apply_s),
            "setup_seconds": setup}


WORKERS = {"read": work_read, "hand": work_hand, "verify": work_verify, "recheck": work_recheck,
           "verify-plan": lambda plan, onemap: work_verify(plan, onemap, "plan"),
           "verify-rest": lambda plan, onemap: work_verify(plan, onemap, "rest")}
RECHECKED = {"2k", "200k"}
SPLIT = {"200k"}                                   # tiers that also run the two-process experiment
PLAN_ONLY_RULES = ("ATT-", "GEO-")                 # rules on the plan's own layers: one process; the rest the other


def worker_main(kind, plan, onemap):
    app = _qgis()
    result = WORKERS[kind](plan, onemap)
    result["peak_mb"] = _peak_mb()
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)                                    # skip QGIS teardown: not part of any measurement
    app.exitQgis()


def start_worker(kind, plan, onemap):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", kind, plan, onemap],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def worker_result(kind, process):
    stdout, stderr = process.communicate()
    for line in stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    raise RuntimeError("bench worker {} failed:\n{}\n{}".format(kind, stdout[-2000:], stderr[-4000:]))


def run_worker(kind, plan, onemap):
    return worker_result(kind, start_worker(kind, plan, onemap))


def run_split(plan, onemap):
    """An experiment, not how the plugin runs: the rule set in two processes at once, each reading its
    inputs itself — plan-only rules in one, the rest in the other. Time is from the first start to the
    last end, memory the two peaks added; merging the two findings files is left out, so this is a
    lower bound for a two-process engine on this machine."""
    kinds = ("verify-plan", "verify-rest")
    parts = [worker_result(kind, process) for kind, process in
             [(kind, start_worker(kind, plan, onemap)) for kind in kinds]]
    merged = {}
    for part in parts:
        merged.update(part["findings"])
    return {"seconds": max(p["ended"] for p in parts) - min(p["started"] for p in parts),
            "cpu_seconds": sum(p["cpu_seconds"] for p in parts), "peak_mb": sum(p["peak_mb"] for p in parts),
            "findings": dict(sorted(merged.items())), "rule_errors": [e for p in parts for e in p["rule_errors"]],
            "pushed_down": "", "parts": [round(p["seconds"], 2) for p in parts]}


# ------------------------------------------------------------------ orchestration
def measure(tier, postgis=None, repeat=1):
    """The tier's runs. With `repeat` > 1 the read, by-hand and OneMap runs take turns, `repeat`
    rounds, and each keeps its fastest round: load on a shared machine only ever adds time, and the
    turns let it fall on all three alike."""
    from bench_data import generate
    plan, onemap, expected = generate(tier, OUT)
    row = {"tier": tier.name, "parcels": tier.n * tier.n, "expected": expected}
    rounds = 1 if tier.stress else repeat
    runs = {kind: [] for kind in ("read", "hand", "verify") + (("split",) if tier.name in SPLIT else ())}
    for _round in range(rounds):
        for kind in runs:
            runs[kind].append(run_split(plan, onemap) if kind == "split" else run_worker(kind, plan, onemap))
    for kind, done in runs.items():
        done.sort(key=lambda run: run["seconds"])
        row[kind] = dict(done[0], runs=[round(run["seconds"], 2) for run in done])
    if tier.name in RECHECKED:
        row["recheck"] = run_worker("recheck", plan, onemap)
    in_database = postgis(tier, plan, onemap) if postgis is not None else None
    if in_database is not None:
        row["postgis"] = run_worker("verify", *in_database)
    row["patches"] = row["read"]["onemap_features"]
    return row


ELLIPSOIDAL = {"GEO-06": 1e-5}     # rules whose areas are ellipsoidal: the planar arithmetic holds to this ratio


def same_findings(found, expected):
    """Same rules and counts; areas equal to 0.01 m² (ellipsoidal ones to the projection's scale error)."""
    if sorted(found) != sorted(expected):
        return False
    for rule, (count, area) in expected.items():
        tolerance = max(0.01, ELLIPSOIDAL.get(rule, 0.0) * abs(area))
        if found[rule][0] != count or abs(found[rule][1] - area) > tolerance:
            return False
    return True


def check(row):
    """Exact findings, and the by-hand area equal to CL-01's. Returns the problems found."""
    problems = []
    for key in ("verify", "postgis", "split"):
        if key in row:
            if row[key]["rule_errors"]:
                problems.append("{} {}: rule errors {}".format(row["tier"], key, row[key]["rule_errors"]))
            if key == "postgis" and not row[key]["pushed_down"]:
                problems.append("{}: nothing ran in the database".format(row["tier"]))
            if not same_findings(row[key]["findings"], row["expected"]):
                problems.append("{} {}: findings {} != expected {}".format(
                    row["tier"], key, row[key]["findings"], row["expected"]))
    cl01 = row["expected"].get("CL-01", [0, 0.0])
    if abs(row["hand"]["area"] - cl01[1]) > 0.01 or row["hand"]["count"] != cl01[0]:
        problems.append("{}: by-hand {} m² in {} pieces != CL-01 {}".format(
            row["tier"], row["hand"]["area"], row["hand"]["count"], cl01))
    return problems


def cpu_cell(row, key):
    """The three runs' CPU seconds (steadier than wall time on a shared machine; a PostGIS run's
    server-side work is not in it)."""
    values = [row[k].get("cpu_seconds") for k in ("read", "hand", key)]
    if None in values:
        return "–"
    return "{:.2f} / {:.2f} / {:.2f}{}".format(*values, " (client only)" if key == "postgis" else "")


def table(rows):
    head = ("| tier | plan parcels | one-map features | read floor s | by hand (CL-01 only) s | OneMap all rules s "
            "| OneMap / by hand (goal ≤ 0.3) | OneMap / floor (goal ≤ 4) | peak MB OneMap (goal < 2048) "
            "| peak MB by hand | one parcel re-checked ms (goal < 50) | exact | CPU s: floor / by hand / OneMap |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        for key, label in (("verify", ""), ("postgis", " (PostGIS, pushed down)")):
            if key not in row:
                continue
            ours = row[key]
            recheck = row.get("recheck") if key == "verify" else None
            lines.append("| {}{} | {:,} | {:,} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.0f} | {:.0f} | {} | {} | {} |".format(
                row["tier"], label, row["parcels"], row["patches"], row["read"]["seconds"], row["hand"]["seconds"],
                ours["seconds"], ours["seconds"] / row["hand"]["seconds"], ours["seconds"] / row["read"]["seconds"],
                ours["peak_mb"], row["hand"]["peak_mb"],
                "{:.0f} (+ {:.0f} to update the findings file)".format(
                    1000 * recheck["seconds"], 1000 * recheck["apply_seconds"]) if recheck else "–",
                "yes" if not row.get("problems") else "NO", cpu_cell(row, key)))
    return "\n".join(lines)


def goals(rows):
    """Issue 11's goals against this run, each said met or not."""
    by_name = {row["tier"]: row for row in rows}
    lines = []

    def say(text, met):
        lines.append("- {} — **{}**".format(text, "met" if met else "not met"))
    county = by_name.get("200k")
    if county:
        ours, hand, floor = county["verify"]["seconds"], county["hand"]["seconds"], county["read"]["seconds"]
        cpu = [county[k].get("cpu_seconds") for k in ("verify", "hand", "read")]
        by_cpu = " (CPU time: {:.2f}×)".format(cpu[0] / cpu[1]) if None not in cpu else ""
        say("200k, whole rule set ≤ 0.3 × the by-hand farmland rule: {:.2f} s against {:.2f} s = {:.2f}×{}".format(
            ours, hand, ours / hand, by_cpu), ours <= 0.3 * hand)
        by_cpu = " (CPU time: {:.1f}×)".format(cpu[0] / cpu[2]) if None not in cpu else ""
        say("200k, whole rule set within 4 × the read floor: {:.2f} s against {:.2f} s = {:.1f}×{}".format(
            ours, floor, ours / floor, by_cpu), ours <= 4 * floor)
        if "split" in county:
            split = county["split"]
            lines.append("- (experiment, not how the plugin runs) the same rule set in two processes at once, "
                         "plan-only rules ({}) in one and the rest in the other, each reading its inputs itself: "
                         "{:.2f} s (the parts {}), {:.1f}× the read floor, {:.0f} MB for the two together, findings "
                         "{} — {} the 4× goal even before the two findings files are merged".format(
                             "/".join(p.rstrip("-") for p in PLAN_ONLY_RULES), split["seconds"],
                             " s and ".join(map(str, split["parts"])) + " s", split["seconds"] / floor,
                             split["peak_mb"], "exact" if same_findings(split["findings"], county["expected"])
                             else "NOT exact", "within" if split["seconds"] <= 4 * floor else "outside"))
        if "postgis" in county:
            pg = county["postgis"]["seconds"]
            say("200k with plan and one map in PostGIS (rules pushed down: {}): {:.2f} s, same findings".format(
                county["postgis"]["pushed_down"], pg), not county["problems"])
        if "recheck" in county:
            recheck = county["recheck"]
            say("one edited parcel re-checked at 200k < 50 ms (median of 25): the rules take {:.0f} ms "
                "(set-up once per editing session: {:.1f} s)".format(
                    1000 * recheck["seconds"], recheck["setup_seconds"]), recheck["seconds"] < 0.05)
            say("… and its findings written into the 200k findings GeoPackage (`Recheck.apply`: the parcel's "
                "rows replaced, counts moved by the difference) within the same 50 ms: {:.0f} ms more".format(
                    1000 * recheck["apply_seconds"]),
                recheck["seconds"] + recheck["apply_seconds"] < 0.05)
    village, township = by_name.get("village 3k vs county 200k"), by_name.get("village 3k vs township")
    if village:
        say("village (3 000 parcels) against the county one map < 1 s engine time: {:.2f} s, CPU {} s (against a "
            "township one map: {})".format(village["verify"]["seconds"],
                                           "{:.2f}".format(village["verify"]["cpu_seconds"])
                                           if "cpu_seconds" in village["verify"] else "–",
                                  "{:.2f} s".format(township["verify"]["seconds"]) if township else "not run"),
            village["verify"]["seconds"] < 1.0)
    stress = by_name.get("200k, 1M farmland patches")
    if stress:
        say("peak memory with the 1M-patch farmland layer < 2 GB: {:.0f} MB".format(stress["verify"]["peak_mb"]),
            stress["verify"]["peak_mb"] < 2048)
    lines.append("- exact findings at every tier (count and area per rule to 0.01 m²; GEO-06's ellipsoidal "
                 "area to 1e-5 of the planar arithmetic) — **{}**".format(
        "met" if not any(row["problems"] for row in rows) else "NOT met: " + "; ".join(
            p for row in rows for p in row["problems"])))
    return "\n".join(lines)


def breakdown(rows):
    """Seconds per rule of the largest tier's OneMap run (where the time goes)."""
    row = max(rows, key=lambda r: r["verify"]["seconds"])
    parts = sorted(row["verify"]["rule_seconds"].items(), key=lambda item: -item[1])
    return "Seconds per rule in the largest run, {} (CRS-01 is where every layer is read): {}".format(
        row["tier"], ", ".join("{} {:.2f}".format(k, v) for k, v in parts if v >= 0.05))


def rounds(rows):
    """Every round's seconds, read / by hand / OneMap, for the tiers measured more than once."""
    parts = ["{}: {}".format(row["tier"], " / ".join(", ".join("{:.2f}".format(x) for x in row[k]["runs"])
                                                   for k in ("read", "hand", "verify", "split") if k in row))
             for row in rows if len(row["verify"].get("runs", ())) > 1]
    return "rounds in s, read / by hand / OneMap (/ two processes) — " + "; ".join(parts) if parts else "one round"


def write_readme(text):
    with open(README, encoding="utf-8") as handle:
        content = handle.read()
    if BEGIN not in content:
        raise SystemExit("README.md has no {} … {} block".format(BEGIN, END))
    content = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: BEGIN + "\n" + text + "\n" + END,
                     content, flags=re.S)
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 2k tier only")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--no-postgis", action="store_true", help="skip the PostGIS push-down run")
    parser.add_argument("--tier", action="append", help="run only the named tier(s), e.g. --tier 200k")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds per tier, the fastest kept (default 3; the 1M-patch tier runs once)")
    parser.add_argument("--saved", action="store_true",
                        help="no run: the table from every tier's last saved run (out/bench/rows/)")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "PLAN", "ONEMAP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    if args.saved:
        report(saved_rows(), args.readme)
        return
    server = None
    postgis = None
    if not args.no_postgis and not args.quick:
        from bench_postgis import BenchDatabase
        server = BenchDatabase()
        postgis = server.load_tier_if_pushdown
    try:
        rows = []
        for tier in tiers(args.quick and not args.tier):
            if args.tier and tier.name not in args.tier:
                continue
            print("tier {} …".format(tier.name), flush=True)
            row = measure(tier, postgis, args.repeat)
            row["problems"] = check(row)
            rows.append(row)
            save_row(row)
            print(table([row]).splitlines()[-1], flush=True)
            for problem in row["problems"]:
                print("  NOT EXACT: " + problem, flush=True)
    finally:
        if server is not None:
            server.stop()
    report(rows, args.readme)


def save_row(row):
    folder = os.path.join(OUT, "rows")
    os.makedirs(folder, exist_ok=True)
    row["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(os.path.join(folder, re.sub(r"\W+", "_", row["tier"]) + ".json"), "w", encoding="utf-8") as handle:
        json.dump(row, handle, ensure_ascii=False)


def saved_rows():
    folder = os.path.join(OUT, "rows")
    rows = []
    for tier in tiers(False):
        path = os.path.join(folder, re.sub(r"\W+", "_", tier.name) + ".json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                row = json.load(handle)
            row["problems"] = check(row)             # judged by today's criterion
            rows.append(row)
    return rows


def report(rows, readme):
    stamps = sorted({row.get("measured", "") for row in rows} - {""})
    stamp = stamps[0] if len(stamps) <= 1 else "{} – {}".format(stamps[0], stamps[-1])
    stamp = stamp or time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = "{}\n\nMeasured {} on this machine ({} cores, shared with other work) by `tools/bench.py` (what " \
           "`make bench` runs). Per tier the read, by-hand and OneMap runs take turns for several rounds and " \
           "each cell is the fastest round, since load on this shared machine only adds time ({}); the " \
           "1M-patch tier and the PostGIS run are one run each. " \
           "Times are engine seconds (QGIS start-up excluded), peak MB is the process's maximum resident set " \
           "(VmHWM). {}.\n\nGoals (issue 11), from the runs in the table:\n\n{}".format(
               table(rows), stamp, os.cpu_count(), rounds(rows), breakdown(rows), goals(rows))
    print()
    print(text)
    with open(os.path.join(OUT, "table.md"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if readme:
        write_readme(text)
    problems = [p for row in rows for p in row["problems"]]
    if problems:
        raise SystemExit("bench: findings not exact:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
