"""A rule set's text is parsed once a process (a folder's villages share it); each reader gets data of
its own, and a file that changed is parsed again."""
import pytest

from plugin.core import yamlfile


def test_the_same_text_is_parsed_once_and_each_reader_has_its_own_data(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "_PARSED", {})
    parses = []
    parse = yamlfile._parse
    monkeypatch.setattr(yamlfile, "_parse", lambda path, text: parses.append(path) or parse(path, text))
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: CL-01\n    codes: [0701]\n", encoding="utf-8")
    first, second = yamlfile.Marked(str(path)), yamlfile.Marked(str(path))
    assert len(parses) == 1
    assert first.data == second.data == {"rules": [{"id": "CL-01", "codes": [449]}]}
    assert second.written == {("rules", 0, "codes", 0): "0701"} and second.lines[("rules", 0)] == 2
    first.data["rules"][0]["id"] = "changed"
    assert yamlfile.Marked(str(path)).data["rules"][0]["id"] == "CL-01"
    path.write_text("rules: []\n", encoding="utf-8")
    assert yamlfile.Marked(str(path)).data == {"rules": []} and len(parses) == 2


def test_a_text_that_fails_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "_PARSED", {})
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(yamlfile.OneMapError, match="第 2 行"):
            yamlfile.Marked(str(path))
    assert yamlfile._PARSED == {}


@pytest.mark.skipif(yamlfile.FAST_LOADER is None, reason="PyYAML without libyaml")
def test_libyaml_reads_every_shipped_file_as_the_python_loader_does(monkeypatch):
    import glob
    import os
    root = os.path.join(os.path.dirname(__file__), "..", "plugin", "data")
    files = glob.glob(os.path.join(root, "**", "*.yaml"), recursive=True)
    assert len(files) >= 5
    for path in files:
        monkeypatch.setattr(yamlfile, "_PARSED", {})
        fast = yamlfile.Marked(path)
        monkeypatch.setattr(yamlfile, "_PARSED", {})
        monkeypatch.setattr(yamlfile, "FAST_LOADER", None)
        slow = yamlfile.Marked(path)
        monkeypatch.undo()
        assert (fast.data, fast.lines, fast.written) == (slow.data, slow.lines, slow.written), path
