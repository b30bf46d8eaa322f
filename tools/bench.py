#!/usr/bin/env python3
"""`make bench`: OneMap against the by-hand QGIS workflow and GDAL's Arrow read floor, same run, same data.

Tiers (tools/bench_data.py) are generated once into out/bench/ and reused. Every tier is turned 15°
about its corner and each ring carries 33 points, as real parcels do (loose boxes, neighbours whose
boxes overlap, tens of vertices); the answers stay known by arithmetic. Per tier, each measurement
runs in its own process (its own peak memory):
- read:    the layers the rule set uses read through GDAL's Arrow interface into NumPy (fid, code, WKB):
           the floor for any engine that reads them;
- by hand: the 永久基本农田 rule as a technician does it — Extract by expression (non-cropland),
           native:intersection with the farmland, areas summed (Processing, as qgis_process runs it);
- OneMap:  onemap:verifyplan's engine, the whole default village rule set, findings GeoPackage written;
- PostGIS: the same with plan and one map in one PostGIS database (the pushed-down rules run as SQL).
The county's villages (50 plans of the county one map) are also checked by verifyfolder's engine in
one process and in its pool of processes. Every OneMap run must give exactly the expected findings
(count and area per rule, 0.01 m²) and the by-hand area must equal CL-01's. `--quick` runs the 2k
tier only; `--readme` rewrites the README's bench table; `--profile TIER` writes a cProfile of that
tier's OneMap run and prints where its time goes. Goals (issue 21) are printed beside the ratios.
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
PLAN_LAYERS = {"GHYDYH": "YDYHFLDM", "CJDCQ": "XZQDM", "YJJBNTBHTB": "DLBM", "STBHHX": "LHLX"}   # layer: code
ONEMAP_LAYERS = {"YJJBNTBHTB": "DLBM", "STBHHX": "LHLX", "LSWHBHX": "MC", "CZKFBJ": "GHFQDM", "CJZBFJ": "ZBMC"}
TURN, VERTICES = 15.0, 33                          # every tier as real parcels are: turned, tens of vertices


def tiers(quick):
    from bench_data import Tier

    def tier(name, n, **more):
        return Tier(name, n, turn=TURN, vertices=VERTICES, **more)
    small = [tier("2k", 45)]
    if quick:
        return small
    return small + [tier("50k", 224), tier("200k", 448),
                    tier("200k, 1M farmland patches", 448, patch_pitch=(9.0, 9.0), patch_size=(7.0, 7.0),
                         stress=True),
                    tier("village 3k vs county 200k", 55, onemap_n=448),
                    tier("village 3k vs township", 55, onemap_n=70)]


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
    """The floor: fid, code and WKB of every feature of the layers the rule set uses, through GDAL's
    Arrow interface into NumPy arrays (no QGIS object at all)."""
    from osgeo import gdal
    gdal.UseExceptions()
    start, cpu = time.perf_counter(), time.process_time()
    counts = {}
    for side, path, layers in (("plan", plan, PLAN_LAYERS), ("onemap", onemap, ONEMAP_LAYERS)):
        dataset = gdal.OpenEx(path, gdal.OF_VECTOR)
        for name, code in layers.items():
            layer = dataset.GetLayerByName(name)
            definition = layer.GetLayerDefn()
            layer.SetIgnoredFields([definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())
                                    if definition.GetFieldDefn(i).GetName() != code])
            for batch in layer.GetArrowStreamAsNumPy():
                counts[side] = counts.get(side, 0) + len(batch[code])
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "plan_features": counts["plan"], "onemap_features": counts["onemap"]}


def work_hand(plan, onemap):
    from plugin.core.check.rules.base import AREA_SLACK
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
    kept = [a for a in areas if a >= 1.0 - AREA_SLACK]         # noise as OneMap takes it (a turned 1 m² piece)
    return {"seconds": seconds, "cpu_seconds": cpu, "count": len(kept), "area": round(sum(kept), 2)}


def work_verify(plan, onemap):
    """OneMap's run, with the seconds of each rule and of reading and writing around them."""
    from plugin.core.check import engine, preflight
    from plugin.core.check.ruleset import load_ruleset
    rules = load_ruleset(None, "village")
    per_rule, phases = {}, {}

    def timed(name, run, into):
        def wrapper(*args, **values):
            start = time.perf_counter()
            try:
                return run(*args, **values)
            finally:
                into[name] = into.get(name, 0.0) + time.perf_counter() - start
        return wrapper
    for rule in rules.rules:                       # time each rule (the table's breakdown)
        rule.run = timed(rule.id, rule.run, per_rule)
    for module, name, phase in ((preflight, "check_coverage", "read"), (engine, "write_results", "write"),
                                (engine, "place_in_villages", "place"), (engine, "name_plan_features", "place")):
        setattr(module, name, timed(phase, getattr(module, name), phases))
    output = findings_path(plan, onemap)
    started, start, cpu = time.time(), time.perf_counter(), time.process_time()
    result = engine.verify(plan, onemap, ruleset=rules, kind="village", output=output)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = collections.defaultdict(lambda: [0, 0.0])
    for finding in result.findings:
        if finding.severity in ("error", "warning"):
            found[finding.rule_id][0] += 1
            found[finding.rule_id][1] += finding.area_m2 or 0.0
    errors = [o for o in result.outcomes if o["status"] == "error"]
    return {"seconds": seconds, "cpu_seconds": cpu, "findings": {k: [c, round(a, 2)] for k, (c, a) in sorted(found.items())},
            "written": len(result.findings), "rule_seconds": per_rule, "phases": phases,
            "rule_errors": [(o["rule_id"], o["reason"]) for o in errors],
            "pushed_down": result.record.get("pushed_down", ""), "started": started, "ended": started + seconds}


