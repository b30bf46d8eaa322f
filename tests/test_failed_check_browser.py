"""A check that ends in an error (or is cancelled) after an earlier one: the findings browser never goes on
showing the earlier plan's findings as if they were the new plan's. It shows the failed check as an entry of its
own — an empty tree and the error —; the earlier results stay one choice away, listed under their plans' names."""
import os

from qgis.core import QgsProject

from conftest import sample
from test_dock import dock, wait_for  # noqa: F401 — the panel fixture and the wait, as the panel's tests have them


def check(dock, plan, output, onemap=None):
    dock.onemap_picker.set_path(onemap or sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(plan)
    dock.output_widget.setFilePath(str(output))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)


def entries(browser):
    combo = browser.results_combo
    return [combo.itemText(i) for i in range(combo.count())]


def test_an_unusable_plan_after_a_good_one_shows_its_error_not_the_earlier_findings(dock, tmp_path):
    first = tmp_path / "first.gpkg"
    check(dock, sample("village_conflicts.gpkg"), first)
    browser = dock.browser
    assert browser.review.path == str(first) and browser.model.rowCount() == 29
    check(dock, sample("township_onemap.gpkg"), tmp_path / "second.gpkg")          # no land-use layer: an error
    assert not (tmp_path / "second.gpkg").exists()
    assert browser.review is None and browser.model.rowCount() == 0                 # nothing of the first plan
    assert entries(browser) == ["village_conflicts.gpkg", "township_onemap.gpkg (check failed)"]
    assert browser.results_combo.isVisibleTo(dock) and browser.results_combo.currentIndex() == 1
    said = browser.summary.text()
    assert said.startswith("The check of township_onemap.gpkg failed; it wrote no findings: ")
    assert "land-use" in said and "Earlier checks can be chosen above" in said
    assert "errors" not in said                                                     # no counts of the first plan
    # the earlier plan's findings, chosen by its name, are shown again as they were
    browser.results_combo.setCurrentIndex(0)
    assert browser.review.path == str(first) and browser.model.rowCount() == 29
    assert browser.summary.text().startswith("11 errors") and browser.summary.styleSheet() == ""
    # another plan checked: shown, the failure stays listed; the same failure again is listed once, last
    check(dock, sample("village_clean.gpkg"), tmp_path / "third.gpkg")
    assert entries(browser) == ["village_conflicts.gpkg", "township_onemap.gpkg (check failed)", "village_clean.gpkg"]
    assert browser.review.path == str(tmp_path / "third.gpkg")
    check(dock, sample("township_onemap.gpkg"), tmp_path / "second.gpkg")
    assert entries(browser) == ["village_conflicts.gpkg", "village_clean.gpkg", "township_onemap.gpkg (check failed)"]


def test_the_same_plan_failing_is_not_shown_with_its_earlier_findings(dock, tmp_path):
    """The plan's findings file from its earlier check stays (nothing was written): it is listed as before, while
    the failed check — here against a one map that cannot be read — is what the browser shows."""
    output = tmp_path / "result.gpkg"
    check(dock, sample("village_conflicts.gpkg"), output)
    before = os.path.getmtime(output)
    check(dock, sample("village_conflicts.gpkg"), output, onemap=str(tmp_path / "missing.gpkg"))
    assert os.path.getmtime(output) == before
    browser = dock.browser
    assert browser.review is None and entries(browser) == ["village_conflicts.gpkg",
                                                           "village_conflicts.gpkg (check failed)"]
    assert "missing.gpkg" in browser.summary.text()
    check(dock, sample("village_conflicts.gpkg"), output)                            # checked again, now it works
    assert entries(browser) == ["village_conflicts.gpkg"] and browser.review.path == str(output)


def test_a_cancelled_check_is_shown_as_cancelled(dock, tmp_path):
    check(dock, sample("village_conflicts.gpkg"), tmp_path / "first.gpkg")
    dock.plan_picker.set_path(sample("village_clean.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "cancelled.gpkg"))
    dock.verify_button.click()
    dock.cancel_button.click()
    wait_for(lambda: dock.task is None)
    browser = dock.browser
    assert browser.review is None and entries(browser)[-1] == "village_clean.gpkg (cancelled)"
    assert browser.summary.text().startswith("The check of village_clean.gpkg was cancelled; it wrote no findings.")


def test_the_first_check_failing_shows_its_error_alone(dock, tmp_path):
    check(dock, sample("township_onemap.gpkg"), tmp_path / "x.gpkg")
    browser = dock.browser
    assert browser.review is None and not browser.results_combo.isVisibleTo(dock)
    assert "failed" in browser.summary.text() and "Earlier checks" not in browser.summary.text()


def test_a_failed_plan_of_a_folder_check_is_listed_without_hiding_the_others(qgis_iface, qgis_new_project, tmp_path):
    from plugin.core.check.engine import verify
    from plugin.gui.findings_view import FindingsBrowser
    path = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    browser = FindingsBrowser(qgis_iface)
    browser.add_result(path, "village_conflicts.gpkg")
    browser.add_failure("broken.gpkg", "no land-use layer", select=False)
    assert browser.review.path == path and entries(browser) == ["village_conflicts.gpkg", "broken.gpkg (check failed)"]
    assert not browser.results_combo.isHidden()
    browser.results_combo.setCurrentIndex(1)
    assert browser.review is None and "no land-use layer" in browser.summary.text()
    browser.deleteLater()
    QgsProject.instance().clear()


def test_the_export_box_follows_the_entry_shown(dock, tmp_path):
    """Desktop walk on QGIS 3.44: after a failed check the export box still offered the last good check
    (可导出：detailed_核对结果.gpkg) while the browser showed the failure. It now exports what is shown, and says
    when the entry shown has nothing to export."""
    first, third = tmp_path / "first.gpkg", tmp_path / "third.gpkg"
    export = dock.export_panel
    check(dock, sample("village_conflicts.gpkg"), first)
    assert export.findings == str(first) and export.report_button.isEnabled()
    assert export.status.text() == "Ready to export: first.gpkg"
    check(dock, sample("township_onemap.gpkg"), tmp_path / "second.gpkg")          # fails
    assert export.findings is None and not export.report_button.isEnabled() and not export.sheets_button.isEnabled()
    assert export.status.text() == "Nothing to export: “township_onemap.gpkg (check failed)” shown above wrote no findings."
    dock.browser.results_combo.setCurrentIndex(0)                                   # the earlier check chosen
    assert export.findings == str(first) and export.report_button.isEnabled()
    assert (export.plan, export.onemap) == (sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    check(dock, sample("village_clean.gpkg"), third)
    assert export.findings == str(third) and export.plan == sample("village_clean.gpkg")
    dock.browser.results_combo.setCurrentIndex(0)
    assert export.findings == str(first) and export.plan == sample("village_conflicts.gpkg")
