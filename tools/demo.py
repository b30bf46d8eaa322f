#!/usr/bin/env python3
"""`make demo`: verify the sample village plans against the sample township one map.

Writes one findings GeoPackage per plan under the output folder (default out/demo) and prints
the paths and a summary; for the plan with conflicts also what is handed in: report.pdf,
report.html, report.xlsx and the map sheets (PDF and PNG); for the plan in the real database
structure (village_realdb, two .gdb) its reports village_realdb_report.* and its map sheets in
village_realdb_图件/; the sample detailed plan (控规) against its one map, its reports
detailed_plan_report.* and sheets (土地使用规划图, 图则) in detailed_plan_图件/. The sample geometry is invented.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from qgis.core import QgsApplication  # noqa: E402


def main(out_dir):
    app = QgsApplication([], False)
    app.initQgis()
    from plugin.core.check.engine import verify
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    from plugin.core.export.report import export_report
    sample = os.path.join(ROOT, "resources", "sample")
    onemap = os.path.join(sample, "township_onemap.gpkg")
    os.makedirs(out_dir, exist_ok=True)
    status = 0
    # (plan, its path, the name of its reports or None); village_realdb is the real database structure
    detailed_onemap = os.path.join(sample, "detailed_onemap.gpkg")
    for plan, path, report in (("village_conflicts", "village_conflicts.gpkg", "report"),
                               ("village_clean", "village_clean.gpkg", None),
                               ("village_realdb", "village_realdb", "village_realdb_report"),
                               ("detailed_plan", "detailed_plan.gpkg", "detailed_plan_report")):
        output = os.path.join(out_dir, "{}_findings.gpkg".format(plan))
        against = detailed_onemap if plan == "detailed_plan" else onemap
        try:
            result = verify(os.path.join(sample, path), against, output=output)
        except OneMapError as exc:
            print("error:", exc, file=sys.stderr)
            status = 1
            continue
        print("{}: {} errors, {} warnings, {} notes -> {}".format(
            plan, result.counts["error"], result.counts["warning"], result.counts["info"], os.path.abspath(output)))
        for outcome in result.outcomes:
            print("  {:8} {:15} {}{}".format(outcome["rule_id"], outcome["status"], outcome["title"],
                                             " — " + outcome["reason"] if outcome["reason"] else ""))
        if report:
            try:
                for extension in ("pdf", "html", "xlsx"):
                    target = os.path.join(out_dir, "{}.{}".format(report, extension))
                    export_report(output, target)
                    print("report:", os.path.abspath(target))
            except OneMapError as exc:
                print("error:", exc, file=sys.stderr)
                status = 1
        if plan != "village_clean":            # other plans' sheets in a folder of their own
            sheets = out_dir if plan == "village_conflicts" else os.path.join(out_dir, plan + "_图件")
            try:
                for sheet in export_mapsheets(os.path.join(sample, path), against, sheets, output,
                                              compiler="OneMap 示例（虚构数据）"):
                    print("map sheet:", ", ".join(os.path.abspath(path) for path in sheet.files))
            except OneMapError as exc:
                print("error:", exc, file=sys.stderr)
                status = 1
    app.exitQgis()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "out", "demo")))