def work_profile(plan, onemap):
    """OneMap's run under cProfile: the profile saved beside the tier, the run's own figures returned."""
    import cProfile
    profile = cProfile.Profile()
    profile.enable()
    result = work_verify(plan, onemap)
    profile.disable()
    profile.dump_stats(os.path.join(OUT, "profile-{}.prof".format(os.path.splitext(os.path.basename(plan))[0])))
    return result


def findings_path(plan, onemap):
    """Where a tier's OneMap run writes its findings (the re-check run edits them)."""
    name = "findings-{}.gpkg".format("pg" if onemap.startswith("PG:") else os.path.splitext(os.path.basename(plan))[0])
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


def work_villages(plan, onemap):
    """verifyfolder's engine on VILLAGES copies of a village plan against the county one map, in this
    process and in the pool (one process per core) by turns; the fastest round of each, its peak memory,
    and whether both give the same counts for every plan."""
    import shutil

    from plugin.core.check.pool import Job, outcomes, pool_size
    folder = os.path.join(OUT, "villages")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "plans"))
    plans = []
    for number in range(VILLAGES):
        path = os.path.join(folder, "plans", "village{:02d}.gpkg".format(number))
        shutil.copyfile(plan, path)
        plans.append(path)
    runs = {}
    for _round in range(VILLAGE_ROUNDS):                  # in turns, the fastest of each kept (load only adds)
        for mode, workers in (("serial", 1), ("pool", None)):
            jobs = [Job(path, os.path.join(folder, mode, os.path.basename(path))) for path in plans]
            shutil.rmtree(os.path.join(folder, mode), ignore_errors=True)
            os.makedirs(os.path.join(folder, mode))
            start, cpu = time.perf_counter(), _cpu_seconds()
            counts = [outcome.counts for _job, outcome in outcomes(jobs, onemap, kind="village", workers=workers)]
            run = {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu_seconds() - cpu, "counts": counts,
                   "workers": pool_size(jobs, None, workers),
                   "peak_mb": _peak_mb() if mode == "serial" else
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0}
            rounds = runs.get(mode, {}).get("runs", []) + [round(run["seconds"], 1)]
            if mode not in runs or run["seconds"] < runs[mode]["seconds"]:
                runs[mode] = run
            runs[mode]["runs"] = rounds
    same = runs["serial"]["counts"] == runs["pool"]["counts"] and None not in runs["serial"]["counts"]
    return {"seconds": runs["pool"]["seconds"], "plans": VILLAGES, "same": same,
            "serial": runs["serial"], "pool": runs["pool"]}


