"""Passwords never reach the run record, messages or the log: one mask for every form (issue 10)."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugin.core.errors import OneMapError
from plugin.core.read.postgis import display
from plugin.core.secrets import mask


@pytest.mark.parametrize("text, kept", [
    ("PG:host=h dbname=d user=u password=s3cret", "PG:host=h dbname=d user=u password=***"),
    ("PG:host=h password = s3cret user=u", "PG:host=h password = *** user=u"),              # blanks around '='
    ("PG:host=h password= s3cret", "PG:host=h password= ***"),
    ("dbname='d' password='s3 cr\\'et' sslmode=require", "dbname='d' password=*** sslmode=require"),
    ('PG:password="s3 cret" host=h', "PG:password=*** host=h"),
    ("PG:host=h password='s3cret unterminated", "PG:host=h password=***"),
    ("PASSWORD=s3cret HOST=h", "PASSWORD=*** HOST=h"),
    ("PGPASSWORD=s3cret psql", "PGPASSWORD=*** psql"),
    ("postgresql://u:s3cret@h:5432/d", "postgresql://u:***@h:5432/d"),
    ("postgres://u:s3@cret@h/d?sslmode=require", "postgres://u:***@h/d?sslmode=require"),
    ("postgresql://h/d?user=u&password=s3cret", "postgresql://h/d?user=u&password=***"),
    ("dbname='d' host=h authcfg=abc1234 table=\"s\".\"t\"", "dbname='d' host=h authcfg=abc1234 table=\"s\".\"t\""),
])
def test_every_form_is_masked_and_the_rest_kept(text, kept):
    assert mask(text) == kept
    assert "s3" not in mask(text) or "authcfg" in text


def test_messages_and_records_are_masked():
    error = OneMapError("无法连接 password = s3cret host=h", "cannot connect postgresql://u:s3cret@h/d")
    assert "s3cret" not in str(error) and "s3cret" not in error.zh and "s3cret" not in error.en
    assert display("PG:host=h password = s3cret") == "PG:host=h password = ***"


secret = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="'\"\\"), min_size=1,
                 max_size=20).filter(lambda s: s.strip() and not any(c.isspace() for c in s))


@settings(max_examples=150, deadline=None)
@given(password=secret, blanks=st.sampled_from(["", " ", "  "]), quote=st.sampled_from(["", "'", '"']),
       before=st.sampled_from(["PG:", "host=h ", "dbname='d' "]), after=st.sampled_from(["", " user=u", " port=5432"]))
def test_no_key_value_form_leaks(password, blanks, quote, before, after):
    text = "{}password{}={}{}{}{}{}".format(before, blanks, blanks, quote, password, quote, after)
    assert mask(text) == "{}password{}={}***{}".format(before, blanks, blanks, after)


@settings(max_examples=100, deadline=None)
@given(password=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/ \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0"),
                        min_size=4, max_size=20).filter(lambda text: not any(c.isspace() for c in text)))
def test_no_uri_form_leaks(password):          # a URI ends at any blank (U+1680 too), as the mask reads it
    masked = mask("postgresql://user:{}@server/db".format(password))
    assert masked == "postgresql://user:***@server/db"


def test_a_postgis_plan_is_named_by_its_schema_in_file_and_layer_names():
    from plugin.core.export.report_data import Report
    from plugin.gui.dock import OneMapDock, plan_name
    from plugin.processing.verify_plan import plan_title
    plan = "PG:host=db.example port=5432 dbname=city user=reviewer password=secret schemas=村庄规划 active_schema=村庄规划"
    output = OneMapDock.default_output(plan)
    assert os.path.basename(output) == "村庄规划_核对结果.gpkg" and os.path.dirname(output) == os.path.expanduser("~")
    assert plan_name(plan) == plan_title(plan) == "村庄规划" and plan_name("/data/规划.gpkg") == "规划.gpkg"
    assert plan_title("pgconn:city/yangquan") == "yangquan" and plan_title("PG:dbname=city password=x") == "public"
    assert plan_title("PG:dbname=city active_schema='a/b:c'") == "a_b_c"              # fit for a file name
    assert Report("f.gpkg", {"plan_path": display(plan)}, [], [], []).plan_name == "村庄规划"
    assert OneMapDock.default_output("/data/村/规划.gpkg") == "/data/村/规划_核对结果.gpkg"
