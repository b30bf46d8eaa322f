"""The 2023 用地用海 code list and the 规划分区 list as shipped in plugin/data/codes."""
from plugin.core.read.codes import code_list, in_classes, normalize_code


def test_code_list_has_levels_and_lineage():
    ydyh = code_list("ydyh")
    assert ydyh.version == "2023-11"
    assert ydyh.name("070101") == "一类城镇住宅用地"
    assert ydyh.lineage("070101") == ["070101", "0701", "07"]
    assert ydyh.lineage("1207") == ["1207", "12"]
    assert "2005" in ydyh and ydyh.name("2005") == "其他交通运输用海"
    assert "0799" not in ydyh
    assert len([c for c in ydyh.names if len(c) == 2]) == 24


def test_2020_names_are_aliases():
    ydyh = code_list("ydyh")
    assert ydyh.code_for_name("村庄内部道路用地") == ("1207", True)         # CCTool's old->new table
    assert ydyh.is_2020_name_for("干渠", "1311") and ydyh.is_2020_name_for("干渠", "1705")   # disputed
    assert ydyh.code_for_name("村道用地") == ("060101", False)
    assert ydyh.code_for_name("不存在") == (None, False)


def test_codes_normalised_and_matched_by_prefix():
    assert normalize_code(101) == "0101"
    assert normalize_code(" 0703 ") == "0703"
    assert in_classes("070301", ["0703", "0704"])
    assert not in_classes("0701", ["0703"])


def test_planning_zones_are_provisional():
    ghfq = code_list("ghfq")
    assert ghfq.name("0401") == "城镇集中建设区"
    assert ghfq.lineage("0401") == ["0401", "04"]