def _cpu_seconds():
    """CPU seconds of this process and of its ended children (the pool's processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


VILLAGES = 50
VILLAGE_ROUNDS = 2
WORKERS = {"read": work_read, "hand": work_hand, "verify": work_verify, "recheck": work_recheck,
           "profile": work_profile, "villages": work_villages}
RECHECKED = {"2k", "200k"}


def worker_main(kind, plan, onemap):
    app = _qgis()
    result = WORKERS[kind](plan, onemap)
    result.setdefault("peak_mb", _peak_mb())
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


# ------------------------------------------------------------------ orchestration
def measure(tier, postgis=None, repeat=1):
    """The tier's runs. With `repeat` > 1 the read, by-hand and OneMap runs take turns, `repeat`
    rounds, and each keeps its fastest round: load on a shared machine only ever adds time, and the
    turns let it fall on all three alike."""
    from bench_data import generate
    plan, onemap, expected = generate(tier, OUT)
    row = {"tier": tier.name, "parcels": tier.n * tier.n, "expected": expected}
    rounds = 1 if tier.stress else repeat
    runs = {kind: [] for kind in ("read", "hand", "verify")}
    for _round in range(rounds):
        for kind in runs:
            runs[kind].append(run_worker(kind, plan, onemap))
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
    for key in ("verify", "postgis"):
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
    head = ("| tier | plan parcels | one-map features | Arrow read floor s | by hand (CL-01 only) s | OneMap all rules s "
            "| OneMap / by hand (goal ≤ 0.5) | OneMap / floor (goal ≤ 8) | peak MB OneMap | peak MB by hand "
            "| findings written: s per 100 000 (goal ≤ 3) | one parcel re-checked ms (goal < 50) | exact "
            "| CPU s: floor / by hand / OneMap |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        for key, label in (("verify", ""), ("postgis", " (PostGIS, pushed down)")):
            if key not in row:
                continue
            ours = row[key]
            recheck = row.get("recheck") if key == "verify" else None
            lines.append("| {}{} | {:,} | {:,} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.1f} | {:.0f} | {:.0f} | {} | {} | {} | {} |".format(
                row["tier"], label, row["parcels"], row["patches"], row["read"]["seconds"], row["hand"]["seconds"],
                ours["seconds"], ours["seconds"] / row["hand"]["seconds"], ours["seconds"] / row["read"]["seconds"],
                ours["peak_mb"], row["hand"]["peak_mb"], write_cell(ours),
                "{:.0f} (+ {:.0f} to update the findings file)".format(
                    1000 * recheck["seconds"], 1000 * recheck["apply_seconds"]) if recheck else "–",
                "yes" if not row.get("problems") else "NO", cpu_cell(row, key)))
    return "\n".join(lines)


def write_cell(run):
    """Seconds to write the findings GeoPackage, per 100 000 findings (and the count written)."""
    seconds, count = run.get("phases", {}).get("write"), run.get("written")
    if seconds is None or not count:
        return "–"
    return "{:.2f} ({:,} in {:.2f} s)".format(seconds * 100000 / count, count, seconds)


def goals(rows, villages=None):
    """Issue 21's goals against this run, each said met or not."""
    by_name = {row["tier"]: row for row in rows}
    lines = []

    def say(text, met):
        lines.append("- {} — **{}**".format(text, "met" if met else "not met"))
    county = by_name.get("200k")
    if county:
        ours, hand, floor = county["verify"]["seconds"], county["hand"]["seconds"], county["read"]["seconds"]
        cpu = [county[k].get("cpu_seconds") for k in ("verify", "hand", "read")]
        by_cpu = " (CPU time: {:.2f}×)".format(cpu[0] / cpu[1]) if None not in cpu else ""
        say("200k, whole rule set ≤ 0.5 × the by-hand farmland rule (0.3 × the aim): {:.2f} s against {:.2f} s = "
            "{:.2f}×{}".format(ours, hand, ours / hand, by_cpu), ours <= 0.5 * hand)
        by_cpu = " (CPU time: {:.1f}×)".format(cpu[0] / cpu[2]) if None not in cpu else ""
        say("200k, whole rule set ≤ 8 × the Arrow read floor: {:.2f} s against {:.2f} s = {:.1f}×{}".format(
            ours, floor, ours / floor, by_cpu), ours <= 8 * floor)
        say("200k peak memory < 1.5 GB: {:.0f} MB".format(county["verify"]["peak_mb"]),
            county["verify"]["peak_mb"] < 1536)
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
    writes = [(row["verify"]["phases"]["write"], row["verify"]["written"]) for row in rows
              if row["verify"].get("written") and "write" in row["verify"].get("phases", {})]
    if writes:
        seconds, count = max(writes, key=lambda pair: pair[1])
        say("findings written ≤ 3 s per 100 000 (the largest run: {:,} findings in {:.2f} s = {:.2f} s per "
            "100 000)".format(count, seconds, seconds * 100000 / count), seconds * 100000 / count <= 3.0)
    stress = by_name.get("200k, 1M farmland patches")
    if stress:
        say("peak memory with the 1M-patch farmland layer < 2 GB: {:.0f} MB".format(stress["verify"]["peak_mb"]),
            stress["verify"]["peak_mb"] < 2048)
    village, township = by_name.get("village 3k vs county 200k"), by_name.get("village 3k vs township")
    if village and township:
        ratio = village["verify"]["seconds"] / township["verify"]["seconds"]
        say("a village against the county one map ≤ 1.3 × against the one map of its own area (township): "
            "{:.2f} s against {:.2f} s = {:.2f}×".format(village["verify"]["seconds"], township["verify"]["seconds"],
                                                       ratio), ratio <= 1.3)
    if villages:
        ratio = villages["pool"]["seconds"] / villages["serial"]["seconds"]
        say("verifyfolder, {} villages against the county one map: in a pool of {} processes {:.1f} s against "
            "{:.1f} s in one process = {:.2f}× (goal ≤ 0.6×; CPU {:.1f} s against {:.1f} s; rounds in s, one process "
            "/ pool: {} / {}); peak memory {:.0f} MB a process ({:.0f} MB in one process), same findings: {}".format(
                villages["plans"], villages["pool"]["workers"], villages["pool"]["seconds"],
                villages["serial"]["seconds"], ratio, villages["pool"].get("cpu_seconds", 0.0),
                villages["serial"].get("cpu_seconds", 0.0), ", ".join(map(str, villages["serial"].get("runs", []))),
                ", ".join(map(str, villages["pool"].get("runs", []))), villages["pool"]["peak_mb"],
                villages["serial"]["peak_mb"], "yes" if villages["same"] else "NO"),
            ratio <= 0.6 and villages["same"])
    lines.append("- exact findings at every tier (count and area per rule to 0.01 m²; GEO-06's ellipsoidal "
                 "area to 1e-5 of the planar arithmetic) — **{}**".format(
        "met" if not any(row["problems"] for row in rows) else "NOT met: " + "; ".join(
            p for row in rows for p in row["problems"])))
    return "\n".join(lines)


