"""The rule set in the report's run record: the built-in set by title and version, a user's file by its name —
never the path on the checking machine. PDF (both engines), HTML and XLSX."""
import pytest

from conftest import sample
from export_helpers import pdf_engine, pdf_text, sheet_rows  # noqa: F401 (a fixture)

BUILT_IN = "村庄规划一张图核对默认规则集（内置，版本 2）"


@pytest.fixture(scope="module")
def checked(tmp_path_factory, qgis_app):
    """{'built-in' | 'own': findings path}: the conflicts sample checked with the shipped set and with a copy
    of it saved by a user as my_rules.yaml (id my-rules) in a folder of their own."""
    from plugin.core.check.engine import verify
    from plugin.core.check.ruleset import default_ruleset_path
    folder = tmp_path_factory.mktemp("home_zhanggong")
    own = folder / "my_rules.yaml"
    own.write_text(open(default_ruleset_path("village"), encoding="utf-8").read().replace(
        "id: village-default", "id: my-rules"), encoding="utf-8")
    found = {}
    for name, ruleset in (("built-in", None), ("own", str(own))):
        path = str(folder / "{}.gpkg".format(name))
        verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), ruleset=ruleset, output=path)
        found[name] = path
    return found


def _texts(findings, folder):
    """The report's text as PDF, HTML and XLSX (its 结论与记录 sheet) say it."""
    from plugin.core.export.report import export_report
    texts = {}
    for extension in ("pdf", "html", "xlsx"):
        output = str(folder / "report.{}".format(extension))
        export_report(findings, output)
        texts[extension] = (pdf_text(output) if extension == "pdf" else open(output, encoding="utf-8").read()
                            if extension == "html" else
                            "\n".join("{}：{}".format(r["项目"], r["内容"]) for r in sheet_rows(output, "结论与记录")))
    return texts


def test_the_built_in_rule_set_by_title_and_version(checked, tmp_path, pdf_engine):
    for extension, text in _texts(checked["built-in"], tmp_path).items():
        compact = "".join(text.split())
        assert "".join(BUILT_IN.split()) in compact, extension
        assert "rulesets" not in text and "village.yaml" not in text, extension


def test_a_users_rule_file_by_its_name_and_hash(checked, tmp_path, pdf_engine):
    from plugin.core.review.readback import read
    sha256 = read(checked["own"]).run["ruleset_sha256"]
    for extension, text in _texts(checked["own"], tmp_path).items():
        compact = "".join(text.split())
        assert "my-rules（规则文件my_rules.yaml）" in compact and sha256 in compact, extension
        assert "home_zhanggong" not in text.replace(checked["own"], ""), extension      # the folder it lay in
        assert "内置" not in compact, extension