def breakdown(rows):
    """Where the largest tier's OneMap run spends its time: reading, each rule, writing."""
    row = max(rows, key=lambda r: r["verify"]["seconds"])
    run = row["verify"]
    parts = sorted(run["rule_seconds"].items(), key=lambda item: -item[1])
    phases = run.get("phases", {})
    return ("Seconds in the largest run, {} ({:.1f} s): reading the inputs {:.2f}, the rules {:.2f} ({}), naming and "
            "placing the findings {:.2f}, writing the findings GeoPackage {:.2f}".format(
                row["tier"], run["seconds"], phases.get("read", 0.0), sum(run["rule_seconds"].values()),
                ", ".join("{} {:.2f}".format(k, v) for k, v in parts if v >= 0.05), phases.get("place", 0.0),
                phases.get("write", 0.0)))


def rounds(rows):
    """Every round's seconds, read / by hand / OneMap, for the tiers measured more than once."""
    parts = ["{}: {}".format(row["tier"], " / ".join(", ".join("{:.2f}".format(x) for x in row[k]["runs"])
                                                   for k in ("read", "hand", "verify") if k in row))
             for row in rows if len(row["verify"].get("runs", ())) > 1]
    return "rounds in s, read / by hand / OneMap — " + "; ".join(parts) if parts else "one round"


def measure_villages():
    """The county's villages through verifyfolder's engine, in one process and in the pool."""
    from bench_data import generate
    tier = next(t for t in tiers(False) if t.name == "village 3k vs county 200k")
    plan, onemap, _expected = generate(tier, OUT)
    return run_worker("villages", plan, onemap)


def profile(name):
    """The tier's OneMap run under cProfile; prints the slowest functions and where the profile is."""
    import pstats
    from bench_data import generate
    tier = next(t for t in tiers(False) if t.name == name)
    plan, onemap, _expected = generate(tier, OUT)
    run = run_worker("profile", plan, onemap)
    path = os.path.join(OUT, "profile-{}.prof".format(os.path.splitext(os.path.basename(plan))[0]))
    print("{}: {:.1f} s under cProfile, profile in {}".format(name, run["seconds"], path))
    pstats.Stats(path).sort_stats("cumulative").print_stats(40)


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
    parser.add_argument("--tier", action="append",
                        help="run only the named tier(s), e.g. --tier 200k (--tier villages: the county's villages)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds per tier, the fastest kept (default 3; the 1M-patch tier runs once)")
    parser.add_argument("--saved", action="store_true",
                        help="no run: the table from every tier's last saved run (out/bench/rows/)")
    parser.add_argument("--no-villages", action="store_true", help="skip the county's villages (verifyfolder)")
    parser.add_argument("--profile", metavar="TIER", help="no table: a cProfile of the tier's OneMap run")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "PLAN", "ONEMAP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    if args.profile:
        profile(args.profile)
        return
    if args.saved:
        report(saved_rows(), saved_villages(), args.readme)
        return
    load = os.getloadavg()[0]
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
            row["load"] = (load, os.getloadavg()[0])
            rows.append(row)
            save_row(row)
            print(table([row]).splitlines()[-1], flush=True)
            for problem in row["problems"]:
                print("  NOT EXACT: " + problem, flush=True)
        villages = None
        if not (args.quick or args.no_villages) and (not args.tier or "villages" in args.tier):
            print("the county's villages …", flush=True)
            villages = measure_villages()
            save_row(dict(villages, tier="villages"))
    finally:
        if server is not None:
            server.stop()
    report(rows or saved_rows(), villages, args.readme)      # (--tier villages: with the tiers last measured)


def save_row(row):
    folder = os.path.join(OUT, "rows")
    os.makedirs(folder, exist_ok=True)
    row["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(os.path.join(folder, re.sub(r"\W+", "_", row["tier"]) + ".json"), "w", encoding="utf-8") as handle:
        json.dump(row, handle, ensure_ascii=False)


def saved_villages():
    path = os.path.join(OUT, "rows", "villages.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


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


def report(rows, villages, readme):
    stamps = sorted({row.get("measured", "") for row in rows} - {""})
    stamp = "{} – {}".format(stamps[0], stamps[-1]) if len(stamps) > 1 else \
        (stamps or [time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())])[0]     # (--tier villages, no tier saved)
    loads = [value for row in rows for value in row.get("load", ())]
    load = "; the load average (1 min) was between {:.1f} and {:.1f} at the start and end of each tier".format(
        min(loads), max(loads)) if loads else ""
    text = "{}\n\nMeasured {} on this machine ({} cores, shared with other work{}) by `tools/bench.py` (what " \
           "`make bench` runs). Every tier is turned 15° and has 33 points a ring. Per tier the read, by-hand and " \
           "OneMap runs take turns for several rounds and each cell is the fastest round, since load on this " \
           "shared machine only adds time ({}); the 1M-patch tier, the PostGIS run and the villages are one run " \
           "each. Times are engine seconds (QGIS start-up excluded), peak MB is the process's maximum resident " \
           "set (VmHWM). {}.\n\nGoals (issue 21), from the runs in the table:\n\n{}".format(
               table(rows), stamp, os.cpu_count(), load, rounds(rows), breakdown(rows), goals(rows, villages))
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
